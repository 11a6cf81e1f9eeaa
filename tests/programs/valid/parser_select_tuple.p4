/*
 * parser_select_tuple.p4 -- parser states and select expressions.
 * Covers: several states, select on one field and on a tuple of fields,
 * keysets with constants, masks (&&&), ranges (..), default and the
 * don't-care `_` inside tuples, tuple keysets with default, a value_set
 * used as a keyset, parser local variables and constants, a sub-parser
 * instantiated as a parser local and invoked with apply, transitions to
 * accept and reject, an empty state body with a bare transition, and a
 * select on a slice and on a concatenation.
 */
#include <core.p4>
#include <v1model.p4>

header ethernet_t {
    bit<48> dst;
    bit<48> src;
    bit<16> etherType;
}

header vlan_t {
    bit<3>  pcp;
    bit<1>  dei;
    bit<12> vid;
    bit<16> etherType;
}

header ipv4_t {
    bit<4>  version;
    bit<4>  ihl;
    bit<8>  tos;
    bit<16> len;
    bit<16> id;
    bit<3>  flags;
    bit<13> frag;
    bit<8>  ttl;
    bit<8>  proto;
    bit<16> csum;
    bit<32> src;
    bit<32> dst;
}

header l4_t {
    bit<16> sport;
    bit<16> dport;
}

struct headers {
    ethernet_t ethernet;
    vlan_t     vlan;
    ipv4_t     ipv4;
    l4_t       l4;
}

struct metadata {
    bit<8> kind;
}

parser L4Parser(packet_in pkt, out l4_t l4, inout bit<8> kind) {
    state start {
        pkt.extract(l4);
        transition select(l4.sport, l4.dport) {
            (_, 0 .. 1023):           well_known;
            (53, _):                  dns;
            (16w0x1000 &&& 16w0xf000, _): accept;
            default:                  accept;
        }
    }
    state well_known {
        kind = 1;
        transition accept;
    }
    state dns {
        kind = 2;
        transition accept;
    }
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    const bit<16> TPID = 0x8100;
    value_set<bit<16>>(4) tunnel_types;
    L4Parser() l4_parser;
    bit<8> depth = 0;

    state start {
        meta.kind = 0;
        transition parse_ethernet;
    }
    state parse_ethernet {
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            TPID:           parse_vlan;
            0x0800:         parse_ipv4;
            tunnel_types:   reject;
            0x0000 .. 0x05dc: accept;          // 802.3 length field
            0x8800 &&& 0xff00: accept;
            default:        accept;
        }
    }
    state parse_vlan {
        pkt.extract(hdr.vlan);
        depth = depth + 1;
        transition select(hdr.vlan.vid, hdr.vlan.etherType) {
            (0, _):          reject;            // priority tags not allowed
            (_, 0x0800):     parse_ipv4;
            (12w1 .. 12w99, 16w0x86dd): accept;
            (_, _):          accept;
        }
    }
    state parse_ipv4 {
        pkt.extract(hdr.ipv4);
        transition select(hdr.ipv4.version ++ hdr.ipv4.ihl, hdr.ipv4.frag, hdr.ipv4.proto) {
            (0x45, 0, 6):    parse_l4;
            (0x45, 0, 17):   parse_l4;
            (0x45 &&& 0xff, 13w0, 8w1 .. 8w2): after_ip;
            default:         accept;
        }
    }
    state parse_l4 {
        l4_parser.apply(pkt, hdr.l4, meta.kind);
        transition select(hdr.ipv4.flags[1:1]) {
            1:       accept;
            default: after_ip;
        }
    }
    state after_ip {
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }
control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        if (sm.parser_error == error.NoMatch) {
            mark_to_drop(sm);
        }
    }
}
control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.vlan);
        pkt.emit(hdr.ipv4);
        pkt.emit(hdr.l4);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
