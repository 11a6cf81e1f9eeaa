// SPDX-License-Identifier: Apache-2.0
// Direct-indexed exact-match table for narrow keys (KEY_W <= 16): the key is the block RAM
// address, so every key has its own entry and no placement is needed.
//
// Memory: DEPTH = 2^KEY_W entries of {valid, action[ACTION_W], params[PARAM_W]}.
// Lookup pipeline, LATENCY = 2: block RAM read addressed by the key; valid check and default
// mux -> result register. Both are enabled by the lookup's valid, so the result outputs hold
// between lookups (a Verilated model then skips the work on idle cycles). On a miss result_action/result_data are the default registers.
//
// After reset an init walk writes every entry invalid (DEPTH cycles, INFO.busy = 1); lookups
// miss meanwhile and COMMITs are ignored, so the runtime waits for busy = 0.
//
// CSR: hop_table_csr (the map is in its header) with KIND = 2 and KEYS = 0: hop_table_exact's
// layout without the key words, since COMMIT's entry index is the key; op READ loads staging two
// cycles later; INFO.busy is the init walk. The hit/miss counters count from the result
// register, so a lookup is counted the cycle after its result.
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
    localparam int ENTRY_W = 1 + ACTION_W + PARAM_W;
    localparam int MY_LATENCY = 2;

    // Widths, BASE and DEFAULT_ACTION are checked by hop_table_csr.
    initial begin
        if (KEY_W < 1 || KEY_W > 16) $fatal(1, "%m: KEY_W must be 1..16 (use hop_table_exact)");
        if (DEPTH != (1 << KEY_W)) $fatal(1, "%m: DEPTH must be 2^KEY_W");
        if (LATENCY != MY_LATENCY) $fatal(1, "%m: LATENCY must be %0d", MY_LATENCY);
    end

    // --- CSR front end ---------------------------------------------------------------------
    logic commit_write, commit_read;
    logic [KEY_W-1:0] commit_idx;
    logic stg_valid;
    logic [ACTION_W-1:0] stg_action, def_action;
    logic [PARAM_W-1:0] stg_params, def_params;
    logic [KEY_W-1:0] unused_stg_key, unused_stg_mask;
    logic init_q;
    logic rb_q;
    logic [ENTRY_W-1:0] rd_b_q;
    logic res_valid_q, res_hit_q;
    logic s1_valid_q;

    hop_table_csr #(
        .KIND(2),
        .KEY_W(KEY_W),
        .KEYS(0),
        .ACTION_W(ACTION_W),
        .PARAM_W(PARAM_W),
        .DEPTH(DEPTH),
        .INDEX_W(KEY_W),
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
        .commit_index(commit_idx),
        .stg_valid   (stg_valid),
        .stg_action  (stg_action),
        .stg_params  (stg_params),
        .stg_key     (unused_stg_key),
        .stg_mask    (unused_stg_mask),
        .rb_load     (rb_q),
        .rb_valid    (rd_b_q[ENTRY_W-1]),
        .rb_action   (rd_b_q[PARAM_W+:ACTION_W]),
        .rb_params   (rd_b_q[PARAM_W-1:0]),
        .rb_key      ('0),
        .rb_mask     ('0),
        .def_action  (def_action),
        .def_params  (def_params),
        .count_valid (res_valid_q),  // the result register: the count lands a cycle after it
        .count_hit   (res_hit_q),
        .busy        (init_q)
    );

    // --- init walk and read-back state -----------------------------------------------------
    logic [KEY_W-1:0] init_idx_q;
    wire rb_d = commit_read && !init_q;  // a read-back: port B reads this cycle

    // Port B: init walk, commit write, read-back.
    wire [KEY_W-1:0] pb_idx = init_q ? init_idx_q : commit_idx;

    logic [ENTRY_W-1:0] mem[DEPTH];
    logic [ENTRY_W-1:0] rd_a_q;
    always_ff @(posedge clk) begin
        if (lookup_valid) rd_a_q <= mem[lookup_key];  // read enables: a lookup, a READ
        if (rb_d) rd_b_q <= mem[pb_idx];
        if (init_q || commit_write)
            mem[pb_idx] <= init_q ? '0 : {stg_valid, stg_action, stg_params};
    end

    // --- lookup pipeline -------------------------------------------------------------------
    logic s1_busy_q;
    logic [ACTION_W-1:0] res_action_q;
    logic [PARAM_W-1:0] res_data_q;
    // A hit: rd_a_q[ENTRY_W-1] && !s1_busy_q, written out where it is used (under s1_valid_q).
    always_ff @(posedge clk) begin
        if (s1_valid_q) begin
            res_hit_q <= rd_a_q[ENTRY_W-1] && !s1_busy_q;
            res_action_q <= rd_a_q[ENTRY_W-1] && !s1_busy_q ? rd_a_q[PARAM_W+:ACTION_W]
                                                            : def_action;
            res_data_q <= rd_a_q[ENTRY_W-1] && !s1_busy_q ? rd_a_q[PARAM_W-1:0] : def_params;
        end
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

    // --- init walk and read-back -----------------------------------------------------------
    always_ff @(posedge clk) begin
        if (init_q) begin
            init_idx_q <= init_idx_q + 1'b1;
            if (init_idx_q == KEY_W'(DEPTH - 1)) init_q <= 1'b0;
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
