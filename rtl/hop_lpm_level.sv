// SPDX-License-Identifier: Apache-2.0
// One trie level of hop_table_lpm: reads the node the previous level chose, takes the longest
// prefix the node holds for this key's chunk and the child pointer for the next level. Three
// steps, of which the first shares its cycle with the previous level's last:
//   A  in_ptr (combinational from the previous level's C) addresses the node memory, while
//      the previous level registers the rest of the lookup (in_*);
//   B  the node word arrives and is registered as it is (node_q): a big memory is many RAMs
//      (URAM288 rows) whose outputs a mux selects, and that mux gets a cycle of its own; beside
//      it the carried result index is summed and the masks of this key's chunk are made;
//   C  the registered node is decoded into the out_* registers, and out_ptr, the next level's
//      node address, is a combinational output (a population count of 2^STRIDE bits and an
//      add), read by the next level's memory in this same cycle (its A).
// So a level adds two cycles to the lookup's latency.
//
// Sums are carried, not done: a result index travels as {base, rank} with the rank itself two
// partial counts (index = base + rank_lo + rank_hi); the receiver adds (the next level in its B
// step, hop_table_lpm at the result memory's address). The masks the population counts use
// depend only on the key, so they are made in B. Population counts are a tree of bitwise adders
// for synthesis (a $countones becomes carry chains, about 8 levels for 30 bits against 6) and
// $countones in a Verilated model (one instruction); the suite simulates the tree form too
// (HOP_LPM_POPCOUNT_TREE, tests/rtl/lpm.cmake), so both are shown to give the same answers.
// The registers of B and C load only when a lookup is in them.
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
    parameter int RK_W     = $clog2(NI)  // each half of out_rank: a count below NI
) (
    input  wire                 clk,
    input  wire                 rst,
    // A: the node's address (combinational, from the previous level or L0's read data).
    input  wire        [AW-1:0] in_ptr,
    // The rest of the lookup, registered by the previous level at the end of the cycle that
    // presents in_ptr: valid in the cycle the node word arrives.
    input  wire                 in_valid,
    input  wire     [KEY_W-1:0] in_key,
    input  wire                 in_hit,
    input  wire    [RES_AW-1:0] in_base,   // result index = in_base + in_rank
    input  wire [2*IN_RK_W-1:0] in_rank,   // {rank_hi, rank_lo}
    input  wire                 in_go,     // in_ptr names a node of this key
    // To the next level: out_ptr combinational (its A), the out_* registered at that cycle's end.
    output logic [CHILD_AW-1:0] out_ptr,
    output logic                out_valid,
    output logic    [KEY_W-1:0] out_key,
    output logic                out_hit,
    output logic   [RES_AW-1:0] out_base,
    output logic   [2*RK_W-1:0] out_rank,
    output logic                out_go,
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
    end

    // Population counts: see the header. The bitmap's two halves: bits below NLO, the rest.
    localparam int NLO = NI / 2;
    localparam int PRK_W = STRIDE + 1;  // a child rank: at most 2^STRIDE
`ifdef VERILATOR
`ifndef HOP_LPM_POPCOUNT_TREE
`define HOP_LPM_POPCOUNT_NATIVE
`endif
`endif
`ifdef HOP_LPM_POPCOUNT_NATIVE
    function automatic logic [RK_W-1:0] popcount_lo(input logic [NLO-1:0] v);
        popcount_lo = RK_W'($countones(v));
    endfunction
    function automatic logic [RK_W-1:0] popcount_hi(input logic [NI-NLO-1:0] v);
        popcount_hi = RK_W'($countones(v));
    endfunction
    function automatic logic [PRK_W-1:0] popcount_child(input logic [NC-1:0] v);
        popcount_child = PRK_W'($countones(v));
    endfunction
`else
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
    function automatic logic [RK_W-1:0] popcount_lo(input logic [NLO-1:0] v);
        popcount_lo = RK_W'(count_bits(NI'(v), NLO));
    endfunction
    function automatic logic [RK_W-1:0] popcount_hi(input logic [NI-NLO-1:0] v);
        popcount_hi = RK_W'(count_bits(NI'(v), NI - NLO));
    endfunction
    function automatic logic [PRK_W-1:0] popcount_child(input logic [NC-1:0] v);
        popcount_child = PRK_W'(count_bits(NI'(v), NC));
    endfunction
`endif
`undef HOP_LPM_POPCOUNT_NATIVE

    // A: the node memory.
    logic [W-1:0] node;
    hop_lpm_ram #(
        .W    (W),
        .DEPTH(NODES),
        .AW   (AW)
    ) u_ram (
        .clk    (clk),
        .a_addr (in_ptr),
        .a_rdata(node),
        .b_we   (b_we),
        .b_re   (b_re),
        .b_addr (b_addr),
        .b_wdata(b_wdata),
        .b_rdata(b_rdata)
    );

    // B: the node word, registered as it arrives (its fields: the same flip-flops as the whole
    // word), and beside it what the previous level registered in A (in_*). For the chunk of this
    // level, the masks: below_b[l-1] has the bitmap bits before the chunk's l-bit prefix (every
    // bit of a shorter prefix, and those of length l whose value is smaller), cbelow_b the child
    // bits before the chunk. Each is a ones-mask below one position.
    wire [STRIDE-1:0] in_chunk = in_key[KEY_W-1-DEPTH-:STRIDE];
    logic valid_b, hit_b, go_b;
    logic [KEY_W-1:0] key_b;
    logic [RES_AW-1:0] idx_b, res_base_b;
    logic [NI-1:0] internal_b;
    logic [NI-1:0] below_b[STRIDE];
    always_ff @(posedge clk) begin
        if (in_valid) begin
            res_base_b <= node[RES_AW-1:0];
            internal_b <= node[IB+:NI];
            key_b <= in_key;
            hit_b <= in_hit;
            go_b <= in_go;
            idx_b <= in_base + RES_AW'(in_rank[IN_RK_W-1:0]) + RES_AW'(in_rank[2*IN_RK_W-1:IN_RK_W]);
            for (int l = 1; l <= STRIDE; l++)
                below_b[l-1] <= ~({NI{1'b1}} << ((1 << l) - 2 + (32'(in_chunk) >> (STRIDE - l))));
        end
        if (rst) valid_b <= 1'b0;
        else valid_b <= in_valid;
    end

    // C: the longest internal prefix matching the chunk, and its rank among the node's prefixes
    // (the node's prefixes before it: population counts of the two halves of the bitmap under
    // the mask of its length). Hardware counts under every length's mask in parallel and picks;
    // a Verilated model, going from the longest length down, counts once.
    wire [STRIDE-1:0] chunk = key_b[KEY_W-1-DEPTH-:STRIDE];
    // The bitmap holds the l-bit prefix of c: its bits of length l indexed by c's top l bits (a
    // mux, no adder: the offset is a constant shift).
    function automatic logic has_prefix(input logic [NI-1:0] bm, input int l,
                                        input logic [STRIDE-1:0] c);
        logic [NI-1:0] seg;
        seg = bm >> ((1 << l) - 2);
        has_prefix = seg[RK_W'(c) >> (STRIDE - l)];
    endfunction
    logic found;
    logic [2*RK_W-1:0] rank;
    always_comb begin
        found = 1'b0;
        rank = '0;
        if (valid_b && go_b) begin
            for (int l = STRIDE; l >= 1; l--) begin
                if (!found && has_prefix(internal_b, l, chunk)) begin
                    found = 1'b1;
                    rank = {popcount_hi(internal_b[NI-1:NLO] & below_b[l-1][NI-1:NLO]),
                            popcount_lo(internal_b[NLO-1:0] & below_b[l-1][NLO-1:0])};
                end
            end
        end
    end

    always_ff @(posedge clk) begin
        if (valid_b) begin
            out_key <= key_b;
            out_hit <= hit_b || found;
            out_base <= found ? res_base_b : idx_b;
            out_rank <= rank;
        end
        if (rst) out_valid <= 1'b0;
        else out_valid <= valid_b;
    end

    if (LAST != 0) begin : gen_last
        assign out_ptr = '0;
        always_ff @(posedge clk) out_go <= 1'b0;
    end else begin : gen_inner
        logic [NC-1:0] child_bm_b, cbelow_b;
        logic [CHILD_AW-1:0] child_base_b;
        always_ff @(posedge clk) begin
            if (in_valid) begin
                child_bm_b <= node[IB+NI+:NC];
                child_base_b <= node[RES_AW+:CHILD_AW];
                cbelow_b <= ~({NC{1'b1}} << in_chunk);
            end
            if (valid_b) out_go <= go_b && child_bm_b[chunk];
        end
        // The next level's address: the node's first child plus the children before the chunk.
        assign out_ptr = child_base_b + CHILD_AW'(popcount_child(child_bm_b & cbelow_b));
    end
endmodule

`resetall
