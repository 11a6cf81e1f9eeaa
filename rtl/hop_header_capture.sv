// SPDX-License-Identifier: Apache-2.0
// Header window capture of a generated pipeline: the first WIN_BYTES bytes of each frame (or
// the whole frame when it is shorter) into one register, with the number of bytes present and
// the ingress port, for the parser to read in one stage.
//
// The block watches the pipeline's input stream; the pipeline's admission decides which beats
// are taken (in_fire = s_axis_tvalid && s_axis_tready), so the block has no tvalid / tready of
// its own and never stalls. Window outputs (win_*) are flops, valid for the one cycle
// win_valid is high.
//
// Cut-through (MAX_FRAME = 0): the window fires at the beat that completes it (or at the
// frame's last beat). Store-and-forward (MAX_FRAME > 0, programs that read packet_length): the
// window fires at the frame's last beat, with the frame's byte count (win_plen). A frame longer
// than MAX_FRAME bytes fires at the beat that crosses the limit with win_long set (the pipeline
// drops it); beat_long marks that beat (the payload FIFO takes it as the frame's last), and
// frame_drop is high while the rest of that frame is taken and discarded, so the FIFO (sized
// for one maximum frame) never holds an unfinished frame it cannot complete.
//
// PAYLOAD_SUM (store-and-forward only): win_psum is the RFC 1071 sum of the frame's bytes past
// the window (byte k of the frame in the high half of a 16-bit word when k is even), folded
// every beat.
//
// frame_mid: a frame has started and its last beat has not been taken (admission lets the rest
// of a started frame in). win_fire / beat_long are combinational, for the pipeline's counters.
// win_wire is win_data in wire order (bit 0 of the first byte on the wire is the top bit).
//
// The byte counts rely on the AXI4-Stream contract of rtl/README.md: every beat but a frame's
// last is full (its tkeep is not read), and the last beat's present lanes are contiguous from
// lane 0.
`default_nettype none

module hop_header_capture #(
    parameter int DATA_W = 512,
    parameter int KEEP_W = DATA_W / 8,
    parameter int USER_W = 9,
    parameter int WIN_BYTES = 34,
    parameter int MAX_FRAME = 0,
    parameter bit PAYLOAD_SUM = 1'b0
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire  [     DATA_W-1:0] s_axis_tdata,
    input  wire  [     KEEP_W-1:0] s_axis_tkeep,
    input  wire                    s_axis_tlast,
    input  wire  [     USER_W-1:0] s_axis_tuser,
    input  wire                    in_fire,
    output logic                   frame_mid,
    output logic                   frame_drop,
    output logic                   beat_long,
    output logic                   win_fire,
    output logic                   win_valid,
    output logic [8*WIN_BYTES-1:0] win_data,
    output logic [8*WIN_BYTES-1:0] win_wire,
    output logic [           15:0] win_len,
    output logic [     USER_W-1:0] win_port,
    output logic [           15:0] win_plen,
    output logic                   win_long,
    output logic [           15:0] win_psum
);
    localparam bit SF = MAX_FRAME > 0;
    localparam int BEATS = (WIN_BYTES + KEEP_W - 1) / KEEP_W;
    // Store-and-forward counts one beat past the window (BEATS: past it, nothing captured).
    localparam int LAST = SF ? BEATS : BEATS - 1;
    localparam int BEAT_W = LAST < 1 ? 1 : $clog2(LAST + 1);
    localparam int LOG_K = $clog2(KEEP_W);
    // The window ends in its last beat (BEATS-1) after REM bytes (1..KEEP_W).
    localparam int REM = WIN_BYTES - (BEATS - 1) * KEEP_W;
    // MAX_FRAME = MAX_BEATS whole beats and MAX_REM bytes more.
    localparam int MAX_BEATS = MAX_FRAME / KEEP_W;
    localparam int MAX_REM = MAX_FRAME % KEEP_W;

    initial begin
        if (KEEP_W * 8 != DATA_W) $fatal(1, "%m: KEEP_W must be DATA_W / 8");
        if (KEEP_W < 2 || (1 << LOG_K) != KEEP_W) $fatal(1, "%m: KEEP_W must be a power of two");
        if (WIN_BYTES < 1 || WIN_BYTES > 65535) $fatal(1, "%m: WIN_BYTES out of range");
        if (MAX_FRAME < 0 || MAX_FRAME > 65535 - KEEP_W) $fatal(1, "%m: MAX_FRAME out of range");
        if (PAYLOAD_SUM && !SF) $fatal(1, "%m: PAYLOAD_SUM needs store-and-forward (MAX_FRAME)");
    end

    function automatic logic [15:0] fold16(input logic [31:0] x);
        logic [16:0] y;
        y = 17'(x[15:0]) + 17'(x[31:16]);
        fold16 = y[15:0] + 16'(y[16]);
    endfunction

    // `beat` whole beats of bytes plus n bytes (0..KEEP_W): the low bits are n's unless the
    // beat is full.
    function automatic logic [15:0] at_beat(input logic [15:0] beat, input logic [LOG_K:0] n);
        at_beat = n[LOG_K] ? (beat + 16'd1) << LOG_K : (beat << LOG_K) | 16'(n[LOG_K-1:0]);
    endfunction

    // Byte-reverse of a 64-bit word (a compiler turns it into one instruction).
    function automatic logic [63:0] bswap64(input logic [63:0] x);
        for (int i = 0; i < 8; i++) bswap64[8*i+:8] = x[8*(7-i)+:8];
    endfunction

    logic [BEAT_W-1:0] beat_q, beat_d;
    logic mid_q, mid_d, done_q, done_d;
    logic [USER_W-1:0] port_q, port_d;
    logic [LOG_K:0] beat_n;
    logic [15:0] bytes_q, bytes_d;
    logic drop_q, drop_d, long_beat;
    logic [15:0] psum_q, psum_d;
    logic [31:0] beat_sum;
    logic valid_q;
    logic [8*WIN_BYTES-1:0] win_q, wire_q;
    logic [15:0] len_q, plen_q, wpsum_q;
    logic [USER_W-1:0] wport_q;
    logic long_q;
    logic fire, win_beat;
    logic [LOG_K:0] keep_n;

    // The number of present lanes of the beat (its tkeep a thermometer code, lanes 0..n-1).
    hop_keep_lanes #(
        .KEEP_W(KEEP_W)
    ) u_lanes (
        .tkeep(s_axis_tkeep),
        .lanes(keep_n)
    );

    // Byte counts from beat counts: by the AXI contract (rtl/README.md) every beat but a
    // frame's last is full and the last one's lanes are contiguous from lane 0, so a frame's
    // bytes before its current beat are a whole number of beats (bytes_q, store-and-forward;
    // beat_q up to the window) and the current beat adds beat_n. No carry chain and no
    // population count stand between tkeep and the registers.
    always_comb begin
        beat_n = s_axis_tlast ? keep_n : (LOG_K + 1)'(KEEP_W);
        beat_d = beat_q;
        mid_d = mid_q;
        done_d = done_q;
        port_d = mid_q ? port_q : s_axis_tuser;
        bytes_d = bytes_q;
        drop_d = drop_q;
        beat_sum = 32'd0;
        psum_d = psum_q;
        if (PAYLOAD_SUM) begin
            for (int i = 0; i < KEEP_W; i++)
                if (s_axis_tkeep[i] && 32'(bytes_q) + 32'(i) >= 32'(WIN_BYTES))
                    beat_sum = beat_sum + (i % 2 == 0 ? {16'd0, s_axis_tdata[8*i+:8], 8'd0}
                                                      : {24'd0, s_axis_tdata[8*i+:8]});
            psum_d = in_fire ? fold16(32'(psum_q) + beat_sum) : psum_q;
        end
        if (SF) begin
            // Longer than MAX_FRAME: past MAX_BEATS whole beats, or at it with more than MAX_REM
            // bytes in this beat (a full beat, or lane MAX_REM present).
            long_beat = (bytes_q >> LOG_K) > 16'(MAX_BEATS)
                || ((bytes_q >> LOG_K) == 16'(MAX_BEATS)
                    && (beat_n[LOG_K] || s_axis_tkeep[MAX_REM]));
            fire = in_fire && !drop_q && (s_axis_tlast || long_beat);
            // Beat BEATS (LAST) is past the window.
            win_beat = in_fire && beat_q != BEAT_W'(BEATS);
        end else begin
            long_beat = 1'b0;
            fire = in_fire && !done_q && (beat_q == BEAT_W'(LAST) || s_axis_tlast);
            // Once the window fired (done_q), beat_q stays at the window's last beat.
            win_beat = in_fire && !done_q;
        end
        if (in_fire) begin
            mid_d = !s_axis_tlast;
            done_d = !s_axis_tlast && (done_q || fire);
            if (SF) begin
                bytes_d = s_axis_tlast ? 16'd0 : drop_q ? bytes_q : bytes_q + 16'(KEEP_W);
                drop_d = !s_axis_tlast && (drop_q || long_beat);
            end
            if (PAYLOAD_SUM && s_axis_tlast) psum_d = 16'd0;
            beat_d = s_axis_tlast ? '0 : beat_q == BEAT_W'(LAST) ? beat_q : beat_q + 1'b1;
        end
    end

    // The window registers are written a beat at a time, when that beat of the window is taken
    // (in data order and in wire order), and hold the window from the beat the window fires
    // at until the next frame's first beat is taken: at least the cycle win_valid is high. No
    // wide word moves in a cycle that takes no window beat. Bytes past win_len are stale.
    for (genvar b = 0; b < BEATS; b++) begin : g_beat
        localparam int NB = b == BEATS - 1 ? REM : KEEP_W;  // window bytes in this beat
        localparam int LO = KEEP_W * b;  // the window byte of its lane 0
        always_ff @(posedge clk) begin
            if (win_beat && beat_q == BEAT_W'(b)) win_q[8*LO+:8*NB] <= s_axis_tdata[8*NB-1:0];
        end
        // Wire order (window byte i at byte WIN_BYTES-1-i) by 8-byte chunks, each reversed.
        for (genvar c = 0; 8 * c < NB; c++) begin : g_chunk
            localparam int CN = NB - 8 * c < 8 ? NB - 8 * c : 8;
            always_ff @(posedge clk) begin
                if (win_beat && beat_q == BEAT_W'(b))
                    wire_q[8*(WIN_BYTES-LO-8*c-CN)+:8*CN] <=
                        (8 * CN)'(bswap64(64'(s_axis_tdata[64*c+:8*CN]) << (64 - 8 * CN)));
            end
        end
    end

    always_ff @(posedge clk) begin
        port_q <= port_d;
        // The byte counts, worked out only when the window fires (a simulator then does not
        // in other cycles).
        if (fire) begin : g_fire
            logic [15:0] len;
            // The window's bytes: all of this beat before the window's last beat, the window
            // from that beat on (where bytes past REM are present, or the beat is full, it is
            // complete).
            if (32'(beat_q) + 32'd1 < 32'(BEATS))
                len = at_beat(16'(beat_q), beat_n);
            else if (beat_q == BEAT_W'(BEATS - 1)
                     && (REM == KEEP_W || (!beat_n[LOG_K] && !s_axis_tkeep[REM % KEEP_W])))
                len = at_beat(16'(BEATS - 1), beat_n);
            else
                len = 16'(WIN_BYTES);
            len_q <= len;
            wport_q <= port_d;
            plen_q <= at_beat(bytes_q >> LOG_K, beat_n);
            long_q <= long_beat;
            wpsum_q <= fold16(32'(psum_q) + beat_sum);
        end
        if (rst) begin
            beat_q <= '0;
            mid_q <= 1'b0;
            done_q <= 1'b0;
            valid_q <= 1'b0;
            bytes_q <= '0;
            drop_q <= 1'b0;
            psum_q <= 16'd0;
        end else begin
            beat_q <= beat_d;
            mid_q <= mid_d;
            done_q <= done_d;
            valid_q <= fire;
            bytes_q <= bytes_d;
            drop_q <= drop_d;
            psum_q <= psum_d;
        end
    end

    assign frame_mid = mid_q;
    assign frame_drop = drop_q;
    assign beat_long = long_beat;
    assign win_fire = fire;
    assign win_valid = valid_q;
    assign win_data = win_q;
    assign win_wire = wire_q;
    assign win_len = len_q;
    assign win_port = wport_q;
    assign win_plen = plen_q;
    assign win_long = long_q;
    assign win_psum = wpsum_q;
endmodule

`resetall
