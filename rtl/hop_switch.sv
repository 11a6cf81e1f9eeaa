// SPDX-License-Identifier: Apache-2.0
// The v1model switch around a program's two pipelines: PORTS front-panel ports (each with an
// input FIFO) and the CPU port in, their arbiter, the ingress pipeline (outside: m_ing_* to it, s_ing_* from it), the
// traffic manager (hop_traffic_manager), the egress pipeline (outside: m_egr_* to it, s_egr_*
// from it), the demux by egress port, an output queue per front-panel port, and the CPU port
// (hop_cpu_port) to the host. A generated <program>_switch instantiates it with the program's
// <program>_ingress and <program>_egress between these ports (issue 16).
//
// Ports, as v1model numbers them: front-panel port p is p (0..PORTS-1), the CPU port is
// CPU_PORT (>= PORTS; frames from the host enter on it, frames to it are punted to the host).
// The traffic manager numbers them 0..PORTS (the CPU port last): decisions for another port
// are dropped as egress_spec 511 is; node port sets written through the replicator's CSR use
// those numbers too.
// Flow control: a port's copies leave the traffic manager only while its output queue (the
// CPU port's punt buffer) has OUT_RESERVE beats free beyond what it holds, which must cover
// the 16 copies the traffic manager may still send it (hop_traffic_manager) and what the
// egress pipeline may have in flight for it, at their largest; past that the output queue
// drops whole frames (counted). The queues of the traffic manager are where a congested port waits.
// ttime on m_ing is `now` when the frame's first beat goes to ingress.
//
// CSR window (span SPAN at BASE, a power of two): +0x000 hop_traffic_manager (0x80),
// +0x080 hop_axis_demux (DROPS, PORTS), +0x100 hop_cpu_port (0x80), +0x200 + 0x20*p the output
// queue of front-panel port p (hop_axis_out_queue).
`default_nettype none

module hop_switch #(
    parameter int DATA_W = 64,
    parameter int KEEP_W = DATA_W / 8,
    parameter int PORTS = 2,  // front-panel ports, 1..30
    parameter int CPU_PORT = 510,
    parameter int PRIOS = 2,
    parameter int DESC_W = 32,
    // The sizes' defaults are small (a generic synthesis maps memories to flip-flops);
    // hopc's <name>_switch sets real ones.
    parameter int CELLS = 16,
    parameter int QDEPTH = 4,
    parameter int GROUPS = 16,
    parameter int NODES = 16,
    parameter int OUT_DEPTH = 64,  // each front-panel port's output queue, in beats
    parameter int OUT_RESERVE = 16,  // beats an output queue keeps free for frames in flight
    parameter int PUNT_DEPTH = 64,
    parameter int INJ_DEPTH = 32,
    parameter int IN_DEPTH = 16,  // each front-panel port's input FIFO, in beats
    parameter logic [31:0] BASE = 32'h0,
    parameter int SPAN = 1 << $clog2(32'h200 + 32'h20 * PORTS)  // derived
) (
    input  wire                     clk,
    input  wire                     rst,
    input  wire  [            31:0] now,
    // front-panel ports
    input  wire  [PORTS*DATA_W-1:0] s_port_tdata,
    input  wire  [PORTS*KEEP_W-1:0] s_port_tkeep,
    input  wire  [       PORTS-1:0] s_port_tvalid,
    output logic [       PORTS-1:0] s_port_tready,
    input  wire  [       PORTS-1:0] s_port_tlast,
    output logic [PORTS*DATA_W-1:0] m_port_tdata,
    output logic [PORTS*KEEP_W-1:0] m_port_tkeep,
    output logic [       PORTS-1:0] m_port_tvalid,
    input  wire  [       PORTS-1:0] m_port_tready,
    output logic [       PORTS-1:0] m_port_tlast,
    // the host (the CPU port's DMA side)
    output wire  [      DATA_W-1:0] m_host_tdata,
    output wire  [      KEEP_W-1:0] m_host_tkeep,
    output wire                     m_host_tvalid,
    input  wire                     m_host_tready,
    output wire                     m_host_tlast,
    input  wire  [      DATA_W-1:0] s_host_tdata,
    input  wire  [      KEEP_W-1:0] s_host_tkeep,
    input  wire                     s_host_tvalid,
    output wire                     s_host_tready,
    input  wire                     s_host_tlast,
    // to the ingress pipeline
    output wire  [      DATA_W-1:0] m_ing_tdata,
    output wire  [      KEEP_W-1:0] m_ing_tkeep,
    output wire                     m_ing_tvalid,
    input  wire                     m_ing_tready,
    output wire                     m_ing_tlast,
    output wire  [             8:0] m_ing_tuser,
    output wire  [            63:0] m_ing_ttime,
    // from the ingress pipeline
    input  wire  [      DATA_W-1:0] s_ing_frame_tdata,
    input  wire  [      KEEP_W-1:0] s_ing_frame_tkeep,
    input  wire                     s_ing_frame_tvalid,
    output wire                     s_ing_frame_tready,
    input  wire                     s_ing_frame_tlast,
    input  wire                     s_ing_dec_valid,
    output wire                     s_ing_dec_ready,
    input  wire  [      DESC_W-1:0] s_ing_dec_desc,
    input  wire  [             8:0] s_ing_dec_egress_spec,
    input  wire  [            15:0] s_ing_dec_mcast_grp,
    input  wire  [             2:0] s_ing_dec_priority,
    // to the egress pipeline
    output wire                     m_egr_dec_valid,
    input  wire                     m_egr_dec_ready,
    output wire  [      DESC_W-1:0] m_egr_dec_desc,
    output wire  [             8:0] m_egr_dec_egress_port,
    output wire  [            15:0] m_egr_dec_egress_rid,
    output wire  [            31:0] m_egr_dec_instance_type,
    output wire  [            31:0] m_egr_dec_enq_timestamp,
    output wire  [            18:0] m_egr_dec_enq_qdepth,
    output wire  [            31:0] m_egr_dec_deq_timedelta,
    output wire  [            18:0] m_egr_dec_deq_qdepth,
    output wire  [      DATA_W-1:0] m_egr_frame_tdata,
    output wire  [      KEEP_W-1:0] m_egr_frame_tkeep,
    output wire                     m_egr_frame_tvalid,
    input  wire                     m_egr_frame_tready,
    output wire                     m_egr_frame_tlast,
    // from the egress pipeline (tuser: the egress port)
    input  wire  [      DATA_W-1:0] s_egr_tdata,
    input  wire  [      KEEP_W-1:0] s_egr_tkeep,
    input  wire                     s_egr_tvalid,
    output wire                     s_egr_tready,
    input  wire                     s_egr_tlast,
    input  wire  [             8:0] s_egr_tuser,
    // CSR bus
    input  wire                     csr_wr,
    input  wire                     csr_rd,
    input  wire  [            31:0] csr_addr,
    input  wire  [            31:0] csr_wdata,
    output logic [            31:0] csr_rdata
);
    localparam int NP = PORTS + 1;  // with the CPU port, last
    localparam int OPW = $clog2(OUT_DEPTH) + 1;
    localparam int PPW = $clog2(PUNT_DEPTH) + 1;

    initial begin
        if (PORTS < 1 || PORTS > 30) $fatal(1, "%m: PORTS must be 1..30");
        if (CPU_PORT < PORTS || CPU_PORT > 510) $fatal(1, "%m: CPU_PORT must be PORTS..510");
        if (OUT_RESERVE < 1 || OUT_RESERVE >= OUT_DEPTH || OUT_RESERVE >= PUNT_DEPTH)
            $fatal(1, "%m: OUT_RESERVE must be below OUT_DEPTH and PUNT_DEPTH");
        if (SPAN != 1 << $clog2(32'h200 + 32'h20 * PORTS)) $fatal(1, "%m: SPAN is derived");
        if ((BASE & (SPAN - 1)) != 0) $fatal(1, "%m: BASE must be aligned to SPAN");
    end

    // A v1model port as the traffic manager and the demux number it (NP: none).
    function automatic logic [8:0] index_of(input logic [8:0] port);
        if (port == 9'(CPU_PORT)) index_of = 9'(PORTS);
        else if (port < 9'(PORTS)) index_of = port;
        else index_of = 9'd511;
    endfunction

    logic [31:0] rd_tm, rd_demux, rd_cpu;
    logic [PORTS*32-1:0] rd_oq;
    always_comb begin
        csr_rdata = rd_tm | rd_demux | rd_cpu;
        for (int p = 0; p < PORTS; p++) csr_rdata = csr_rdata | rd_oq[p*32+:32];
    end

    // ---- in: the ports and the CPU port's inject stream, one frame at a time ----
    // Each front-panel port has an input FIFO: a port keeps receiving while the arbiter serves
    // another, and s_port_tready is a register (no path from s_port_tvalid to it, as a shell's
    // MAC expects; the arbiter's tready follows its grant).
    logic [PORTS*DATA_W-1:0] in_tdata;
    logic [PORTS*KEEP_W-1:0] in_tkeep;
    logic [PORTS-1:0] in_tvalid, in_tready, in_tlast;
    /* verilator lint_off UNUSEDSIGNAL */  // the FIFOs' tuser (none) and fill levels
    logic [PORTS-1:0] in_tuser;
    logic [PORTS*($clog2(IN_DEPTH)+1)-1:0] in_fill;
    /* verilator lint_on UNUSEDSIGNAL */
    for (genvar p = 0; p < PORTS; p++) begin : g_in
        hop_axis_fifo #(
            .DATA_W(DATA_W),
            .KEEP_W(KEEP_W),
            .DEPTH (IN_DEPTH)
        ) u_in (
            .clk(clk),
            .rst(rst),
            .s_axis_tdata(s_port_tdata[p*DATA_W+:DATA_W]),
            .s_axis_tkeep(s_port_tkeep[p*KEEP_W+:KEEP_W]),
            .s_axis_tvalid(s_port_tvalid[p]),
            .s_axis_tready(s_port_tready[p]),
            .s_axis_tlast(s_port_tlast[p]),
            .s_axis_tuser(1'b0),
            .m_axis_tdata(in_tdata[p*DATA_W+:DATA_W]),
            .m_axis_tkeep(in_tkeep[p*KEEP_W+:KEEP_W]),
            .m_axis_tvalid(in_tvalid[p]),
            .m_axis_tready(in_tready[p]),
            .m_axis_tlast(in_tlast[p]),
            .m_axis_tuser(in_tuser[p]),
            .fill(in_fill[p*($clog2(IN_DEPTH)+1)+:$clog2(IN_DEPTH)+1])
        );
    end
    logic [DATA_W-1:0] inj_tdata;
    logic [KEEP_W-1:0] inj_tkeep;
    logic inj_tvalid, inj_tready, inj_tlast;
    logic [8:0] arb_tuser;
    hop_axis_arbiter #(
        .PORTS (NP),
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .USER_W(9)
    ) u_arb (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata({inj_tdata, in_tdata}),
        .s_axis_tkeep({inj_tkeep, in_tkeep}),
        .s_axis_tvalid({inj_tvalid, in_tvalid}),
        .s_axis_tready({inj_tready, in_tready}),
        .s_axis_tlast({inj_tlast, in_tlast}),
        .m_axis_tdata(m_ing_tdata),
        .m_axis_tkeep(m_ing_tkeep),
        .m_axis_tvalid(m_ing_tvalid),
        .m_axis_tready(m_ing_tready),
        .m_axis_tlast(m_ing_tlast),
        .m_axis_tuser(arb_tuser)
    );
    assign m_ing_tuser = arb_tuser == 9'(PORTS) ? 9'(CPU_PORT) : arb_tuser;
    assign m_ing_ttime = 64'(now);

    // ---- the traffic manager ----
    logic [NP-1:0] port_ready;
    logic [8:0] tm_port;
    hop_traffic_manager #(
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .PORTS (NP),
        .PRIOS (PRIOS),
        .DESC_W(DESC_W),
        .CELLS (CELLS),
        .QDEPTH(QDEPTH),
        .GROUPS(GROUPS),
        .NODES (NODES),
        .BASE  (BASE)
    ) u_tm (
        .clk(clk),
        .rst(rst),
        .now(now),
        .s_frame_tdata(s_ing_frame_tdata),
        .s_frame_tkeep(s_ing_frame_tkeep),
        .s_frame_tvalid(s_ing_frame_tvalid),
        .s_frame_tready(s_ing_frame_tready),
        .s_frame_tlast(s_ing_frame_tlast),
        .s_dec_valid(s_ing_dec_valid),
        .s_dec_ready(s_ing_dec_ready),
        .s_dec_desc(s_ing_dec_desc),
        .s_dec_egress_spec(index_of(s_ing_dec_egress_spec)),
        .s_dec_mcast_grp(s_ing_dec_mcast_grp),
        .s_dec_priority(s_ing_dec_priority),
        .port_ready(port_ready),
        .m_dec_valid(m_egr_dec_valid),
        .m_dec_ready(m_egr_dec_ready),
        .m_dec_desc(m_egr_dec_desc),
        .m_dec_egress_port(tm_port),
        .m_dec_egress_rid(m_egr_dec_egress_rid),
        .m_dec_instance_type(m_egr_dec_instance_type),
        .m_dec_enq_timestamp(m_egr_dec_enq_timestamp),
        .m_dec_enq_qdepth(m_egr_dec_enq_qdepth),
        .m_dec_deq_timedelta(m_egr_dec_deq_timedelta),
        .m_dec_deq_qdepth(m_egr_dec_deq_qdepth),
        .m_frame_tdata(m_egr_frame_tdata),
        .m_frame_tkeep(m_egr_frame_tkeep),
        .m_frame_tvalid(m_egr_frame_tvalid),
        .m_frame_tready(m_egr_frame_tready),
        .m_frame_tlast(m_egr_frame_tlast),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(rd_tm)
    );
    assign m_egr_dec_egress_port = tm_port == 9'(PORTS) ? 9'(CPU_PORT) : tm_port;

    // ---- out: by egress port to the output queues and the CPU port ----
    logic [NP*DATA_W-1:0] dm_tdata;
    logic [NP*KEEP_W-1:0] dm_tkeep;
    logic [NP-1:0] dm_tvalid, dm_tready, dm_tlast;
    logic [NP*9-1:0] dm_tuser;
    logic [31:0] unused_demux_drops;
    hop_axis_demux #(
        .PORTS (NP),
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .USER_W(9),
        .BASE  (BASE + 32'h80),
        .SPAN  (32'h20)
    ) u_demux (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(s_egr_tdata),
        .s_axis_tkeep(s_egr_tkeep),
        .s_axis_tvalid(s_egr_tvalid),
        .s_axis_tready(s_egr_tready),
        .s_axis_tlast(s_egr_tlast),
        .s_axis_tuser(index_of(s_egr_tuser)),
        .m_axis_tdata(dm_tdata),
        .m_axis_tkeep(dm_tkeep),
        .m_axis_tvalid(dm_tvalid),
        .m_axis_tready(dm_tready),
        .m_axis_tlast(dm_tlast),
        .m_axis_tuser(dm_tuser),
        .drop_frames(unused_demux_drops),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(rd_demux)
    );
    for (genvar p = 0; p < PORTS; p++) begin : g_port
        logic [OPW-1:0] fill;
        logic [8:0] unused_tuser;
        hop_axis_out_queue #(
            .DATA_W(DATA_W),
            .KEEP_W(KEEP_W),
            .USER_W(9),
            .DEPTH (OUT_DEPTH),
            .BASE  (BASE + 32'h200 + 32'h20 * p),
            .SPAN  (32'h20)
        ) u_oq (
            .clk(clk),
            .rst(rst),
            .s_axis_tdata(dm_tdata[p*DATA_W+:DATA_W]),
            .s_axis_tkeep(dm_tkeep[p*KEEP_W+:KEEP_W]),
            .s_axis_tvalid(dm_tvalid[p]),
            .s_axis_tready(dm_tready[p]),
            .s_axis_tlast(dm_tlast[p]),
            .s_axis_tuser(dm_tuser[p*9+:9]),
            .m_axis_tdata(m_port_tdata[p*DATA_W+:DATA_W]),
            .m_axis_tkeep(m_port_tkeep[p*KEEP_W+:KEEP_W]),
            .m_axis_tvalid(m_port_tvalid[p]),
            .m_axis_tready(m_port_tready[p]),
            .m_axis_tlast(m_port_tlast[p]),
            .m_axis_tuser(unused_tuser),
            .fill(fill),
            .csr_wr(csr_wr),
            .csr_rd(csr_rd),
            .csr_addr(csr_addr),
            .csr_wdata(csr_wdata),
            .csr_rdata(rd_oq[p*32+:32])
        );
        always_ff @(posedge clk) port_ready[p] <= fill <= OPW'(OUT_DEPTH - OUT_RESERVE);
    end
    logic [PPW-1:0] punt_fill;
    logic [8:0] unused_inj_user;
    hop_cpu_port #(
        .DATA_W(DATA_W),
        .KEEP_W(KEEP_W),
        .USER_W(9),
        .CPU_PORT(CPU_PORT),
        .PUNT_DEPTH(PUNT_DEPTH),
        .INJ_DEPTH(INJ_DEPTH),
        .BASE(BASE + 32'h100),
        .SPAN(128)
    ) u_cpu (
        .clk(clk),
        .rst(rst),
        .s_axis_pipe_tdata(dm_tdata[PORTS*DATA_W+:DATA_W]),
        .s_axis_pipe_tkeep(dm_tkeep[PORTS*KEEP_W+:KEEP_W]),
        .s_axis_pipe_tvalid(dm_tvalid[PORTS]),
        .s_axis_pipe_tready(dm_tready[PORTS]),
        .s_axis_pipe_tlast(dm_tlast[PORTS]),
        .s_axis_pipe_tuser(dm_tuser[PORTS*9+:9]),
        .m_axis_host_tdata(m_host_tdata),
        .m_axis_host_tkeep(m_host_tkeep),
        .m_axis_host_tvalid(m_host_tvalid),
        .m_axis_host_tready(m_host_tready),
        .m_axis_host_tlast(m_host_tlast),
        .s_axis_host_tdata(s_host_tdata),
        .s_axis_host_tkeep(s_host_tkeep),
        .s_axis_host_tvalid(s_host_tvalid),
        .s_axis_host_tready(s_host_tready),
        .s_axis_host_tlast(s_host_tlast),
        .m_axis_pipe_tdata(inj_tdata),
        .m_axis_pipe_tkeep(inj_tkeep),
        .m_axis_pipe_tvalid(inj_tvalid),
        .m_axis_pipe_tready(inj_tready),
        .m_axis_pipe_tlast(inj_tlast),
        .m_axis_pipe_tuser(unused_inj_user),
        .punt_fill(punt_fill),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(rd_cpu)
    );
    always_ff @(posedge clk) port_ready[PORTS] <= punt_fill <= PPW'(PUNT_DEPTH - OUT_RESERVE);
    logic unused_sw;
    assign unused_sw = ^{unused_demux_drops, unused_inj_user};
endmodule

`resetall
