// SPDX-License-Identifier: Apache-2.0
// Ternary table: DEPTH priority-ordered value/mask slots compared in parallel, a pipelined
// priority encoder (lowest slot number wins), and the action memory indexed by the winning slot.
//
// Priority is the slot order: slot 0 wins over slot 1 and so on. The runtime
// (runtime/tables/ternary.cpp) keeps entries sorted by P4 priority (larger wins; equal
// priorities in insertion order, as the reference model) and moves entries hitlessly: the copy
// is written to its new slot before the old slot is overwritten. Range keys are expanded into
// value/mask slots by the runtime (one slot per prefix of the range; see ternary.hpp).
//
// Slots (valid, value, mask) are flops, compared as ((key ^ value) & mask) == 0. The action
// memory (block RAM, {action[ACTION_W], params[PARAM_W]} per slot) is written LEVELS+1 cycles
// after the slot, exactly the distance between the compare and the action read in the pipeline,
// so a lookup sees either the old slot and its old action or the new slot and its new action.
//
// Lookup pipeline, LATENCY = 3 + LEVELS with LEVELS = ceil(log_RADIX(DEPTH)): compare ->
// register; LEVELS priority-encoder stages (RADIX:1 each); action memory read; default mux ->
// result register.
//
// CSR map (32-bit words; byte address = BASE + 4 * word; span = the power of two >= 4 * (8 +
// PW + 2 * KW) bytes, BASE a multiple of it):
//   0  COMMIT   W  [31:30] op, [29:0] slot:
//                    op 0: staging -> slot (valid, value, mask now; action LEVELS+1 cycles later)
//                    op 1: staging action/params -> default action registers
//                    op 2: slot -> staging (read-back; ready LEVELS+3 cycles later)
//                    op 3: default action registers -> staging
//   1  INFO     R  [31:24] kind = 3 (ternary), [23] 0, [22:0] DEPTH
//   2  HIT_LO   R  hit counter [31:0]; reading it latches [63:32] for HIT_HI. W: clear.
//   3  HIT_HI   R  hit counter [63:32] as latched by the last HIT_LO / MISS_LO read
//   4  MISS_LO  R  miss counter [31:0], latches [63:32]. W: clear.
//   5  MISS_HI  R  latched miss counter [63:32]
//   6  STG_CTRL RW bit 0: valid
//   7  STG_ACTION RW action id [ACTION_W-1:0]
//   8 ..            STG_PARAM, PW = ceil(PARAM_W/32) words, word i = params[32i+31:32i]
//   8+PW ..         STG_KEY (value), KW = ceil(KEY_W/32) words, word i = value[32i+31:32i]
//   8+PW+KW ..      STG_MASK, KW words, word i = mask[32i+31:32i] (1 = bit compared)
`default_nettype none

module hop_table_ternary #(
    parameter int KEY_W = 32,
    parameter int ACTION_W = 4,
    parameter int PARAM_W = 32,
    parameter int DEPTH = 64,  // slots, 2..4096
    parameter logic [31:0] BASE = 32'h0,
    parameter int DEFAULT_ACTION = 0,  // default action id until the runtime writes one
    parameter int RADIX = 8,  // priority-encoder fan-in per pipeline stage, a power of two
    parameter int LATENCY = 3 + ($clog2(DEPTH) + $clog2(RADIX) - 1) / $clog2(RADIX)
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
    // Nodes of encoder level l (level 0: the DEPTH match bits). Written in the Verilog-2005
    // function style (no `return`) for Yosys.
    function automatic int lvl_n(input int l);
        int n;
        n = DEPTH;
        for (int i = 0; i < l; i++) n = (n + RADIX - 1) / RADIX;
        lvl_n = n;
    endfunction
    function automatic int num_levels(input int depth);
        int n, l;
        n = depth;
        l = 0;
        for (int i = 0; i < 32; i++) begin
            if (n > 1) begin
                n = (n + RADIX - 1) / RADIX;
                l = l + 1;
            end
        end
        num_levels = l;
    endfunction
    // Offset of level l in the valid vector (levels 0..LEVELS) and index vector (1..LEVELS).
    function automatic int off_v(input int l);
        int o;
        o = 0;
        for (int i = 0; i < l; i++) o = o + lvl_n(i);
        off_v = o;
    endfunction
    function automatic int off_i(input int l);
        int o;
        o = 0;
        for (int i = 1; i < l; i++) o = o + lvl_n(i);
        off_i = o;
    endfunction

    localparam int LEVELS = num_levels(DEPTH);
    localparam int MY_LATENCY = 3 + LEVELS;
    localparam int NV = off_v(LEVELS + 1);
    localparam int NI = off_i(LEVELS + 1);
    localparam int IDX_W = $clog2(DEPTH);
    localparam int SEL_W = $clog2(DEPTH * KEY_W);
    localparam int AD_W = ACTION_W + PARAM_W;
    localparam int DL = LEVELS + 1;  // action-memory write delay
    localparam int PW = (PARAM_W + 31) / 32;
    localparam int KW = (KEY_W + 31) / 32;
    localparam int NSTG = 2 + PW + 2 * KW;
    localparam int NWORDS = 6 + NSTG;
    localparam int SPAN_LOG2 = $clog2(NWORDS * 4);
    localparam int ACTION_OFF = 32;  // bit offsets of the fields in the staging vector
    localparam int PARAM_OFF = 64;
    localparam int KEY_OFF = 64 + 32 * PW;
    localparam int MASK_OFF = KEY_OFF + 32 * KW;
    localparam int W_COMMIT = 0, W_HIT_LO = 2, W_MISS_LO = 4, W_STG = 6;
    localparam logic [1:0] OP_WRITE = 2'd0, OP_SET_DEFAULT = 2'd1, OP_READ = 2'd2;
    localparam logic [1:0] OP_READ_DEFAULT = 2'd3;

    initial begin
        if (KEY_W < 1) $fatal(1, "%m: KEY_W must be at least 1");
        if (ACTION_W < 1 || ACTION_W > 32) $fatal(1, "%m: ACTION_W must be 1..32");
        if (PARAM_W < 1) $fatal(1, "%m: PARAM_W must be at least 1");
        if (DEPTH < 2 || DEPTH > 4096) $fatal(1, "%m: DEPTH must be 2..4096");
        if (RADIX < 2 || (RADIX & (RADIX - 1)) != 0) $fatal(1, "%m: RADIX must be a power of two");
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
    wire [IDX_W-1:0] commit_idx = csr_wdata[IDX_W-1:0];

    // --- slots -----------------------------------------------------------------------------
    logic [DEPTH-1:0] slot_valid_q;
    logic [DEPTH*KEY_W-1:0] slot_value_q, slot_mask_q;
    logic [32*NSTG-1:0] stg_q, stg_d;

    wire slot_we = commit && commit_op == OP_WRITE;

    // --- compare and priority encoder ------------------------------------------------------
    logic [NV-1:0] enc_v_q, enc_v_d;
    logic [NI*IDX_W-1:0] enc_i_q, enc_i_d;

    // Slots in groups of 64 (Verilator unrolls at most ~2048 iterations of one generate loop).
    for (genvar grp = 0; grp < (DEPTH + 63) / 64; grp++) begin : gen_group
        for (genvar j = 0; j < 64; j++) begin : gen_slot
            if (grp * 64 + j < DEPTH) begin : gen_present
                localparam int S = grp * 64 + j;
                wire we = slot_we && commit_idx == IDX_W'(S);
                always_ff @(posedge clk) begin
                    if (we) begin
                        slot_value_q[S*KEY_W+:KEY_W] <= stg_q[KEY_OFF+:KEY_W];
                        slot_mask_q[S*KEY_W+:KEY_W] <= stg_q[MASK_OFF+:KEY_W];
                    end
                    if (rst) slot_valid_q[S] <= 1'b0;
                    else if (we) slot_valid_q[S] <= stg_q[0];
                end
                assign enc_v_d[S] = slot_valid_q[S] &&
                    ((lookup_key ^ slot_value_q[S*KEY_W+:KEY_W]) & slot_mask_q[S*KEY_W+:KEY_W])
                    == '0;
            end
        end
    end

    for (genvar l = 1; l <= LEVELS; l++) begin : gen_level
        for (genvar n = 0; n < lvl_n(l); n++) begin : gen_node
            logic [RADIX-1:0] cv;
            logic [RADIX*IDX_W-1:0] ci;
            logic v;
            logic [IDX_W-1:0] i;
            for (genvar c = 0; c < RADIX; c++) begin : gen_child
                if (n * RADIX + c < lvl_n(l - 1)) begin : gen_present
                    assign cv[c] = enc_v_q[off_v(l-1)+n*RADIX+c];
                    if (l == 1) begin : gen_leaf
                        assign ci[c*IDX_W+:IDX_W] = IDX_W'(n * RADIX + c);
                    end else begin : gen_inner
                        assign ci[c*IDX_W+:IDX_W] = enc_i_q[(off_i(l-1)+n*RADIX+c)*IDX_W+:IDX_W];
                    end
                end else begin : gen_absent
                    assign cv[c] = 1'b0;
                    assign ci[c*IDX_W+:IDX_W] = '0;
                end
            end
            always_comb begin
                v = 1'b0;
                i = '0;
                for (int c = RADIX - 1; c >= 0; c--) begin
                    if (cv[c]) begin
                        v = 1'b1;
                        i = ci[c*IDX_W+:IDX_W];
                    end
                end
            end
            assign enc_v_d[off_v(l)+n] = v;
            assign enc_i_d[(off_i(l)+n)*IDX_W+:IDX_W] = i;
        end
    end

    always_ff @(posedge clk) begin
        enc_v_q <= enc_v_d;
        enc_i_q <= enc_i_d;
    end

    wire top_hit = enc_v_q[NV-1];
    wire [IDX_W-1:0] top_idx = enc_i_q[(NI-1)*IDX_W+:IDX_W];

    // --- action memory, written DL cycles after the slot ------------------------------------
    logic [DL-1:0] dl_we_q, dl_re_q;
    logic [DL*IDX_W-1:0] dl_idx_q;
    logic [DL*AD_W-1:0] dl_data_q;
    wire [IDX_W-1:0] pb_idx = dl_idx_q[(DL-1)*IDX_W+:IDX_W];

    always_ff @(posedge clk) begin
        dl_idx_q <= {dl_idx_q[(DL-1)*IDX_W-1:0], commit_idx};
        dl_data_q <= {
            dl_data_q[(DL-1)*AD_W-1:0], stg_q[ACTION_OFF+:ACTION_W], stg_q[PARAM_OFF+:PARAM_W]
        };
        if (rst) begin
            dl_we_q <= '0;
            dl_re_q <= '0;
        end else begin
            dl_we_q <= {dl_we_q[DL-2:0], commit && commit_op == OP_WRITE};
            dl_re_q <= {dl_re_q[DL-2:0], commit && commit_op == OP_READ};
        end
    end

    logic [AD_W-1:0] amem[DEPTH];
    logic [AD_W-1:0] am_a_q, am_b_q;
    always_ff @(posedge clk) begin
        am_a_q <= amem[top_idx];
        am_b_q <= amem[pb_idx];
        if (dl_we_q[DL-1]) amem[pb_idx] <= dl_data_q[(DL-1)*AD_W+:AD_W];
    end

    // --- result ----------------------------------------------------------------------------
    logic [LATENCY-1:0] vld_q;
    logic am_hit_q, res_hit_q;
    logic [ACTION_W-1:0] def_action_q, def_action_d, res_action_q;
    logic [PARAM_W-1:0] def_params_q, def_params_d, res_data_q;

    always_ff @(posedge clk) begin
        am_hit_q <= top_hit;
        res_hit_q <= am_hit_q;
        res_action_q <= am_hit_q ? am_a_q[PARAM_W+:ACTION_W] : def_action_q;
        res_data_q <= am_hit_q ? am_a_q[PARAM_W-1:0] : def_params_q;
        if (rst) vld_q <= '0;
        else vld_q <= {vld_q[LATENCY-2:0], lookup_valid};
    end

    assign result_valid = vld_q[LATENCY-1];
    assign result_hit = res_hit_q;
    assign result_action = res_action_q;
    assign result_data = res_data_q;

    // --- CSR side --------------------------------------------------------------------------
    logic [63:0] hit_cnt_q, hit_cnt_d, miss_cnt_q, miss_cnt_d;
    logic [31:0] snap_q, snap_d, rdata_q, rdata_d;
    logic rb_q;
    logic [IDX_W-1:0] rb_idx_q;
    wire counted = vld_q[LATENCY-2];
    wire [SEL_W-1:0] rb_bit = SEL_W'(rb_idx_q) * SEL_W'(KEY_W);
    wire [31:0] info = {8'd3, 1'b0, 23'(DEPTH)};
    wire [32*NWORDS-1:0] rd_words = {
        stg_q, snap_q, miss_cnt_q[31:0], snap_q, hit_cnt_q[31:0], info, 32'h0
    };

    always_comb begin
        stg_d = stg_q;
        def_action_d = def_action_q;
        def_params_d = def_params_q;
        hit_cnt_d = hit_cnt_q + 64'(counted && am_hit_q);
        miss_cnt_d = miss_cnt_q + 64'(counted && !am_hit_q);
        snap_d = snap_q;
        rdata_d = '0;

        if (rb_q) begin
            stg_d = '0;
            stg_d[0] = slot_valid_q[rb_idx_q];
            stg_d[KEY_OFF+:KEY_W] = slot_value_q[rb_bit+:KEY_W];
            stg_d[MASK_OFF+:KEY_W] = slot_mask_q[rb_bit+:KEY_W];
            stg_d[ACTION_OFF+:ACTION_W] = am_b_q[PARAM_W+:ACTION_W];
            stg_d[PARAM_OFF+:PARAM_W] = am_b_q[PARAM_W-1:0];
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
                OP_READ_DEFAULT: begin
                    stg_d = '0;
                    stg_d[ACTION_OFF+:ACTION_W] = def_action_q;
                    stg_d[PARAM_OFF+:PARAM_W] = def_params_q;
                end
                default: ;  // OP_WRITE, OP_READ go through the delay line
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
        rb_idx_q <= pb_idx;
        if (rst) begin
            def_action_q <= ACTION_W'(DEFAULT_ACTION);
            def_params_q <= '0;
            hit_cnt_q <= '0;
            miss_cnt_q <= '0;
            rdata_q <= '0;
            rb_q <= 1'b0;
        end else begin
            def_action_q <= def_action_d;
            def_params_q <= def_params_d;
            hit_cnt_q <= hit_cnt_d;
            miss_cnt_q <= miss_cnt_d;
            rdata_q <= rdata_d;
            rb_q <= dl_re_q[DL-1];
        end
    end

    assign csr_rdata = rdata_q;
endmodule

`resetall
