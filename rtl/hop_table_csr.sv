// SPDX-License-Identifier: Apache-2.0
// CSR front end of the exact, direct and ternary table blocks: the window decode, the staging
// registers, COMMIT decoded into strobes, the default action registers, INFO and the hit/miss
// counters. The table block keeps only its memory, its lookup and its init walk.
//
// The word offsets below are the SystemVerilog side of runtime/tables/table_csr.hpp
// (TableGeometry::kCommit, ..., stgParam/stgKey/stgMask, span, CommitOp). Each is marked public
// for the Verilated model, where tests/rtl/hop_table_csr_test.cpp compares it with the C++
// constant and fails when the two differ. Change both together.
//
// CSR map (32-bit words; byte address = BASE + 4 * word; span = the power of two >= 4 * (8 +
// PW + KEYS * KW) bytes, BASE a multiple of it; PW = ceil(PARAM_W/32), KW = ceil(KEY_W/32)):
//   0  COMMIT   W  [31:30] op, [INDEX_W-1:0] entry index; one cycle, no wait:
//                    op 0 WRITE:        commit_write strobe (the block copies staging -> entry)
//                    op 1 SET_DEFAULT:  staging action/params -> default action registers
//                    op 2 READ:         commit_read strobe (the block answers with rb_load)
//                    op 3 READ_DEFAULT: default action registers -> staging
//   1  INFO     R  [31:24] KIND, [23] busy, [22:0] DEPTH
//   2  HIT_LO   R  hit counter [31:0]; reading it latches [63:32] for HIT_HI. W: clear.
//   3  HIT_HI   R  hit counter [63:32] as latched by the last HIT_LO / MISS_LO read
//   4  MISS_LO  R  miss counter [31:0], latches [63:32]. W: clear.
//   5  MISS_HI  R  latched miss counter [63:32]
//   6  STG_CTRL RW bit 0: valid
//   7  STG_ACTION RW action id [ACTION_W-1:0]
//   8 ..            STG_PARAM, PW words, word i = params[32i+31:32i]
//   8+PW ..         STG_KEY (KEYS >= 1), KW words, word i = key[32i+31:32i]
//   8+PW+KW ..      STG_MASK (KEYS = 2), KW words, word i = mask[32i+31:32i]
// Staging words read back what was written or what the last rb_load / READ_DEFAULT loaded.
// Read data is registered: csr_rdata is valid the cycle after csr_rd, 0 when not addressed.
// A lookup counts once (count_valid) as a hit or a miss (count_hit).
`default_nettype none

module hop_table_csr #(
    parameter int KIND = 1,  // INFO[31:24]: 1 exact, 2 direct, 3 ternary
    parameter int KEY_W = 32,
    parameter int KEYS = 1,  // key-sized staging fields: 0 none, 1 key, 2 key (value) and mask
    parameter int ACTION_W = 4,
    parameter int PARAM_W = 32,
    parameter int DEPTH = 64,  // INFO[22:0]
    parameter int INDEX_W = 6,  // bits of COMMIT's entry index the block uses
    parameter logic [31:0] BASE = 32'h0,
    parameter int DEFAULT_ACTION = 0  // default action id until the runtime writes one
) (
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 csr_wr,
    input  wire                 csr_rd,
    input  wire  [        31:0] csr_addr,
    input  wire  [        31:0] csr_wdata,
    output logic [        31:0] csr_rdata,
    output logic                commit_write,
    output logic                commit_read,
    output logic [ INDEX_W-1:0] commit_index,
    output logic                stg_valid,
    output logic [ACTION_W-1:0] stg_action,
    output logic [ PARAM_W-1:0] stg_params,
    output logic [   KEY_W-1:0] stg_key,       // 0 when KEYS = 0
    output logic [   KEY_W-1:0] stg_mask,      // 0 when KEYS < 2
    input  wire                 rb_load,       // staging := the rb_* entry (other bits 0)
    input  wire                 rb_valid,
    input  wire  [ACTION_W-1:0] rb_action,
    input  wire  [ PARAM_W-1:0] rb_params,
    input  wire  [   KEY_W-1:0] rb_key,        // ignored when KEYS = 0
    input  wire  [   KEY_W-1:0] rb_mask,       // ignored when KEYS < 2
    output logic [ACTION_W-1:0] def_action,
    output logic [ PARAM_W-1:0] def_params,
    input  wire                 count_valid,
    input  wire                 count_hit,
    input  wire                 busy           // INFO[23]
);
    localparam int PW = (PARAM_W + 31) / 32;
    localparam int KW = (KEY_W + 31) / 32;
    localparam int NSTG = 2 + PW + KEYS * KW;

    // --- the map (see runtime/tables/table_csr.hpp) ---------------------------------------
    localparam int W_COMMIT  /*verilator public*/ = 0;
    localparam int W_INFO  /*verilator public*/ = 1;
    localparam int W_HIT_LO  /*verilator public*/ = 2;
    localparam int W_HIT_HI  /*verilator public*/ = 3;
    localparam int W_MISS_LO  /*verilator public*/ = 4;
    localparam int W_MISS_HI  /*verilator public*/ = 5;
    localparam int W_STG_CTRL  /*verilator public*/ = 6;
    localparam int W_STG_ACTION  /*verilator public*/ = 7;
    localparam int W_STG_PARAM  /*verilator public*/ = 8;
    localparam int W_STG_KEY  /*verilator public*/ = W_STG_PARAM + PW;
    localparam int W_STG_MASK  /*verilator public*/ = W_STG_KEY + KW;
    localparam int NWORDS  /*verilator public*/ = W_STG_CTRL + NSTG;
    localparam int SPAN_LOG2 = $clog2(NWORDS * 4);
    localparam int SPAN  /*verilator public*/ = 1 << SPAN_LOG2;  // bytes
    localparam logic [1:0] OP_WRITE  /*verilator public*/ = 2'd0;
    localparam logic [1:0] OP_SET_DEFAULT  /*verilator public*/ = 2'd1;
    localparam logic [1:0] OP_READ  /*verilator public*/ = 2'd2;
    localparam logic [1:0] OP_READ_DEFAULT  /*verilator public*/ = 2'd3;
    // Bit offsets of the fields in the staging vector (word W_STG_CTRL at bit 0).
    localparam int ACTION_OFF = 32 * (W_STG_ACTION - W_STG_CTRL);
    localparam int PARAM_OFF = 32 * (W_STG_PARAM - W_STG_CTRL);
    localparam int KEY_OFF = 32 * (W_STG_KEY - W_STG_CTRL);
    localparam int MASK_OFF = 32 * (W_STG_MASK - W_STG_CTRL);

    initial begin
        if (KIND < 0 || KIND > 255) $fatal(1, "%m: KIND must be 0..255");
        if (KEY_W < 1) $fatal(1, "%m: KEY_W must be at least 1");
        if (KEYS < 0 || KEYS > 2) $fatal(1, "%m: KEYS must be 0, 1 or 2");
        if (ACTION_W < 1 || ACTION_W > 32) $fatal(1, "%m: ACTION_W must be 1..32");
        if (PARAM_W < 1) $fatal(1, "%m: PARAM_W must be at least 1");
        if (DEPTH < 1 || DEPTH > (1 << 23)) $fatal(1, "%m: DEPTH must be 1..2^23");
        if (INDEX_W < 1 || INDEX_W > 30) $fatal(1, "%m: INDEX_W must be 1..30");
        if ((BASE & (SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to the span");
        if (DEFAULT_ACTION < 0 || (ACTION_W < 31 && DEFAULT_ACTION >= (1 << ACTION_W)))
            $fatal(1, "%m: DEFAULT_ACTION does not fit ACTION_W");
    end

    // --- decode ----------------------------------------------------------------------------
    // The strobes the table block acts on in the same cycle are the only continuous logic; the
    // rest of the decode is inside the state block below, under its event.
    wire [1:0] commit_op = csr_wdata[31:30];
    // csr_addr[31:2] == WA + w: the access is to word w of this window (BASE is aligned).
    localparam logic [29:0] WA = BASE[31:2];
    wire commit = csr_wr && csr_addr[31:2] == WA + 30'(W_COMMIT);
    assign commit_write = commit && commit_op == OP_WRITE;
    assign commit_read = commit && commit_op == OP_READ;
    assign commit_index = csr_wdata[INDEX_W-1:0];


    logic [32*NSTG-1:0] stg_q;
    logic unused_in;
    if (KEYS == 0) begin : gen_keys0
        assign stg_key = '0;
        assign stg_mask = '0;
        assign unused_in = ^{csr_addr[1:0], rb_key, rb_mask};
    end else if (KEYS == 1) begin : gen_keys1
        assign stg_key = stg_q[KEY_OFF+:KEY_W];
        assign stg_mask = '0;
        assign unused_in = ^{csr_addr[1:0], rb_mask};
    end else begin : gen_keys2
        assign stg_key = stg_q[KEY_OFF+:KEY_W];
        assign stg_mask = stg_q[MASK_OFF+:KEY_W];
        assign unused_in = ^csr_addr[1:0];
    end

    assign stg_valid = stg_q[0];
    assign stg_action = stg_q[ACTION_OFF+:ACTION_W];
    assign stg_params = stg_q[PARAM_OFF+:PARAM_W];

    // --- state -----------------------------------------------------------------------------
    logic [63:0] hit_cnt_q, miss_cnt_q;
    logic [31:0] snap_q, rdata_q;
    logic rdata_live_q;  // rdata_q may be non-zero: it was loaded by a read last cycle
    logic [PARAM_W+ACTION_W-1:0] def_q;  // the default action: {params, action}
    wire [31:0] info = {8'(KIND), busy, 23'(DEPTH)};

    // One block, written so that a Verilated model does one test on a cycle without a CSR
    // access, a read-back load or reset, and copies no register to a shadow: every register is
    // read before it is written (the default registers through def_old). The counters count
    // outside that test, their clears win. Order of staging's sources, last wins: rb_load, a
    // CSR write to the word, READ_DEFAULT.
    always_ff @(posedge clk) begin
        if (rst || csr_wr || csr_rd || rb_load || rdata_live_q) begin : on_event
            logic [PARAM_W+ACTION_W-1:0] def_old;
            /* verilator lint_off BLKSEQ */
            def_old = def_q;
            /* verilator lint_on BLKSEQ */
            rdata_live_q <= !rst && csr_rd;
            rdata_q <= '0;
            if (!rst && csr_rd && csr_addr[31:SPAN_LOG2] == BASE[31:SPAN_LOG2]) begin
                case (32'(csr_addr[SPAN_LOG2-1:2]))
                    W_INFO: rdata_q <= info;
                    W_HIT_LO: rdata_q <= hit_cnt_q[31:0];
                    W_HIT_HI: rdata_q <= snap_q;
                    W_MISS_LO: rdata_q <= miss_cnt_q[31:0];
                    W_MISS_HI: rdata_q <= snap_q;
                    default: begin
                        for (int w = 0; w < NSTG; w++) begin
                            if (32'(csr_addr[SPAN_LOG2-1:2]) == W_STG_CTRL + w)
                                rdata_q <= stg_q[32*w+:32];
                        end
                    end
                endcase
            end
            if (csr_rd && csr_addr[31:2] == WA + 30'(W_HIT_LO)) snap_q <= hit_cnt_q[63:32];
            if (csr_rd && csr_addr[31:2] == WA + 30'(W_MISS_LO)) snap_q <= miss_cnt_q[63:32];

            if (rst) def_q <= {PARAM_W'(0), ACTION_W'(DEFAULT_ACTION)};
            else if (commit && commit_op == OP_SET_DEFAULT) def_q <= {stg_params, stg_action};

            if (commit && commit_op == OP_READ_DEFAULT) begin
                stg_q <= (32 * NSTG)'({(32 * PW)'(def_old[ACTION_W+:PARAM_W]),
                                       32'(def_old[ACTION_W-1:0]), 32'h0});
            end else begin
                if (rb_load) begin
                    stg_q <= (32 * NSTG)'({(32 * KW)'(rb_mask), (32 * KW)'(rb_key),
                                           (32 * PW)'(rb_params), 32'(rb_action), 32'(rb_valid)});
                end
                for (int w = 0; w < NSTG; w++) begin
                    if (csr_wr && csr_addr[31:2] == WA + 30'(W_STG_CTRL + w))
                        stg_q[32*w+:32] <= csr_wdata;
                end
            end
        end
        if (count_valid) begin
            if (count_hit) hit_cnt_q <= hit_cnt_q + 64'd1;
            else miss_cnt_q <= miss_cnt_q + 64'd1;
        end
        if (rst || (csr_wr && csr_addr[31:2] == WA + 30'(W_HIT_LO))) hit_cnt_q <= '0;
        if (rst || (csr_wr && csr_addr[31:2] == WA + 30'(W_MISS_LO))) miss_cnt_q <= '0;
    end

    assign def_action = def_q[ACTION_W-1:0];
    assign def_params = def_q[ACTION_W+:PARAM_W];
    assign csr_rdata = rdata_q;
endmodule

`resetall
