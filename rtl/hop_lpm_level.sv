// SPDX-License-Identifier: Apache-2.0
// One trie level of hop_table_lpm: reads the node the previous level chose, takes the longest
// prefix the node holds for this key's chunk and the child pointer for the next level; two
// cycles (memory read, then the registered compute).
//
// Sums are carried, not done: a result index travels as {base, rank} with the rank itself two
// partial counts (index = base + rank_lo + rank_hi), and a node pointer as {pbase, prank}; the
// receiver adds (this level's pointer at its memory address, the index in its first stage,
// hop_table_lpm at the result memory's address). The compute stage is then a bitmap lookup and
// population counts of half a bitmap, with no adder behind them. The masks those counts use
// depend only on the key, so they are made in the memory-read stage. Population counts are a
// tree of bitwise adders for synthesis (a $countones becomes carry chains, about 8 levels for
// 30 bits against 6) and $countones in a Verilated model (one instruction).
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
    parameter int IN_RK_W  = 5,   // the previous level's RK_W (level 0: 1)
    parameter int IN_PRK_W = 4,   // the previous level's PRK_W (level 0: 1)
    parameter int RK_W     = $clog2(NI),  // each half of out_rank: a count below NI
    parameter int PRK_W    = STRIDE       // out_prank: a child rank is below 2^STRIDE
) (
    input  wire                 clk,
    input  wire                 rst,
    // From the previous stage.
    input  wire                 in_valid,
    input  wire     [KEY_W-1:0] in_key,
    input  wire                 in_hit,
    input  wire    [RES_AW-1:0] in_base,   // result index = in_base + in_rank
    input  wire [2*IN_RK_W-1:0] in_rank,   // {rank_hi, rank_lo}
    input  wire                 in_go,
    input  wire        [AW-1:0] in_pbase,  // node pointer = in_pbase + in_prank
    input  wire  [IN_PRK_W-1:0] in_prank,
    // To the next stage.
    output logic                out_valid,
    output logic    [KEY_W-1:0] out_key,
    output logic                out_hit,
    output logic   [RES_AW-1:0] out_base,
    output logic   [2*RK_W-1:0] out_rank,
    output logic                out_go,
    output logic [CHILD_AW-1:0] out_pbase,
    output logic    [PRK_W-1:0] out_prank,
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
`ifdef VERILATOR
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

    logic [W-1:0] node;
    wire [AW-1:0] ptr = in_pbase + AW'(in_prank);
    hop_lpm_ram #(
        .W    (W),
        .DEPTH(NODES),
        .AW   (AW)
    ) u_ram (
        .clk    (clk),
        .a_addr (ptr),
        .a_rdata(node),
        .b_we   (b_we),
        .b_re   (b_re),
        .b_addr (b_addr),
        .b_wdata(b_wdata),
        .b_rdata(b_rdata)
    );

    // Stage 1: the node word arrives; beside it the lookup's index is summed and the masks of
    // this key's chunk are made: for prefix length l, the bitmap bits before the chunk's l-bit
    // prefix (below_q[l]); for the children, the child bits before the chunk (cbelow_q).
    wire [STRIDE-1:0] in_chunk = in_key[KEY_W-1-DEPTH-:STRIDE];
    logic valid1_q, hit1_q, go1_q;
    logic [KEY_W-1:0] key1_q;
    logic [RES_AW-1:0] idx1_q;
    logic [STRIDE*NI-1:0] below_d, below_q;
    logic [NC-1:0] cbelow_q;
    // Bit i of below_q[l]: i < 2^l - 2 + the chunk's top l bits, as a compare per bit (the
    // bits of shorter prefixes are all below; those of length l below the chunk's prefix).
    logic [NC-1:0] cbelow_d;
    always_comb begin
        for (int l = 1; l <= STRIDE; l++) begin
            for (int i = 0; i < NI; i++) begin
                if (i < (1 << l) - 2) below_d[(l-1)*NI+i] = 1'b1;
                else if (i >= (1 << (l + 1)) - 2) below_d[(l-1)*NI+i] = 1'b0;
                else below_d[(l-1)*NI+i] = (32'(in_chunk) >> (STRIDE - l)) > i - ((1 << l) - 2);
            end
        end
        for (int j = 0; j < NC; j++) cbelow_d[j] = 32'(in_chunk) > j;
    end
    always_ff @(posedge clk) begin
        key1_q <= in_key;
        idx1_q <= in_base + RES_AW'(in_rank[IN_RK_W-1:0]) + RES_AW'(in_rank[2*IN_RK_W-1:IN_RK_W]);
        hit1_q <= in_hit;
        go1_q  <= in_go;
        below_q <= below_d;
        cbelow_q <= cbelow_d;
        if (rst) valid1_q <= 1'b0;
        else valid1_q <= in_valid;
    end

    wire [STRIDE-1:0] chunk = key1_q[KEY_W-1-DEPTH-:STRIDE];
    wire [NI-1:0] internal = node[IB+:NI];
    wire [RES_AW-1:0] res_base = node[RES_AW-1:0];

    // Longest internal prefix matching the chunk, and its rank among the node's prefixes (the
    // node's prefixes before it: population counts of the two halves of the bitmap under the
    // mask of each length, the longest found one taken).
    logic [NI-1:0] masked;
    logic found;
    logic [2*RK_W-1:0] rank;
    always_comb begin
        found = 1'b0;
        rank = '0;
        masked = '0;
        for (int l = 1; l <= STRIDE; l++) begin
            masked = internal & below_q[(l-1)*NI+:NI];
            if (internal[(1<<l)-2+(32'(chunk)>>(STRIDE-l))]) begin
                found = 1'b1;
                rank = {popcount_hi(masked[NI-1:NLO]), popcount_lo(masked[NLO-1:0])};
            end
        end
    end

    logic hit_d, go_d;
    logic [RES_AW-1:0] base_d;
    logic [2*RK_W-1:0] rank_d;
    logic [CHILD_AW-1:0] pbase_d;
    logic [PRK_W-1:0] prank_d;
    always_comb begin
        hit_d = hit1_q;
        base_d = idx1_q;
        rank_d = '0;
        if (go1_q && found) begin
            hit_d = 1'b1;
            base_d = res_base;
            rank_d = rank;
        end
    end

    if (LAST != 0) begin : gen_last
        always_comb begin
            go_d = 1'b0;
            pbase_d = '0;
            prank_d = '0;
        end
        wire unused_cbelow = ^cbelow_q;
    end else begin : gen_inner
        wire [NC-1:0] child_bm = node[IB+NI+:NC];
        always_comb begin
            go_d = go1_q && child_bm[chunk];
            pbase_d = node[RES_AW+:CHILD_AW];
            prank_d = popcount_child(child_bm & cbelow_q);
        end
    end

    always_ff @(posedge clk) begin
        out_key <= key1_q;
        out_hit <= hit_d;
        out_base <= base_d;
        out_rank <= rank_d;
        out_go <= go_d;
        out_pbase <= pbase_d;
        out_prank <= prank_d;
        if (rst) out_valid <= 1'b0;
        else out_valid <= valid1_q;
    end
endmodule

`resetall
