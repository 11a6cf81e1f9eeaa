// SPDX-License-Identifier: Apache-2.0
// Exact-match table: a 2-way cuckoo hash table in block RAM; software places the entries, the
// hardware only looks up (both ways in parallel, one lookup per clock, never stalls).
//
// Memory: two ways of BUCKETS = DEPTH / (2 * SLOTS) buckets of SLOTS entries; every (way, slot)
// pair is its own block RAM of BUCKETS words {valid, key[KEY_W], action[ACTION_W],
// params[PARAM_W]}, so one entry is written in one cycle and a lookup reads all 2 * SLOTS
// candidates at once. Way 0 is indexed by hop_hash with CRC-32 (0x04C11DB7), way 1 by CRC-32C
// (0x1EDC6F41), each folded to log2(BUCKETS) bits (see hop_hash.sv; runtime/tables/hash.cpp
// computes the same). Buckets of SLOTS = 4 let cuckoo placement fill ~98% of DEPTH before it
// reports "full" (measured: SLOTS = 2 ~90%, SLOTS = 1 ~52%; tests/tables/exact_test.cpp). A key lives in one slot of one of its two buckets
// (briefly in two while the runtime moves it: the same answer either way; the lowest
// way/slot wins). Entry index used by COMMIT: (way * SLOTS + slot) * BUCKETS + bucket.
//
// Lookup pipeline, LATENCY = 3: hash -> register; block RAM read; compare 2 * SLOTS keys ->
// result register. On a miss result_action/result_data are the default action registers.
//
// After reset an init walk writes every entry invalid (BUCKETS cycles, INFO.busy = 1); lookups
// miss meanwhile and COMMITs are ignored, so the runtime waits for busy = 0.
//
// CSR map (32-bit words; byte address = BASE + 4 * word; span = the power of two >= 4 * (8 +
// PW + KW) bytes, BASE a multiple of it):
//   0  COMMIT   W  [31:30] op, [29:0] entry index ((way * SLOTS + slot) * BUCKETS + bucket):
//                    op 0: staging -> entry[index]   (the whole entry in one cycle)
//                    op 1: staging action/params -> default action registers
//                    op 2: entry[index] -> staging   (read-back; ready two cycles later)
//                    op 3: default action registers -> staging
//   1  INFO     R  [31:24] kind = 1 (exact), [23] busy (init walk), [22:0] DEPTH
//   2  HIT_LO   R  hit counter [31:0]; reading it latches [63:32] for HIT_HI. W: clear.
//   3  HIT_HI   R  hit counter [63:32] as latched by the last HIT_LO / MISS_LO read
//   4  MISS_LO  R  miss counter [31:0], latches [63:32]. W: clear.
//   5  MISS_HI  R  latched miss counter [63:32]
//   6  STG_CTRL RW bit 0: valid
//   7  STG_ACTION RW action id [ACTION_W-1:0]
//   8 ..            STG_PARAM, PW = ceil(PARAM_W/32) words, word i = params[32i+31:32i]
//   8+PW ..         STG_KEY,   KW = ceil(KEY_W/32) words,   word i = key[32i+31:32i]
// Staging words read back what was written (or what the last read-back loaded).
`default_nettype none

module hop_table_exact #(
    parameter int KEY_W = 32,
    parameter int ACTION_W = 4,
    parameter int PARAM_W = 32,
    parameter int DEPTH = 64,  // entries in both ways together; a power of two
    parameter int SLOTS = 4,  // entries per bucket: 1, 2, 4 or 8
    parameter logic [31:0] BASE = 32'h0,
    parameter int DEFAULT_ACTION = 0,  // default action id until the runtime writes one
    parameter int LATENCY = 3
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
    localparam int NMEM = 2 * SLOTS;
    localparam int BUCKETS = DEPTH / NMEM;
    localparam int IDX_W = $clog2(BUCKETS);
    localparam int MSEL_W = $clog2(NMEM);
    localparam int AD_W = ACTION_W + PARAM_W;
    localparam int PW = (PARAM_W + 31) / 32;
    localparam int KW = (KEY_W + 31) / 32;
    localparam int NSTG = 2 + PW + KW;
    localparam int NWORDS = 6 + NSTG;
    localparam int SPAN_LOG2 = $clog2(NWORDS * 4);
    localparam int ENTRY_W = 1 + KEY_W + ACTION_W + PARAM_W;
    localparam int ACTION_OFF = 32;  // bit offsets of the fields in the staging vector
    localparam int PARAM_OFF = 64;
    localparam int KEY_OFF = 64 + 32 * PW;
    localparam int W_COMMIT = 0, W_HIT_LO = 2, W_MISS_LO = 4, W_STG = 6;
    localparam logic [1:0] OP_WRITE = 2'd0, OP_SET_DEFAULT = 2'd1, OP_READ = 2'd2;
    localparam logic [1:0] OP_READ_DEFAULT = 2'd3;
    localparam int MY_LATENCY = 3;

    initial begin
        if (KEY_W < 1) $fatal(1, "%m: KEY_W must be at least 1");
        if (ACTION_W < 1 || ACTION_W > 32) $fatal(1, "%m: ACTION_W must be 1..32");
        if (PARAM_W < 1) $fatal(1, "%m: PARAM_W must be at least 1");
        if (SLOTS != 1 && SLOTS != 2 && SLOTS != 4 && SLOTS != 8)
            $fatal(1, "%m: SLOTS must be 1, 2, 4 or 8");
        if ((DEPTH & (DEPTH - 1)) != 0 || DEPTH < 4 * SLOTS || DEPTH > (1 << 23))
            $fatal(1, "%m: DEPTH must be a power of two in 4*SLOTS..2^23");
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
    wire [MSEL_W-1:0] commit_mem = csr_wdata[IDX_W+:MSEL_W];
    wire [IDX_W-1:0] commit_idx = csr_wdata[IDX_W-1:0];

    // --- state -----------------------------------------------------------------------------
    logic [32*NSTG-1:0] stg_q, stg_d;
    logic [ACTION_W-1:0] def_action_q, def_action_d;
    logic [PARAM_W-1:0] def_params_q, def_params_d;
    logic [63:0] hit_cnt_q, hit_cnt_d, miss_cnt_q, miss_cnt_d;
    logic [31:0] snap_q, snap_d, rdata_q, rdata_d;
    logic init_q, init_d;
    logic [IDX_W-1:0] init_idx_q, init_idx_d;
    logic rb_q, rb_d;
    logic [MSEL_W-1:0] rb_mem_q, rb_mem_d;

    // Port B of every memory: init walk, commit write, read-back.
    logic [NMEM-1:0] pb_we;
    logic [IDX_W-1:0] pb_idx;
    logic [ENTRY_W-1:0] pb_wdata;
    wire [ENTRY_W-1:0] stg_entry = {
        stg_q[0], stg_q[KEY_OFF+:KEY_W], stg_q[ACTION_OFF+:ACTION_W], stg_q[PARAM_OFF+:PARAM_W]
    };

    always_comb begin
        pb_we = '0;
        pb_idx = commit_idx;
        pb_wdata = stg_entry;
        if (init_q) begin
            pb_we = '1;
            pb_idx = init_idx_q;
            pb_wdata = '0;
        end else if (commit && commit_op == OP_WRITE) begin
            for (int m = 0; m < NMEM; m++) pb_we[m] = commit_mem == MSEL_W'(m);
        end
    end

    // --- lookup pipeline -------------------------------------------------------------------
    logic s1_valid_q, s2_valid_q, s2_busy_q;
    logic [KEY_W-1:0] s1_key_q, s2_key_q;

    for (genvar w = 0; w < 2; w++) begin : gen_way
        localparam logic [31:0] POLY = w == 0 ? 32'h04C1_1DB7 : 32'h1EDC_6F41;
        logic [IDX_W-1:0] hash, s1_idx_q;

        hop_hash #(
            .KEY_W(KEY_W),
            .OUT_W(IDX_W),
            .POLY (POLY)
        ) u_hash (
            .key (lookup_key),
            .hash(hash)
        );

        always_ff @(posedge clk) s1_idx_q <= hash;
    end

    logic [NMEM-1:0] mem_hit;
    logic [NMEM*AD_W-1:0] mem_ad;
    logic [NMEM*ENTRY_W-1:0] mem_rb;

    for (genvar m = 0; m < NMEM; m++) begin : gen_mem
        logic [ENTRY_W-1:0] mem[BUCKETS];
        logic [ENTRY_W-1:0] rd_a_q, rd_b_q;
        wire [IDX_W-1:0] idx = m < SLOTS ? gen_way[0].s1_idx_q : gen_way[1].s1_idx_q;

        // Port B reads only for a read-back (a block RAM read enable; a Verilated model then
        // skips the copy on every other cycle).
        always_ff @(posedge clk) begin
            rd_a_q <= mem[idx];
            if (rb_d) rd_b_q <= mem[pb_idx];
            if (pb_we[m]) mem[pb_idx] <= pb_wdata;
        end

        assign mem_hit[m] = rd_a_q[ENTRY_W-1] && rd_a_q[ENTRY_W-2-:KEY_W] == s2_key_q;
        assign mem_ad[m*AD_W+:AD_W] = rd_a_q[AD_W-1:0];
        assign mem_rb[m*ENTRY_W+:ENTRY_W] = rd_b_q;
    end

    wire any_hit = |mem_hit && !s2_busy_q;

    logic res_valid_q, res_hit_q;
    logic [ACTION_W-1:0] res_action_q, res_action_d;
    logic [PARAM_W-1:0] res_data_q, res_data_d;

    always_comb begin
        res_action_d = def_action_q;
        res_data_d = def_params_q;
        if (any_hit) begin
            // The lowest way/slot wins (a key being moved is briefly in two slots).
            for (int m = NMEM - 1; m >= 0; m--) begin
                if (mem_hit[m]) {res_action_d, res_data_d} = mem_ad[m*AD_W+:AD_W];
            end
        end
    end

    always_ff @(posedge clk) begin
        s1_key_q <= lookup_key;
        s2_key_q <= s1_key_q;
        res_action_q <= res_action_d;
        res_data_q <= res_data_d;
        res_hit_q <= any_hit;
        if (rst) begin
            s1_valid_q <= 1'b0;
            s2_valid_q <= 1'b0;
            res_valid_q <= 1'b0;
            s2_busy_q <= 1'b1;
        end else begin
            s1_valid_q <= lookup_valid;
            s2_valid_q <= s1_valid_q;
            res_valid_q <= s2_valid_q;
            s2_busy_q <= init_q;
        end
    end

    assign result_valid = res_valid_q;
    assign result_hit = res_hit_q;
    assign result_action = res_action_q;
    assign result_data = res_data_q;

    // --- CSR side --------------------------------------------------------------------------
    wire [31:0] info = {8'd1, init_q, 23'(DEPTH)};
    wire [32*NWORDS-1:0] rd_words = {
        stg_q, snap_q, miss_cnt_q[31:0], snap_q, hit_cnt_q[31:0], info, 32'h0
    };
    logic [ENTRY_W-1:0] rb_entry;
    always_comb begin
        rb_entry = '0;
        for (int m = 0; m < NMEM; m++) begin
            if (rb_mem_q == MSEL_W'(m)) rb_entry = mem_rb[m*ENTRY_W+:ENTRY_W];
        end
    end

    always_comb begin
        stg_d = stg_q;
        def_action_d = def_action_q;
        def_params_d = def_params_q;
        hit_cnt_d = hit_cnt_q + 64'(s2_valid_q && any_hit);
        miss_cnt_d = miss_cnt_q + 64'(s2_valid_q && !any_hit);
        snap_d = snap_q;
        rdata_d = '0;
        init_d = init_q;
        init_idx_d = init_idx_q;
        rb_d = 1'b0;
        rb_mem_d = rb_mem_q;

        if (init_q) begin
            init_idx_d = init_idx_q + 1'b1;
            if (init_idx_q == IDX_W'(BUCKETS - 1)) init_d = 1'b0;
        end
        if (rb_q) begin
            stg_d = '0;
            stg_d[0] = rb_entry[ENTRY_W-1];
            stg_d[KEY_OFF+:KEY_W] = rb_entry[ENTRY_W-2-:KEY_W];
            stg_d[ACTION_OFF+:ACTION_W] = rb_entry[PARAM_W+:ACTION_W];
            stg_d[PARAM_OFF+:PARAM_W] = rb_entry[PARAM_W-1:0];
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
                OP_READ: begin
                    rb_d = !init_q;
                    rb_mem_d = commit_mem;
                end
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
        rb_mem_q <= rb_mem_d;
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
