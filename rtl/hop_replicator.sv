// SPDX-License-Identifier: Apache-2.0
// v1model's multicast replication (BMv2 simple_switch's packet replication engine), the
// traffic manager's first step for a packet whose ingress set mcast_grp: the packet leaves as
// one copy per port of each node of its group, the nodes in their order in the group, each
// node's ports in increasing order, every copy with the node's replication id (egress_rid)
// and the packet's tag (what the traffic manager keeps of it: its buffer handle, metadata).
// One copy per clock; one packet per clock while each has one copy.
//
// Tables, written by the runtime through the CSR:
//   GROUP[g], g < GROUPS: {copies, count, base}: g's nodes are NODE[base] ..
//     NODE[base+count-1], and copies is how many copies they make (the sum of their port sets'
//     sizes, computed by the runtime: the traffic manager frees a multicast packet's buffer after
//     that many copies have been read or dropped, so it must be exact). The
//     runtime keeps a group's nodes together; a change writes the new list into free node
//     entries first, then the group's word, so a packet sees the old list or the new one.
//     count 0, and a group id of GROUPS or more, give no copy. Every group is cleared after
//     reset (an init walk of GROUPS cycles, INFO bit 23 busy meanwhile: no packet is taken and
//     every command is refused).
//   NODE[n], n < NODES: {rid[15:0], ports[PORTS-1:0]}. A node with no port gives no copy.
//
// Stream ports (valid/ready; whatever is offered holds until taken):
//   in:  in_group (mcast_grp), in_tag; or in_direct with in_port (< PORTS): one copy to that
//        port, replication id 0, copies word 0 (the traffic manager sends unicast packets
//        through here too, so that a queue gets every packet's copies in the packets' order).
//   out: one beat per copy (out_copy 1, with out_port, out_rid, out_tag); the packet's last
//        beat has out_last; every beat carries the group's copies word (out_copies, 0 for
//        no group). When the group's last node has no port (or the group no node, or
//        the id no group), the packet ends with a beat of out_copy 0 and out_last: every packet
//        ends with out_last, so the traffic manager sees it end (and can free its buffer).
// Latency: the first copy leaves 4 cycles after its packet is taken (group read, node read,
// node queue, output register). Nodes are read ahead into a 4-entry queue, so one copy leaves
// per clock across nodes and packets; a node with no port costs a cycle.
//
// CSR map (span 0x20 at BASE; compiler/src/regmap/replicator_words.hpp):
//   0x00 INFO    [7:0] log2 NODES, [15:8] log2 GROUPS, [22:16] PORTS, [23] busy, [24] draining:
//                a packet that read its group word before the last WRITE_GROUP has not read
//                all its nodes yet (the runtime reuses the nodes a group left once it clears)
//   0x04 INDEX   the group or node of the next command
//   0x08 CMD     write 1 WRITE_GROUP, 2 WRITE_NODE, 3 READ_GROUP, 4 READ_NODE; reads 1 when the
//                last command was refused (busy, INDEX past the table, an unknown command, a
//                group past the node table, a replication id over 16 bits, a port >= PORTS)
//   0x0C DATA0   group: [15:0] base, [31:16] copies; node: replication id
//   0x10 DATA1   group: count; node: port set (bit p: port p)
//   0x14 PACKETS packets taken   0x18 COPIES copies sent (both counting direct ones)
//   0x1C NOCOPY packets for a group with no node (count 0, or an id past the table)
// WRITE_* copies DATA0/DATA1 into the entry in one cycle; READ_* loads DATA0/DATA1 from it
// (ready for a read 3 cycles after the command, as the CSR bus promises). The counters wrap
// and count one cycle after their event.
`default_nettype none

module hop_replicator #(
    parameter logic [31:0] BASE = 32'h0,
    parameter int PORTS = 8,  // 1..32: ports 0..PORTS-1 can be in a node
    parameter int GROUPS = 16,  // a power of two, at most 32768
    parameter int NODES = 16,  // a power of two, at most 65536
    parameter int TAG_W = 8
) (
    input  wire              clk,
    input  wire              rst,
    input  wire              in_valid,
    output logic             in_ready,
    input  wire  [     15:0] in_group,
    input  wire              in_direct,
    input  wire  [      8:0] in_port,
    input  wire  [TAG_W-1:0] in_tag,
    output logic             out_valid,
    input  wire              out_ready,
    output logic [      8:0] out_port,
    output logic [     15:0] out_rid,
    output logic [TAG_W-1:0] out_tag,
    output logic [     15:0] out_copies,
    output logic             out_copy,
    output logic             out_last,
    input  wire              csr_wr,
    input  wire              csr_rd,
    input  wire  [     31:0] csr_addr,
    input  wire  [     31:0] csr_wdata,
    output logic [     31:0] csr_rdata
);
    localparam int GAW = $clog2(GROUPS);
    localparam int NAW = $clog2(NODES);
    localparam int CW = NAW + 1;  // a node count, 0..NODES
    localparam int GW = 16 + CW + NAW;  // a group word: {copies, count, base}
    localparam int NW = 16 + PORTS;  // a node word: {rid, ports}
    localparam int QD = 4;  // the node queue
    localparam int XT = 16 + TAG_W;  // past the group word, the tag carries {copies, in_tag}
    // The CSR words and commands (regmap::ReplicatorWord, regmap::ReplicatorCmd).
    localparam logic [2:0] W_INFO = 3'd0, W_INDEX = 3'd1, W_CMD = 3'd2, W_DATA0 = 3'd3,
        W_DATA1 = 3'd4, W_PACKETS = 3'd5, W_COPIES = 3'd6, W_NOCOPY = 3'd7;
    localparam logic [31:0] OP_WRITE_GROUP = 32'd1, OP_WRITE_NODE = 32'd2,
        OP_READ_GROUP = 32'd3, OP_READ_NODE = 32'd4;

    initial begin
        if (PORTS < 1 || PORTS > 32) $fatal(1, "%m: PORTS must be 1..32");
        if (GROUPS < 2 || GROUPS > 32768 || (GROUPS & (GROUPS - 1)) != 0)
            $fatal(1, "%m: GROUPS must be a power of two, 2..32768");
        if (NODES < 2 || NODES > 65536 || (NODES & (NODES - 1)) != 0)
            $fatal(1, "%m: NODES must be a power of two, 2..65536");
        if ((BASE & 32'h1f) != 0) $fatal(1, "%m: BASE must be aligned to the span (0x20)");
    end

    // ---- CSR: decode, INDEX/DATA registers, commands ----
    logic init_q;
    logic [GAW-1:0] init_idx_q;
    logic [31:0] index_q, data0_q, data1_q, rdata_q;
    logic status_q;
    logic [31:0] packets_q, copies_q, nocopy_q;
    logic old_g_q, old_w_q;  // draining (below)
    logic hit, cmd, g_we, n_we, g_re, n_re, g_rb_q, n_rb_q;
    logic [2:0] word;
    logic [GW-1:0] g_rbdata;
    logic [NW-1:0] n_rbdata;
    logic unused_csr;
    assign unused_csr = ^{csr_addr[1:0]};

    assign hit = csr_addr[31:5] == BASE[31:5];
    assign word = csr_addr[4:2];
    assign cmd = csr_wr && hit && word == W_CMD && !init_q;
    // What a command may name (refused otherwise): INDEX in the table; a group inside the node
    // table (base < NODES, base + count <= NODES); a 16-bit replication id; ports < PORTS.
    // Checked a cycle ahead into registers: the bus never writes in back-to-back cycles, so a
    // command sees the INDEX and DATA written before it.
    logic g_index_ok, n_index_ok, g_data_ok, n_data_ok;
    always_ff @(posedge clk) begin
        g_index_ok <= index_q[31:GAW] == '0;
        n_index_ok <= index_q[31:NAW] == '0;
        g_data_ok <= (data0_q[15:0] >> NAW) == '0 && data1_q[31:CW] == '0 &&
            (CW + 1)'(data0_q[NAW-1:0]) + (CW + 1)'(data1_q[CW-1:0]) <= (CW + 1)'(NODES);
        n_data_ok <= data0_q[31:16] == '0 && (PORTS == 32 || (data1_q >> PORTS) == '0);
    end
    assign g_we = init_q || (cmd && csr_wdata == OP_WRITE_GROUP && g_index_ok && g_data_ok);
    assign n_we = cmd && csr_wdata == OP_WRITE_NODE && n_index_ok && n_data_ok;
    assign g_re = cmd && csr_wdata == OP_READ_GROUP && g_index_ok;
    assign n_re = cmd && csr_wdata == OP_READ_NODE && n_index_ok;

    always_ff @(posedge clk) begin
        if (rst) begin
            init_q <= 1'b1;
            init_idx_q <= '0;
        end else if (init_q) begin
            init_idx_q <= init_idx_q + 1'b1;
            if (init_idx_q == GAW'(GROUPS - 1)) init_q <= 1'b0;
        end
        if (rst) begin
            index_q <= '0;
            data0_q <= '0;
            data1_q <= '0;
            status_q <= 1'b0;
        end else begin
            if (csr_wr && hit && word == W_INDEX) index_q <= csr_wdata;
            if (csr_wr && hit && word == W_DATA0) data0_q <= csr_wdata;
            if (csr_wr && hit && word == W_DATA1) data1_q <= csr_wdata;
            if (csr_wr && hit && word == W_CMD) status_q <= !(g_we || n_we || g_re || n_re);
            // A read-back lands the cycle after its command.
            if (g_rb_q) begin
                data0_q <= {g_rbdata[GW-1:GW-16], 16'(g_rbdata[NAW-1:0])};
                data1_q <= 32'(g_rbdata[GW-17:NAW]);
            end
            if (n_rb_q) begin
                data0_q <= 32'(n_rbdata[NW-1:PORTS]);
                data1_q <= 32'(n_rbdata[PORTS-1:0]);
            end
        end
        if (rst) begin
            g_rb_q <= 1'b0;
            n_rb_q <= 1'b0;
        end else begin
            g_rb_q <= g_re;
            n_rb_q <= n_re;
        end
        rdata_q <= '0;
        if (csr_rd && hit)
            case (word)
                W_INFO:
                rdata_q <= {7'd0, old_g_q || old_w_q, init_q, 7'(PORTS), 8'(GAW), 8'(NAW)};
                W_INDEX: rdata_q <= index_q;
                W_CMD: rdata_q <= {31'd0, status_q};
                W_DATA0: rdata_q <= data0_q;
                W_DATA1: rdata_q <= data1_q;
                W_PACKETS: rdata_q <= packets_q;
                W_COPIES: rdata_q <= copies_q;
                W_NOCOPY: rdata_q <= nocopy_q;
                default: rdata_q <= '0;
            endcase
    end
    assign csr_rdata = rdata_q;

    // ---- G: the packet's group word ----
    logic [GW-1:0] gmem[GROUPS];
    logic [GW-1:0] g_word;
    logic g_valid_q, g_known_q, g_take, g_direct_q;
    logic [8:0] g_port_q;
    logic [TAG_W-1:0] g_tag_q;
    wire in_fire = in_valid && in_ready;
    assign in_ready = !init_q && (!g_valid_q || g_take);

    always_ff @(posedge clk) begin
        if (in_fire) g_word <= gmem[in_group[GAW-1:0]];
        if (g_we) gmem[init_q ? init_idx_q : index_q[GAW-1:0]] <=
            init_q ? '0 : {data0_q[31:16], data1_q[CW-1:0], data0_q[NAW-1:0]};
        else if (g_re) g_rbdata <= gmem[index_q[GAW-1:0]];
    end
    always_ff @(posedge clk) begin
        if (rst) g_valid_q <= 1'b0;
        else if (in_fire) g_valid_q <= 1'b1;
        else if (g_take) g_valid_q <= 1'b0;
        if (in_fire) begin
            g_tag_q <= in_tag;
            g_known_q <= (in_group >> GAW) == '0;
            g_direct_q <= in_direct;
            g_port_q <= in_port;
        end
    end
    wire [15:0] g_copies = g_word[GW-1:GW-16];
    wire [CW-1:0] g_count = g_word[GW-17:NAW];
    wire [NAW-1:0] g_base = g_word[NAW-1:0];
    wire g_none = !g_direct_q && (!g_known_q || g_count == '0);

    // ---- draining: which of the packets in G and W read their group word before the last
    // WRITE_GROUP (one entering in the same cycle read it before the write too) ----
    wire group_written = g_we && !init_q;
    always_ff @(posedge clk) begin
        if (rst) begin
            old_g_q <= 1'b0;
            old_w_q <= 1'b0;
        end else begin
            old_g_q <= in_fire ? group_written : !g_take && g_valid_q && (old_g_q || group_written);
            old_w_q <= g_take ? old_g_q || group_written :
                !w_done && w_active_q && (old_w_q || group_written);
        end
    end

    // ---- W: walks the group's nodes, one read per cycle while the queue has room ----
    logic w_active_q, w_marker_q, w_direct_q, rd_direct_q;
    logic [8:0] w_port_q;
    logic [PORTS-1:0] rd_port_q;  // a direct packet's port, one-hot (none past PORTS)
    logic [XT-1:0] w_tag_q;
    logic [NAW-1:0] w_next_q;
    logic [CW-1:0] w_left_q;
    logic [2:0] q_count_q;
    logic rd_valid_q, rd_marker_q, rd_last_q;
    logic [XT-1:0] rd_tag_q;
    logic [NW-1:0] nmem[NODES];
    logic [NW-1:0] n_word;
    wire room = {1'b0, q_count_q} + {3'd0, rd_valid_q} < 4'(QD);
    wire issue = w_active_q && room;
    wire w_done = issue && w_left_q == CW'(1);
    assign g_take = g_valid_q && (!w_active_q || w_done);

    always_ff @(posedge clk) begin
        if (rst) w_active_q <= 1'b0;
        else if (g_take) w_active_q <= 1'b1;
        else if (w_done) w_active_q <= 1'b0;
        if (g_take) begin
            // A packet without a copy walks one marker (no read) for its end beat.
            w_tag_q <= {g_none || g_direct_q ? 16'd0 : g_copies, g_tag_q};
            w_next_q <= g_base;
            w_left_q <= g_none || g_direct_q ? CW'(1) : g_count;
            w_marker_q <= g_none;
            w_direct_q <= g_direct_q;
            w_port_q <= g_port_q;
        end else if (issue) begin
            w_next_q <= w_next_q + 1'b1;
            w_left_q <= w_left_q - 1'b1;
        end
        if (rst) rd_valid_q <= 1'b0;
        else rd_valid_q <= issue;
        rd_marker_q <= w_marker_q;
        rd_direct_q <= w_direct_q;
        rd_port_q <= PORTS'(1) << w_port_q;
        rd_last_q <= w_left_q == CW'(1);
        rd_tag_q <= w_tag_q;
    end
    always_ff @(posedge clk) begin
        if (issue && !w_marker_q && !w_direct_q) n_word <= nmem[w_next_q];
        if (n_we) nmem[index_q[NAW-1:0]] <= {data0_q[15:0], data1_q[PORTS-1:0]};
        else if (n_re) n_rbdata <= nmem[index_q[NAW-1:0]];
    end

    // ---- the node queue: {tag, rid, ports, rest (ports but the lowest), last, none (no
    // port), single (one port)} ----
    localparam int QW = XT + 16 + 2 * PORTS + 3;
    logic [QW-1:0] q_mem[QD];
    logic [1:0] q_wr_q, q_rd_q;
    logic q_pop;
    // A node's port set, or a direct packet's one port (its rest empty): the direct case is
    // chosen after the node's sums, so it adds no level to them.
    wire [PORTS-1:0] n_ports = n_word[PORTS-1:0];
    wire [PORTS-1:0] n_rest = n_ports & (n_ports - 1'b1);
    wire [PORTS-1:0] rd_ports = rd_direct_q ? rd_port_q : n_ports;
    wire [15:0] rd_rid = rd_direct_q ? 16'd0 : n_word[NW-1:PORTS];
    wire [PORTS-1:0] rd_rest = rd_direct_q ? '0 : n_rest;
    wire rd_none = rd_direct_q ? rd_port_q == '0 : rd_marker_q || n_ports == '0;
    wire rd_single = rd_direct_q ? rd_port_q != '0 : !(rd_marker_q || n_ports == '0) && n_rest == '0;
    always_ff @(posedge clk) begin
        if (rd_valid_q) begin
            q_mem[q_wr_q] <= {rd_tag_q, rd_rid, rd_ports, rd_rest, rd_last_q, rd_none, rd_single};
        end
        if (rst) begin
            q_wr_q <= '0;
            q_rd_q <= '0;
            q_count_q <= '0;
        end else begin
            if (rd_valid_q) q_wr_q <= q_wr_q + 1'b1;
            if (q_pop) q_rd_q <= q_rd_q + 1'b1;
            q_count_q <= q_count_q + {2'd0, rd_valid_q} - {2'd0, q_pop};
        end
    end

    // ---- E: the head node's copies, one per clock into the output register ----
    logic e_valid_q, e_last_q, e_none_q, e_single_q;
    logic [XT-1:0] e_tag_q;
    logic [15:0] e_rid_q;
    // The ports left, and the same without the lowest (the next copy's port is the bit between).
    logic [PORTS-1:0] e_rem_q, e_rest_q;
    wire adv = !out_valid || out_ready;
    wire emit_copy = e_valid_q && adv && !e_none_q;
    wire emit_end = e_valid_q && adv && e_none_q && e_last_q;
    // The node is done with this cycle's copy when it was its only port left.
    wire finish = e_valid_q && adv && (e_none_q || e_single_q);
    assign q_pop = (!e_valid_q || finish) && q_count_q != '0;
    wire [PORTS-1:0] low = e_rem_q & ~e_rest_q;  // the lowest port left, one-hot
    wire [PORTS-1:0] rest2 = e_rest_q & (e_rest_q - 1'b1);
    logic [8:0] low_port;
    always_comb begin
        low_port = '0;
        for (int p = 0; p < PORTS; p++) if (low[p]) low_port = low_port | 9'(p);
    end

    always_ff @(posedge clk) begin
        if (rst) e_valid_q <= 1'b0;
        else if (q_pop) e_valid_q <= 1'b1;
        else if (finish) e_valid_q <= 1'b0;
        if (q_pop) begin
            {e_tag_q, e_rid_q, e_rem_q, e_rest_q, e_last_q, e_none_q, e_single_q} <=
                q_mem[q_rd_q];
        end else if (emit_copy) begin
            e_rem_q <= e_rest_q;
            e_rest_q <= rest2;
            e_single_q <= rest2 == '0;
        end
        if (rst) out_valid <= 1'b0;
        else if (adv) out_valid <= emit_copy || emit_end;
        if (emit_copy || emit_end) begin
            out_port <= emit_copy ? low_port : 9'd0;
            out_rid <= e_rid_q;
            {out_copies, out_tag} <= e_tag_q;
            out_copy <= emit_copy;
            out_last <= e_last_q && (e_none_q || e_single_q);
        end
    end

    // ---- counters ----
    always_ff @(posedge clk) begin
        if (rst) begin
            packets_q <= '0;
            copies_q <= '0;
            nocopy_q <= '0;
        end else begin
            if (in_fire) packets_q <= packets_q + 1'b1;
            if (out_valid && out_ready && out_copy) copies_q <= copies_q + 1'b1;
            if (g_take && g_none) nocopy_q <= nocopy_q + 1'b1;
        end
    end
endmodule

`resetall
