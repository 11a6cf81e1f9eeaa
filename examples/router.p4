/*
 * router.p4 -- the hopline IPv4 router fast path (v1model).
 *
 * What the pipeline does for every frame:
 *   - Frames from the CPU port start with a packet_out header naming the
 *     egress port; the header is removed and the frame is sent there as is.
 *   - Other frames are accepted only if addressed to the MAC address of the
 *     port they arrived on (table port_mac) or to broadcast.
 *   - ARP is punted to the CPU.
 *   - IPv4 is sanity-checked and dropped when the header checksum is wrong,
 *     the version is not 4, IHL < 5, or the total length does not fit the
 *     received frame.
 *   - IPv4 with options (IHL > 5), packets for one of the router's own
 *     addresses (table local_addr), packets with TTL <= 1, packets without
 *     route, with an unresolved next hop, or larger than the egress MTU are
 *     punted to the CPU unchanged, behind a packet_in header that says why.
 *   - Everything else is routed: LPM on the destination gives a next-hop id,
 *     the nexthop table gives the MAC addresses and the port, the TTL is
 *     decremented and the header checksum recomputed.
 *
 * IPv4 options are not parsed: they stay in the payload and the packet goes
 * to the CPU, which also verifies their checksum.  The pipeline therefore
 * only checks and recomputes the checksum of 20-byte headers.
 */

#include <core.p4>
#include <v1model.p4>

/* ---- constants --------------------------------------------------------- */

const bit<9>  CPU_PORT       = 510;

const bit<16> ETHERTYPE_IPV4 = 0x0800;
const bit<16> ETHERTYPE_ARP  = 0x0806;

const bit<48> BROADCAST_MAC  = 0xffff_ffff_ffff;

/* Reason codes carried in packet_in.reason. */
const bit<7>  PUNT_ARP        = 1;   // ARP request or reply
const bit<7>  PUNT_LOCAL      = 2;   // addressed to the router itself
const bit<7>  PUNT_TTL        = 3;   // TTL would expire
const bit<7>  PUNT_NO_ROUTE   = 4;   // no matching route
const bit<7>  PUNT_NO_NEXTHOP = 5;   // route found, next hop unresolved
const bit<7>  PUNT_MTU        = 6;   // larger than the egress MTU
const bit<7>  PUNT_OPTIONS    = 7;   // IPv4 header carries options

typedef bit<48> macAddr_t;
typedef bit<32> ip4Addr_t;
typedef bit<16> nexthopId_t;

/* ---- headers ----------------------------------------------------------- */

/* Sent by the pipeline to the CPU, in front of the original frame. */
@controller_header("packet_in")
header packet_in_h {
    bit<9> ingress_port;
    bit<7> reason;
}

/* Sent by the CPU to the pipeline, in front of a complete frame. */
@controller_header("packet_out")
header packet_out_h {
    bit<9> egress_port;
    bit<7> _pad;
}

header ethernet_h {
    macAddr_t dstAddr;
    macAddr_t srcAddr;
    bit<16>   etherType;
}

/* ARP for IPv4 over Ethernet (RFC 826). */
header arp_h {
    bit<16>   htype;
    bit<16>   ptype;
    bit<8>    hlen;
    bit<8>    plen;
    bit<16>   oper;
    macAddr_t sha;
    ip4Addr_t spa;
    macAddr_t tha;
    ip4Addr_t tpa;
}

header ipv4_h {
    bit<4>    version;
    bit<4>    ihl;
    bit<8>    diffserv;
    bit<16>   totalLen;
    bit<16>   identification;
    bit<3>    flags;
    bit<13>   fragOffset;
    bit<8>    ttl;
    bit<8>    protocol;
    bit<16>   hdrChecksum;
    ip4Addr_t srcAddr;
    ip4Addr_t dstAddr;
}

struct headers_t {
    packet_in_h  packet_in;
    packet_out_h packet_out;
    ethernet_h   ethernet;
    arp_h        arp;
    ipv4_h       ipv4;
}

