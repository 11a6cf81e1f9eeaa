// SPDX-License-Identifier: Apache-2.0
// One trie level of hop_table_lpm: reads the node the previous level chose, takes the longest
// prefix the node holds for this key's chunk and the child pointer for the next level; two
// cycles (memory read, then the registered compute).
//
// Sums are carried, not done: a result index travels as {base, rank} (index = base + rank) and
// a node pointer as {pbase, prank}; the receiver adds (this level's pointer at its memory
// address, the index in its first stage, hop_table_lpm at the result memory's address). The
// compute stage is then a bitmap lookup and population counts, with no adder behind them. The
// masks those counts use depend only on the key, so they are made in the memory-read stage.
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
    parameter int RK_W     = $clog2(NI),  // out_rank: a rank is below NI
    parameter int PRK_W    = STRIDE       // out_prank: a child rank is below 2^STRIDE
) (
    input  wire                 clk,
    input  wire                 rst,
    // From the previous stage.
    input  wire                 in_valid,
    input  wire     [KEY_W-1:0] in_key,
    input  wire                 in_hit,
    input  wire    [RES_AW-1:0] in_base,   // result index = in_base + in_rank
    input  wire   [IN_RK_W-1:0] in_rank,
    input  wire                 in_go,
    input  wire        [AW-1:0] in_pbase,  // node pointer = in_pbase + in_prank
    input  wire  [IN_PRK_W-1:0] in_prank,
    // To the next stage.
    output logic                out_valid,
    output logic    [KEY_W-1:0] out_key,
    output logic                out_hit,
    output logic   [RES_AW-1:0] out_base,
    output logic     [RK_W-1:0] out_rank,
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
    always_comb begin
        for (int l = 1; l <= STRIDE; l++) begin
            below_d[(l-1)*NI+:NI] = (NI'(1) << ((1 << l) - 2 + (32'(in_chunk) >> (STRIDE - l))))
                - NI'(1);
        end
    end
    always_ff @(posedge clk) begin
        key1_q <= in_key;
        idx1_q <= in_base + RES_AW'(in_rank);
        hit1_q <= in_hit;
        go1_q  <= in_go;
        below_q <= below_d;
        cbelow_q <= (NC'(1) << in_chunk) - NC'(1);
        if (rst) valid1_q <= 1'b0;
        else valid1_q <= in_valid;
    end

    wire [STRIDE-1:0] chunk = key1_q[KEY_W-1-DEPTH-:STRIDE];
    wire [NI-1:0] internal = node[IB+:NI];
    wire [RES_AW-1:0] res_base = node[RES_AW-1:0];

    // Longest internal prefix matching the chunk, and its rank among the node's prefixes (the
    // node's prefixes before it: a population count per length, the longest found one taken).
    logic found;
    logic [RK_W-1:0] rank;
    always_comb begin
        found = 1'b0;
        rank = '0;
        for (int l = 1; l <= STRIDE; l++) begin
            if (internal[(1<<l)-2+(32'(chunk)>>(STRIDE-l))]) begin
                found = 1'b1;
                rank = RK_W'($countones(internal & below_q[(l-1)*NI+:NI]));
            end
        end
    end

    logic hit_d, go_d;
    logic [RES_AW-1:0] base_d;
    logic [RK_W-1:0] rank_d;
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
            prank_d = PRK_W'($countones(child_bm & cbelow_q));
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
