// SPDX-License-Identifier: Apache-2.0
// One trie level of hop_table_lpm: reads the node the previous level chose, takes the longest
// prefix the node holds for this key's chunk and the child pointer for the next level. Three
// steps, of which the first shares its cycle with the previous level's last:
//   A  in_ptr (combinational from the previous level's C) addresses the node memory, which reads
//      when in_rd says a lookup is there, while the previous level registers the rest of the
//      lookup (in_stage);
//   B  the node word arrives and is registered as it is (node_b): a big memory is many RAMs
//      (URAM288 rows) whose outputs a mux selects, and that mux gets a cycle of its own; beside
//      it the carried result index is summed;
//   C  the registered node is decoded into out_stage, and out_ptr, the next level's node
//      address, is a combinational output (a population count of 2^STRIDE bits and an add),
//      read by the next level's memory in this same cycle (its A; out_rd is its read enable).
// So a level adds two cycles to the lookup's latency.
//
// A lookup travels between levels as one stage word (hop_table_lpm lays it out):
//   {key[KSW], base[RES_AW], rank_hi[RKM], rank_lo[RKM], hit, go}
// key: the key's low KSW bits (those below level 0's chunk); the result index is base + rank_lo +
// rank_hi, summed by the receiver (the next level in its B step, hop_table_lpm at the result
// memory's address); go: in_ptr names a node of this key. One word per register stage, loaded
// only when a lookup is in it, keeps a Verilated model to a few copies per level and clock.
//
// Two forms of the decode, which give the same answers:
//  - synthesis (and HOP_LPM_POPCOUNT_TREE): B also registers this chunk's masks (below_b[l-1]
//    has the bitmap bits before the chunk's l-bit prefix, cbelow_b the child bits before the
//    chunk); C counts under every length's mask in parallel, with population counts built as
//    trees of bitwise adders (a $countones becomes carry chains, about 8 levels for 30 bits
//    against 6), and picks the longest hit;
//  - a Verilated model (HOP_LPM_SERIAL): no mask registers; C tries the lengths from the longest
//    down and counts once, under a mask made from the chunk, with $countones (one instruction),
//    and out_ptr is made only in a cycle with a lookup (it is not read in any other).
// The suite simulates the synthesis form too (rtl.hop_table_lpm_ipv4_tree, tests/rtl/lpm.cmake).
`default_nettype none

module hop_lpm_level #(
    parameter int KEY_W    = 32,
    parameter int DEPTH    = 12,  // key bits consumed above this level
    parameter int STRIDE   = 4,
    parameter int NODES    = 16,  // words of this level's node memory (its capacity)
    parameter int AW       = NODES > 1 ? $clog2(NODES) : 1,  // its address width
    parameter int CHILD_AW = 4,   // the next level's (unused on the last level)
    parameter int RES_AW   = 8,
    parameter int LAST     = 0,
    // Node word: {child_bm[2^S], internal_bm[2^(S+1)-2], child_base[CHILD_AW], res_base[RES_AW]}
    // (child_bm and child_base absent on the last level).
    parameter int NI       = (1 << (STRIDE + 1)) - 2,
    parameter int NC       = 1 << STRIDE,
    parameter int IB       = RES_AW + (LAST != 0 ? 0 : CHILD_AW),
    parameter int W        = IB + NI + (LAST != 0 ? 0 : NC),
    parameter int IN_RK_W  = 5,   // the previous level's RK_W (level 1: 1)
    parameter int RK_W     = $clog2(NI),  // each half of this level's rank: a count below NI
    // The stage word: key slot, rank half slots (at least IN_RK_W and RK_W), total width.
    parameter int KSW      = KEY_W - DEPTH,
    parameter int RKM      = RK_W,
    parameter int SWD      = KSW + RES_AW + 2 * RKM + 2
) (
    input  wire                 clk,
    input  wire                 rst,
    // A: the node's address (combinational, from the previous level or L0's read data), and
    // whether a lookup presents it.
    input  wire                 in_rd,
    input  wire        [AW-1:0] in_ptr,
    // The rest of the lookup, registered by the previous level at the end of the cycle that
    // presents in_ptr: valid in the cycle the node word arrives.
    input  wire                 in_valid,
    /* verilator lint_off UNUSEDSIGNAL */  // rank slots wider than IN_RK_W; the key above DEPTH
    input  wire     [SWD-1:0]   in_stage,
    /* verilator lint_on UNUSEDSIGNAL */
    // To the next level: out_ptr and out_rd combinational (its A), the out_* registered at that
    // cycle's end.
    output logic [CHILD_AW-1:0] out_ptr,
    output logic                out_rd,
    output logic                out_valid,
    output logic    [SWD-1:0]   out_stage,
    // CSR side of the node memory.
    input  wire                 b_we,
    input  wire                 b_re,
    input  wire        [AW-1:0] b_addr,
    input  wire         [W-1:0] b_wdata,
    output logic        [W-1:0] b_rdata
);
    initial begin
        if (STRIDE < 1 || STRIDE > 8) $fatal(1, "%m: STRIDE must be 1..8");
        if (DEPTH + STRIDE > KEY_W) $fatal(1, "%m: DEPTH + STRIDE exceeds KEY_W");
        if (KSW < KEY_W - DEPTH || KSW > KEY_W) $fatal(1, "%m: KSW must hold the key below DEPTH");
        if (RKM < RK_W || RKM < IN_RK_W) $fatal(1, "%m: RKM must hold both rank widths");
        if (SWD != KSW + RES_AW + 2 * RKM + 2) $fatal(1, "%m: SWD must be the stage word's width");
    end

    // The stage word's fields (see the header), least significant first.
    localparam int SW_RLO = 2;
    localparam int SW_RHI = SW_RLO + RKM;
    localparam int SW_BASE = SW_RHI + RKM;
    localparam int SW_KEY = SW_BASE + RES_AW;
    // Bits of the key slot: the chunk of this level, and what the levels below read.
    localparam int CHUNK_LSB = KEY_W - DEPTH - STRIDE;

    // Population counts: see the header. The bitmap's two halves: bits below NLO, the rest.
    localparam int NLO = NI / 2;
`ifdef VERILATOR
`ifndef HOP_LPM_POPCOUNT_TREE
`define HOP_LPM_SERIAL
`endif
`endif
    // The bitmap bits before the l-bit prefix of chunk c: every bit of a shorter prefix, and those
    // of length l whose value is smaller (a ones-mask below one position). A macro, as the
    // population counts below: a Verilated model makes and clears the temporaries of every
    // function call on every clock, in or out of a lookup.
