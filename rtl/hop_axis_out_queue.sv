// SPDX-License-Identifier: Apache-2.0
// Per-port AXI4-Stream output queue: store-and-forward in DEPTH beats, whole-frame tail drop
// on overflow, packet/byte/drop counters and a high-water mark on the CSR bus.
`default_nettype none

// Drop policy (store-and-forward with rewind): beats are written at a tentative pointer; a
// frame becomes visible to the reader only when its tlast beat is written (commit pointer).
// If a beat arrives while the RAM is full, the frame is dropped: the tentative pointer rewinds
// to the commit pointer and the rest of the frame is discarded up to its tlast. So the output
// only ever carries whole frames, the queue's full capacity is usable (no max-frame
// reservation), and a frame longer than DEPTH beats is always dropped. s_axis_tready is
// always 1: the queue never backpressures, it drops. The output side is an output register
// behind the RAM's synchronous read: a frame whose last beat is accepted in cycle c is offered
// on m_axis from cycle c+2 (no cut-through; a one-beat frame has a latency of two cycles).
//
// CSR window [BASE, BASE+SPAN), 32-bit registers (offsets):
//   0x00 PKTS_LO   frames queued (committed), low word; a read latches PKTS_HI
//   0x04 PKTS_HI   high word latched by the last PKTS_LO read
//   0x08 BYTES_LO  bytes of the frames queued (tkeep lanes), low word; a read latches BYTES_HI.
//                  A frame's bytes count the cycle after its last beat (PKTS counts at it).
//   0x0C BYTES_HI  high word latched by the last BYTES_LO read
//   0x10 DROPS     frames dropped (tail drop), wraps at 2^32
//   0x14 FILL      beats in the RAM now
//   0x18 HWM       highest FILL since reset or the last write to HWM (any write clears it)
//   0x1C DEPTH     capacity in beats (read-only)
// Other offsets in the window read 0; writes other than to HWM are ignored.
module hop_axis_out_queue #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    parameter int DEPTH = 64,
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 32,
    localparam int PTR_W = $clog2(DEPTH)
) (
    input  wire               clk,
    input  wire               rst,
    input  wire  [DATA_W-1:0] s_axis_tdata,
    input  wire  [KEEP_W-1:0] s_axis_tkeep,
    input  wire               s_axis_tvalid,
    output wire               s_axis_tready,
    input  wire               s_axis_tlast,
    input  wire  [USER_W-1:0] s_axis_tuser,
    output wire  [DATA_W-1:0] m_axis_tdata,
    output wire  [KEEP_W-1:0] m_axis_tkeep,
    output wire               m_axis_tvalid,
    input  wire               m_axis_tready,
    output wire               m_axis_tlast,
    output wire  [USER_W-1:0] m_axis_tuser,
    output wire  [   PTR_W:0] fill,
    input  wire               csr_wr,
    input  wire               csr_rd,
    input  wire  [      31:0] csr_addr,
    input  wire  [      31:0] csr_wdata,
    output wire  [      31:0] csr_rdata
);
    localparam int W = DATA_W + KEEP_W + 1 + USER_W;
    localparam int FB_W = $clog2(DEPTH * KEEP_W + 1);  // bytes of one stored frame
    localparam int SPAN_W = $clog2(SPAN);

    initial begin
        if (DATA_W < 8 || DATA_W % 8 != 0) $fatal(1, "%m: DATA_W must be a multiple of 8");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (DEPTH < 2 || (DEPTH & (DEPTH - 1)) != 0) $fatal(1, "%m: DEPTH must be a power of two >= 2");
        if (SPAN < 32 || (SPAN & (SPAN - 1)) != 0) $fatal(1, "%m: SPAN must be a power of two >= 32");
        if ((BASE & 32'(SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to SPAN");
    end

    logic [W-1:0] mem[DEPTH];
    logic [W-1:0] out_q;
    logic out_valid_q, out_valid_d;
    logic [PTR_W:0] wr_ptr_q, wr_ptr_d, commit_ptr_q, commit_ptr_d, rd_ptr_q, rd_ptr_d;
    logic [PTR_W:0] used, hwm_q, hwm_d;
    logic dropping_q, dropping_d;
    logic [FB_W-1:0] frame_bytes_q, frame_bytes_d, beat_bytes, frame_total, done_bytes_q;
    logic done_q, done_d;  // a frame committed last cycle, of done_bytes_q bytes
    logic [63:0] pkts_q, pkts_d, bytes_q, bytes_d;
    logic [31:0] drops_q, drops_d, pkts_hi_q, pkts_hi_d, bytes_hi_q, bytes_hi_d;
    logic [31:0] rdata_q, rdata_d;
    logic do_write, do_read;

    // Lanes present in a beat (by the AXI contract of rtl/README.md tkeep is a thermometer
    // code, contiguous from lane 0): read off its edges, not by a popcount.
    logic [$clog2(KEEP_W):0] keep_n;
    hop_keep_lanes #(
        .KEEP_W(KEEP_W)
    ) u_lanes (
        .tkeep(s_axis_tkeep),
        .lanes(keep_n)
    );

    assign beat_bytes = FB_W'(keep_n);

    assign used = wr_ptr_q - rd_ptr_q;

    // Write side: tentative pointer, commit on tlast, rewind on overflow.
    always_comb begin
        wr_ptr_d = wr_ptr_q;
        commit_ptr_d = commit_ptr_q;
        dropping_d = dropping_q;
        frame_bytes_d = frame_bytes_q;
        pkts_d = pkts_q;
        bytes_d = bytes_q;
        drops_d = drops_q;
        frame_total = frame_bytes_q;
        do_write = 1'b0;
        done_d = 1'b0;
        // The byte counter adds a committed frame's length the next cycle, from registers, so
        // the wide add does not follow tkeep's count and the frame sum in the same cycle.
        if (done_q) bytes_d = bytes_q + 64'(done_bytes_q);
        if (s_axis_tvalid) begin
            if (dropping_q) begin
                dropping_d = !s_axis_tlast;
            end else if (used == (PTR_W + 1)'(DEPTH)) begin
                wr_ptr_d = commit_ptr_q;
                dropping_d = !s_axis_tlast;
                frame_bytes_d = '0;
                drops_d = drops_q + 1'b1;
            end else begin
                do_write = 1'b1;
                wr_ptr_d = wr_ptr_q + 1'b1;
                frame_total = frame_bytes_q + beat_bytes;
                frame_bytes_d = frame_total;
                if (s_axis_tlast) begin
                    commit_ptr_d = wr_ptr_q + 1'b1;
                    frame_bytes_d = '0;
                    pkts_d = pkts_q + 1'b1;
                    done_d = 1'b1;
                end
            end
        end
    end

    // Read side: committed beats only, through the output register.
    always_comb begin
        rd_ptr_d = rd_ptr_q;
        out_valid_d = out_valid_q;
        do_read = 1'b0;
        if (!out_valid_q || m_axis_tready) begin
            do_read = rd_ptr_q != commit_ptr_q;
            out_valid_d = do_read;
            if (do_read) rd_ptr_d = rd_ptr_q + 1'b1;
        end
    end

    // CSR window.
    wire csr_hit = (csr_addr & ~32'(SPAN - 1)) == BASE;
    wire [SPAN_W-3:0] csr_word = csr_addr[SPAN_W-1:2];
    wire unused_csr = ^{csr_addr[1:0], csr_wdata};

    always_comb begin
        hwm_d = hwm_q > used ? hwm_q : used;
        pkts_hi_d = pkts_hi_q;
        bytes_hi_d = bytes_hi_q;
        rdata_d = '0;
        if (csr_wr && csr_hit && csr_word == (SPAN_W - 2)'(6)) hwm_d = '0;
        if (csr_rd && csr_hit) begin
            case (csr_word)
                (SPAN_W - 2)'(0): begin
                    rdata_d = pkts_q[31:0];
                    pkts_hi_d = pkts_q[63:32];
                end
                (SPAN_W - 2)'(1): rdata_d = pkts_hi_q;
                (SPAN_W - 2)'(2): begin
                    rdata_d = bytes_q[31:0];
                    bytes_hi_d = bytes_q[63:32];
                end
                (SPAN_W - 2)'(3): rdata_d = bytes_hi_q;
                (SPAN_W - 2)'(4): rdata_d = drops_q;
                (SPAN_W - 2)'(5): rdata_d = 32'(used);
                (SPAN_W - 2)'(6): rdata_d = 32'(hwm_q);
                (SPAN_W - 2)'(7): rdata_d = 32'(DEPTH);
                default: rdata_d = '0;
            endcase
        end
    end

    always_ff @(posedge clk) begin
        if (do_write) mem[wr_ptr_q[PTR_W-1:0]] <= {s_axis_tdata, s_axis_tkeep, s_axis_tlast, s_axis_tuser};
        if (do_read) out_q <= mem[rd_ptr_q[PTR_W-1:0]];
        if (done_d) done_bytes_q <= frame_total;
        if (rst) begin
            wr_ptr_q <= '0;
            commit_ptr_q <= '0;
            rd_ptr_q <= '0;
            out_valid_q <= 1'b0;
            dropping_q <= 1'b0;
            frame_bytes_q <= '0;
            done_q <= 1'b0;
            pkts_q <= '0;
            bytes_q <= '0;
            drops_q <= '0;
            hwm_q <= '0;
            pkts_hi_q <= '0;
            bytes_hi_q <= '0;
            rdata_q <= '0;
        end else begin
            wr_ptr_q <= wr_ptr_d;
            commit_ptr_q <= commit_ptr_d;
            rd_ptr_q <= rd_ptr_d;
            out_valid_q <= out_valid_d;
            dropping_q <= dropping_d;
            frame_bytes_q <= frame_bytes_d;
            done_q <= done_d;
            pkts_q <= pkts_d;
            bytes_q <= bytes_d;
            drops_q <= drops_d;
            hwm_q <= hwm_d;
            pkts_hi_q <= pkts_hi_d;
            bytes_hi_q <= bytes_hi_d;
            rdata_q <= rdata_d;
        end
    end

    assign s_axis_tready = 1'b1;
    assign {m_axis_tdata, m_axis_tkeep, m_axis_tlast, m_axis_tuser} = out_q;
    assign m_axis_tvalid = out_valid_q;
    assign fill = used;
    assign csr_rdata = rdata_q;
endmodule

`resetall