struct metadata_t {
    macAddr_t   port_mac;     // MAC address of the ingress port
    nexthopId_t nexthop_id;   // result of the route lookup
    macAddr_t   nh_dmac;      // next hop's MAC address
    macAddr_t   nh_smac;      // our MAC address on the egress port
    bit<9>      out_port;     // egress port towards the next hop
    bit<16>     mtu;          // IP MTU of out_port
    bool        routed;       // the packet was forwarded by the fast path
}

/* ---- parser ------------------------------------------------------------ */

parser RouterParser(packet_in packet,
                    out headers_t hdr,
                    inout metadata_t meta,
                    inout standard_metadata_t standard_metadata) {
    state start {
        transition select(standard_metadata.ingress_port) {
            CPU_PORT: parse_packet_out;
            default:  parse_ethernet;
        }
    }

    /* A frame from the CPU is sent on untouched: only the packet_out
     * header is parsed; the frame follows it as payload. */
    state parse_packet_out {
        packet.extract(hdr.packet_out);
        transition accept;
    }

    state parse_ethernet {
        packet.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            ETHERTYPE_ARP:  parse_arp;
            ETHERTYPE_IPV4: parse_ipv4;
            default:        accept;
        }
    }

    state parse_arp {
        packet.extract(hdr.arp);
        transition accept;
    }

    /* Options, if any, are left in the payload (see the header comment). */
    state parse_ipv4 {
        packet.extract(hdr.ipv4);
        transition accept;
    }
}

/* ---- checksum verification --------------------------------------------- */

control RouterVerifyChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply {
        verify_checksum(
            hdr.ipv4.isValid() && hdr.ipv4.ihl == 5,
            { hdr.ipv4.version,
              hdr.ipv4.ihl,
              hdr.ipv4.diffserv,
              hdr.ipv4.totalLen,
              hdr.ipv4.identification,
              hdr.ipv4.flags,
              hdr.ipv4.fragOffset,
              hdr.ipv4.ttl,
              hdr.ipv4.protocol,
              hdr.ipv4.srcAddr,
              hdr.ipv4.dstAddr },
            hdr.ipv4.hdrChecksum,
            HashAlgorithm.csum16);
    }
}

/* ---- ingress ----------------------------------------------------------- */

