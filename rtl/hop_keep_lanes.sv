// SPDX-License-Identifier: Apache-2.0
// Lanes present in an AXI4-Stream beat: the count n (0..KEEP_W) of a tkeep that is a
// thermometer code (lanes 0..n-1 present, the AXI contract of rtl/README.md).
//
// n >= k exactly when tkeep[k-1], so bit j of n (j < log2(KEEP_W)) is set when n lies in
// [m*2^j, (m+1)*2^j) for an odd m, which two bits of the thermometer tell: tkeep[m*2^j - 1]
// and not tkeep[(m+1)*2^j - 1]; the top bit is tkeep[KEEP_W-1]. An OR tree of 2-input terms
// per bit (3 LUT levels at KEEP_W = 64) instead of a popcount's adder tree, written as
// word-wide operations (one shift, AND and OR-reduce of KEEP_W bits per bit of n), so that a
// simulator works a few machine words, not one term per lane. Combinational.
//
// Parameter: KEEP_W, a power of two >= 2. A tkeep that is not a thermometer code gives a
// count that means nothing (the blocks that use this one rely on the contract).
`default_nettype none

module hop_keep_lanes #(
    parameter int KEEP_W = 64
) (
    input  wire  [  KEEP_W-1:0] tkeep,
    output logic [$clog2(KEEP_W):0] lanes
);
    localparam int LOG_K = $clog2(KEEP_W);

    initial begin
        if (KEEP_W < 2 || (1 << LOG_K) != KEEP_W)
            $fatal(1, "%m: KEEP_W must be a power of two >= 2");
    end

    // The lanes m*2^j - 1 for odd m with (m+1)*2^j <= KEEP_W, bit j's KEEP_W bits at KEEP_W*j.
    function automatic logic [LOG_K*KEEP_W-1:0] odd_ends();
        odd_ends = '0;
        for (int j = 0; j < LOG_K; j++)
            for (int m = 1; (m + 1) << j <= KEEP_W; m += 2) odd_ends[KEEP_W*j+(m<<j)-1] = 1'b1;
    endfunction
    localparam logic [LOG_K*KEEP_W-1:0] ODD_ENDS = odd_ends();

    // The bits ORed into one word (no read-modify-write of single bits in a simulator).
    always_comb begin
        logic [LOG_K:0] n;
        n = (LOG_K + 1)'(tkeep[KEEP_W-1]) << LOG_K;
        for (int j = 0; j < LOG_K; j++)
            n = n | ((LOG_K + 1)'(|(tkeep & ~(tkeep >> (1 << j)) & ODD_ENDS[KEEP_W*j+:KEEP_W]))
                     << j);
        lanes = n;
    end
endmodule

`resetall
