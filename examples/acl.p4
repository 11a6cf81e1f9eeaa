/*
 * acl.p4 -- IPv4 forwarding behind a 5-tuple access control list (v1model).
 *
 * Ethernet, IPv4, TCP and UDP are parsed; the L4 ports are copied to
 * metadata so one ACL covers both protocols.  The ACL matches the source
 * and destination address with masks (ternary), the protocol (ternary) and
 * both ports with ranges; its built-in rules are const entries with explicit
 * priorities (P4_16 1.2.2 `priority = N:` syntax).  A second, classification
 * table uses plain ordered const entries (first entry wins) with `&&&`
 * masks and `..` ranges.  Permitted packets are routed by an LPM table.
 * The apply block uses switch on action_run and .hit/.miss.
 */

#include <core.p4>
#include <v1model.p4>

const bit<16> TYPE_IPV4 = 0x0800;
const bit<8>  PROTO_TCP = 6;
const bit<8>  PROTO_UDP = 17;

typedef bit<9>  egressSpec_t;
typedef bit<48> macAddr_t;
typedef bit<32> ip4Addr_t;

header ethernet_t {
    macAddr_t dstAddr;
    macAddr_t srcAddr;
    bit<16>   etherType;
}

header ipv4_t {
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

header tcp_t {
    bit<16> srcPort;
    bit<16> dstPort;
    bit<32> seqNo;
    bit<32> ackNo;
    bit<4>  dataOffset;
    bit<4>  res;
    bit<8>  flags;
    bit<16> window;
    bit<16> checksum;
    bit<16> urgentPtr;
}

header udp_t {
    bit<16> srcPort;
    bit<16> dstPort;
    bit<16> length_;
    bit<16> checksum;
}

struct headers {
    ethernet_t ethernet;
    ipv4_t     ipv4;
    tcp_t      tcp;
    udp_t      udp;
}

struct metadata {
    bit<16> l4_src;     // TCP/UDP source port, 0 for other protocols
    bit<16> l4_dst;     // TCP/UDP destination port, 0 otherwise
    bit<8>  traffic_class;
}

parser MyParser(packet_in packet,
                out headers hdr,
                inout metadata meta,
                inout standard_metadata_t standard_metadata) {
    state start {
        meta.l4_src = 0;
        meta.l4_dst = 0;
        meta.traffic_class = 0;
        packet.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            TYPE_IPV4: parse_ipv4;
            default:   accept;
        }
    }

    state parse_ipv4 {
        packet.extract(hdr.ipv4);
        /* Only first fragments carry the L4 header. */
        transition select(hdr.ipv4.fragOffset, hdr.ipv4.protocol) {
            (0, PROTO_TCP): parse_tcp;
            (0, PROTO_UDP): parse_udp;
            default:        accept;
        }
    }

    state parse_tcp {
        packet.extract(hdr.tcp);
        meta.l4_src = hdr.tcp.srcPort;
        meta.l4_dst = hdr.tcp.dstPort;
        transition accept;
    }

    state parse_udp {
        packet.extract(hdr.udp);
        meta.l4_src = hdr.udp.srcPort;
        meta.l4_dst = hdr.udp.dstPort;
        transition accept;
    }
}

control MyVerifyChecksum(inout headers hdr, inout metadata meta) {
    apply { }
}

control MyIngress(inout headers hdr,
                  inout metadata meta,
                  inout standard_metadata_t standard_metadata) {
    action drop() {
        mark_to_drop(standard_metadata);
    }

    action permit() {
    }

    action deny() {
        mark_to_drop(standard_metadata);
    }

    action set_class(bit<8> cls) {
        meta.traffic_class = cls;
    }

    action ipv4_forward(macAddr_t dstAddr, egressSpec_t port) {
        standard_metadata.egress_spec = port;
        hdr.ethernet.srcAddr = hdr.ethernet.dstAddr;
        hdr.ethernet.dstAddr = dstAddr;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
    }

    /* The ACL.  Higher priority numbers win (largest_priority_wins). */
    table acl {
        key = {
            hdr.ipv4.srcAddr:  ternary;
            hdr.ipv4.dstAddr:  ternary;
            hdr.ipv4.protocol: ternary;
            meta.l4_src:       range;
            meta.l4_dst:       range;
        }
        actions = {
            permit;
            deny;
            NoAction;
        }
        const entries = {
            /* SSH to 192.0.2.0/24 only from 198.51.100.0/24. */
            priority = 100: (0xc6336400 &&& 0xffffff00, 0xc0000200 &&& 0xffffff00,
                             PROTO_TCP, _, 22 .. 22) : permit();
            priority = 90:  (_, 0xc0000200 &&& 0xffffff00, PROTO_TCP, _, 22 .. 22) : deny();
            /* No UDP to low ports except DNS. */
            priority = 80:  (_, _, PROTO_UDP, _, 53 .. 53) : permit();
            priority = 70:  (_, _, PROTO_UDP, _, 0 .. 1023) : deny();
            /* Nothing from 203.0.113.0/24 at all. */
            priority = 60:  (0xcb007100 &&& 0xffffff00, _, _, _, _) : deny();
        }
        default_action = NoAction();
        largest_priority_wins = true;
        size = 64;
    }

    /* Traffic classification: plain ordered const entries, the first
     * matching entry wins. */
    table classify {
        key = {
            hdr.ipv4.protocol: ternary;
            meta.l4_dst:       range;
            hdr.ipv4.diffserv: ternary;
        }
        actions = {
            set_class;
            NoAction;
        }
        const entries = {
            (PROTO_TCP, 0 .. 1023,     _)           : set_class(1);
            (PROTO_UDP, 5004 .. 5005,  _)           : set_class(2);
            (_,         _,             0xb8 &&& 0xfc) : set_class(3);
            (0x10 &&& 0xf0, _,         _)           : set_class(4);
        }
        default_action = NoAction();
    }

    table ipv4_lpm {
        key = {
            hdr.ipv4.dstAddr: lpm;
        }
        actions = {
            ipv4_forward;
            drop;
        }
        size = 1024;
        default_action = drop();
    }

    apply {
        if (!hdr.ipv4.isValid()) {
            drop();
            return;
        }
        switch (acl.apply().action_run) {
            deny: {
                return;
            }
            permit:
            NoAction: {
                /* allowed, or no rule: go on */
            }
        }
        if (classify.apply().hit) {
            hdr.ipv4.diffserv = hdr.ipv4.diffserv | 0x01;
        }
        if (ipv4_lpm.apply().miss) {
            return;
        }
    }
}

control MyEgress(inout headers hdr,
                 inout metadata meta,
                 inout standard_metadata_t standard_metadata) {
    apply { }
}

control MyComputeChecksum(inout headers hdr, inout metadata meta) {
    apply {
        update_checksum(
            hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.diffserv,
              hdr.ipv4.totalLen, hdr.ipv4.identification,
              hdr.ipv4.flags, hdr.ipv4.fragOffset, hdr.ipv4.ttl,
              hdr.ipv4.protocol, hdr.ipv4.srcAddr, hdr.ipv4.dstAddr },
            hdr.ipv4.hdrChecksum,
            HashAlgorithm.csum16);
    }
}

control MyDeparser(packet_out packet, in headers hdr) {
    apply {
        packet.emit(hdr.ethernet);
        packet.emit(hdr.ipv4);
        packet.emit(hdr.tcp);
        packet.emit(hdr.udp);
    }
}

V1Switch(
    MyParser(),
    MyVerifyChecksum(),
    MyIngress(),
    MyEgress(),
    MyComputeChecksum(),
    MyDeparser()
) main;
