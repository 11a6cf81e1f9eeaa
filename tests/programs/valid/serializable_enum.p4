/*
 * serializable_enum.p4 -- enums with an underlying bit<N> type.
 * Covers: enum bit<16> with explicit values, serializable enum as a header
 * field and as a table key, select on it with enum members as keysets,
 * casts enum -> bit<16> and bit<16> -> enum, comparison with members,
 * int<8>-based enum, members with equal values.
 */
#include <core.p4>
#include <v1model.p4>

enum bit<16> EtherType {
    IPV4 = 0x0800,
    ARP  = 0x0806,
    VLAN = 0x8100,
    IPV6 = 0x86dd
}

enum int<8> Level {
    Low    = -1,
    Normal = 0,
    High   = 1,
    Top    = 1        // members may share a value
}

header ethernet_t {
    bit<48>   dst;
    bit<48>   src;
    EtherType etherType;
}

header vlan_t {
    bit<3>    pcp;
    bit<1>    dei;
    bit<12>   vid;
    EtherType etherType;
}

struct headers {
    ethernet_t ethernet;
    vlan_t     vlan;
}

struct metadata {
    EtherType inner;
    Level     level;
    bit<16>   raw;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ethernet);
        meta.inner = hdr.ethernet.etherType;
        transition select(hdr.ethernet.etherType) {
            EtherType.VLAN: parse_vlan;
            EtherType.IPV4: accept;
            default:        accept;
        }
    }
    state parse_vlan {
        pkt.extract(hdr.vlan);
        meta.inner = hdr.vlan.etherType;
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action set_level(Level l) {
        meta.level = l;
    }
    table by_type {
        key = { meta.inner: exact; }
        actions = { set_level; NoAction; }
        default_action = set_level(Level.Normal);
        const entries = {
            EtherType.IPV4 : set_level(Level.High);
            EtherType.ARP  : set_level(Level.Top);
        }
    }
    apply {
        by_type.apply();
        meta.raw = (bit<16>)meta.inner;
        if (meta.raw == 0x86dd || meta.inner == (EtherType)16w0x0800) {
            sm.egress_spec = 2;
        }
        if ((int<8>)meta.level < 0) {
            mark_to_drop(sm);
        }
        if (hdr.vlan.isValid() && meta.level == Level.Top) {
            hdr.ethernet.etherType = EtherType.IPV6;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.vlan);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