control RouterIngress(inout headers_t hdr,
                      inout metadata_t meta,
                      inout standard_metadata_t standard_metadata) {

    action drop() {
        mark_to_drop(standard_metadata);
    }

    /* Send the packet, unchanged, to the CPU with a reason code. */
    action punt(bit<7> reason) {
        hdr.packet_in.setValid();
        hdr.packet_in.ingress_port = standard_metadata.ingress_port;
        hdr.packet_in.reason = reason;
        standard_metadata.egress_spec = CPU_PORT;
    }

    /* port_mac: our MAC address on each port. */
    action set_port_mac(macAddr_t mac) {
        meta.port_mac = mac;
    }

    table port_mac {
        key = {
            standard_metadata.ingress_port: exact;
        }
        actions = {
            set_port_mac;
            NoAction;
        }
        default_action = NoAction();
        size = 512;
    }

    /* local_addr: the router's own IPv4 addresses. */
    action local_hit() {
    }

    table local_addr {
        key = {
            hdr.ipv4.dstAddr: exact;
        }
        actions = {
            local_hit;
            NoAction;
        }
        default_action = NoAction();
        size = 256;
    }

    /* ipv4_lpm: the routing table. */
    action set_nexthop(nexthopId_t nexthop_id) {
        meta.nexthop_id = nexthop_id;
    }

    table ipv4_lpm {
        key = {
            hdr.ipv4.dstAddr: lpm;
        }
        actions = {
            set_nexthop;
            NoAction;
        }
        default_action = NoAction();
        size = 1048576;
    }

    /* nexthop: resolved next hops (filled in by the ARP resolver). */
    action set_nexthop_l2(macAddr_t dmac, macAddr_t smac, bit<9> port) {
        meta.nh_dmac = dmac;
        meta.nh_smac = smac;
        meta.out_port = port;
    }

    table nexthop {
        key = {
            meta.nexthop_id: exact;
        }
        actions = {
            set_nexthop_l2;
            NoAction;
        }
        default_action = NoAction();
        size = 65536;
    }

    /* egress_mtu: IP MTU of each port; unknown ports get 1500. */
    action set_mtu(bit<16> mtu) {
        meta.mtu = mtu;
    }

    table egress_mtu {
        key = {
            meta.out_port: exact;
        }
        actions = {
            set_mtu;
        }
        default_action = set_mtu(1500);
        size = 512;
    }

    apply {
        meta.routed = false;

        /* From the CPU: strip packet_out and send where it says. */
        if (hdr.packet_out.isValid()) {
            standard_metadata.egress_spec = hdr.packet_out.egress_port;
            hdr.packet_out.setInvalid();
            return;
        }

        if (!hdr.ethernet.isValid()) {
            drop();
            return;
        }

        /* Layer 2 admission: our port address or broadcast. */
        if (port_mac.apply().miss) {
            drop();
            return;
        }
        if (hdr.ethernet.dstAddr != meta.port_mac &&
            hdr.ethernet.dstAddr != BROADCAST_MAC) {
            drop();
            return;
        }

        if (hdr.arp.isValid()) {
            punt(PUNT_ARP);
            return;
        }

        if (!hdr.ipv4.isValid()) {
            drop();
            return;
        }

        /* Malformed IPv4: drop. */
        if (standard_metadata.parser_error != error.NoError ||
            standard_metadata.checksum_error == 1 ||
            hdr.ipv4.version != 4 ||
            hdr.ipv4.ihl < 5 ||
            hdr.ipv4.totalLen < ((bit<16>)hdr.ipv4.ihl << 2) ||
            (bit<32>)hdr.ipv4.totalLen + 14 > standard_metadata.packet_length) {
            drop();
            return;
        }

        if (hdr.ipv4.ihl > 5) {
            punt(PUNT_OPTIONS);
            return;
        }

        if (local_addr.apply().hit) {
            punt(PUNT_LOCAL);
            return;
        }

        if (hdr.ipv4.ttl <= 1) {
            punt(PUNT_TTL);
            return;
        }

        if (!ipv4_lpm.apply().hit) {
            punt(PUNT_NO_ROUTE);
            return;
        }

        if (!nexthop.apply().hit) {
            punt(PUNT_NO_NEXTHOP);
            return;
        }

        egress_mtu.apply();
        if (hdr.ipv4.totalLen > meta.mtu) {
            punt(PUNT_MTU);
            return;
        }

        /* Route it. */
        hdr.ethernet.dstAddr = meta.nh_dmac;
        hdr.ethernet.srcAddr = meta.nh_smac;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
        standard_metadata.egress_spec = meta.out_port;
        meta.routed = true;
    }
}

/* ---- egress ------------------------------------------------------------ */

control RouterEgress(inout headers_t hdr,
                     inout metadata_t meta,
                     inout standard_metadata_t standard_metadata) {
    apply { }
}

/* ---- checksum update --------------------------------------------------- */

control RouterComputeChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply {
        update_checksum(
            hdr.ipv4.isValid() && meta.routed,
            { hdr.ipv4.version,
              hdr.ipv4.ihl,
              hdr.ipv4.diffserv,
              hdr.ipv4.totalLen,
              hdr.ipv4.identification,
              hdr.ipv4.flags,
              hdr.ipv4.fragOffset,
              hdr.ipv4.ttl,
              hdr.ipv4.protocol,
              hdr.ipv4.srcAddr,
              hdr.ipv4.dstAddr },
            hdr.ipv4.hdrChecksum,
            HashAlgorithm.csum16);
    }
}

/* ---- deparser ---------------------------------------------------------- */

control RouterDeparser(packet_out packet, in headers_t hdr) {
    apply {
        packet.emit(hdr.packet_in);
        packet.emit(hdr.ethernet);
        packet.emit(hdr.arp);
        packet.emit(hdr.ipv4);
    }
}

V1Switch(
    RouterParser(),
    RouterVerifyChecksum(),
    RouterIngress(),
    RouterEgress(),
    RouterComputeChecksum(),
    RouterDeparser()
) main;
