// SPDX-License-Identifier: Apache-2.0
// A v1model meter array (two-rate three-colour marking, RFC 2698, colour-blind) at one packet
// per clock, exactly as BMv2's Meter::execute with the rates in fixed point: each cell is a word
// of an hop_register, read when the packet comes in and written back LATENCY cycles later, and
// every packet on a cell sees every earlier packet's marking, back to back.
//
// Pipeline port. Cycle 0: `in_valid` with `in_idx`, `in_units` (1 for a packets meter, the
// frame's length for a bytes meter) and `in_time_us` (the packet's arrival time in whole
// microseconds). Cycle LATENCY (8): `out_colour` (GREEN 0, YELLOW 1, RED 2, from a register)
// with `out_valid`, and the pipeline's `commit`: the marking is written back to the cell only
// when it is 1 (a packet whose execute_meter does not run under its predicate reads the cell and
// leaves it). A cell whose rates were never set (configured bit 0), and an index at or past
// DEPTH, mark GREEN; the latter changes nothing (the pipeline leaves its destination as it was,
// as BMv2 does).
//
// Marking, per bucket, the peak one (RED when short) first, then the committed one (YELLOW):
//   earned = floor(time_us * RATE / 2^32)    (RATE: units per microsecond, unsigned Q32.32)
//   fresh  = earned - last if earned > last, else 0; last = max(last, earned)
//   tokens = burst if fresh >= burst - min(tokens, burst), else tokens + fresh
//   short when tokens < units; else tokens -= units.
// A peak bucket that is short leaves the committed bucket as it was.
//
// Stages (at most 8 LUT levels each, issue 13). S0: the cell's read. S1: the cell (hop_register's
// forwarding mux) and the 16x16-bit partial products of time x rate (one DSP each). S2-S4: their
// sum, earned (bits 95:32 of the product; bits from 96 up are dropped, a 64-bit count as BMv2's).
// S5-S6: fresh against the state, reduced to what the marking needs (tokens never exceed
// 2^32 - 1): fresh's low 32 bits, whether it is 2^32 or more, burst - fresh and units - fresh
// with their signs, each a 64-bit compare or a 32-bit add of `last` with a value precomputed
// from earned at S5. S7: the marking, both buckets, each a 32-bit compare or add of the tokens
// with registers, then a pick. S8: the colour out (a register), `commit` in, the write-back.
//
// Packets in flight. The read at S0 sees writes up to that cycle; the packets 1 to 7 ahead of a
// packet write after it, so their markings are forwarded: each stage's copy of the state takes
// the one written this cycle (the packet at S8, when it commits and is on the same cell; the
// equality of the indices is computed once, at S1). At S6 that is the packet two ahead, whose
// `last` the stage compares with beside the copy's. At S7 the packet one ahead is still deciding
// (its `commit` comes in this cycle), so S7 marks both ways: (a) after its marking (its tokens,
// and fresh against its earned, computed at S5-S6, where it raised `last`), (b) without it; its
// `commit` picks. So the state carried from packet to packet in one cycle is the tokens and a
// flag per bucket.
//
// Cell word (bit 0 first): [0] configured; then the peak bucket, then the committed bucket, each
// {last (64), tokens (32), burst (32), rate (64)} from its low bit: rate at +0, burst at +64,
// tokens at +96, last at +128 (BUCKET_W = 192 bits). WIDTH = 385. Setting rates writes a cell
// (CSR WRITE) with configured 1, both buckets full (tokens = burst) and last 0; READ gives the
// whole state; RESET unconfigures every cell. CSR: hop_register's (INFO, WIDTH, INDEX, CMD,
// DATA), at BASE; its commands wait while a packet is in flight (`hold`), so a command never
// falls between a packet's read and its write-back and READ sees every packet before it.
`default_nettype none

module hop_meter #(
    parameter int DEPTH = 16,
    parameter int IDX_W = 32,
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 128
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              in_valid,
    input  wire  [IDX_W-1:0] in_idx,
    input  wire  [     31:0] in_units,
    input  wire  [     63:0] in_time_us,
    output logic             out_valid,
    output logic [      1:0] out_colour,
    input  wire              commit,
    input  wire              csr_wr,
    input  wire              csr_rd,
    input  wire  [     31:0] csr_addr,
    input  wire  [     31:0] csr_wdata,
    output logic [     31:0] csr_rdata
);
    localparam int RATE_W = 64, BURST_W = 32, LAST_W = 64;
    localparam int BUCKET_W = RATE_W + 2 * BURST_W + LAST_W;
    localparam int WIDTH = 1 + 2 * BUCKET_W;
    localparam int PEAK = 1, COMMITTED = 1 + BUCKET_W;
    // Cycles from in_valid to out_colour and commit (regmap::kMeterLatency).
    localparam int LATENCY = 8;
    // A bucket's state, {last, tokens}, and the cell's, {committed, peak}.
    localparam int ST_W = LAST_W + BURST_W, STATE_W = 2 * ST_W;

    // --- the packet through the stages ------------------------------------------------------
    // Per stage s (unpacked arrays indexed by s; per bucket, the peak one in the low half).
    logic [LATENCY:1] valid_q;
    logic [IDX_W-1:0] idx_q[1:LATENCY];
    logic [31:0] units_q[1:6];
    logic [63:0] time_q;
    always_ff @(posedge clk) begin
        if (rst) valid_q <= '0;
        else valid_q <= {valid_q[LATENCY-1:1], in_valid};
        idx_q[1] <= in_idx;
        units_q[1] <= in_units;
        for (int s = 2; s <= LATENCY; s++) idx_q[s] <= idx_q[s-1];
        for (int s = 2; s <= 6; s++) units_q[s] <= units_q[s-1];
        time_q <= in_time_us;
    end

    // --- the cells --------------------------------------------------------------------------
    logic [WIDTH-1:0] rd_data, wr_data;
    hop_register #(
        .WIDTH(WIDTH),
        .DEPTH(DEPTH),
        .IDX_W(IDX_W),
        .BASE (BASE),
        .SPAN (SPAN)
    ) u_cells (
        .clk      (clk),
        .rst      (rst),
        .hold     (|valid_q),
        .rd_valid (in_valid),
        .rd_idx   (in_idx),
        .rd_data  (rd_data),
        .wr_en    (valid_q[LATENCY] && commit),
        .wr_idx   (idx_q[LATENCY]),
        .wr_data  (wr_data),
        .csr_wr   (csr_wr),
        .csr_rd   (csr_rd),
        .csr_addr (csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(csr_rdata)
    );

    // A bucket's {last, tokens} in a cell word.
    function automatic logic [ST_W-1:0] bucket_state(input logic [WIDTH-1:0] w, input int at);
        bucket_state = {w[at+RATE_W+2*BURST_W+:LAST_W], w[at+RATE_W+BURST_W+:BURST_W]};
    endfunction

    // The marking of the packet at S8 as if it commits ({committed, peak} state), whether it
    // raised each bucket's `last` (the next packet's candidate (a) at S7), and its colour.
    logic [STATE_W-1:0] new_q, new_d;
    logic [1:0] raised_q, raised_d;
    logic [1:0] colour_q, colour_d;

    // A stage's copy of the state, then the write of the packet at S8 when it is on that cell
    // and commits.
    function automatic logic [STATE_W-1:0] snoop(input logic [STATE_W-1:0] view, input logic same,
                                                 input logic [STATE_W-1:0] written,
                                                 input logic wrote);
        snoop = same && wrote ? written : view;
    endfunction

    // --- S1: the cell; which packets ahead are on the same cell -------------------------------
    // same_q[s][d]: the packet at stage s and the one d stages ahead are on one cell (the one
    // ahead valid). Computed at S1 for d = 1..7 and carried; stage s uses d = LATENCY - s.
    logic [LATENCY-1:1] same_q[2:LATENCY-1];
    logic [LATENCY-1:1] same_d;
    always_comb
        for (int d = 1; d < LATENCY; d++) same_d[d] = valid_q[1+d] && idx_q[1+d] == idx_q[1];

    // The configuration {rate_c, rate_p, burst_c, burst_p, configured}, from S2 on.
    localparam int CFG_W = 1 + 2 * BURST_W + 2 * RATE_W;
    logic [CFG_W-1:0] cfg_q[2:LATENCY];
    logic [STATE_W-1:0] view_q[2:6];
    wire [2*RATE_W-1:0] rd_rate = {rd_data[COMMITTED+:RATE_W], rd_data[PEAK+:RATE_W]};
    wire [STATE_W-1:0] rd_state = {bucket_state(rd_data, COMMITTED), bucket_state(rd_data, PEAK)};
    // pp_q[16b + 4i + j]: time bits 16i..16i+15 times bucket b's rate bits 16j..16j+15 (i + j
    // <= 5: the products at 2^96 and up do not reach earned's bits; the others stay 0).
    logic [31:0] pp_q[32];
    always_ff @(posedge clk) begin
        cfg_q[2] <= {rd_rate, rd_data[COMMITTED+RATE_W+:BURST_W], rd_data[PEAK+RATE_W+:BURST_W],
                     rd_data[0]};
        view_q[2] <= snoop(rd_state, same_d[LATENCY-1], new_q, commit);
        same_q[2] <= same_d;
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    pp_q[16*b+4*i+j] <= i + j <= 5
                        ? time_q[16*i+:16] * rd_rate[RATE_W*b+16*j+:16] : 32'd0;
    end

    // --- S2-S4: earned = bits 95:32 of time x rate ------------------------------------------
    // S2: sum_q[6b + k], the products of weight 2^(16k) summed (at most 4, as two pairs).
    function automatic logic [33:0] add4(input logic [31:0] a, b, c, d);
        add4 = (34'(a) + 34'(b)) + (34'(c) + 34'(d));
    endfunction
    logic [33:0] sum_q[12];
    always_ff @(posedge clk)
        for (int b = 0; b < 2; b++)
            for (int k = 0; k < 6; k++)
                sum_q[6*b+k] <= add4(k < 4 ? pp_q[16*b+(k&3)] : 32'd0,
                                     k >= 1 && k < 5 ? pp_q[16*b+4+((k-1)&3)] : 32'd0,
                                     k >= 2 ? pp_q[16*b+8+((k-2)&3)] : 32'd0,
                                     k >= 3 ? pp_q[16*b+12+((k-3)&3)] : 32'd0);
    // S3: the even weights and the odd ones, each three 32-bit words side by side plus the
    // 2-bit overflows of the two lower ones (mod 2^96).
    /* verilator lint_off UNUSEDSIGNAL */
    function automatic logic [95:0] spread(input logic [33:0] s0, s1, s2);
        spread = {s2[31:0], s1[31:0], s0[31:0]} + {30'd0, s1[33:32], 30'd0, s0[33:32], 32'd0};
    endfunction
    // S4: their sum; earned (the peak bucket's in the low half) at S5, S6 and S7.
    function automatic logic [63:0] earned_of(input logic [95:0] even, odd);
        logic [95:0] total;
        total = even + odd;
        earned_of = total[95:32];
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    logic [95:0] even_q[2], odd_q[2];
    logic [127:0] earned_q[5:LATENCY-1];
    always_ff @(posedge clk) begin
        for (int b = 0; b < 2; b++) begin
            even_q[b] <= spread(sum_q[6*b], sum_q[6*b+2], sum_q[6*b+4]);
            odd_q[b] <= spread(sum_q[6*b+1], sum_q[6*b+3], sum_q[6*b+5]) << 16;
        end
        earned_q[5] <= {earned_of(even_q[1], odd_q[1]), earned_of(even_q[0], odd_q[0])};
        for (int s = 6; s < LATENCY; s++) earned_q[s] <= earned_q[s-1];
    end

    // The state forwarded at S2-S5, and the configuration carried.
    always_ff @(posedge clk) begin
        for (int s = 3; s <= 6; s++)
            view_q[s] <= snoop(view_q[s-1], same_q[s-1][LATENCY-s+1], new_q, commit);
        for (int s = 3; s < LATENCY; s++) same_q[s] <= same_q[s-1];
        for (int s = 3; s <= LATENCY; s++) cfg_q[s] <= cfg_q[s-1];
    end

    // What the marking needs of `fresh` (earned - last when earned is above `last`, else 0) for
    // one bucket, so that S7 compares and adds the tokens with registers only:
    //   [99] earned > last   [98] fresh >= 2^32 (the bucket fills, and no packet is short)
    //   [97] units > fresh, [96] burst > fresh, and (units - fresh), (burst - fresh), fresh
    //   (low 32 bits each: [95:64], [63:32], [31:0]).
    // tokens + fresh >= burst is then !(burst > fresh) || tokens >= burst - fresh, and
    // tokens + fresh < units is units > fresh && tokens < units - fresh.
    localparam int FR_W = 100;
    function automatic logic [FR_W-1:0] fresh_rec(input logic above, big, input logic [31:0] fresh,
                                                  input logic burst_gt, input logic [31:0] burst_left,
                                                  input logic units_gt, input logic [31:0] units_left);
        fresh_rec = {above, big, units_gt, burst_gt, units_left, burst_left, fresh};
    endfunction
    // Against another packet's earned (candidate (a1)): the 65-bit difference at S5, the rest at
    // S6 from it.
    /* verilator lint_off UNUSEDSIGNAL */
    function automatic logic [33:0] diff_of(input logic [63:0] earned, last);
        logic [64:0] d;
        d = {1'b0, earned} - {1'b0, last};
        diff_of = {earned > last, !d[64] && |d[63:32], d[31:0]};
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    function automatic logic [FR_W-1:0] diff_rec(input logic [33:0] d, input logic [31:0] burst,
                                                 units);
        logic above;
        above = d[33];
        diff_rec = fresh_rec(above, d[32], above ? d[31:0] : 32'd0,
                             above ? burst > d[31:0] : burst != 0,
                             above ? burst - d[31:0] : burst,
                             above ? units > d[31:0] : units != 0,
                             above ? units - d[31:0] : units);
    endfunction

    // --- S5: what S6 compares a `last` with -------------------------------------------------
    // Per bucket: earned - 2^32 (fresh >= 2^32 is minus >= last, when earned >= 2^32),
    // earned - burst and earned - units (66-bit signed: burst > fresh is last > earned - burst),
    // burst - earned and units - earned (low 32 bits: burst - fresh is last + that).
    logic [127:0] minus_q;
    logic [1:0] big_ok_q;
    logic [131:0] e_burst_q, e_units_q;
    logic [63:0] burst_e_q, units_e_q;
    logic [33:0] ahead_diff_q[2];
    always_ff @(posedge clk)
        for (int b = 0; b < 2; b++) begin
            logic [63:0] e;
            logic [31:0] burst;
            e = earned_q[5][64*b+:64];
            burst = cfg_q[5][1+b*BURST_W+:BURST_W];
            minus_q[64*b+:64] <= {e[63:32] - 32'd1, e[31:0]};
            big_ok_q[b] <= |e[63:32];
            e_burst_q[66*b+:66] <= {2'b0, e} - {34'd0, burst};
            e_units_q[66*b+:66] <= {2'b0, e} - {34'd0, units_q[5]};
            burst_e_q[32*b+:32] <= burst - e[31:0];
            units_e_q[32*b+:32] <= units_q[5] - e[31:0];
            ahead_diff_q[b] <= diff_of(e, earned_q[6][64*b+:64]);
        end

    // --- S6: fresh against the state, the packet two ahead's marking or the copy's --------------
    function automatic logic [FR_W-1:0] last_rec(input logic [63:0] e, minus, input logic big_ok,
                                                 input logic [65:0] e_burst, e_units,
                                                 input logic [31:0] burst_e, units_e, burst,
                                                 units, input logic [63:0] last);
        logic above;
        above = e > last;
        last_rec = fresh_rec(above, big_ok && minus >= last, above ? e[31:0] - last[31:0] : 32'd0,
                             above ? $signed({2'b0, last}) > $signed(e_burst) : burst != 0,
                             above ? last[31:0] + burst_e : burst,
                             above ? $signed({2'b0, last}) > $signed(e_units) : units != 0,
                             above ? last[31:0] + units_e : units);
    endfunction
    logic [2*FR_W-1:0] fresh_q, fresh_d, ahead_q, ahead_d;
    logic [STATE_W-1:0] base_q;
    // Per bucket, burst < units and burst - units (the marking of a bucket that fills).
    logic [1:0] full_short_q;
    logic [63:0] full_left_q;
    wire take2 = same_q[6][2] && commit;
    always_comb
        for (int b = 0; b < 2; b++) begin
            logic [31:0] burst;
            logic [FR_W-1:0] from_new, from_view;
            burst = cfg_q[6][1+b*BURST_W+:BURST_W];
            from_new = last_rec(earned_q[6][64*b+:64], minus_q[64*b+:64], big_ok_q[b],
                                e_burst_q[66*b+:66], e_units_q[66*b+:66], burst_e_q[32*b+:32],
                                units_e_q[32*b+:32], burst, units_q[6],
                                new_q[b*ST_W+BURST_W+:LAST_W]);
            from_view = last_rec(earned_q[6][64*b+:64], minus_q[64*b+:64], big_ok_q[b],
                                 e_burst_q[66*b+:66], e_units_q[66*b+:66], burst_e_q[32*b+:32],
                                 units_e_q[32*b+:32], burst, units_q[6],
                                 view_q[6][b*ST_W+BURST_W+:LAST_W]);
            fresh_d[FR_W*b+:FR_W] = take2 ? from_new : from_view;
            ahead_d[FR_W*b+:FR_W] = diff_rec(ahead_diff_q[b], burst, units_q[6]);
        end
    always_ff @(posedge clk) begin
        base_q <= snoop(view_q[6], same_q[6][2], new_q, commit);
        fresh_q <= fresh_d;
        ahead_q <= ahead_d;
        for (int b = 0; b < 2; b++) begin
            full_short_q[b] <= cfg_q[6][1+b*BURST_W+:BURST_W] < units_q[6];
            full_left_q[32*b+:32] <= cfg_q[6][1+b*BURST_W+:BURST_W] - units_q[6];
        end
    end

    // --- S7: the marking -----------------------------------------------------------------------
    // One bucket: {short, tokens after} from its tokens and fresh's record (above).
    /* verilator lint_off UNUSEDSIGNAL */
    function automatic logic [32:0] take(input logic [31:0] tokens, input logic [FR_W-1:0] fr,
                                         input logic [31:0] burst, input logic full_short,
                                         input logic [31:0] full_left);
        logic capped, x_short;
        capped = fr[98] || !fr[96] || tokens >= fr[63:32];
        x_short = !fr[98] && fr[97] && tokens < fr[95:64];
        if (capped) take = {full_short, full_short ? burst : full_left};
        else take = {x_short, x_short ? tokens + fr[31:0] : tokens - fr[95:64]};
    endfunction
    // The packet's marking, {colour, raised, state}, from the state it sees, whether earned is
    // above each bucket's `last`, and each bucket's take.
    function automatic logic [2+2+STATE_W-1:0] mark(input logic [STATE_W-1:0] st,
                                                   input logic [1:0] above,
                                                   input logic [32:0] peak, committed,
                                                   input logic conf,
                                                   input logic [127:0] earned);
        logic [1:0] colour, raised;
        logic [STATE_W-1:0] next;
        next = st;
        colour = 2'd0;
        raised = 2'b00;
        if (conf) begin
            next[0+:BURST_W] = peak[31:0];
            raised[0] = above[0];
            if (peak[32]) begin
                colour = 2'd2;
            end else begin
                next[ST_W+:BURST_W] = committed[31:0];
                raised[1] = above[1];
                colour = committed[32] ? 2'd1 : 2'd0;
            end
            for (int b = 0; b < 2; b++)
                if (raised[b]) next[b*ST_W+BURST_W+:LAST_W] = earned[64*b+:64];
        end
        mark = {colour, raised, next};
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // Each bucket is taken three ways side by side, so the pick follows the adds: (a) after the
    // packet one ahead's marking, with fresh against its earned where it raised `last` (a1) or
    // against the same `last` as (b) (a0); (b) from the forwarded state.
    logic [65:0] taken;
    logic [1:0] above;
    wire pick_a = same_q[7][1] && commit;
    always_comb
        for (int k = 0; k < 2; k++) begin
            logic [FR_W-1:0] fr, fr_ahead;
            logic [31:0] burst, left;
            fr = fresh_q[FR_W*k+:FR_W];
            fr_ahead = ahead_q[FR_W*k+:FR_W];
            burst = cfg_q[7][1+k*BURST_W+:BURST_W];
            left = full_left_q[32*k+:32];
            if (!pick_a)
                taken[33*k+:33] = take(base_q[k*ST_W+:BURST_W], fr, burst, full_short_q[k], left);
            else if (raised_q[k])
                taken[33*k+:33] =
                    take(new_q[k*ST_W+:BURST_W], fr_ahead, burst, full_short_q[k], left);
            else
                taken[33*k+:33] = take(new_q[k*ST_W+:BURST_W], fr, burst, full_short_q[k], left);
            above[k] = pick_a && raised_q[k] ? fr_ahead[FR_W-1] : fr[FR_W-1];
        end
    assign {colour_d, raised_d, new_d} = mark(pick_a ? new_q : base_q, above, taken[0+:33],
                                              taken[33+:33], cfg_q[7][0], earned_q[7]);
    always_ff @(posedge clk) begin
        colour_q <= colour_d;
        raised_q <= raised_d;
        new_q <= new_d;
    end

    // --- S8: the colour; the write-back -------------------------------------------------------
    always_comb begin
        wr_data = '0;
        wr_data[0] = cfg_q[LATENCY][0];
        for (int b = 0; b < 2; b++) begin
            wr_data[1+b*BUCKET_W+:RATE_W] = cfg_q[LATENCY][1+2*BURST_W+b*RATE_W+:RATE_W];
            wr_data[1+b*BUCKET_W+RATE_W+:BURST_W] = cfg_q[LATENCY][1+b*BURST_W+:BURST_W];
            wr_data[1+b*BUCKET_W+RATE_W+BURST_W+:ST_W] = new_q[b*ST_W+:ST_W];
        end
    end
    assign out_valid = valid_q[LATENCY];
    assign out_colour = colour_q;
endmodule

`resetall
