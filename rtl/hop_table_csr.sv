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
    wire csr_sel = csr_addr[31:SPAN_LOG2] == BASE[31:SPAN_LOG2];
    wire [31:0] csr_word = 32'(csr_addr[SPAN_LOG2-1:2]);
    wire wr = csr_wr && csr_sel;
    wire rd = csr_rd && csr_sel;
    wire [1:0] commit_op = csr_wdata[31:30];
    wire commit = wr && csr_word == W_COMMIT;
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
    // Everything here is written in always_ff under its event (a CSR strobe, rb_load, a
    // counted lookup) and without wide temporaries, so a Verilated model does nothing for it
    // on other cycles. Staging is one register per 32-bit word; order of its sources, last
    // wins: rb_load, a CSR write to the word, READ_DEFAULT.
    logic [63:0] hit_cnt_q, miss_cnt_q;
    logic [31:0] snap_q, rdata_q;
    logic [32*NSTG-1:0] def_q;  // the default action in staging's layout (action, param words)
    wire [31:0] info = {8'(KIND), busy, 23'(DEPTH)};
    wire read_default = commit && commit_op == OP_READ_DEFAULT;
    wire set_default = commit && commit_op == OP_SET_DEFAULT;

    // Word w of staging and of the default registers: what rb_load puts there (bits of one
    // field), the field's bits in the word (what SET_DEFAULT keeps) and the default's reset
    // value. Each word is its own block, so a Verilated model copies no wide vector.
    for (genvar w = 0; w < NSTG; w++) begin : gen_stg
        logic [31:0] rb_w, def_mask, def_reset;
        if (w == 0) begin : gen_ctrl
            assign rb_w = 32'(rb_valid);
            assign def_mask = '0;
            assign def_reset = '0;
        end else if (w == 1) begin : gen_action
            assign rb_w = 32'(rb_action);
            assign def_mask = 32'((64'd1 << ACTION_W) - 1);
            assign def_reset = 32'(DEFAULT_ACTION);
        end else if (w < 2 + PW) begin : gen_param
            localparam int LO = 32 * (w - 2);
            localparam int HI = LO + 31 < PARAM_W - 1 ? LO + 31 : PARAM_W - 1;
            assign rb_w = 32'(rb_params[HI:LO]);
            assign def_mask = 32'((64'd1 << (HI - LO + 1)) - 1);
            assign def_reset = '0;
        end else begin : gen_key
            localparam int LO = 32 * ((w - 2 - PW) % KW);
            localparam int HI = LO + 31 < KEY_W - 1 ? LO + 31 : KEY_W - 1;
            assign rb_w = w < 2 + PW + KW ? 32'(rb_key[HI:LO]) : 32'(rb_mask[HI:LO]);
            assign def_mask = '0;
            assign def_reset = '0;
        end

        wire wr_word = wr && csr_word == W_STG_CTRL + w;
        always_ff @(posedge clk) begin
            if (rst) def_q[32*w+:32] <= def_reset;
            else if (set_default) def_q[32*w+:32] <= stg_q[32*w+:32] & def_mask;
            if (read_default) stg_q[32*w+:32] <= def_q[32*w+:32];
            else if (wr_word) stg_q[32*w+:32] <= csr_wdata;
            else if (rb_load) stg_q[32*w+:32] <= rb_w;
        end
    end

    always_ff @(posedge clk) begin
        if (rd && csr_word == W_HIT_LO) snap_q <= hit_cnt_q[63:32];
        if (rd && csr_word == W_MISS_LO) snap_q <= miss_cnt_q[63:32];
    end

    always_ff @(posedge clk) begin
        if (rst || (wr && csr_word == W_HIT_LO)) hit_cnt_q <= '0;
        else if (count_valid && count_hit) hit_cnt_q <= hit_cnt_q + 64'd1;
    end

    always_ff @(posedge clk) begin
        if (rst || (wr && csr_word == W_MISS_LO)) miss_cnt_q <= '0;
        else if (count_valid && !count_hit) miss_cnt_q <= miss_cnt_q + 64'd1;
    end

    always_ff @(posedge clk) begin
        if (rst || !rd) begin
            rdata_q <= '0;
        end else begin
            case (csr_word)
                W_INFO: rdata_q <= info;
                W_HIT_LO: rdata_q <= hit_cnt_q[31:0];
                W_HIT_HI: rdata_q <= snap_q;
                W_MISS_LO: rdata_q <= miss_cnt_q[31:0];
                W_MISS_HI: rdata_q <= snap_q;
                default: begin
                    rdata_q <= '0;
                    for (int w = 0; w < NSTG; w++) begin
                        if (csr_word == W_STG_CTRL + w) rdata_q <= stg_q[32*w+:32];
                    end
                end
            endcase
        end
    end

    assign def_action = def_q[32+:ACTION_W];
    assign def_params = def_q[64+:PARAM_W];
    assign csr_rdata = rdata_q;
endmodule

`resetall
