// SPDX-License-Identifier: Apache-2.0
// Deparser output of a generated pipeline: joins each packet's descriptor (emitted header
// bytes, bytes the parser consumed, egress port, drop) with its frame from the payload FIFO and
// sends the emitted headers followed by the frame bytes after the consumed ones, realigned to
// the output lanes.
//
// Within a packet the realignment is one rotation: with d = emit_len - skip_len and
// r = d mod KEEP_W, frame byte p (p >= skip_len) leaves at output position p + d, on lane
// (p + r) mod KEEP_W. So output beat m is the header bytes it covers, then lanes >= r of frame
// beat m - D rotated by r, then lanes < r of frame beat m - D - 1 rotated by r, where
// D = floor(d / KEEP_W). Everything that depends on emit_len and skip_len is worked out once,
// when the descriptor is taken (registered lane masks and counters); per beat there is only the
// rotation by the registered r (log2(KEEP_W) stages of 2:1), a lane-wise select and a few
// flags: at DATA_W = 512 no register input is deeper than 8 LUT levels (7.5 with the FIFOs in
// front, by scripts/rtl-depth.sh). When r = 0 (headers that keep their size modulo a beat) the
// rotation and the second beat are skipped, which is what a simulator spends its time on.
//
// A packet goes through three phases, the first two side by side:
// - header beats: the G leading output beats that are all header and are known not to be the
//   last (G = emit_len / KEEP_W, one less when emit_len is a whole number of beats and bytes
//   are consumed, since then the last header beat may end the packet);
// - catch-up: the C leading frame beats that feed no output beat past the header beats (only
//   consumed bytes, or bytes that land on lanes < r of beat G) are taken without output;
// - lock-step: output beat G + i is built from frame beat C + i (lanes >= r) and the frame beat
//   before it (lanes < r), with the header lanes of beat G on top; one beat in, one beat out.
//   When the frame's last beat has bytes for lanes < r of the next output beat, that beat
//   follows alone (a flush), in the next cycle, from registers of its own, while the next
//   packet is already taken (it waits for the flush before it sends or takes frame beats). A
//   frame that ends in the catch-up ends the packet with beat G (its header lanes and the lanes
//   < r of the last catch-up beat), in the cycle its last beat is taken when the header beats
//   are out, so a packet that shrinks into one beat also takes one clock.
// The next descriptor is taken in the cycle the packet finishes, so packets that neither grow
// nor shrink by a beat pass at one beat per clock (back-to-back one-beat frames included). A
// dropped packet's frame is consumed without output, and so is a packet with nothing to send
// (no header emitted and every frame byte consumed): it counts as dropped, as the model does.
//
// Parameters: DATA_W, KEEP_W (DATA_W / 8, a power of two), USER_W; HDR_BYTES, the most header
// bytes a descriptor carries (desc_hdr byte i = emitted byte i, byte 0 in the low bits;
// desc_emit_len <= HDR_BYTES; bytes past desc_emit_len are ignored). The frame follows the AXI
// contract of rtl/README.md: every beat but the last is full, the last has its tkeep bits
// contiguous from lane 0 and at least one byte.
// Descriptor: desc_valid / desc_ready, taken when both are high; desc_ready is high while no packet
// is in progress and in the cycle the current one finishes, so it depends on registered state,
// m_axis_tready, s_axis_tvalid and s_axis_tlast (a few LUT levels) but not on desc_valid.
// s_axis_tready depends on registered state, s_axis_tvalid and m_axis_tready only (both about four
// LUT levels at 512). pkt_sent pulses once per packet sent, in the cycle after its last beat enters
// the output register; pkt_dropped once per packet dropped, in the cycle after its frame's last
// beat is taken (both are flops, a cycle later than the events). m_axis_* are flops;
// m_axis_tdata/tkeep/tlast/tuser may change while m_axis_tvalid is low. The output is a cycle after
// the descriptor register (the descriptor is taken into registers first) and a cycle after the
// frame beat. No CSR.
`default_nettype none

module hop_deparser #(
    parameter int DATA_W = 512,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    parameter int HDR_BYTES = 64
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire                   desc_valid,
    output logic                  desc_ready,
    input  wire                   desc_drop,
    input  wire  [    USER_W-1:0] desc_port,
    input  wire  [          15:0] desc_emit_len,
    input  wire  [          15:0] desc_skip_len,
    input  wire  [8*HDR_BYTES-1:0] desc_hdr,
    input  wire  [    DATA_W-1:0] s_axis_tdata,
    input  wire  [    KEEP_W-1:0] s_axis_tkeep,
    input  wire                   s_axis_tvalid,
    output logic                  s_axis_tready,
    input  wire                   s_axis_tlast,
    output wire  [    DATA_W-1:0] m_axis_tdata,
    output wire  [    KEEP_W-1:0] m_axis_tkeep,
    output wire                   m_axis_tvalid,
    input  wire                   m_axis_tready,
    output wire                   m_axis_tlast,
    output wire  [    USER_W-1:0] m_axis_tuser,
    output logic                  pkt_sent,
    output logic                  pkt_dropped
);
    localparam int LW = $clog2(KEEP_W);
    // Header beats of a packet: at most HDR_BYTES / KEEP_W.
    localparam int HB_W = $clog2(HDR_BYTES / KEEP_W + 2);
    localparam int SB_W = 16 - LW;

    initial begin
        if (KEEP_W * 8 != DATA_W) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (KEEP_W < 2 || (KEEP_W & (KEEP_W - 1)) != 0)
            $fatal(1, "%m: KEEP_W must be a power of two >= 2");
        if (HDR_BYTES < 1) $fatal(1, "%m: HDR_BYTES must be at least 1");
    end

    // ---- The descriptor, worked out when it is taken -------------------------------------
    // Inside the load branch of the register block below, so that a simulator works it out
    // only in the cycles a descriptor is taken. The byte masks are built a machine word (WW
    // bits) at a time: a word is all header, no header, or one shift of a word.
    localparam int WW = DATA_W < 64 ? DATA_W : 64;
    localparam int WB = WW / 8;
    localparam int NW = DATA_W / WW;

    // The packet in progress.
    logic                   busy_q, drop_q, same_q, first_q, in_done_q, spill_q, sent_q;
    logic                   hb_nz_q, cu_nz_q, hany_q;
    logic [     USER_W-1:0] port_q;
    // A flush owed by the previous packet (see above), its lanes and its port.
    logic                   pf_q;
    logic [     KEEP_W-1:0] pfkeep_q;
    logic [     USER_W-1:0] pf_port_q;
    logic [         LW-1:0] r_q;
    logic [       HB_W-1:0] hb_q;  // header beats still to send
    logic [           15:0] cu_q;  // catch-up beats still to take
    logic [8*HDR_BYTES-1:0] hdr_q;  // the header bytes not sent yet, from byte 0
    logic [     KEEP_W-1:0] hmask_q, umask_q, ssel_q;  // header lanes, lanes >= r, lane W - r
    logic [     DATA_W-1:0] hbits_q, ubits_q;  // the same masks, one bit per data bit
    logic [     DATA_W-1:0] prev_q;  // the frame beat last taken, rotated
    logic [     KEEP_W-1:0] prevkeep_q;

    logic [     DATA_W-1:0] out_data_q;
    logic [     KEEP_W-1:0] out_keep_q;
    logic                   out_valid_q, out_last_q;
    logic [     USER_W-1:0] out_user_q;
    logic                   sent_pulse_q, dropped_pulse_q;

    // ---- Per cycle --------------------------------------------------------------------------
    logic adv, lock, hdr_emit, cu_take, lock_take, take, flush, direct, emit, spill, last, done;
    logic load, run, drop_take, pf_fire, defer, emit_b;
    logic cu_is1, hb_is1;
    logic hdr_go, lock_go, flush_go, direct_go, drop_done;
    logic [KEEP_W-1:0] rkeep, bkeep;

    // What depends on registers only (this block's and the FIFOs' in front): a simulator works
    // it out once per cycle, not again when m_axis_tready (a top-level input) is applied.
    always_comb begin
        cu_is1 = cu_q == 16'd1;
        hb_is1 = hb_q == HB_W'(1);
        // The packet goes on once the flush it waits for is out (prev_q holds that flush; the
        // wait keeps pkt_sent / pkt_dropped in packet order).
        run = busy_q && !drop_q && !pf_q;
        drop_take = busy_q && drop_q && !pf_q && s_axis_tvalid;
        drop_done = drop_take && s_axis_tlast;
        lock = !hb_nz_q && (!cu_nz_q || in_done_q);
        cu_take = run && cu_nz_q && !in_done_q && s_axis_tvalid;
        // Each of these happens when the output register is free too (adv, below).
        hdr_go = run && hb_nz_q;
        lock_go = run && lock && !in_done_q && s_axis_tvalid;
        flush_go = run && lock && in_done_q;
        // The frame ends in the catch-up with the header beats sent: output beat G is its
        // header lanes and, from the last catch-up beat, lanes < r; it leaves now.
        direct_go = cu_take && s_axis_tlast && !hb_nz_q;
        // The last beat has bytes for lanes < r of the next output beat.
        spill = |(s_axis_tkeep & ssel_q);
        rkeep = s_axis_tkeep;
        if (!same_q) begin
            for (int i = 0; i < LW; i++)
                if (r_q[i]) rkeep = (rkeep << (1 << i)) | (rkeep >> (KEEP_W - (1 << i)));
        end
    end

    always_comb begin
        adv = !out_valid_q || m_axis_tready;
        pf_fire = pf_q && adv;
        hdr_emit = hdr_go && adv;
        lock_take = lock_go && adv;
        take = cu_take || lock_take || drop_take;
        flush = flush_go && adv;
        direct = direct_go && adv;
        last = pf_q || flush || direct || (lock_take && s_axis_tlast && !spill);
        emit_b = hdr_emit || lock_take || (flush && ((first_q && hany_q) || spill_q)) ||
                 (direct && (hany_q || (cu_is1 && spill)));
        emit = emit_b || pf_fire;
        // The frame's last beat taken in the lock-step ends the packet whether or not a flush
        // follows: the flush is owed (pf_q) and the next descriptor is taken now, so
        // desc_ready does not wait for the tkeep lane that decides it.
        defer = lock_take && s_axis_tlast && spill;
        done = flush || direct || (lock_take && s_axis_tlast) || drop_done;
        desc_ready = !busy_q || done;
        load = desc_valid && desc_ready;
        s_axis_tready = take;
    end

    // The lanes of the output beat: a header beat, or lanes >= r from this frame beat and
    // lanes < r from the previous one (rkeep: this beat's rotated by r), with the header lanes
    // of the first lock-step beat on top. The data itself is built in the register's
    // always_ff below, by the same cases: a simulator then moves only the words of the case at
    // hand, and rotates nothing when r = 0.
    always_comb begin
        if (pf_q) begin
            bkeep = pfkeep_q;
        end else if (hb_nz_q) begin
            bkeep = '1;
        end else begin
            if (direct) bkeep = rkeep & ~umask_q & {KEEP_W{cu_is1}};
            else bkeep = (rkeep & umask_q & {KEEP_W{!in_done_q}}) | (prevkeep_q & ~umask_q);
            if (first_q) bkeep = bkeep | hmask_q;
        end
    end

    // The output data (the cases of bkeep above) and the previous frame beat, rotated. The
    // header lanes go on top of the first lock-step beat (hbits_q: one bit per data bit).
    // Only a running packet (or an owed flush) loads it: what the register holds when nothing
    // is sent is never read, and a simulator moves no wide word in idle or dropping cycles.
    always_ff @(posedge clk) begin
        if (adv) begin
            if (pf_q) out_data_q <= prev_q;
            else if (run && hb_nz_q) out_data_q <= DATA_W'(hdr_q);
            else if (run && same_q && first_q)
                out_data_q <= (s_axis_tdata & ~hbits_q) | (DATA_W'(hdr_q) & hbits_q);
            else if (run && same_q) out_data_q <= s_axis_tdata;
        end
        if (!same_q && (cu_take || lock_take || (adv && run && !hb_nz_q))) begin : g_rot
            logic [DATA_W-1:0] rot, beat;
            // The frame beat rotated left by r lanes (frame byte p to lane (p + r) mod KEEP_W).
            rot = s_axis_tdata;
            for (int i = 0; i < LW; i++)
                if (r_q[i]) rot = (rot << (8 << i)) | (rot >> (DATA_W - (8 << i)));
            if (adv && run && !hb_nz_q) begin
                if (direct) beat = rot;
                else beat = (rot & ubits_q) | (prev_q & ~ubits_q);
                if (first_q) beat = (beat & ~hbits_q) | (DATA_W'(hdr_q) & hbits_q);
                out_data_q <= beat;
            end
            // Also when the next descriptor is taken in the same cycle: a deferred flush sends
            // it. (After the read of prev_q above.)
            if (cu_take || lock_take) prev_q <= rot;
        end
    end

    always_ff @(posedge clk) begin
        if (load) begin : g_load
            logic [LW-1:0] e_low, s_low, l_r;
            logic [SB_W-1:0] l_sb;
            logic [HB_W-1:0] l_h;
            logic l_adj, l_borrow;
            logic [DATA_W-1:0] hb, ub;
            e_low = desc_emit_len[LW-1:0];
            s_low = desc_skip_len[LW-1:0];
            l_r = e_low - s_low;
            l_sb = desc_skip_len[15:LW];
            l_h = HB_W'(desc_emit_len[15:LW]);
            // The last header beat is full and bytes are consumed: it may be the packet's last.
            l_adj = e_low == '0 && desc_emit_len != 16'd0 && desc_skip_len != 16'd0;
            l_borrow = e_low < s_low;
            // Header bytes (below e_low, or all when l_adj), word by word.
            for (int k = 0; k < NW; k++) begin
                if (l_adj || 32'(e_low) >= (k + 1) * WB) hb[k*WW+:WW] = '1;
                else if (32'(e_low) <= k * WB) hb[k*WW+:WW] = '0;
                else hb[k*WW+:WW] = ~({WW{1'b1}} << (8 * (32'(e_low) - k * WB)));
            end
            drop_q <= desc_drop;
            port_q <= desc_port;
            r_q <= l_r;
            same_q <= l_r == '0;
            hb_q <= l_h - HB_W'(l_adj);
            hb_nz_q <= l_h != '0 && !(l_h == HB_W'(1) && l_adj);
            // C = 0 when nothing is consumed, else skip / KEEP_W + borrow - adj.
            cu_q <= desc_skip_len == 16'd0 ? 16'd0 : 16'(l_sb) + 16'(l_borrow) - 16'(l_adj);
            cu_nz_q <= desc_skip_len != 16'd0 && !((l_sb == '0 && l_borrow == l_adj) ||
                                                  (l_sb == SB_W'(1) && !l_borrow && l_adj));
            hdr_q <= desc_hdr;
            hmask_q <= l_adj ? '1 : ~({KEEP_W{1'b1}} << e_low);
            hany_q <= l_adj || e_low != '0;
            hbits_q <= hb;
            umask_q <= {KEEP_W{1'b1}} << l_r;
            // Bytes >= r, word by word; read only when r != 0 (same_q low).
            if (l_r != '0) begin
                for (int k = 0; k < NW; k++) begin
                    if (32'(l_r) >= (k + 1) * WB) ub[k*WW+:WW] = '0;
                    else if (32'(l_r) <= k * WB) ub[k*WW+:WW] = '1;
                    else ub[k*WW+:WW] = {WW{1'b1}} << (8 * (32'(l_r) - k * WB));
                end
                ubits_q <= ub;
            end
            ssel_q <= KEEP_W'(1) << (KEEP_W - 32'(l_r));
            prevkeep_q <= '0;
            first_q <= 1'b1;
            in_done_q <= 1'b0;
            spill_q <= 1'b0;
            sent_q <= 1'b0;
        end else begin
            if (hdr_emit) begin
                hb_q <= hb_q - HB_W'(1);
                hb_nz_q <= !hb_is1;
                if (HDR_BYTES > KEEP_W) hdr_q <= hdr_q >> (8 * KEEP_W);
            end
            if (cu_take) begin
                cu_q <= cu_q - 16'd1;
                cu_nz_q <= !cu_is1;
            end
            if (cu_take || lock_take) begin
                // Lanes < r of a frame that ended before the last catch-up beat land on header
                // beats: nothing of them goes out.
                prevkeep_q <= cu_take && s_axis_tlast && !cu_is1 ? '0 : rkeep;
                if (s_axis_tlast) begin
                    in_done_q <= 1'b1;
                    spill_q <= spill && cu_is1;
                end
            end
            if (lock_take || flush) first_q <= 1'b0;
            if (emit_b) sent_q <= 1'b1;
        end
        if (defer) begin
            pfkeep_q <= rkeep & ~umask_q;
            pf_port_q <= port_q;
        end
        // Loaded whenever the output register is free (out_valid_q says whether it holds a
        // beat), so the load enable does not wait for the tkeep lane that decides a flush.
        if (adv) begin
            out_keep_q <= bkeep;
            out_last_q <= last;
            out_user_q <= pf_q ? pf_port_q : port_q;
        end
        if (rst) begin
            busy_q <= 1'b0;
            pf_q <= 1'b0;
            out_valid_q <= 1'b0;
            sent_pulse_q <= 1'b0;
            dropped_pulse_q <= 1'b0;
        end else begin
            busy_q <= load || (busy_q && !done);
            pf_q <= defer || (pf_q && !adv);
            out_valid_q <= emit || (out_valid_q && !m_axis_tready);
            sent_pulse_q <= pf_fire || (done && !drop_q && !defer && (sent_q || emit_b));
            dropped_pulse_q <= done && (drop_q || !(sent_q || emit_b));
        end
    end

    assign pkt_sent = sent_pulse_q;
    assign pkt_dropped = dropped_pulse_q;
    assign m_axis_tdata = out_data_q;
    assign m_axis_tkeep = out_keep_q;
    assign m_axis_tvalid = out_valid_q;
    assign m_axis_tlast = out_last_q;
    assign m_axis_tuser = out_user_q;
endmodule

`resetall
