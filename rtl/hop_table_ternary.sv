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
// Slots (valid, value, mask) are flops, compared as ((key ^ value) & mask) == 0; a copy of value
// and mask in a memory serves the read-back. The action memory (block RAM, {action[ACTION_W],
// params[PARAM_W]} per slot) is written LEVELS+1 cycles after the slot, exactly the distance
// between the compare and the action read in the pipeline, so a lookup sees either the old slot
// and its old action or the new slot and its new action.
//
// Lookup pipeline, LATENCY = 3 + LEVELS with LEVELS = ceil(log_RADIX(DEPTH)): compare ->
// register; LEVELS priority-encoder stages (RADIX:1 each); action memory read; default mux ->
// result register.
//
// CSR: hop_table_csr (the map is in its header) with KIND = 3 and KEYS = 2: staging holds valid,
// action, params, the value (STG_KEY) and the mask (STG_MASK, 1 = bit compared); COMMIT's index is
// the slot. Op WRITE writes valid, value and mask now and the action LEVELS+1 cycles later; op
// READ loads staging LEVELS+3 cycles later. INFO.busy is always 0 (the slots reset invalid).
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
    localparam int AD_W = ACTION_W + PARAM_W;
    localparam int DL = LEVELS + 1;  // action-memory write delay

    // Widths, BASE and DEFAULT_ACTION are checked by hop_table_csr.
    initial begin
        if (DEPTH < 2 || DEPTH > 4096) $fatal(1, "%m: DEPTH must be 2..4096");
        if (RADIX < 2 || (RADIX & (RADIX - 1)) != 0) $fatal(1, "%m: RADIX must be a power of two");
        if (LATENCY != MY_LATENCY) $fatal(1, "%m: LATENCY must be %0d", MY_LATENCY);
    end

    // --- CSR front end ---------------------------------------------------------------------
    logic commit_write, commit_read;
    logic [IDX_W-1:0] commit_idx;
    logic stg_valid;
    logic [ACTION_W-1:0] stg_action, def_action;
    logic [PARAM_W-1:0] stg_params, def_params;
    logic [KEY_W-1:0] stg_key, stg_mask;
    logic rb_q;
    logic rb_valid;
    logic [KEY_W-1:0] rb_value, rb_mask;
    logic [AD_W-1:0] am_b_q;
    logic am_hit_q;
    logic [LATENCY-1:0] vld_q;

    hop_table_csr #(
        .KIND(3),
        .KEY_W(KEY_W),
        .KEYS(2),
        .ACTION_W(ACTION_W),
        .PARAM_W(PARAM_W),
        .DEPTH(DEPTH),
        .INDEX_W(IDX_W),
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
        .stg_key     (stg_key),
        .stg_mask    (stg_mask),
        .rb_load     (rb_q),
        .rb_valid    (rb_valid),
        .rb_action   (am_b_q[PARAM_W+:ACTION_W]),
        .rb_params   (am_b_q[PARAM_W-1:0]),
        .rb_key      (rb_value),
        .rb_mask     (rb_mask),
        .def_action  (def_action),
        .def_params  (def_params),
        .count_valid (vld_q[LATENCY-2]),
        .count_hit   (am_hit_q),
        .busy        (1'b0)
    );

    // --- slots -----------------------------------------------------------------------------
    logic [DEPTH-1:0] slot_valid_q;
    logic [DEPTH*KEY_W-1:0] slot_value_q, slot_mask_q;

    wire slot_we = commit_write;

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
                        slot_value_q[S*KEY_W+:KEY_W] <= stg_key;
                        slot_mask_q[S*KEY_W+:KEY_W] <= stg_mask;
                    end
                    if (rst) slot_valid_q[S] <= 1'b0;
                    else if (we) slot_valid_q[S] <= stg_valid;
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
        dl_data_q <= {dl_data_q[(DL-1)*AD_W-1:0], stg_action, stg_params};
        if (rst) begin
            dl_we_q <= '0;
            dl_re_q <= '0;
        end else begin
            dl_we_q <= {dl_we_q[DL-2:0], commit_write};
            dl_re_q <= {dl_re_q[DL-2:0], commit_read};
        end
    end

    logic [AD_W-1:0] amem[DEPTH];
    logic [AD_W-1:0] am_a_q;
    always_ff @(posedge clk) begin
        am_a_q <= amem[top_idx];
        am_b_q <= amem[pb_idx];
        if (dl_we_q[DL-1]) amem[pb_idx] <= dl_data_q[(DL-1)*AD_W+:AD_W];
    end

    // --- result ----------------------------------------------------------------------------
    logic res_hit_q;
    logic [ACTION_W-1:0] res_action_q;
    logic [PARAM_W-1:0] res_data_q;

    always_ff @(posedge clk) begin
        am_hit_q <= top_hit;
        res_hit_q <= am_hit_q;
        res_action_q <= am_hit_q ? am_a_q[PARAM_W+:ACTION_W] : def_action;
        res_data_q <= am_hit_q ? am_a_q[PARAM_W-1:0] : def_params;
        if (rst) vld_q <= '0;
        else vld_q <= {vld_q[LATENCY-2:0], lookup_valid};
    end

    assign result_valid = vld_q[LATENCY-1];
    assign result_hit = res_hit_q;
    assign result_action = res_action_q;
    assign result_data = res_data_q;

    // --- read-back: the slot and its action, LEVELS+2 cycles after commit_read -------------
    // Value and mask come from a copy of the slots in a memory written with them (block RAM or
    // LUTRAM), read like the action memory: selecting one of DEPTH slots out of the flops would
    // be a DEPTH*KEY_W-bit multiplexer (a barrel shifter to Yosys, which does not see that the
    // offset is a multiple of KEY_W). Valid comes from the flops, which reset clears, in two
    // steps: the 32-slot word holding it a cycle early (index from the delay line's previous
    // stage), then the bit; one DEPTH:1 multiplexer would be about 8 levels. A commit takes
    // more than one cycle on the CSR bus, so no write lands between the two steps.
    localparam int VG_W = IDX_W < 5 ? IDX_W : 5;  // slots per valid word: 2^VG_W
    localparam int NVG = (DEPTH + (1 << VG_W) - 1) >> VG_W;
    logic [(1<<VG_W)-1:0] vwords[NVG];
    for (genvar g = 0; g < NVG; g++) begin : gen_vword
        for (genvar b = 0; b < (1 << VG_W); b++) begin : gen_vbit
            if (g * (1 << VG_W) + b < DEPTH) begin : gen_in
                assign vwords[g][b] = slot_valid_q[g*(1<<VG_W)+b];
            end else begin : gen_pad
                assign vwords[g][b] = 1'b0;
            end
        end
    end
    localparam int VGI_W = IDX_W > VG_W ? IDX_W - VG_W : 1;
    wire [IDX_W-1:0] pb_idx_early = dl_idx_q[(DL-2)*IDX_W+:IDX_W];
    wire [VGI_W-1:0] vg_idx = VGI_W'(pb_idx_early >> VG_W);
    logic [2*KEY_W-1:0] kmem[DEPTH];
    logic [2*KEY_W-1:0] kmem_q;
    logic [(1<<VG_W)-1:0] vword_q;
    logic rb_valid_q;
    always_ff @(posedge clk) begin
        if (slot_we) kmem[commit_idx] <= {stg_mask, stg_key};
        if (dl_re_q[DL-2]) vword_q <= vwords[vg_idx];
        if (dl_re_q[DL-1]) begin
            kmem_q <= kmem[pb_idx];
            rb_valid_q <= vword_q[pb_idx[VG_W-1:0]];
        end
    end
    assign rb_valid = rb_valid_q;
    assign rb_value = kmem_q[KEY_W-1:0];
    assign rb_mask = kmem_q[2*KEY_W-1:KEY_W];

    always_ff @(posedge clk) begin
        if (rst) rb_q <= 1'b0;
        else rb_q <= dl_re_q[DL-1];
    end
endmodule

`resetall