`define HOP_LPM_BELOW(l, c) (~({NI{1'b1}} << ((1 << (l)) - 2 + (32'(c) >> (STRIDE - (l))))))
`ifdef HOP_LPM_SERIAL
`define HOP_LPM_COUNT(v, n) $countones(v)
`else
`define HOP_LPM_COUNT(v, n) count_bits(NI'(v), n)
    // Sum of two PW-bit numbers as bitwise logic (no carry chain cell).
    localparam int PCW = 10;
    function automatic logic [PCW-1:0] add_bits(input logic [PCW-1:0] a, input logic [PCW-1:0] b);
        logic c;
        c = 1'b0;
        for (int i = 0; i < PCW; i++) begin
            add_bits[i] = a[i] ^ b[i] ^ c;
            c = (a[i] & b[i]) | (c & (a[i] ^ b[i]));
        end
    endfunction
    // Bits of v below n, counted by a balanced tree of add_bits.
    function automatic logic [PCW-1:0] count_bits(input logic [NI-1:0] v, input int n);
        logic [NI*PCW-1:0] t;
        t = '0;
        for (int i = 0; i < n; i++) t[PCW*i+:PCW] = PCW'(v[i]);
        for (int lvl = 0; lvl < PCW; lvl++) begin
            for (int i = 0; i < ((n + (1 << (lvl + 1)) - 1) >> (lvl + 1)); i++)
                t[PCW*i+:PCW] = 2 * i + 1 < ((n + (1 << lvl) - 1) >> lvl) ?
                    add_bits(t[2*PCW*i+:PCW], t[2*PCW*i+PCW+:PCW]) : t[2*PCW*i+:PCW];
        end
        count_bits = t[PCW-1:0];
    endfunction
`endif

    // A: the node memory.
    logic [W-1:0] node;
    hop_lpm_ram #(
        .W    (W),
        .DEPTH(NODES),
        .AW   (AW)
    ) u_ram (
        .clk    (clk),
        .a_en   (in_rd),
        .a_addr (in_ptr),
        .a_rdata(node),
        .b_we   (b_we),
        .b_re   (b_re),
        .b_addr (b_addr),
        .b_wdata(b_wdata),
        .b_rdata(b_rdata)
    );

    // B: the node word, registered as it arrives, and beside it what the previous level
    // registered in A, with the result index summed: meta_b = {key, idx, hit, go}.
    /* verilator lint_off UNUSEDSIGNAL */  // read by the synthesis form's masks only
    wire [STRIDE-1:0] in_chunk = in_stage[SW_KEY+CHUNK_LSB+:STRIDE];
    /* verilator lint_on UNUSEDSIGNAL */
    logic valid_b;
    logic [W-1:0] node_b;
    logic [KSW+RES_AW+1:0] meta_b;
    always_ff @(posedge clk) begin
        if (in_valid) begin
            node_b <= node;
            meta_b <= {in_stage[SW_KEY+:KSW], in_stage[SW_BASE+:RES_AW] +
                       RES_AW'(in_stage[SW_RLO+:IN_RK_W]) + RES_AW'(in_stage[SW_RHI+:IN_RK_W]),
                       in_stage[1:0]};
        end
        if (rst) valid_b <= 1'b0;
        else valid_b <= in_valid;
    end
    assign out_rd = valid_b;

    wire [RES_AW-1:0] res_base_b = node_b[RES_AW-1:0];
    wire [NI-1:0] internal_b = node_b[IB+:NI];
    wire [KSW-1:0] key_b = meta_b[RES_AW+2+:KSW];
    wire [RES_AW-1:0] idx_b = meta_b[2+:RES_AW];
    wire hit_b = meta_b[1], go_b = meta_b[0];
    wire [STRIDE-1:0] chunk = key_b[CHUNK_LSB+:STRIDE];

