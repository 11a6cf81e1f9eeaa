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
// reports "full" (measured: SLOTS = 2 ~90%, SLOTS = 1 ~52%; tests/tables/exact_test.cpp). A key
// lives in one slot of one of its two buckets (briefly in two while the runtime moves it: the
// same answer either way, so the result is the OR of the matching slots' answers, with no
// priority chain). Entry index used by COMMIT: (way * SLOTS + slot) * BUCKETS + bucket.
//
// Lookup pipeline, LATENCY = 3, one step of logic per cycle:
//   cycle 0: hash of the key -> the block RAMs' read address (their own address register);
//   cycle 1: each slot's key compared -> hit_q per slot, and the hit slot's answer into its
//            ad_q (loaded only on a hit: a compare is its enable);
//   cycle 2: any hit -> result = the OR of the hit slots' ad_q, else the default action.
// On a miss result_action/result_data are the default action registers. The RAM reads and
// the registers after them are enabled by the lookup's valid, so the result outputs hold
// between lookups (a Verilated model then skips the work on idle cycles).
//
// After reset an init walk writes every entry invalid (BUCKETS cycles, INFO.busy = 1); lookups
// miss meanwhile and COMMITs are ignored, so the runtime waits for busy = 0.
//
// CSR: hop_table_csr (the map is in its header) with KIND = 1 and KEYS = 1: staging holds
// valid, action, params and key; COMMIT's index is (way * SLOTS + slot) * BUCKETS + bucket;
// op READ loads staging two cycles later; INFO.busy is the init walk. The hit/miss counters
// count from the result register, so a lookup is counted the cycle after its result.
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
    localparam int ENTRY_W = 1 + KEY_W + ACTION_W + PARAM_W;
    localparam int MY_LATENCY = 3;

    // Widths, BASE and DEFAULT_ACTION are checked by hop_table_csr.
    initial begin
        if (SLOTS != 1 && SLOTS != 2 && SLOTS != 4 && SLOTS != 8)
            $fatal(1, "%m: SLOTS must be 1, 2, 4 or 8");
        if ((DEPTH & (DEPTH - 1)) != 0 || DEPTH < 4 * SLOTS || DEPTH > (1 << 23))
            $fatal(1, "%m: DEPTH must be a power of two in 4*SLOTS..2^23");
        if (LATENCY != MY_LATENCY) $fatal(1, "%m: LATENCY must be %0d", MY_LATENCY);
    end

    // --- CSR front end ---------------------------------------------------------------------
    logic commit_write, commit_read;
    logic [MSEL_W+IDX_W-1:0] commit_index;
    logic stg_valid;
    logic [ACTION_W-1:0] stg_action, def_action;
    logic [PARAM_W-1:0] stg_params, def_params;
    logic [KEY_W-1:0] stg_key, unused_stg_mask;
    logic init_q;
    logic rb_q;
    logic [ENTRY_W-1:0] rb_entry;
    logic res_valid_q, res_hit_q;

    hop_table_csr #(
        .KIND(1),
        .KEY_W(KEY_W),
        .KEYS(1),
        .ACTION_W(ACTION_W),
        .PARAM_W(PARAM_W),
        .DEPTH(DEPTH),
        .INDEX_W(MSEL_W + IDX_W),
        .BASE(BASE),
        .DEFAULT_ACTION(DEFAULT_ACTION)
    ) u_csr (
        .clk         (clk),
        .rst         (rst),
        .csr_wr      (csr_wr),
        .csr_rd      (csr_rd),
        .csr_addr    (csr_addr),
        .csr_wdata   (csr_wdata),
        .csr_rdata   (csr_rdata),
        .commit_write(commit_write),
        .commit_read (commit_read),
        .commit_index(commit_index),
        .stg_valid   (stg_valid),
        .stg_action  (stg_action),
        .stg_params  (stg_params),
        .stg_key     (stg_key),
        .stg_mask    (unused_stg_mask),
        .rb_load     (rb_q),
        .rb_valid    (rb_entry[ENTRY_W-1]),
        .rb_action   (rb_entry[PARAM_W+:ACTION_W]),
        .rb_params   (rb_entry[PARAM_W-1:0]),
        .rb_key      (rb_entry[ENTRY_W-2-:KEY_W]),
        .rb_mask     ('0),
        .def_action  (def_action),
        .def_params  (def_params),
        .count_valid (res_valid_q),  // the result register: the count lands a cycle after it
        .count_hit   (res_hit_q),
        .busy        (init_q)
    );

    wire [MSEL_W-1:0] commit_mem = commit_index[IDX_W+:MSEL_W];
    wire [IDX_W-1:0] commit_idx = commit_index[IDX_W-1:0];

    // --- init walk and read-back state -----------------------------------------------------
    logic [IDX_W-1:0] init_idx_q;
    logic [MSEL_W-1:0] rb_mem_q;
    wire rb_d = commit_read && !init_q;  // a read-back: port B reads this cycle

    // Port B of every memory: init walk, commit write, read-back.
    logic [NMEM-1:0] pb_we;
    logic [IDX_W-1:0] pb_idx;

    always_comb begin
        pb_we = '0;
        pb_idx = commit_idx;
        if (init_q) begin
            pb_we = '1;
            pb_idx = init_idx_q;
        end else if (commit_write) begin
            for (int m = 0; m < NMEM; m++) pb_we[m] = commit_mem == MSEL_W'(m);
        end
    end

    // --- lookup pipeline -------------------------------------------------------------------
    logic s1_valid_q, s1_busy_q, s2_valid_q;
    logic [KEY_W-1:0] s1_key_q;
    logic [NMEM-1:0] hit_q;
    // Per slot, its answer in a word-aligned field of one vector (an unpacked array would make
    // a Verilated model clear a staging copy of every element every cycle).
    localparam int AD_P = 32 * ((AD_W + 31) / 32);
    /* verilator lint_off UNUSEDSIGNAL */
    logic [NMEM*AD_P-1:0] ad_q;  // the padding is written 0, never read
    /* verilator lint_on UNUSEDSIGNAL */
    // Port B's read registers, one per memory; an array so the read-back picks one by index
    // (mem2reg: registers to Yosys, so each stays its RAM's output register).
    (* mem2reg *) logic [ENTRY_W-1:0] rd_b_q[NMEM];

    for (genvar w = 0; w < 2; w++) begin : gen_way
        localparam logic [31:0] POLY = w == 0 ? 32'h04C1_1DB7 : 32'h1EDC_6F41;
        logic [IDX_W-1:0] hash;

        hop_hash #(
            .KEY_W(KEY_W),
            .OUT_W(IDX_W),
            .POLY (POLY)
        ) u_hash (
            .key (lookup_key),
            .hash(hash)
        );
    end

    for (genvar m = 0; m < NMEM; m++) begin : gen_mem
        logic [ENTRY_W-1:0] mem[BUCKETS];
        logic [ENTRY_W-1:0] rd_a_q;
        wire [IDX_W-1:0] idx = m < SLOTS ? gen_way[0].hash : gen_way[1].hash;

        // One block per memory, each register read before it is written, so that a Verilated
        // model runs it as one function without shadow copies. The compare only under
        // s1_valid_q (skipped on idle cycles); port A reads for a lookup, port B only for a
        // read-back (block RAM read enables).
        always_ff @(posedge clk) begin
            if (s1_valid_q) begin
                hit_q[m] <= 1'b0;
                if (rd_a_q[ENTRY_W-1] && rd_a_q[ENTRY_W-2-:KEY_W] == s1_key_q && !s1_busy_q) begin
                    hit_q[m] <= 1'b1;
                    ad_q[m*AD_P+:AD_P] <= AD_P'(rd_a_q[AD_W-1:0]);
                end
            end
            if (lookup_valid) rd_a_q <= mem[idx];
            if (rb_d) rd_b_q[m] <= mem[pb_idx];
            if (pb_we[m]) mem[pb_idx] <= init_q ? '0 : {stg_valid, stg_key, stg_action, stg_params};
        end
    end

    logic [ACTION_W-1:0] res_action_q;
    logic [PARAM_W-1:0] res_data_q;

    always_ff @(posedge clk) begin
        // The hit slots' answers OR-ed together (an AND-OR, no priority chain): a key found in
        // two slots (while the runtime moves it) has the same answer in both. Under
        // s2_valid_q, so a Verilated model skips it on idle cycles.
        if (s2_valid_q) begin : s2
            logic [AD_W-1:0] hit_ad;
            /* verilator lint_off BLKSEQ */
            hit_ad = '0;
            for (int m = 0; m < NMEM; m++) if (hit_q[m]) hit_ad = hit_ad | ad_q[m*AD_P+:AD_W];
            /* verilator lint_on BLKSEQ */
            res_hit_q <= |hit_q;
            {res_action_q, res_data_q} <= |hit_q ? hit_ad : {def_action, def_params};
        end
        if (lookup_valid) s1_key_q <= lookup_key;
        if (rst) begin
            s1_valid_q <= 1'b0;
            s2_valid_q <= 1'b0;
            res_valid_q <= 1'b0;
            s1_busy_q <= 1'b1;
        end else begin
            s1_valid_q <= lookup_valid;
            s2_valid_q <= s1_valid_q;
            res_valid_q <= s2_valid_q;
            s1_busy_q <= init_q;
        end
    end

    assign result_valid = res_valid_q;
    assign result_hit = res_hit_q;
    assign result_action = res_action_q;
    assign result_data = res_data_q;

    // --- init walk and read-back -----------------------------------------------------------
    assign rb_entry = rd_b_q[rb_mem_q];

    always_ff @(posedge clk) begin
        if (commit_read) rb_mem_q <= commit_mem;
        if (init_q) begin
            init_idx_q <= init_idx_q + 1'b1;
            if (init_idx_q == IDX_W'(BUCKETS - 1)) init_q <= 1'b0;
        end
        rb_q <= rb_d;
        if (rst) begin
            init_q <= 1'b1;
            init_idx_q <= '0;
            rb_q <= 1'b0;
        end
    end
endmodule

`resetall
