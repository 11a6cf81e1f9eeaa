// SPDX-License-Identifier: Apache-2.0
// The shell's CPU port: punted frames from the pipeline to the host (store-and-forward, tail
// drop) and frames from the host into the pipeline on port CPU_PORT, by stream (DMA) or by
// PIO through the CSR window (boards without DMA).
`default_nettype none

// Punt (pipeline -> host): s_axis_pipe is the demux's CPU-port output. s_axis_pipe_tready is
// always 1: a slow host must not stall forwarding, so the port drops instead. Frames are
// stored in a RAM of PUNT_DEPTH beats with the rewind scheme of hop_axis_out_queue: beats go
// in at a tentative pointer, a frame becomes readable when its tlast beat is written, and a
// beat arriving while the RAM is full drops the whole frame (the pointer rewinds, the rest is
// discarded up to tlast). A dropped frame of more than PUNT_DEPTH beats (it could never fit)
// counts in PUNT_DROP_LONG, any other in PUNT_DROP_FULL. tuser of s_axis_pipe is not used
// (it is the egress port, CPU_PORT). The head frame goes either to m_axis_host (the DMA side,
// no tuser) or waits for PIO reads: CTRL.PIO is sampled when a frame's first beat is loaded
// into the output register, so a switch takes effect at the next frame boundary and a beat
// offered on m_axis_host stays offered until taken. Latency: a frame whose tlast beat is
// accepted in cycle c is offered on m_axis_host (or PUNT_STATUS shows it) from cycle c+2.
//
// Inject (host -> pipeline): m_axis_pipe goes to the port arbiter with tuser = CPU_PORT. Its
// source is s_axis_host (the DMA side, tuser not present) or the PIO TX ring, chosen per frame
// at frame boundaries (a committed PIO frame goes before the next stream frame, never inside
// one). The output is a hop_axis_register: every output flop-driven, s_axis_host_tready
// depends on registered state only, one beat per clock; stream latency one cycle. PIO TX:
// words written to INJ_DATA fill a ring of INJ_DEPTH beats (word k of a frame = bytes 4k..4k+3,
// lane order); a write of the length L to INJ_COMMIT commits the frame if 1 <= L and
// ceil(L/4) words were written and all fitted in the ring, else the staged words are thrown
// away and INJ_BAD counts the refusal. Either way the next INJ_DATA write starts a new frame.
// A committed frame leaves as ceil(L/(DATA_W/8)) beats, tkeep from L; it is offered on
// m_axis_pipe three cycles after the commit write at the earliest.
//
// PIO read: PUNT_STATUS bit 31 says the head frame waits for PIO, bits [23:0] give its length
// (the register reads 0 when no frame waits). Each read of PUNT_DATA returns the next 32-bit
// word of it in lane order (byte i of the frame is bits [8i+7:8i] of the word stream; bytes
// past the end read 0); the read that returns its last byte completes it and the next frame
// follows. A write to PUNT_DISCARD drops the rest of it (one cycle). With no frame waiting
// PUNT_DATA reads 0 and PUNT_DISCARD does nothing. Reads may come back to back.
//
// Parameters: DATA_W a power of two >= 64; USER_W and CPU_PORT the tuser of m_axis_pipe;
// PUNT_DEPTH and INJ_DEPTH the punt RAM and the PIO TX ring in beats (powers of two, each
// under 2^24 bytes); PIO_RESET the reset value of CTRL.PIO (1 on a board without DMA);
// BASE, SPAN the CSR window (SPAN a power of two >= 128). punt_fill = PUNT_FILL, for the shell.
//
// CSR window [BASE, BASE+SPAN), 32-bit registers (offsets):
//   0x00 CTRL            bit 0 PIO: punted frames wait for PIO (reset value PIO_RESET)
//   0x04 PUNT_STATUS     bit 31 frame waiting for PIO, [23:0] its length in bytes
//   0x08 PUNT_DATA       read: next word of that frame (a read pops it)
//   0x0C PUNT_DISCARD    write: drop the rest of that frame
//   0x10 INJ_DATA        write: next word of the frame being staged
//   0x14 INJ_COMMIT      write: commit the staged frame with this length in bytes;
//                        read: free bytes in the TX ring (a frame of at most that many bytes
//                        staged from now on fits)
//   0x18 INJ_BAD         refused commits (wraps at 2^32)
//   0x1C PUNT_FILL       beats in the punt RAM now
//   0x20 PUNT_DROP_FULL  frames dropped because the RAM was full (wraps at 2^32)
//   0x24 PUNT_DROP_LONG  frames dropped because longer than the RAM (wraps at 2^32)
//   0x28 PUNT_CAP        punt RAM in bytes (read-only)
//   0x2C INJ_CAP         TX ring in bytes (read-only)
//   0x30 PUNT_PKTS_LO    frames punted (stored whole; a stored frame is always delivered),
//                        low word; a read latches PUNT_PKTS_HI
//   0x34 PUNT_PKTS_HI
//   0x38 PUNT_BYTES_LO   bytes of those frames; a read latches PUNT_BYTES_HI
//   0x3C PUNT_BYTES_HI
//   0x40 INJ_PKTS_LO     frames sent on m_axis_pipe (stream and PIO); latches INJ_PKTS_HI
//   0x44 INJ_PKTS_HI
//   0x48 INJ_BYTES_LO    bytes of those frames; a read latches INJ_BYTES_HI
//   0x4C INJ_BYTES_HI
// Other offsets read 0; writes to other registers are ignored.
module hop_cpu_port #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    parameter int CPU_PORT = 510,
    parameter int PUNT_DEPTH = 64,
    parameter int INJ_DEPTH = 32,
    parameter bit PIO_RESET = 1'b0,
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 128,
    localparam int PUNT_PTR_W = $clog2(PUNT_DEPTH)
) (
    input  wire                  clk,
    input  wire                  rst,
    // Punt: from the pipeline's demux ...
    input  wire  [   DATA_W-1:0] s_axis_pipe_tdata,
    input  wire  [   KEEP_W-1:0] s_axis_pipe_tkeep,
    input  wire                  s_axis_pipe_tvalid,
    output wire                  s_axis_pipe_tready,
    input  wire                  s_axis_pipe_tlast,
    input  wire  [   USER_W-1:0] s_axis_pipe_tuser,
    // ... to the host (DMA).
    output wire  [   DATA_W-1:0] m_axis_host_tdata,
    output wire  [   KEEP_W-1:0] m_axis_host_tkeep,
    output wire                  m_axis_host_tvalid,
    input  wire                  m_axis_host_tready,
    output wire                  m_axis_host_tlast,
    // Inject: from the host (DMA) ...
    input  wire  [   DATA_W-1:0] s_axis_host_tdata,
    input  wire  [   KEEP_W-1:0] s_axis_host_tkeep,
    input  wire                  s_axis_host_tvalid,
    output wire                  s_axis_host_tready,
    input  wire                  s_axis_host_tlast,
    // ... to the pipeline's arbiter.
    output wire  [   DATA_W-1:0] m_axis_pipe_tdata,
    output wire  [   KEEP_W-1:0] m_axis_pipe_tkeep,
    output wire                  m_axis_pipe_tvalid,
    input  wire                  m_axis_pipe_tready,
    output wire                  m_axis_pipe_tlast,
    output wire  [   USER_W-1:0] m_axis_pipe_tuser,
    output wire  [PUNT_PTR_W:0]  punt_fill,
    input  wire                  csr_wr,
    input  wire                  csr_rd,
    input  wire  [         31:0] csr_addr,
    input  wire  [         31:0] csr_wdata,
    output wire  [         31:0] csr_rdata
);
    localparam int WPB = DATA_W / 32;  // 32-bit words per beat
    localparam int WORD_W = $clog2(WPB);
    localparam int INJ_PTR_W = $clog2(INJ_DEPTH);
    localparam int PLEN_W = $clog2(PUNT_DEPTH * KEEP_W + 1);  // bytes of one punted frame
    localparam int ILEN_W = $clog2(INJ_DEPTH * KEEP_W + 1);  // bytes of one PIO frame
    localparam int CNT_W = $clog2(KEEP_W + 1);  // bytes of one beat
    localparam int IWORDS_W = $clog2(INJ_DEPTH * WPB + 1);  // words of one PIO frame
    localparam int PW = DATA_W + KEEP_W + 1;  // a punt RAM entry: {tdata, tkeep, tlast}
    localparam int SPAN_W = $clog2(SPAN);

    initial begin
        if (DATA_W < 64 || (DATA_W & (DATA_W - 1)) != 0)
            $fatal(1, "%m: DATA_W must be a power of two >= 64");
        if (KEEP_W != DATA_W / 8) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (USER_W < 1 || USER_W > 31 || CPU_PORT < 0 || CPU_PORT >= (1 << USER_W))
            $fatal(1, "%m: CPU_PORT must fit in USER_W bits");
        if (PUNT_DEPTH < 2 || (PUNT_DEPTH & (PUNT_DEPTH - 1)) != 0)
            $fatal(1, "%m: PUNT_DEPTH must be a power of two >= 2");
        if (INJ_DEPTH < 2 || (INJ_DEPTH & (INJ_DEPTH - 1)) != 0)
            $fatal(1, "%m: INJ_DEPTH must be a power of two >= 2");
        if (PLEN_W > 24 || ILEN_W > 24) $fatal(1, "%m: a buffer must hold less than 2^24 bytes");
        if (SPAN < 128 || (SPAN & (SPAN - 1)) != 0) $fatal(1, "%m: SPAN must be a power of two >= 128");
        if ((BASE & 32'(SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to SPAN");
    end

    // ---------------------------------------------------------------- CSR decode
    localparam logic [SPAN_W-3:0] R_CTRL = 0, R_PSTATUS = 1, R_PDATA = 2, R_PDISCARD = 3;
    localparam logic [SPAN_W-3:0] R_IDATA = 4, R_ICOMMIT = 5, R_IBAD = 6, R_PFILL = 7;
    localparam logic [SPAN_W-3:0] R_PDROPF = 8, R_PDROPL = 9, R_PCAP = 10, R_ICAP = 11;
    localparam logic [SPAN_W-3:0] R_PPKTS = 12, R_PPKTSH = 13, R_PBYTES = 14, R_PBYTESH = 15;
    localparam logic [SPAN_W-3:0] R_IPKTS = 16, R_IPKTSH = 17, R_IBYTES = 18, R_IBYTESH = 19;

    wire csr_hit = (csr_addr & ~32'(SPAN - 1)) == BASE;
    wire [SPAN_W-3:0] csr_word = csr_addr[SPAN_W-1:2];
    wire wr_ctrl = csr_wr && csr_hit && csr_word == R_CTRL;
    wire wr_discard = csr_wr && csr_hit && csr_word == R_PDISCARD;
    wire wr_idata = csr_wr && csr_hit && csr_word == R_IDATA;
    wire wr_icommit = csr_wr && csr_hit && csr_word == R_ICOMMIT;
    wire rd_pdata = csr_rd && csr_hit && csr_word == R_PDATA;

    logic pio_en_q;

    // ---------------------------------------------------------------- punt: write side
    logic [PW-1:0] punt_mem[PUNT_DEPTH];
    logic [PLEN_W-1:0] pdesc_len[PUNT_DEPTH];  // per stored frame: length, end pointer
    logic [PUNT_PTR_W:0] pdesc_end[PUNT_DEPTH];
    logic [PUNT_PTR_W:0] p_wr_q, p_wr_d, p_commit_q, p_commit_d, p_rd_q, p_rd_d;
    logic [PUNT_PTR_W:0] p_dwr_q, p_dwr_d, p_drd_q, p_drd_d, p_used;
    logic [PUNT_PTR_W:0] p_fbeats_q, p_fbeats_d, p_fbeats_inc;  // beats of the frame coming in
    logic [PLEN_W-1:0] p_fbytes_q, p_fbytes_d, p_beat_bytes, p_total;
    logic p_dropping_q, p_dropping_d, p_do_write, p_push;
    logic [63:0] p_pkts_q, p_pkts_d, p_bytes_q, p_bytes_d;
    logic [PLEN_W-1:0] p_done_bytes_q;
    logic p_done_q;  // a frame was pushed last cycle, of p_done_bytes_q bytes
    logic [31:0] p_dropf_q, p_dropf_d, p_dropl_q, p_dropl_d;

    // Lanes present in a beat (by the AXI contract of rtl/README.md tkeep is a thermometer
    // code, contiguous from lane 0): read off its edges, not by a popcount. One count per
    // stream that is counted: the punt path's input and the inject path's output.
    logic [CNT_W-1:0] p_keep_n, m_keep_n;
    hop_keep_lanes #(
        .KEEP_W(KEEP_W)
    ) u_p_lanes (
        .tkeep(s_axis_pipe_tkeep),
        .lanes(p_keep_n)
    );
    hop_keep_lanes #(
        .KEEP_W(KEEP_W)
    ) u_m_lanes (
        .tkeep(m_axis_pipe_tkeep),
        .lanes(m_keep_n)
    );

    assign p_beat_bytes = PLEN_W'(p_keep_n);

    assign p_used = p_wr_q - p_rd_q;
    // Saturates just past PUNT_DEPTH: all the classification of a dropped frame needs.
    assign p_fbeats_inc = p_fbeats_q == (PUNT_PTR_W + 1)'(PUNT_DEPTH + 1) ? p_fbeats_q : p_fbeats_q + 1'b1;

    always_comb begin
        p_wr_d = p_wr_q;
        p_commit_d = p_commit_q;
        p_dwr_d = p_dwr_q;
        p_dropping_d = p_dropping_q;
        p_fbeats_d = p_fbeats_q;
        p_fbytes_d = p_fbytes_q;
        p_pkts_d = p_pkts_q;
        p_bytes_d = p_bytes_q;
        p_dropf_d = p_dropf_q;
        p_dropl_d = p_dropl_q;
        p_total = p_fbytes_q + p_beat_bytes;
        p_do_write = 1'b0;
        p_push = 1'b0;
        // The byte counter adds a pushed frame's length the next cycle, from registers, so the
        // wide add does not follow tkeep's count and the frame sum in the same cycle.
        if (p_done_q) p_bytes_d = p_bytes_q + 64'(p_done_bytes_q);
        if (s_axis_pipe_tvalid) begin
            if (p_dropping_q || p_used == (PUNT_PTR_W + 1)'(PUNT_DEPTH)) begin
                if (!p_dropping_q) p_wr_d = p_commit_q;  // rewind: the frame is gone
                p_dropping_d = !s_axis_pipe_tlast;
                p_fbeats_d = s_axis_pipe_tlast ? '0 : p_fbeats_inc;
                p_fbytes_d = '0;
                if (s_axis_pipe_tlast) begin
                    if (p_fbeats_inc > (PUNT_PTR_W + 1)'(PUNT_DEPTH)) p_dropl_d = p_dropl_q + 1'b1;
                    else p_dropf_d = p_dropf_q + 1'b1;
                end
            end else begin
                p_do_write = 1'b1;
                p_wr_d = p_wr_q + 1'b1;
                p_fbeats_d = p_fbeats_inc;
                p_fbytes_d = p_total;
                if (s_axis_pipe_tlast) begin
                    p_push = 1'b1;
                    p_commit_d = p_wr_q + 1'b1;
                    p_dwr_d = p_dwr_q + 1'b1;
                    p_fbeats_d = '0;
                    p_fbytes_d = '0;
                    p_pkts_d = p_pkts_q + 1'b1;
                end
            end
        end
    end

    // ---------------------------------------------------------------- punt: read side
    // p_out_q holds the beat at p_rd_q - 1 (the head of the RAM) when p_out_valid_q; it goes to
    // m_axis_host or is read word by word over the CSR bus, as p_head_pio_q says.
    logic [PW-1:0] p_out_q;
    logic p_out_valid_q, p_out_valid_d, p_sof_q, p_sof_d, p_head_pio_q, p_head_pio_d, p_do_read;
    logic [PLEN_W-1:0] p_head_len_q, p_head_len_d;
    logic [PUNT_PTR_W:0] p_head_end_q, p_head_end_d;
    logic [WORD_W-1:0] pio_word_q, pio_word_d;
    logic [PLEN_W-1:0] pio_off_q, pio_off_d;
    logic pio_pop, pio_frame_end;
    logic [31:0] pio_rword;

    wire [DATA_W-1:0] p_out_data = p_out_q[PW-1-:DATA_W];
    wire [KEEP_W-1:0] p_out_keep = p_out_q[KEEP_W:1];
    wire p_out_last = p_out_q[0];
    wire pio_avail = p_out_valid_q && p_head_pio_q;
    wire p_discard = wr_discard && pio_avail;
    wire p_stream_take = p_out_valid_q && !p_head_pio_q && m_axis_host_tready;
    // Is the next beat loaded from the RAM the first of a frame?
    wire p_next_sof = p_out_valid_q ? p_out_last : p_sof_q;

    // PIO read: the word at pio_word_q of the beat in the output register, lanes past tkeep 0.
    always_comb begin
        pio_rword = p_out_data[32*pio_word_q+:32];
        for (int b = 0; b < 4; b++)
            if (!p_out_keep[4*pio_word_q+b]) pio_rword[8*b+:8] = 8'h00;
        pio_frame_end = {1'b0, pio_off_q} + (PLEN_W + 1)'(4) >= {1'b0, p_head_len_q};
        pio_pop = 1'b0;
        pio_word_d = pio_word_q;
        pio_off_d = pio_off_q;
        if (p_discard) begin
            pio_word_d = '0;
            pio_off_d = '0;
        end else if (rd_pdata && pio_avail) begin
            pio_pop = pio_frame_end || pio_word_q == WORD_W'(WPB - 1);
            pio_word_d = pio_pop ? '0 : pio_word_q + 1'b1;
            pio_off_d = pio_frame_end ? '0 : pio_off_q + PLEN_W'(4);
        end
    end

    always_comb begin
        p_rd_d = p_rd_q;
        p_drd_d = p_drd_q;
        p_out_valid_d = p_out_valid_q;
        p_sof_d = p_sof_q;
        p_head_pio_d = p_head_pio_q;
        p_head_len_d = p_head_len_q;
        p_head_end_d = p_head_end_q;
        p_do_read = 1'b0;
        if (p_discard) begin
            // Skip what is left of the head frame; the next frame loads the cycle after.
            p_rd_d = p_head_end_q;
            p_out_valid_d = 1'b0;
            p_sof_d = 1'b1;
        end else if (!p_out_valid_q || p_stream_take || pio_pop) begin
            p_sof_d = p_next_sof;
            p_do_read = p_rd_q != p_commit_q;
            p_out_valid_d = p_do_read;
            if (p_do_read) begin
                p_rd_d = p_rd_q + 1'b1;
                if (p_next_sof) begin
                    // A frame starts: its length and end leave the descriptor FIFO, and the
                    // mode is sampled for the whole frame.
                    p_head_pio_d = pio_en_q;
                    p_head_len_d = pdesc_len[p_drd_q[PUNT_PTR_W-1:0]];
                    p_head_end_d = pdesc_end[p_drd_q[PUNT_PTR_W-1:0]];
                    p_drd_d = p_drd_q + 1'b1;
                end
            end
        end
    end

    always_ff @(posedge clk) begin
        if (p_do_write) punt_mem[p_wr_q[PUNT_PTR_W-1:0]] <= {s_axis_pipe_tdata, s_axis_pipe_tkeep, s_axis_pipe_tlast};
        if (p_push) begin
            pdesc_len[p_dwr_q[PUNT_PTR_W-1:0]] <= p_total;
            pdesc_end[p_dwr_q[PUNT_PTR_W-1:0]] <= p_wr_q + 1'b1;
            p_done_bytes_q <= p_total;
        end
        if (p_do_read) p_out_q <= punt_mem[p_rd_q[PUNT_PTR_W-1:0]];
        if (rst) begin
            p_wr_q <= '0;
            p_commit_q <= '0;
            p_rd_q <= '0;
            p_dwr_q <= '0;
            p_drd_q <= '0;
            p_dropping_q <= 1'b0;
            p_fbeats_q <= '0;
            p_fbytes_q <= '0;
            p_pkts_q <= '0;
            p_bytes_q <= '0;
            p_done_q <= 1'b0;
            p_dropf_q <= '0;
            p_dropl_q <= '0;
            p_out_valid_q <= 1'b0;
            p_sof_q <= 1'b1;
            p_head_pio_q <= 1'b0;
            p_head_len_q <= '0;
            p_head_end_q <= '0;
            pio_word_q <= '0;
            pio_off_q <= '0;
        end else begin
            p_wr_q <= p_wr_d;
            p_commit_q <= p_commit_d;
            p_rd_q <= p_rd_d;
            p_dwr_q <= p_dwr_d;
            p_drd_q <= p_drd_d;
            p_dropping_q <= p_dropping_d;
            p_fbeats_q <= p_fbeats_d;
            p_fbytes_q <= p_fbytes_d;
            p_pkts_q <= p_pkts_d;
            p_bytes_q <= p_bytes_d;
            p_done_q <= p_push;
            p_dropf_q <= p_dropf_d;
            p_dropl_q <= p_dropl_d;
            p_out_valid_q <= p_out_valid_d;
            p_sof_q <= p_sof_d;
            p_head_pio_q <= p_head_pio_d;
            p_head_len_q <= p_head_len_d;
            p_head_end_q <= p_head_end_d;
            pio_word_q <= pio_word_d;
            pio_off_q <= pio_off_d;
        end
    end

    // ---------------------------------------------------------------- inject: PIO TX ring
    // One RAM of 32-bit words per word lane of a beat, so a CSR write touches one lane and a
    // read takes a whole beat. A beat is claimed when its first word is written.
    logic [INJ_PTR_W:0] i_wr_q, i_wr_d, i_commit_q, i_commit_d, i_rd_q, i_rd_d;
    logic [INJ_PTR_W:0] i_dwr_q, i_dwr_d, i_drd_q, i_drd_d;
    logic [INJ_PTR_W-1:0] i_wr_beat;  // RAM address of the beat a word goes into
    logic [ILEN_W-1:0] idesc_len[INJ_DEPTH];
    logic [IWORDS_W-1:0] i_words_q, i_words_d;
    logic i_ovf_q, i_ovf_d, i_we, i_push;
    logic [31:0] i_bad_q, i_bad_d;
    logic [DATA_W-1:0] i_out_data_q;
    logic [KEEP_W-1:0] i_out_keep_q, i_out_keep_d;
    logic i_out_last_q, i_out_last_d, i_out_valid_q, i_out_valid_d, i_sof_q, i_sof_d, i_do_read;
    logic [ILEN_W-1:0] i_rem_q, i_rem_d, i_rem;
    logic i_take;

    wire [WORD_W-1:0] i_lane = i_words_q[WORD_W-1:0];
    wire [INJ_PTR_W:0] i_used = i_wr_q - i_rd_q;
    wire [32:0] i_need_words = ({1'b0, csr_wdata} + 33'd3) >> 2;

    always_comb begin
        i_wr_d = i_wr_q;
        i_commit_d = i_commit_q;
        i_dwr_d = i_dwr_q;
        i_words_d = i_words_q;
        i_ovf_d = i_ovf_q;
        i_bad_d = i_bad_q;
        i_wr_beat = i_wr_q[INJ_PTR_W-1:0] - 1'b1;
        i_we = 1'b0;
        i_push = 1'b0;
        if (wr_idata && !i_ovf_q) begin
            if (i_lane == '0) begin
                if (i_used == (INJ_PTR_W + 1)'(INJ_DEPTH)) begin
                    i_ovf_d = 1'b1;  // no room: the frame will be refused at its commit
                end else begin
                    i_we = 1'b1;
                    i_wr_beat = i_wr_q[INJ_PTR_W-1:0];
                    i_wr_d = i_wr_q + 1'b1;
                    i_words_d = i_words_q + 1'b1;
                end
            end else begin
                i_we = 1'b1;
                i_words_d = i_words_q + 1'b1;
            end
        end
        if (wr_icommit) begin
            if (!i_ovf_q && csr_wdata != '0 && i_need_words == 33'(i_words_q)) begin
                i_push = 1'b1;
                i_commit_d = i_wr_q;
                i_dwr_d = i_dwr_q + 1'b1;
            end else begin
                i_wr_d = i_commit_q;
                i_bad_d = i_bad_q + 1'b1;
            end
            i_words_d = '0;
            i_ovf_d = 1'b0;
        end
    end

    // Reader: committed beats into the output register, tkeep and tlast from the length.
    always_comb begin
        i_rd_d = i_rd_q;
        i_drd_d = i_drd_q;
        i_out_valid_d = i_out_valid_q;
        i_out_keep_d = i_out_keep_q;
        i_out_last_d = i_out_last_q;
        i_sof_d = i_sof_q;
        i_rem_d = i_rem_q;
        i_rem = i_sof_q ? idesc_len[i_drd_q[INJ_PTR_W-1:0]] : i_rem_q;
        i_do_read = 1'b0;
        if (!i_out_valid_q || i_take) begin
            i_do_read = i_rd_q != i_commit_q;
            i_out_valid_d = i_do_read;
            if (i_do_read) begin
                i_rd_d = i_rd_q + 1'b1;
                if (i_sof_q) i_drd_d = i_drd_q + 1'b1;
                i_out_last_d = i_rem <= ILEN_W'(KEEP_W);
                i_sof_d = i_out_last_d;
                i_rem_d = i_rem - ILEN_W'(KEEP_W);
                for (int i = 0; i < KEEP_W; i++) i_out_keep_d[i] = ILEN_W'(i) < i_rem;
            end
        end
    end

    for (genvar j = 0; j < WPB; j++) begin : g_inj_lane
        logic [31:0] lane_mem[INJ_DEPTH];
        always_ff @(posedge clk) begin
            if (i_we && i_lane == WORD_W'(j)) lane_mem[i_wr_beat] <= csr_wdata;
            if (i_do_read) i_out_data_q[32*j+:32] <= lane_mem[i_rd_q[INJ_PTR_W-1:0]];
        end
    end

    always_ff @(posedge clk) begin
        if (i_push) idesc_len[i_dwr_q[INJ_PTR_W-1:0]] <= csr_wdata[ILEN_W-1:0];
        i_out_keep_q <= i_out_keep_d;
        i_out_last_q <= i_out_last_d;
        i_rem_q <= i_rem_d;
        if (rst) begin
            i_wr_q <= '0;
            i_commit_q <= '0;
            i_rd_q <= '0;
            i_dwr_q <= '0;
            i_drd_q <= '0;
            i_words_q <= '0;
            i_ovf_q <= 1'b0;
            i_bad_q <= '0;
            i_out_valid_q <= 1'b0;
            i_sof_q <= 1'b1;
        end else begin
            i_wr_q <= i_wr_d;
            i_commit_q <= i_commit_d;
            i_rd_q <= i_rd_d;
            i_dwr_q <= i_dwr_d;
            i_drd_q <= i_drd_d;
            i_words_q <= i_words_d;
            i_ovf_q <= i_ovf_d;
            i_bad_q <= i_bad_d;
            i_out_valid_q <= i_out_valid_d;
            i_sof_q <= i_sof_d;
        end
    end

    // ---------------------------------------------------------------- inject: frame mux
    // Between frames a waiting PIO frame wins; inside a frame the source holds. Every term of
    // the select is a flop, so s_axis_host_tready is too (with the register's tready).
    logic inj_mid_q, inj_mid_d, inj_pio_q, inj_pio_d;
    logic [63:0] i_pkts_q, i_pkts_d, i_bytes_q, i_bytes_d;
    logic [CNT_W-1:0] m_beat_bytes_q;
    logic m_beat_q;  // a beat left last cycle, of m_beat_bytes_q bytes
    wire use_pio = inj_mid_q ? inj_pio_q : i_out_valid_q;
    wire reg_tready;
    wire [DATA_W-1:0] reg_tdata = use_pio ? i_out_data_q : s_axis_host_tdata;
    wire [KEEP_W-1:0] reg_tkeep = use_pio ? i_out_keep_q : s_axis_host_tkeep;
    wire reg_tvalid = use_pio ? i_out_valid_q : s_axis_host_tvalid;
    wire reg_tlast = use_pio ? i_out_last_q : s_axis_host_tlast;
    wire reg_accept = reg_tvalid && reg_tready;
    assign i_take = reg_accept && use_pio;

    always_comb begin
        inj_mid_d = inj_mid_q;
        inj_pio_d = inj_pio_q;
        if (reg_accept) begin
            inj_mid_d = !reg_tlast;
            inj_pio_d = use_pio;
        end
    end

    hop_axis_register #(
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .USER_W(USER_W)
    ) u_inj_out (
        .clk          (clk),
        .rst          (rst),
        .s_axis_tdata (reg_tdata),
        .s_axis_tkeep (reg_tkeep),
        .s_axis_tvalid(reg_tvalid),
        .s_axis_tready(reg_tready),
        .s_axis_tlast (reg_tlast),
        .s_axis_tuser (USER_W'(CPU_PORT)),
        .m_axis_tdata (m_axis_pipe_tdata),
        .m_axis_tkeep (m_axis_pipe_tkeep),
        .m_axis_tvalid(m_axis_pipe_tvalid),
        .m_axis_tready(m_axis_pipe_tready),
        .m_axis_tlast (m_axis_pipe_tlast),
        .m_axis_tuser (m_axis_pipe_tuser)
    );

    always_comb begin
        i_pkts_d = i_pkts_q;
        i_bytes_d = i_bytes_q;
        if (m_axis_pipe_tvalid && m_axis_pipe_tready) i_pkts_d = i_pkts_q + 64'(m_axis_pipe_tlast);
        // A beat's bytes count the cycle after it leaves (registered count, then the wide add).
        if (m_beat_q) i_bytes_d = i_bytes_q + 64'(m_beat_bytes_q);
    end

    // ---------------------------------------------------------------- CSR registers
    logic pio_en_d;
    logic [31:0] rdata_q, rdata_d, p_pkts_hi_q, p_pkts_hi_d, p_bytes_hi_q, p_bytes_hi_d;
    logic [31:0] i_pkts_hi_q, i_pkts_hi_d, i_bytes_hi_q, i_bytes_hi_d;
    wire [INJ_PTR_W:0] i_free_beats = (INJ_PTR_W + 1)'(INJ_DEPTH) - i_used;

    always_comb begin
        pio_en_d = wr_ctrl ? csr_wdata[0] : pio_en_q;
        p_pkts_hi_d = p_pkts_hi_q;
        p_bytes_hi_d = p_bytes_hi_q;
        i_pkts_hi_d = i_pkts_hi_q;
        i_bytes_hi_d = i_bytes_hi_q;
        rdata_d = '0;
        if (csr_rd && csr_hit) begin
            case (csr_word)
                R_CTRL: rdata_d = {31'd0, pio_en_q};
                R_PSTATUS: rdata_d = pio_avail ? {1'b1, 7'd0, 24'(p_head_len_q)} : '0;
                R_PDATA: rdata_d = pio_avail ? pio_rword : '0;
                R_ICOMMIT: rdata_d = 32'(i_free_beats) * 32'(KEEP_W);
                R_IBAD: rdata_d = i_bad_q;
                R_PFILL: rdata_d = 32'(p_used);
                R_PDROPF: rdata_d = p_dropf_q;
                R_PDROPL: rdata_d = p_dropl_q;
                R_PCAP: rdata_d = 32'(PUNT_DEPTH * KEEP_W);
                R_ICAP: rdata_d = 32'(INJ_DEPTH * KEEP_W);
                R_PPKTS: begin
                    rdata_d = p_pkts_q[31:0];
                    p_pkts_hi_d = p_pkts_q[63:32];
                end
                R_PPKTSH: rdata_d = p_pkts_hi_q;
                R_PBYTES: begin
                    rdata_d = p_bytes_q[31:0];
                    p_bytes_hi_d = p_bytes_q[63:32];
                end
                R_PBYTESH: rdata_d = p_bytes_hi_q;
                R_IPKTS: begin
                    rdata_d = i_pkts_q[31:0];
                    i_pkts_hi_d = i_pkts_q[63:32];
                end
                R_IPKTSH: rdata_d = i_pkts_hi_q;
                R_IBYTES: begin
                    rdata_d = i_bytes_q[31:0];
                    i_bytes_hi_d = i_bytes_q[63:32];
                end
                R_IBYTESH: rdata_d = i_bytes_hi_q;
                default: rdata_d = '0;
            endcase
        end
    end

    always_ff @(posedge clk) begin
        if (m_axis_pipe_tvalid && m_axis_pipe_tready) m_beat_bytes_q <= m_keep_n;
        if (rst) begin
            pio_en_q <= PIO_RESET;
            inj_mid_q <= 1'b0;
            inj_pio_q <= 1'b0;
            i_pkts_q <= '0;
            i_bytes_q <= '0;
            m_beat_q <= 1'b0;
            p_pkts_hi_q <= '0;
            p_bytes_hi_q <= '0;
            i_pkts_hi_q <= '0;
            i_bytes_hi_q <= '0;
            rdata_q <= '0;
        end else begin
            pio_en_q <= pio_en_d;
            inj_mid_q <= inj_mid_d;
            inj_pio_q <= inj_pio_d;
            i_pkts_q <= i_pkts_d;
            i_bytes_q <= i_bytes_d;
            m_beat_q <= m_axis_pipe_tvalid && m_axis_pipe_tready;
            p_pkts_hi_q <= p_pkts_hi_d;
            p_bytes_hi_q <= p_bytes_hi_d;
            i_pkts_hi_q <= i_pkts_hi_d;
            i_bytes_hi_q <= i_bytes_hi_d;
            rdata_q <= rdata_d;
        end
    end

    wire unused_ok = ^{s_axis_pipe_tuser, csr_addr[1:0]};

    assign s_axis_pipe_tready = 1'b1;
    assign m_axis_host_tdata = p_out_data;
    assign m_axis_host_tkeep = p_out_keep;
    assign m_axis_host_tlast = p_out_last;
    assign m_axis_host_tvalid = p_out_valid_q && !p_head_pio_q;
    assign s_axis_host_tready = reg_tready && !use_pio;
    assign punt_fill = p_used;
    assign csr_rdata = rdata_q;
endmodule

`resetall
