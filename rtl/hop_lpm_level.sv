// SPDX-License-Identifier: Apache-2.0
// One trie level of hop_table_lpm: reads the node the previous level chose, takes the longest
// prefix the node holds for this key's chunk and the child pointer for the next level; two
// cycles (memory read, then the registered compute).
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
    parameter int W        = IB + NI + (LAST != 0 ? 0 : NC)
) (
    input  wire                 clk,
    input  wire                 rst,
    // From the previous stage.
    input  wire                 in_valid,
    input  wire     [KEY_W-1:0] in_key,
    input  wire                 in_hit,
    input  wire    [RES_AW-1:0] in_idx,
    input  wire                 in_go,
    input  wire        [AW-1:0] in_ptr,
    // To the next stage.
    output logic                out_valid,
    output logic    [KEY_W-1:0] out_key,
    output logic                out_hit,
    output logic   [RES_AW-1:0] out_idx,
    output logic                out_go,
    output logic [CHILD_AW-1:0] out_ptr,
    // CSR side of the node memory.
    input  wire                 b_we,
    input  wire        [AW-1:0] b_addr,
    input  wire         [W-1:0] b_wdata,
    output logic        [W-1:0] b_rdata
);
    initial begin
        if (STRIDE < 1 || STRIDE > 8) $fatal(1, "%m: STRIDE must be 1..8");
        if (DEPTH + STRIDE > KEY_W) $fatal(1, "%m: DEPTH + STRIDE exceeds KEY_W");
    end

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
        .b_addr (b_addr),
        .b_wdata(b_wdata),
        .b_rdata(b_rdata)
    );

    // Stage 1: the node word arrives; the rest of the lookup waits beside it.
    logic valid1_q, hit1_q, go1_q;
    logic [KEY_W-1:0] key1_q;
    logic [RES_AW-1:0] idx1_q;
    always_ff @(posedge clk) begin
        key1_q <= in_key;
        idx1_q <= in_idx;
        hit1_q <= in_hit;
        go1_q  <= in_go;
        if (rst) valid1_q <= 1'b0;
        else valid1_q <= in_valid;
    end

    wire [STRIDE-1:0] chunk = key1_q[KEY_W-1-DEPTH-:STRIDE];
    wire [NI-1:0] internal = node[IB+:NI];
    wire [RES_AW-1:0] res_base = node[RES_AW-1:0];

    // Longest internal prefix matching the chunk, and its rank among the node's prefixes.
    logic found;
    int match_pos;
    logic [RES_AW-1:0] rank;
    always_comb begin
        found = 1'b0;
        match_pos = 0;
        for (int l = 1; l <= STRIDE; l++) begin
            if (internal[(1<<l)-2+(32'(chunk)>>(STRIDE-l))]) begin
                found = 1'b1;
                match_pos = (1 << l) - 2 + (32'(chunk) >> (STRIDE - l));
            end
        end
        // The node's prefixes before match_pos: a mask and a population count (one adder tree;
        // in a Verilated model one popcount instead of a loop over the bitmap).
        rank = RES_AW'($countones(internal & ((NI'(1) << match_pos) - NI'(1))));
    end

    logic valid_d, hit_d, go_d;
    logic [RES_AW-1:0] idx_d;
    logic [CHILD_AW-1:0] ptr_d;
    always_comb begin
        valid_d = valid1_q;
        hit_d = hit1_q;
        idx_d = idx1_q;
        if (go1_q && found) begin
            hit_d = 1'b1;
            idx_d = res_base + rank;
        end
    end

    if (LAST != 0) begin : gen_last
        always_comb begin
            go_d  = 1'b0;
            ptr_d = '0;
        end
    end else begin : gen_inner
        wire [NC-1:0] child_bm = node[IB+NI+:NC];
        wire [CHILD_AW-1:0] child_base = node[RES_AW+:CHILD_AW];
        logic [CHILD_AW-1:0] child_rank;
        always_comb begin
            child_rank = CHILD_AW'($countones(child_bm & ((NC'(1) << chunk) - NC'(1))));
            go_d  = go1_q && child_bm[chunk];
            ptr_d = child_base + child_rank;
        end
    end

    always_ff @(posedge clk) begin
        out_key <= key1_q;
        out_hit <= hit_d;
        out_idx <= idx_d;
        out_go  <= go_d;
        out_ptr <= ptr_d;
        if (rst) out_valid <= 1'b0;
        else out_valid <= valid_d;
    end
endmodule

`resetall