`ifndef HOP_LPM_SERIAL
    // The masks of this chunk, made in B (they depend only on the key).
    logic [NI-1:0] below_b[STRIDE];
    always_ff @(posedge clk) begin
        if (in_valid)
            for (int l = 1; l <= STRIDE; l++) below_b[l-1] <= `HOP_LPM_BELOW(l, in_chunk);
    end
`endif

    // C: the longest internal prefix matching the chunk, and its rank among the node's prefixes
    // (the node's prefixes before it: population counts of the two halves of the bitmap under
    // the mask of its length). The bitmap holds the l-bit prefix of c at its bits of length l
    // indexed by c's top l bits (a mux, no adder: the offset is a constant shift).
    wire child_hit;
`ifdef HOP_LPM_SERIAL
    // Inside the register's process, so the decode runs only for a lookup.
    always_ff @(posedge clk) begin : c_step
        logic found;
        logic [NI-1:0] bm, below;
        logic [STRIDE-1:0] c;
        logic [NI-NLO-1:0] masked_hi;
        logic [NLO-1:0] masked_lo;
        logic [RK_W-1:0] rank_hi, rank_lo;
        found = 1'b0;
        rank_hi = '0;
        rank_lo = '0;
        if (valid_b) begin
            if (go_b) begin
                // Narrow copies: the loop then works on one machine word, not the node's.
                bm = internal_b;
                c = chunk;
                for (int l = STRIDE; l >= 1; l--) begin
                    if (!found && bm[(1<<l)-2+(32'(c)>>(STRIDE-l))]) begin
                        found = 1'b1;
                        below = `HOP_LPM_BELOW(l, c);
                    end
                end
                if (found) begin
                    masked_hi = bm[NI-1:NLO] & below[NI-1:NLO];
                    masked_lo = bm[NLO-1:0] & below[NLO-1:0];
                    rank_hi = RK_W'(`HOP_LPM_COUNT(masked_hi, NI - NLO));
                    rank_lo = RK_W'(`HOP_LPM_COUNT(masked_lo, NLO));
                end
            end
            out_stage <= {key_b, found ? res_base_b : idx_b, RKM'(rank_hi), RKM'(rank_lo),
                          hit_b || found, child_hit};
        end
        if (rst) out_valid <= 1'b0;
        else out_valid <= valid_b;
    end
`else
    // Combinational, as Yosys synthesizes it quickly (in a clocked process every function
    // temporary of the adder trees would first become a flip-flop to remove). The bitmap holds
    // the l-bit prefix of c at its bits of length l indexed by c's top l bits: a mux, no adder
    // (the offset is a constant shift).
    function automatic logic has_prefix(input logic [NI-1:0] bm, input int l,
                                        input logic [STRIDE-1:0] c);
        logic [NI-1:0] seg;
        seg = bm >> ((1 << l) - 2);
        has_prefix = seg[RK_W'(c) >> (STRIDE - l)];
    endfunction
    logic found;
    logic [NI-NLO-1:0] masked_hi;
    logic [NLO-1:0] masked_lo;
    logic [RK_W-1:0] rank_hi, rank_lo;
    always_comb begin
        found = 1'b0;
        rank_hi = '0;
        rank_lo = '0;
        masked_hi = '0;
        masked_lo = '0;
        if (valid_b && go_b) begin
            for (int l = STRIDE; l >= 1; l--) begin
                if (!found && has_prefix(internal_b, l, chunk)) begin
                    found = 1'b1;
                    masked_hi = internal_b[NI-1:NLO] & below_b[l-1][NI-1:NLO];
                    masked_lo = internal_b[NLO-1:0] & below_b[l-1][NLO-1:0];
                    rank_hi = RK_W'(`HOP_LPM_COUNT(masked_hi, NI - NLO));
                    rank_lo = RK_W'(`HOP_LPM_COUNT(masked_lo, NLO));
                end
            end
        end
    end
    always_ff @(posedge clk) begin
        if (valid_b)
            out_stage <= {key_b, found ? res_base_b : idx_b, RKM'(rank_hi), RKM'(rank_lo),
                          hit_b || found, child_hit};
        if (rst) out_valid <= 1'b0;
        else out_valid <= valid_b;
    end
`endif

    if (LAST != 0) begin : gen_last
        assign out_ptr = '0;
        assign child_hit = 1'b0;
    end else begin : gen_inner
        wire [NC-1:0] child_bm_b = node_b[IB+NI+:NC];
        wire [CHILD_AW-1:0] child_base_b = node_b[RES_AW+:CHILD_AW];
        assign child_hit = go_b && child_bm_b[chunk];
        // The next level's address: the node's first child plus the children before the chunk.
`ifdef HOP_LPM_SERIAL
        assign out_ptr = valid_b ?
            child_base_b + CHILD_AW'($countones(child_bm_b & ~({NC{1'b1}} << chunk))) : '0;
`else
        logic [NC-1:0] cbelow_b;
        always_ff @(posedge clk) begin
            if (in_valid) cbelow_b <= ~({NC{1'b1}} << in_chunk);
        end
        wire [NC-1:0] cmasked_b = child_bm_b & cbelow_b;
        assign out_ptr = child_base_b + CHILD_AW'(`HOP_LPM_COUNT(cmasked_b, NC));
`endif
    end
`undef HOP_LPM_SERIAL
`undef HOP_LPM_BELOW
`undef HOP_LPM_COUNT
endmodule

`resetall
