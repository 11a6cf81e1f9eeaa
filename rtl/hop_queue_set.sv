// SPDX-License-Identifier: Apache-2.0
// The traffic manager's queues: QUEUES FIFOs of DESC_W-bit descriptors (what waits for a queued
// packet copy: its buffer handle, its header bundle, its metadata), each in its own region of
// QDEPTH entries of one memory, each with a limit of its own (tail drop past it, counted per
// queue). One enqueue and one dequeue per clock, to any queues (the same one included); a queue
// never reorders. The depths v1model reports come with them: at an enqueue the queue's depth
// before it (BMv2's enq_qdepth), at a dequeue the depth after it (deq_qdepth).
//
//   enqueue: enq_valid with enq_queue and enq_desc; the next cycle enq_done with enq_dropped
//            (the queue held its limit, or enq_queue >= QUEUES: nothing was written) and
//            enq_depth.
//   dequeue: deq_valid with deq_queue, a queue `nonempty` shows (a request for an empty queue is
//            ignored: no deq_done); the next cycle deq_done with deq_desc, deq_depth and
//            deq_enq_depth (the enq_depth its enqueue reported: each entry keeps it).
//   nonempty[q]: queue q holds an entry; an enqueue shows from the cycle after it, a dequeue
//            stops showing a queue it empties from the cycle after it. multi[q]: it holds two
//            or more (a scheduler that picks a cycle ahead may ask again for such a queue).
// In one cycle the limit is checked against the depth before that cycle's dequeue, and a
// dequeue's depth does not count that cycle's enqueue.
//
// CSR map (span 0x20 at BASE; compiler/src/regmap/queue_words.hpp):
//   0x00 INFO [7:0] QUEUES, [15:8] log2 QDEPTH   0x04 INDEX (the queue of the next three words)
//   0x08 LIMIT (rw; at most QDEPTH, the reset value; larger writes set QDEPTH)   0x0C DEPTH (r)
//   0x10 DROPS (r)   0x14 ENQUEUED   0x18 DEQUEUED   0x1C DROPPED (every queue; counters wrap)
// LIMIT, DEPTH and DROPS read as of the cycle before the read (INDEX picks them a cycle early).
`default_nettype none

module hop_queue_set #(
    parameter logic [31:0] BASE = 32'h0,
    parameter int QUEUES = 8,  // 2..255
    parameter int QDEPTH = 16,  // entries per queue, a power of two
    parameter int DESC_W = 32,
    parameter int QAW = $clog2(QUEUES),  // derived: the queue number's width
    parameter int CW = $clog2(QDEPTH) + 1  // derived: a depth, 0..QDEPTH
) (
    input  wire                clk,
    input  wire                rst,
    input  wire                enq_valid,
    input  wire  [    QAW-1:0] enq_queue,
    input  wire  [ DESC_W-1:0] enq_desc,
    output logic               enq_done,
    output logic               enq_dropped,
    output logic [     CW-1:0] enq_depth,
    input  wire                deq_valid,
    input  wire  [    QAW-1:0] deq_queue,
    output logic               deq_done,
    output logic [ DESC_W-1:0] deq_desc,
    output logic [     CW-1:0] deq_depth,
    output logic [     CW-1:0] deq_enq_depth,
    output logic [ QUEUES-1:0] nonempty,
    output logic [ QUEUES-1:0] multi,
    input  wire                csr_wr,
    input  wire                csr_rd,
    input  wire  [       31:0] csr_addr,
    input  wire  [       31:0] csr_wdata,
    output logic [       31:0] csr_rdata
);
    localparam int PAW = $clog2(QDEPTH);
    localparam int AW = QAW + PAW;
    localparam logic [2:0] W_INFO = 3'd0, W_INDEX = 3'd1, W_LIMIT = 3'd2, W_DEPTH = 3'd3,
        W_DROPS = 3'd4, W_ENQUEUED = 3'd5, W_DEQUEUED = 3'd6, W_DROPPED = 3'd7;

    initial begin
        if (QUEUES < 2 || QUEUES > 255) $fatal(1, "%m: QUEUES must be 2..255");
        if (QDEPTH < 2 || (QDEPTH & (QDEPTH - 1)) != 0)
            $fatal(1, "%m: QDEPTH must be a power of two, at least 2");
        if (QAW != $clog2(QUEUES) || CW != $clog2(QDEPTH) + 1)
            $fatal(1, "%m: QAW and CW are derived; do not set them");
        if ((BASE & 32'h1f) != 0) $fatal(1, "%m: BASE must be aligned to the span (0x20)");
    end

    // CSR decode.
    logic [31:0] index_q, rdata_q, enqueued_q, dequeued_q, dropped_q;
    wire hit = csr_addr[31:5] == BASE[31:5];
    wire [2:0] word = csr_addr[4:2];
    wire limit_wr = csr_wr && hit && word == W_LIMIT;
    wire [CW-1:0] limit_new =
        csr_wdata > 32'(QDEPTH) ? CW'(QDEPTH) : csr_wdata[CW-1:0];
    logic unused_csr;
    assign unused_csr = ^{csr_addr[1:0]};

    // Per queue: pointers, depth, limit, drops; flattened for the selections below.
    logic [QUEUES*PAW-1:0] wr_all, rd_all;
    logic [QUEUES*CW-1:0] count_all, limit_all;
    logic [QUEUES*32-1:0] drops_all;
    logic [QUEUES-1:0] enq_ok_v, deq_ok_v;
    for (genvar q = 0; q < QUEUES; q++) begin : g_q
        logic [PAW-1:0] wr_q, rd_q;
        logic [CW-1:0] count_q, limit_q;
        logic [31:0] drops_q;
        logic nonempty_q, multi_q;  // count_q != 0, count_q >= 2: registers, for the scheduler
        wire enq_here = enq_valid && enq_queue == QAW'(q);
        assign enq_ok_v[q] = enq_here && count_q < limit_q;
        assign deq_ok_v[q] = deq_valid && deq_queue == QAW'(q) && count_q != '0;
        always_ff @(posedge clk) begin
            if (rst) begin
                wr_q <= '0;
                rd_q <= '0;
                count_q <= '0;
                nonempty_q <= 1'b0;
                multi_q <= 1'b0;
                drops_q <= '0;
                limit_q <= CW'(QDEPTH);
            end else begin
                if (enq_ok_v[q]) wr_q <= wr_q + 1'b1;
                if (deq_ok_v[q]) rd_q <= rd_q + 1'b1;
                if (enq_ok_v[q] != deq_ok_v[q]) begin
                    count_q <= enq_ok_v[q] ? count_q + 1'b1 : count_q - 1'b1;
                    nonempty_q <= enq_ok_v[q] || multi_q;
                    multi_q <= enq_ok_v[q] ? nonempty_q : count_q > CW'(2);
                end
                if (enq_here && !enq_ok_v[q]) drops_q <= drops_q + 1'b1;
                if (limit_wr && index_q == 32'(q)) limit_q <= limit_new;
            end
        end
        assign wr_all[q*PAW+:PAW] = wr_q;
        assign rd_all[q*PAW+:PAW] = rd_q;
        assign count_all[q*CW+:CW] = count_q;
        assign limit_all[q*CW+:CW] = limit_q;
        assign drops_all[q*32+:32] = drops_q;
        assign nonempty[q] = nonempty_q;
        assign multi[q] = multi_q;
    end

    // The memory: queue q's entries at {q, pointer}, each with its depth at the enqueue.
    logic [CW+DESC_W-1:0] mem[QUEUES*QDEPTH];
    wire enq_ok = |enq_ok_v;
    wire deq_ok = |deq_ok_v;
    wire [AW-1:0] wr_addr = {enq_queue, wr_all[enq_queue*PAW+:PAW]};
    wire [AW-1:0] rd_addr = {deq_queue, rd_all[deq_queue*PAW+:PAW]};
    always_ff @(posedge clk) begin
        if (enq_ok) mem[wr_addr] <= {count_all[enq_queue*CW+:CW], enq_desc};
        if (deq_ok) {deq_enq_depth, deq_desc} <= mem[rd_addr];
    end

    always_ff @(posedge clk) begin
        if (rst) begin
            enq_done <= 1'b0;
            deq_done <= 1'b0;
        end else begin
            enq_done <= enq_valid;
            deq_done <= deq_ok;
        end
        enq_dropped <= !enq_ok;
        enq_depth <= count_all[enq_queue*CW+:CW];
        deq_depth <= count_all[deq_queue*CW+:CW] - 1'b1;
    end

    // CSR registers and counters. The words of queue INDEX are picked into registers every
    // cycle (a read comes at least 3 cycles after the write of INDEX or LIMIT), so the read-data
    // register sees only the word's mux.
    wire [QAW-1:0] index_q_sel = index_q[QAW-1:0];
    wire index_ok = index_q < 32'(QUEUES);
    logic [CW-1:0] sel_limit_q, sel_depth_q;
    logic [31:0] sel_drops_q;
    always_ff @(posedge clk) begin
        sel_limit_q <= index_ok ? limit_all[index_q_sel*CW+:CW] : '0;
        sel_depth_q <= index_ok ? count_all[index_q_sel*CW+:CW] : '0;
        sel_drops_q <= index_ok ? drops_all[index_q_sel*32+:32] : '0;
    end
    always_ff @(posedge clk) begin
        if (rst) begin
            index_q <= '0;
            enqueued_q <= '0;
            dequeued_q <= '0;
            dropped_q <= '0;
        end else begin
            if (csr_wr && hit && word == W_INDEX) index_q <= csr_wdata;
            if (enq_ok) enqueued_q <= enqueued_q + 1'b1;
            if (deq_ok) dequeued_q <= dequeued_q + 1'b1;
            if (enq_valid && !enq_ok) dropped_q <= dropped_q + 1'b1;
        end
        rdata_q <= '0;
        if (csr_rd && hit)
            case (word)
                W_INFO: rdata_q <= {16'd0, 8'(PAW), 8'(QUEUES)};
                W_INDEX: rdata_q <= index_q;
                W_LIMIT: rdata_q <= 32'(sel_limit_q);
                W_DEPTH: rdata_q <= 32'(sel_depth_q);
                W_DROPS: rdata_q <= sel_drops_q;
                W_ENQUEUED: rdata_q <= enqueued_q;
                W_DEQUEUED: rdata_q <= dequeued_q;
                W_DROPPED: rdata_q <= dropped_q;
                default: rdata_q <= '0;
            endcase
    end
    assign csr_rdata = rdata_q;
endmodule

`resetall
