// SPDX-License-Identifier: Apache-2.0
// v1model's traffic manager (BMv2 simple_switch's, between ingress and egress): frames wait in
// a shared packet buffer (hop_packet_buffer) while their descriptors wait in per-port,
// per-priority queues (hop_queue_set); multicast goes through the replication engine
// (hop_replicator); a scheduler sends one copy at a time to egress, its descriptor first and
// its frame read back from the buffer.
//
// In (from ingress, in frame order):
//   s_frame_*: every beat of every frame, whole (hop_packet_buffer's write side).
//   s_dec_*:   one decision per frame: the bundle the egress pipeline reads (s_dec_desc,
//              opaque here), standard_metadata's egress_spec, mcast_grp and priority at the end
//              of ingress. A decision may come before its frame's last beat or after.
// What happens to a frame, in simple_switch's order: mcast_grp != 0: one copy per port of each
// node of the group (egress_rid the node's, instance_type 5, REPLICATION); else egress_spec
// 511, or a port >= PORTS: dropped (DROPPED_SPEC); else one copy to port egress_spec
// (egress_rid 0, instance_type 0). A copy goes into queue (port, priority), priority clamped to
// PRIOS-1; a full queue drops it at the tail (counted per queue in hop_queue_set). A frame the
// buffer had no room for is dropped whole with its decision (NO_BUFFER).
// Out (to egress, in the order the scheduler picks copies):
//   m_dec_*:   per copy its decision and the metadata the traffic manager sets: egress_port,
//              egress_rid, instance_type, enq_timestamp (`now` at the enqueue),
//              enq_qdepth (the queue's depth before the enqueue), deq_timedelta (`now` at the
//              dequeue minus enq_timestamp), deq_qdepth (the depth after the dequeue).
//   m_frame_*: the copy's frame, whole, after (or while) its decision is taken.
// Scheduling: among queues of ports whose port_ready is high, the port after the last one
// served that has a copy waiting (round robin), and in it the highest priority queue (strict
// priority: 7 before 0, as 802.1p and BMv2's priority queues order them); one dequeue per
// clock. A port's copies keep their order within a priority. A copy is picked some cycles
// before its decision is offered (the picks in flight, the copy-request FIFO, the decision
// FIFO), so a port gets up to 16 copies after it drops port_ready: its output queue must hold
// them.
// Multicast: the buffer keeps one frame for all the copies; each copy read (or dropped at a
// full queue) is counted against the group's copies word (hop_replicator's), and the one that
// reaches it frees the frame. The runtime must store each group's exact number of copies.
//
// CSR map (span 0x80 at BASE): +0x00 hop_packet_buffer, +0x20 hop_queue_set (queue
// port * 2^PB + clamp(priority), PB = log2 PRIOS), +0x40 hop_replicator, +0x60 this block's own
// words (compiler/src/regmap/tm_words.hpp):
//   0x60 INFO [7:0] PORTS, [15:8] PRIOS, [23] busy   0x64 DECISIONS taken
//   0x68 UNICAST frames sent to one port   0x6C MULTICAST frames sent to a group
//   0x70 DROPPED_SPEC frames dropped by egress_spec (511, or no such port)
//   0x74 NO_BUFFER frames dropped for lack of buffer   0x78 COPIES copies sent to egress
//   0x7C PAUSE (rw, reset 0) bit p: port p's queues are not served (as an 802.1Qbb pause
//        stops them): its copies wait, and their queues fill and tail-drop as they would
//        behind a congested port. A copy already picked still goes.
// (counters wrap).
`default_nettype none

module hop_traffic_manager #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int PORTS = 2,  // output ports 0..PORTS-1, 1..31
    parameter int PRIOS = 2,  // strict-priority queues per port: 1, 2, 4 or 8
    parameter int DESC_W = 32,  // the decision's bundle, carried to egress
    // The sizes' defaults are small (a generic synthesis maps memories to flip-flops); a switch
    // sets its own (hopc's <name>_switch: 16,384 cells, queues of 256).
    parameter int CELLS = 16,  // buffer cells of one beat, a power of two
    parameter int QDEPTH = 4,  // copies per queue, a power of two
    parameter int GROUPS = 16,  // multicast groups (hop_replicator)
    parameter int NODES = 16,  // replication nodes (hop_replicator)
    parameter logic [31:0] BASE = 32'h0
) (
    input  wire               clk,
    input  wire               rst,
    input  wire  [      31:0] now,
    input  wire  [DATA_W-1:0] s_frame_tdata,
    input  wire  [KEEP_W-1:0] s_frame_tkeep,
    input  wire               s_frame_tvalid,
    output logic              s_frame_tready,
    input  wire               s_frame_tlast,
    input  wire               s_dec_valid,
    output logic              s_dec_ready,
    input  wire  [DESC_W-1:0] s_dec_desc,
    input  wire  [       8:0] s_dec_egress_spec,
    input  wire  [      15:0] s_dec_mcast_grp,
    input  wire  [       2:0] s_dec_priority,
    input  wire  [ PORTS-1:0] port_ready,
    output logic              m_dec_valid,
    input  wire               m_dec_ready,
    output logic [DESC_W-1:0] m_dec_desc,
    output logic [       8:0] m_dec_egress_port,
    output logic [      15:0] m_dec_egress_rid,
    output logic [      31:0] m_dec_instance_type,
    output logic [      31:0] m_dec_enq_timestamp,
    output logic [      18:0] m_dec_enq_qdepth,
    output logic [      31:0] m_dec_deq_timedelta,
    output logic [      18:0] m_dec_deq_qdepth,
    output logic [DATA_W-1:0] m_frame_tdata,
    output logic [KEEP_W-1:0] m_frame_tkeep,
    output logic              m_frame_tvalid,
    input  wire               m_frame_tready,
    output logic              m_frame_tlast,
    input  wire               csr_wr,
    input  wire               csr_rd,
    input  wire  [      31:0] csr_addr,
    input  wire  [      31:0] csr_wdata,
    output logic [      31:0] csr_rdata
);
    localparam int CAW = $clog2(CELLS);
    localparam int PB = $clog2(PRIOS);
    localparam int PBW = PB > 0 ? PB : 1;
    localparam int QUEUES = PORTS << PB;
    localparam int QAW = $clog2(QUEUES);
    localparam int QCW = $clog2(QDEPTH) + 1;
    localparam int PW = PORTS > 1 ? $clog2(PORTS) : 1;
    localparam logic [31:0] INST_NORMAL = 32'd0, INST_REPLICATION = 32'd5;

    initial begin
        if (PORTS < 1 || PORTS > 31) $fatal(1, "%m: PORTS must be 1..31");
        if (PRIOS != 1 && PRIOS != 2 && PRIOS != 4 && PRIOS != 8)
            $fatal(1, "%m: PRIOS must be 1, 2, 4 or 8");
        if (QUEUES < 2) $fatal(1, "%m: PORTS * PRIOS must be at least 2");
        if ((BASE & 32'h7f) != 0) $fatal(1, "%m: BASE must be aligned to the span (0x80)");
    end

    // The priority's queue in a port: clamped to the port's last queue.
    function automatic logic [PBW-1:0] prio_of(input logic [2:0] p);
        prio_of = PBW'({1'b0, p} > 4'(PRIOS - 1) ? 3'(PRIOS - 1) : p);
    endfunction
    function automatic logic [QAW-1:0] queue_of(input logic [8:0] port, input logic [PBW-1:0] p);
        queue_of = PB > 0 ? QAW'({port, p}) : QAW'(port);
    endfunction

    logic [31:0] rd_buf, rd_q, rd_rep, rd_tm;
    assign csr_rdata = rd_buf | rd_q | rd_rep | rd_tm;

    // ---- the buffer: frames in; copies out ----
    logic buf_s_ready, w_done, w_dropped, r_valid, r_ready, r_free, r_discard;
    logic [CAW-1:0] w_handle, r_handle;
    logic [15:0] unused_w_bytes;
    logic [CAW:0] unused_free_cells;
    logic wq_room;
    assign s_frame_tready = buf_s_ready && wq_room;
    hop_packet_buffer #(
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .CELLS (CELLS),
        .BASE  (BASE)
    ) u_buf (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(s_frame_tdata),
        .s_axis_tkeep(s_frame_tkeep),
        .s_axis_tvalid(s_frame_tvalid && wq_room),
        .s_axis_tready(buf_s_ready),
        .s_axis_tlast(s_frame_tlast),
        .w_done(w_done),
        .w_dropped(w_dropped),
        .w_handle(w_handle),
        .w_bytes(unused_w_bytes),
        .r_valid(r_valid),
        .r_ready(r_ready),
        .r_handle(r_handle),
        .r_free(r_free),
        .r_discard(r_discard),
        .m_axis_tdata(m_frame_tdata),
        .m_axis_tkeep(m_frame_tkeep),
        .m_axis_tvalid(m_frame_tvalid),
        .m_axis_tready(m_frame_tready),
        .m_axis_tlast(m_frame_tlast),
        .free_cells(unused_free_cells),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(rd_buf)
    );

    // ---- written frames and decisions, each in its FIFO until both are there ----
    // A frame's w_done may come long before its decision (short frames, a deep ingress) or
    // after it (long frames): WQ holds up to 64 written frames (the frame input stops short of
    // that), DQ 8 decisions (s_dec_ready).
    localparam int WQ_RAW = CAW + 1, WQ_W = (WQ_RAW + 7) / 8 * 8;
    localparam int DQ_RAW = DESC_W + 9 + 16 + 3, DQ_W = (DQ_RAW + 7) / 8 * 8;
    logic [WQ_W-1:0] wq_out;
    logic [DQ_W-1:0] dq_out;
    logic wq_valid, dq_valid, pair, unused_wq_ready, unused_wq_last, unused_dq_last;
    logic [6:0] wq_fill;
    logic [3:0] unused_dq_fill;
    logic [WQ_W/8-1:0] unused_wq_keep;
    logic [DQ_W/8-1:0] unused_dq_keep;
    logic unused_wq_user, unused_dq_user;
    // w_done comes a cycle after a frame's last beat: room for that one and the beat's own.
    assign wq_room = wq_fill < 7'd62;
    hop_axis_fifo #(
        .DATA_W(WQ_W),
        .DEPTH (64)
    ) u_wq (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(WQ_W'({w_dropped, w_handle})),
        .s_axis_tkeep('1),
        .s_axis_tvalid(w_done),
        .s_axis_tready(unused_wq_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(wq_out),
        .m_axis_tkeep(unused_wq_keep),
        .m_axis_tvalid(wq_valid),
        .m_axis_tready(pair),
        .m_axis_tlast(unused_wq_last),
        .m_axis_tuser(unused_wq_user),
        .fill(wq_fill)
    );
    hop_axis_fifo #(
        .DATA_W(DQ_W),
        .DEPTH (8)
    ) u_dq (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(DQ_W'({s_dec_priority, s_dec_mcast_grp, s_dec_egress_spec, s_dec_desc})),
        .s_axis_tkeep('1),
        .s_axis_tvalid(s_dec_valid),
        .s_axis_tready(s_dec_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(dq_out),
        .m_axis_tkeep(unused_dq_keep),
        .m_axis_tvalid(dq_valid),
        .m_axis_tready(pair),
        .m_axis_tlast(unused_dq_last),
        .m_axis_tuser(unused_dq_user),
        .fill(unused_dq_fill)
    );
    wire [CAW-1:0] pr_handle = wq_out[CAW-1:0];
    wire pr_nobuf = wq_out[CAW];
    wire [DESC_W-1:0] pr_desc = dq_out[DESC_W-1:0];
    wire [8:0] pr_spec = dq_out[DESC_W+:9];
    wire [15:0] pr_grp = dq_out[DESC_W+9+:16];
    wire [2:0] pr_prio = dq_out[DESC_W+25+:3];

    // ---- P: the paired frame's fate, registered ----
    localparam logic [1:0] K_NONE = 2'd0, K_UNI = 2'd1, K_MCAST = 2'd2, K_DISCARD = 2'd3;
    logic p_valid_q, p_take;
    logic [1:0] p_kind_q;
    logic [CAW-1:0] p_handle_q;
    logic [DESC_W-1:0] p_desc_q;
    logic [15:0] p_grp_q;
    logic [8:0] p_port_q;
    logic [PBW-1:0] p_prio_q;
    logic [31:0] decisions_q, unicast_q, multicast_q, dropped_spec_q, no_buffer_q, copies_q;
    logic init_q;
    logic [CAW-1:0] init_idx_q;
    assign pair = wq_valid && dq_valid && (!p_valid_q || p_take) && !init_q;
    always_ff @(posedge clk) begin
        if (rst) p_valid_q <= 1'b0;
        else if (pair) p_valid_q <= 1'b1;
        else if (p_take) p_valid_q <= 1'b0;
        if (pair) begin
            p_handle_q <= pr_handle;
            p_desc_q <= pr_desc;
            p_grp_q <= pr_grp;
            p_prio_q <= prio_of(pr_prio);
            p_port_q <= pr_spec;
            if (pr_nobuf) p_kind_q <= K_NONE;
            else if (pr_grp != 16'd0) p_kind_q <= K_MCAST;
            else if (pr_spec >= 9'(PORTS)) p_kind_q <= K_DISCARD;  // 511 included
            else p_kind_q <= K_UNI;
        end
        if (rst) begin
            decisions_q <= '0;
            unicast_q <= '0;
            multicast_q <= '0;
            dropped_spec_q <= '0;
            no_buffer_q <= '0;
        end else if (pair) begin
            decisions_q <= decisions_q + 1'b1;
            if (pr_nobuf) no_buffer_q <= no_buffer_q + 1'b1;
            else if (pr_grp != 16'd0) multicast_q <= multicast_q + 1'b1;
            else if (pr_spec >= 9'(PORTS)) dropped_spec_q <= dropped_spec_q + 1'b1;
            else unicast_q <= unicast_q + 1'b1;
        end
    end

    // ---- replication: multicast frames by their group, unicast ones straight to their port
    // (in_direct), all in one order, so a queue gets every frame's copies in the frames' order ----
    localparam int TAG_W = DESC_W + CAW + PBW + 1;
    logic rep_in_ready, rep_valid, rep_ready, rep_copy, rep_last;
    logic [8:0] rep_port;
    logic [15:0] rep_rid, rep_copies;
    logic [TAG_W-1:0] rep_tag;
    hop_replicator #(
        .BASE  (BASE + 32'h40),
        .PORTS (PORTS),
        .GROUPS(GROUPS),
        .NODES (NODES),
        .TAG_W (TAG_W)
    ) u_rep (
        .clk(clk),
        .rst(rst),
        .in_valid(p_valid_q && (p_kind_q == K_MCAST || p_kind_q == K_UNI)),
        .in_ready(rep_in_ready),
        .in_group(p_grp_q),
        .in_direct(p_kind_q == K_UNI),
        .in_port(p_port_q),
        .in_tag({p_kind_q == K_MCAST, p_prio_q, p_handle_q, p_desc_q}),
        .out_valid(rep_valid),
        .out_ready(rep_ready),
        .out_port(rep_port),
        .out_rid(rep_rid),
        .out_tag(rep_tag),
        .out_copy(rep_copy),
        .out_last(rep_last),
        .out_copies(rep_copies),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(rd_rep)
    );
    wire [DESC_W-1:0] rep_desc = rep_tag[DESC_W-1:0];
    wire [CAW-1:0] rep_handle = rep_tag[DESC_W+:CAW];
    wire [PBW-1:0] rep_prio = rep_tag[DESC_W+CAW+:PBW];
    wire rep_mc = rep_tag[TAG_W-1];
    logic unused_rep_last;
    assign unused_rep_last = rep_last;

    // ---- releases: frames to free without a read (dropped, or a copy dropped at a full
    // queue). {mc, copies, handle}: mc 0 frees at once, mc 1 counts against copies ----
    localparam int RL_RAW = 1 + 16 + CAW, RL_W = (RL_RAW + 7) / 8 * 8;
    logic rl_push, rl_valid, rl_pop, unused_rl_ready, unused_rl_last, unused_rl_user;
    logic [RL_W-1:0] rl_in, rl_out;
    logic [RL_W/8-1:0] unused_rl_keep;
    logic [4:0] rl_fill;
    // Pushes come from the enqueue of the cycle before: room for it and one more, as of the
    // cycle before (a register: it gates the enqueue).
    logic rl_room;
    always_ff @(posedge clk) rl_room <= rl_fill < 5'd12;
    hop_axis_fifo #(
        .DATA_W(RL_W),
        .DEPTH (16)
    ) u_rl (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(rl_in),
        .s_axis_tkeep('1),
        .s_axis_tvalid(rl_push),
        .s_axis_tready(unused_rl_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(rl_out),
        .m_axis_tkeep(unused_rl_keep),
        .m_axis_tvalid(rl_valid),
        .m_axis_tready(rl_pop),
        .m_axis_tlast(unused_rl_last),
        .m_axis_tuser(unused_rl_user),
        .fill(rl_fill)
    );

    // ---- the queues. A queued copy: {mc, copies, rid, handle, enq_ts, desc} ----
    localparam int QD_W = 1 + 16 + 16 + CAW + 32 + DESC_W;
    logic enq_valid, enq_done, enq_dropped, deq_valid, deq_done;
    logic [QAW-1:0] enq_queue, deq_queue;
    logic [QD_W-1:0] enq_desc, deq_desc;
    logic [QCW-1:0] unused_enq_depth, deq_depth, deq_enq_depth;
    logic [QUEUES-1:0] nonempty, multi;
    wire rep_enq = rep_valid && rep_copy && rl_room;
    // The replicator's end beat for a group without a copy releases the frame.
    wire rep_rel = rep_valid && !rep_copy && rep_copies == 16'd0;
    wire enq_rel = enq_done && enq_dropped;  // last cycle's enqueue was dropped
    assign rep_ready = rl_room && !(rep_rel && enq_rel);
    wire p_disc = p_valid_q && p_kind_q == K_DISCARD && rl_room && !enq_rel &&
        !(rep_valid && rep_ready && rep_rel);
    assign p_take = p_valid_q && (p_kind_q == K_NONE || p_disc ||
                                  (p_kind_q != K_DISCARD && rep_in_ready));
    assign enq_valid = rep_enq;
    assign enq_queue = queue_of(rep_port, rep_prio);
    assign enq_desc = {rep_mc, rep_copies, rep_rid, rep_handle, now, rep_desc};
    logic [RL_RAW-1:0] enq_rel_q;  // what the enqueue of the cycle before would release
    always_ff @(posedge clk)
        enq_rel_q <= {enq_desc[QD_W-1-:17], enq_desc[DESC_W+32+:CAW]};
    always_comb begin
        rl_push = enq_rel || (rep_valid && rep_ready && rep_rel) || p_disc;
        if (enq_rel) rl_in = RL_W'(enq_rel_q);
        else if (rep_valid && rep_ready && rep_rel) rl_in = RL_W'({17'd0, rep_handle});
        else rl_in = RL_W'({17'd0, p_handle_q});
    end
    hop_queue_set #(
        .BASE  (BASE + 32'h20),
        .QUEUES(QUEUES),
        .QDEPTH(QDEPTH),
        .DESC_W(QD_W)
    ) u_q (
        .clk(clk),
        .rst(rst),
        .enq_valid(enq_valid),
        .enq_queue(enq_queue),
        .enq_desc(enq_desc),
        .enq_done(enq_done),
        .enq_dropped(enq_dropped),
        .enq_depth(unused_enq_depth),
        .deq_valid(deq_valid),
        .deq_queue(deq_queue),
        .deq_done(deq_done),
        .deq_desc(deq_desc),
        .deq_depth(deq_depth),
        .deq_enq_depth(deq_enq_depth),
        .nonempty(nonempty),
        .multi(multi),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(rd_q)
    );

    // ---- the scheduler: a registered pick, issued the next cycle ----
    // pend: ops between the scheduler (or the release FIFO) and the copy-request FIFO, and in
    // it; a new op only while all of them are sure to find room. The pick is computed in
    // one-hot form (each step a LUT or two): a queue is eligible when it holds a copy its port
    // can take, and the queue being dequeued now only if it holds two or more (its count
    // shows the dequeue a cycle later).
    localparam int CRQ_DEPTH = 8;
    logic [4:0] pend_q;
    logic s_valid_q, rc_in_rel;
    logic [QAW-1:0] s_queue_q;
    logic [QUEUES-1:0] s_oh_q;  // s_queue_q, one-hot
    logic [PORTS-1:0] after_q;  // the ports after the last one served
    logic [QUEUES-1:0] elig;
    logic [PORTS-1:0] pause_q;  // the PAUSE word
    logic crq_pop, rc_out_none;
    wire room_for_op = pend_q + 5'(s_valid_q) < 5'(CRQ_DEPTH - 1);
    always_comb begin
        for (int q = 0; q < QUEUES; q++)
            elig[q] = nonempty[q] && port_ready[q>>PB] && !pause_q[q>>PB] &&
                (multi[q] || !(s_valid_q && s_oh_q[q]));
    end
    // Per port: has it a copy to send, and its highest eligible priority (one-hot, binary).
    logic [PORTS-1:0] port_has;
    logic [QUEUES-1:0] best_oh;
    logic [PORTS*PBW-1:0] best_bin;
    always_comb begin
        for (int p = 0; p < PORTS; p++) begin
            port_has[p] = 1'b0;
            best_bin[p*PBW+:PBW] = '0;
            for (int k = PRIOS - 1; k >= 0; k--) begin
                best_oh[(p<<PB)+k] = elig[(p<<PB)+k] && !port_has[p];
                if (elig[(p<<PB)+k] && !port_has[p]) best_bin[p*PBW+:PBW] = PBW'(k);
                port_has[p] = port_has[p] || elig[(p<<PB)+k];
            end
        end
    end
    // Round robin: the first port after the last one served that has a copy, else the first.
    logic [PORTS-1:0] late, late_oh, early_oh, pick_oh;
    logic [PW-1:0] pick_port;
    logic [PBW-1:0] pick_prio;
    always_comb begin
        late = port_has & after_q;
        for (int p = 0; p < PORTS; p++) begin
            late_oh[p] = late[p] && (p == 0 || (late & PORTS'((1 << p) - 1)) == '0);
            early_oh[p] = port_has[p] && (p == 0 || (port_has & PORTS'((1 << p) - 1)) == '0);
        end
        pick_oh = late != '0 ? late_oh : early_oh;
        pick_port = '0;
        pick_prio = '0;
        for (int p = 0; p < PORTS; p++)
            if (pick_oh[p]) begin
                pick_port = pick_port | PW'(p);
                pick_prio = pick_prio | best_bin[p*PBW+:PBW];
            end
    end
    wire pick_valid = port_has != '0;
    wire issue = pick_valid && room_for_op && !init_q;
    assign deq_valid = s_valid_q;
    assign deq_queue = s_queue_q;
    always_ff @(posedge clk) begin
        if (rst) begin
            s_valid_q <= 1'b0;
            after_q <= '1;
        end else begin
            s_valid_q <= issue;
            if (issue)
                for (int p = 0; p < PORTS; p++)
                    after_q[p] <= (pick_oh & PORTS'((1 << p) - 1)) != '0;
        end
        s_queue_q <= queue_of(9'(pick_port), pick_prio);
        for (int q = 0; q < QUEUES; q++) s_oh_q[q] <= issue && pick_oh[q>>PB] && best_oh[q];
    end

    // ---- RC: per frame, how many of its copies were read or dropped; the one that reaches
    // the group's copies frees it. Stage 1 reads the count, stage 2 writes it back (the op
    // right behind takes the written value). The release FIFO goes in when no dequeue does.
    logic [15:0] rc_mem[CELLS];
    logic [15:0] rc_rd;
    logic r1_valid_q, r1_rel_q, r1_mc_q, r2_valid_q, r2_rel_q, r2_mc_q, r2_last, w_fwd_q;
    logic [15:0] r1_copies_q, r2_copies_q, r2_new, w_new_q;
    logic [CAW-1:0] r1_handle_q, r2_handle_q, w_handle_q;
    logic [QD_W-1:0] r1_qd_q;
    logic [8:0] r1_port_q;
    logic [QCW-1:0] r1_deq_depth_q, r1_enq_depth_q;
    logic [31:0] r1_delta_q;
    logic [QAW-1:0] deq_queue_q;
    always_ff @(posedge clk) deq_queue_q <= deq_queue;
    assign rc_in_rel = !deq_done && rl_valid && pend_q + 5'(s_valid_q) < 5'(CRQ_DEPTH - 1);
    assign rl_pop = rc_in_rel;
    wire [CAW-1:0] in_handle = deq_done ? deq_desc[DESC_W+32+:CAW] : rl_out[CAW-1:0];
    always_ff @(posedge clk) begin
        if (rst) begin
            r1_valid_q <= 1'b0;
            r2_valid_q <= 1'b0;
        end else begin
            r1_valid_q <= deq_done || rc_in_rel;
            r2_valid_q <= r1_valid_q;
        end
        rc_rd <= rc_mem[in_handle];
        r1_handle_q <= in_handle;
        r1_rel_q <= !deq_done;
        r1_mc_q <= deq_done ? deq_desc[QD_W-1] : rl_out[CAW+16];
        r1_copies_q <= deq_done ? deq_desc[QD_W-2-:16] : rl_out[CAW+:16];
        r1_qd_q <= deq_desc;
        r1_port_q <= 9'(deq_queue_q) >> PB;
        r1_deq_depth_q <= deq_depth;
        r1_enq_depth_q <= deq_enq_depth;
        r1_delta_q <= now - deq_desc[DESC_W+:32];
        // Stage 2's inputs.
        r2_handle_q <= r1_handle_q;
        r2_rel_q <= r1_rel_q;
        r2_mc_q <= r1_mc_q;
        r2_copies_q <= r1_copies_q;
    end
    // The count as stage 1 read it, or as the op before wrote it in that same cycle.
    // The op in stage 2 writes in this cycle, the one before wrote in the last: stage 1 read
    // the memory before either write landed.
    logic [15:0] r2_count_q;
    always_ff @(posedge clk)
        if (r2_valid_q && r2_mc_q && r2_handle_q == r1_handle_q) r2_count_q <= r2_new;
        else if (w_fwd_q && w_handle_q == r1_handle_q) r2_count_q <= w_new_q;
        else r2_count_q <= rc_rd;
    // A unicast frame is freed by its one read.
    assign r2_last = !r2_mc_q || r2_count_q + 16'd1 >= r2_copies_q;
    assign r2_new = r2_last ? 16'd0 : r2_count_q + 16'd1;
    always_ff @(posedge clk) begin
        if (init_q) rc_mem[init_idx_q] <= '0;
        else if (r2_valid_q && r2_mc_q) rc_mem[r2_handle_q] <= r2_new;
        w_fwd_q <= r2_valid_q && r2_mc_q;
        w_new_q <= r2_new;
        w_handle_q <= r2_handle_q;
        if (rst) begin
            init_q <= 1'b1;
            init_idx_q <= '0;
        end else if (init_q) begin
            init_idx_q <= init_idx_q + 1'b1;
            if (init_idx_q == CAW'(CELLS - 1)) init_q <= 1'b0;
        end
    end
    // Stage 2's decision metadata rides beside the count (a read's fields).
    logic [QD_W-1:0] r2_qd_q;
    logic [8:0] r2_port_q;
    logic [QCW-1:0] r2_deq_depth_q, r2_enq_depth_q;
    logic [31:0] r2_delta_q;
    always_ff @(posedge clk) begin
        r2_qd_q <= r1_qd_q;
        r2_port_q <= r1_port_q;
        r2_deq_depth_q <= r1_deq_depth_q;
        r2_enq_depth_q <= r1_enq_depth_q;
        r2_delta_q <= r1_delta_q;
    end
    // A release that is not the last of its frame makes no request.
    assign rc_out_none = r2_valid_q && r2_rel_q && !r2_last;
    // A dequeue that found its queue empty (which the scheduler never asks) returns its place,
    // and so does a release that made no request, each a cycle later (counted one cycle too
    // long, which only errs on the safe side).
    logic s_issued_q, deq_miss_q, out_none_q;
    always_ff @(posedge clk) begin
        if (rst) begin
            pend_q <= '0;
            s_issued_q <= 1'b0;
            deq_miss_q <= 1'b0;
            out_none_q <= 1'b0;
        end else begin
            pend_q <= pend_q + 5'(s_valid_q) + 5'(rc_in_rel) - 5'(crq_pop) - 5'(out_none_q) -
                5'(deq_miss_q);
            s_issued_q <= s_valid_q;
            deq_miss_q <= s_issued_q && !deq_done;
            out_none_q <= rc_out_none;
        end
    end

    // ---- CRQ: requests to the buffer: {stream, free, handle, port, rid, inst, enq_ts,
    // enq_depth, delta, deq_depth, desc} ----
    localparam int CR_RAW = 2 + CAW + 9 + 16 + 1 + 32 + QCW + 32 + QCW + DESC_W;
    localparam int CR_W = (CR_RAW + 7) / 8 * 8;
    logic crq_valid, unused_crq_ready, unused_crq_last, unused_crq_user;
    logic [CR_W-1:0] crq_out;
    logic [CR_W/8-1:0] unused_crq_keep;
    logic [$clog2(CRQ_DEPTH):0] unused_crq_fill;
    wire [DESC_W-1:0] r2_desc = r2_qd_q[DESC_W-1:0];
    wire [31:0] r2_enq_ts = r2_qd_q[DESC_W+:32];
    wire [15:0] r2_rid = r2_qd_q[DESC_W+32+CAW+:16];
    hop_axis_fifo #(
        .DATA_W(CR_W),
        .DEPTH (CRQ_DEPTH)
    ) u_crq (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(CR_W'({!r2_rel_q, r2_last, r2_handle_q, r2_port_q, r2_rid, r2_mc_q,
                             r2_enq_ts, r2_enq_depth_q, r2_delta_q, r2_deq_depth_q, r2_desc})),
        .s_axis_tkeep('1),
        .s_axis_tvalid(r2_valid_q && !rc_out_none),
        .s_axis_tready(unused_crq_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(crq_out),
        .m_axis_tkeep(unused_crq_keep),
        .m_axis_tvalid(crq_valid),
        .m_axis_tready(crq_pop),
        .m_axis_tlast(unused_crq_last),
        .m_axis_tuser(unused_crq_user),
        .fill(unused_crq_fill)
    );
    localparam int C_DESC = 0, C_DDEPTH = DESC_W, C_DELTA = C_DDEPTH + QCW,
        C_EDEPTH = C_DELTA + 32, C_ETS = C_EDEPTH + QCW, C_MC = C_ETS + 32, C_RID = C_MC + 1,
        C_PORT = C_RID + 16, C_HANDLE = C_PORT + 9, C_LAST = C_HANDLE + CAW,
        C_STREAM = C_LAST + 1;
    wire c_stream = crq_out[C_STREAM];

    // ---- MDQ: decisions of the copies whose reads the buffer took, to egress ----
    localparam int MD_RAW = DESC_W + 9 + 16 + 1 + 32 + QCW + 32 + QCW;
    localparam int MD_W = (MD_RAW + 7) / 8 * 8;
    logic md_s_ready, unused_md_last, unused_md_user;
    logic [MD_W-1:0] md_out;
    logic [MD_W/8-1:0] unused_md_keep;
    logic [2:0] unused_md_fill;
    assign r_valid = crq_valid && (!c_stream || md_s_ready);
    assign r_handle = crq_out[C_HANDLE+:CAW];
    assign r_free = crq_out[C_LAST];
    assign r_discard = !c_stream;
    assign crq_pop = r_valid && r_ready;
    hop_axis_fifo #(
        .DATA_W(MD_W),
        .DEPTH (4)
    ) u_mdq (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(MD_W'(crq_out[C_HANDLE-1:0])),
        .s_axis_tkeep('1),
        .s_axis_tvalid(crq_pop && c_stream),
        .s_axis_tready(md_s_ready),
        .s_axis_tlast(1'b1),
        .s_axis_tuser(1'b0),
        .m_axis_tdata(md_out),
        .m_axis_tkeep(unused_md_keep),
        .m_axis_tvalid(m_dec_valid),
        .m_axis_tready(m_dec_ready),
        .m_axis_tlast(unused_md_last),
        .m_axis_tuser(unused_md_user),
        .fill(unused_md_fill)
    );
    assign m_dec_desc = md_out[C_DESC+:DESC_W];
    assign m_dec_deq_qdepth = 19'(md_out[C_DDEPTH+:QCW]);
    assign m_dec_deq_timedelta = md_out[C_DELTA+:32];
    assign m_dec_enq_qdepth = 19'(md_out[C_EDEPTH+:QCW]);
    assign m_dec_enq_timestamp = md_out[C_ETS+:32];
    assign m_dec_instance_type = md_out[C_MC] ? INST_REPLICATION : INST_NORMAL;
    assign m_dec_egress_rid = md_out[C_RID+:16];
    assign m_dec_egress_port = md_out[C_PORT+:9];

    // ---- this block's CSR words ----
    localparam logic [2:0] W_INFO = 3'd0, W_DECISIONS = 3'd1, W_UNICAST = 3'd2,
        W_MULTICAST = 3'd3, W_DROPPED_SPEC = 3'd4, W_NO_BUFFER = 3'd5, W_COPIES = 3'd6,
        W_PAUSE = 3'd7;
    wire tm_hit = csr_addr[31:5] == (BASE[31:5] | 27'h3);
    logic unused_tm;
    assign unused_tm = ^{csr_wdata, csr_addr[1:0], md_out, unused_w_bytes, unused_free_cells,
                         unused_enq_depth, dq_out, wq_out, r2_qd_q};
    always_ff @(posedge clk) begin
        if (rst) copies_q <= '0;
        else if (m_dec_valid && m_dec_ready) copies_q <= copies_q + 1'b1;
        if (rst) pause_q <= '0;
        else if (csr_wr && tm_hit && csr_addr[4:2] == W_PAUSE) pause_q <= csr_wdata[PORTS-1:0];
        rd_tm <= '0;
        if (csr_rd && tm_hit)
            case (csr_addr[4:2])
                W_INFO: rd_tm <= {8'd0, init_q, 7'd0, 8'(PRIOS), 8'(PORTS)};
                W_DECISIONS: rd_tm <= decisions_q;
                W_UNICAST: rd_tm <= unicast_q;
                W_MULTICAST: rd_tm <= multicast_q;
                W_DROPPED_SPEC: rd_tm <= dropped_spec_q;
                W_NO_BUFFER: rd_tm <= no_buffer_q;
                W_COPIES: rd_tm <= copies_q;
                W_PAUSE: rd_tm <= 32'(pause_q);
                default: rd_tm <= '0;
            endcase
    end
endmodule

`resetall
