// SPDX-License-Identifier: Apache-2.0
// Direct-indexed exact-match table for narrow keys (KEY_W <= 16): the key is the block RAM
// address, so every key has its own entry and no placement is needed.
//
// Memory: DEPTH = 2^KEY_W entries of {valid, action[ACTION_W], params[PARAM_W]}.
// Lookup pipeline, LATENCY = 2: block RAM read addressed by the key; valid check and default
// mux -> result register. On a miss result_action/result_data are the default registers.
//
// After reset an init walk writes every entry invalid (DEPTH cycles, INFO.busy = 1); lookups
// miss meanwhile and COMMITs are ignored, so the runtime waits for busy = 0.
//
// CSR map (32-bit words; byte address = BASE + 4 * word; span = the power of two >= 4 * (8 +
// PW) bytes, BASE a multiple of it). The same
// layout as hop_table_exact without the key words (the entry index is the key):
//   0  COMMIT   W  [31:30] op, [29:0] entry index (= key):
//                    op 0: staging -> entry[index]   (the whole entry in one cycle)
//                    op 1: staging action/params -> default action registers
//                    op 2: entry[index] -> staging   (read-back; ready two cycles later)
//                    op 3: default action registers -> staging
//   1  INFO     R  [31:24] kind = 2 (direct), [23] busy (init walk), [22:0] DEPTH
//   2  HIT_LO   R  hit counter [31:0]; reading it latches [63:32] for HIT_HI. W: clear.
//   3  HIT_HI   R  hit counter [63:32] as latched by the last HIT_LO / MISS_LO read
//   4  MISS_LO  R  miss counter [31:0], latches [63:32]. W: clear.
//   5  MISS_HI  R  latched miss counter [63:32]
//   6  STG_CTRL RW bit 0: valid
//   7  STG_ACTION RW action id [ACTION_W-1:0]
//   8 ..            STG_PARAM, PW = ceil(PARAM_W/32) words, word i = params[32i+31:32i]
`default_nettype none

module hop_table_direct #(
    parameter int KEY_W = 8,
    parameter int ACTION_W = 4,
    parameter int PARAM_W = 32,
    parameter int DEPTH = 1 << KEY_W,
    parameter logic [31:0] BASE = 32'h0,
    parameter int DEFAULT_ACTION = 0,  // default action id until the runtime writes one
    parameter int LATENCY = 2
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 lookup_valid,
    input  wire  [   KEY_W-1:0] lookup_key,
    output logic                result_valid,
    output logic                result_hit,
    output logic [ACTION_W-1:0] result_action,
    output logic [ PARAM_W-1:0] result_data,
    input  wire                 csr_wr,
    input  wire                 csr_rd,
    input  wire  [        31:0] csr_addr,
    input  wire  [        31:0] csr_wdata,
    output logic [        31:0] csr_rdata
);
    localparam int PW = (PARAM_W + 31) / 32;
    localparam int NSTG = 2 + PW;
    localparam int NWORDS = 6 + NSTG;
    localparam int SPAN_LOG2 = $clog2(NWORDS * 4);
    localparam int ENTRY_W = 1 + ACTION_W + PARAM_W;
    localparam int ACTION_OFF = 32;  // bit offsets of the fields in the staging vector
    localparam int PARAM_OFF = 64;
    localparam int W_COMMIT = 0, W_HIT_LO = 2, W_MISS_LO = 4, W_STG = 6;
    localparam logic [1:0] OP_WRITE = 2'd0, OP_SET_DEFAULT = 2'd1, OP_READ = 2'd2;
    localparam logic [1:0] OP_READ_DEFAULT = 2'd3;
    localparam int MY_LATENCY = 2;

    initial begin
        if (KEY_W < 1 || KEY_W > 16) $fatal(1, "%m: KEY_W must be 1..16 (use hop_table_exact)");
        if (DEPTH != (1 << KEY_W)) $fatal(1, "%m: DEPTH must be 2^KEY_W");
        if (ACTION_W < 1 || ACTION_W > 32) $fatal(1, "%m: ACTION_W must be 1..32");
        if (PARAM_W < 1) $fatal(1, "%m: PARAM_W must be at least 1");
        if ((BASE & ((1 << SPAN_LOG2) - 1)) != 0) $fatal(1, "%m: BASE must be aligned to the span");
        if (DEFAULT_ACTION < 0 || DEFAULT_ACTION >= (1 << ACTION_W))
            $fatal(1, "%m: DEFAULT_ACTION does not fit ACTION_W");
        if (LATENCY != MY_LATENCY) $fatal(1, "%m: LATENCY must be %0d", MY_LATENCY);
    end

    // --- CSR decode ------------------------------------------------------------------------
    wire csr_sel = csr_addr[31:SPAN_LOG2] == BASE[31:SPAN_LOG2];
    wire [31:0] csr_word = 32'(csr_addr[SPAN_LOG2-1:2]);
    logic unused_csr;
    assign unused_csr = ^csr_addr[1:0];
    wire wr = csr_wr && csr_sel;
    wire rd = csr_rd && csr_sel;
    wire [1:0] commit_op = csr_wdata[31:30];
    wire commit = wr && csr_word == W_COMMIT;
    wire [KEY_W-1:0] commit_idx = csr_wdata[KEY_W-1:0];

    // --- state -----------------------------------------------------------------------------
    logic [32*NSTG-1:0] stg_q, stg_d;
    logic [ACTION_W-1:0] def_action_q, def_action_d;
    logic [PARAM_W-1:0] def_params_q, def_params_d;
    logic [63:0] hit_cnt_q, hit_cnt_d, miss_cnt_q, miss_cnt_d;
    logic [31:0] snap_q, snap_d, rdata_q, rdata_d;
    logic init_q, init_d;
    logic [KEY_W-1:0] init_idx_q, init_idx_d;
    logic rb_q, rb_d;

    // Port B: init walk, commit write, read-back.
    logic pb_we;
    logic [KEY_W-1:0] pb_idx;
    logic [ENTRY_W-1:0] pb_wdata;
    always_comb begin
        pb_we = 1'b0;
        pb_idx = commit_idx;
        pb_wdata = {stg_q[0], stg_q[ACTION_OFF+:ACTION_W], stg_q[PARAM_OFF+:PARAM_W]};
        if (init_q) begin
            pb_we = 1'b1;
            pb_idx = init_idx_q;
            pb_wdata = '0;
        end else if (commit && commit_op == OP_WRITE) begin
            pb_we = 1'b1;
        end
    end

    logic [ENTRY_W-1:0] mem[DEPTH];
    logic [ENTRY_W-1:0] rd_a_q, rd_b_q;
    always_ff @(posedge clk) begin
        rd_a_q <= mem[lookup_key];
        rd_b_q <= mem[pb_idx];
        if (pb_we) mem[pb_idx] <= pb_wdata;
    end

    // --- lookup pipeline -------------------------------------------------------------------
    logic s1_valid_q, s1_busy_q, res_valid_q, res_hit_q;
    logic [ACTION_W-1:0] res_action_q;
    logic [PARAM_W-1:0] res_data_q;
    wire hit = rd_a_q[ENTRY_W-1] && !s1_busy_q;

    always_ff @(posedge clk) begin
        res_hit_q <= hit;
        res_action_q <= hit ? rd_a_q[PARAM_W+:ACTION_W] : def_action_q;
        res_data_q <= hit ? rd_a_q[PARAM_W-1:0] : def_params_q;
        if (rst) begin
            s1_valid_q <= 1'b0;
            s1_busy_q <= 1'b1;
            res_valid_q <= 1'b0;
        end else begin
            s1_valid_q <= lookup_valid;
            s1_busy_q <= init_q;
            res_valid_q <= s1_valid_q;
        end
    end

    assign result_valid = res_valid_q;
    assign result_hit = res_hit_q;
    assign result_action = res_action_q;
    assign result_data = res_data_q;

    // --- CSR side --------------------------------------------------------------------------
    wire [31:0] info = {8'd2, init_q, 23'(DEPTH)};
    wire [32*NWORDS-1:0] rd_words = {
        stg_q, snap_q, miss_cnt_q[31:0], snap_q, hit_cnt_q[31:0], info, 32'h0
    };

    always_comb begin
        stg_d = stg_q;
        def_action_d = def_action_q;
        def_params_d = def_params_q;
        hit_cnt_d = hit_cnt_q + 64'(s1_valid_q && hit);
        miss_cnt_d = miss_cnt_q + 64'(s1_valid_q && !hit);
        snap_d = snap_q;
        rdata_d = '0;
        init_d = init_q;
        init_idx_d = init_idx_q;
        rb_d = 1'b0;

        if (init_q) begin
            init_idx_d = init_idx_q + 1'b1;
            if (init_idx_q == KEY_W'(DEPTH - 1)) init_d = 1'b0;
        end
        if (rb_q) begin
            stg_d = '0;
            stg_d[0] = rd_b_q[ENTRY_W-1];
            stg_d[ACTION_OFF+:ACTION_W] = rd_b_q[PARAM_W+:ACTION_W];
            stg_d[PARAM_OFF+:PARAM_W] = rd_b_q[PARAM_W-1:0];
        end
        if (wr) begin
            for (int w = 0; w < NSTG; w++) begin
                if (csr_word == W_STG + w) stg_d[32*w+:32] = csr_wdata;
            end
            if (csr_word == W_HIT_LO) hit_cnt_d = '0;
            if (csr_word == W_MISS_LO) miss_cnt_d = '0;
        end
        if (commit) begin
            case (commit_op)
                OP_SET_DEFAULT: begin
                    def_action_d = stg_q[ACTION_OFF+:ACTION_W];
                    def_params_d = stg_q[PARAM_OFF+:PARAM_W];
                end
                OP_READ: rb_d = !init_q;
                OP_READ_DEFAULT: begin
                    stg_d = '0;
                    stg_d[ACTION_OFF+:ACTION_W] = def_action_q;
                    stg_d[PARAM_OFF+:PARAM_W] = def_params_q;
                end
                default: ;  // OP_WRITE goes through port B
            endcase
        end
        if (rd) begin
            for (int w = 0; w < NWORDS; w++) begin
                if (csr_word == w) rdata_d = rd_words[32*w+:32];
            end
            if (csr_word == W_HIT_LO) snap_d = hit_cnt_q[63:32];
            if (csr_word == W_MISS_LO) snap_d = miss_cnt_q[63:32];
        end
    end

    always_ff @(posedge clk) begin
        stg_q <= stg_d;
        snap_q <= snap_d;
        init_idx_q <= init_idx_d;
        if (rst) begin
            def_action_q <= ACTION_W'(DEFAULT_ACTION);
            def_params_q <= '0;
            hit_cnt_q <= '0;
            miss_cnt_q <= '0;
            rdata_q <= '0;
            init_q <= 1'b1;
            init_idx_q <= '0;
            rb_q <= 1'b0;
        end else begin
            def_action_q <= def_action_d;
            def_params_q <= def_params_d;
            hit_cnt_q <= hit_cnt_d;
            miss_cnt_q <= miss_cnt_d;
            rdata_q <= rdata_d;
            init_q <= init_d;
            rb_q <= rb_d;
        end
    end

    assign csr_rdata = rdata_q;
endmodule

`resetall
