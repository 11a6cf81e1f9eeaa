/*
 * typedef_type.p4 -- typedef and type (new type) declarations.
 * Covers: typedef of bit, of a header, of a struct and of another
 * typedef; `type` introducing a distinct type that needs explicit casts to
 * and from its underlying type; typedef'd types in headers, parameters,
 * table keys and action data.
 */
#include <core.p4>
#include <v1model.p4>

typedef bit<48>  mac_t;
typedef bit<32>  ip_t;
typedef ip_t     ipaddr_alias_t;     // typedef of a typedef
type    bit<9>   Port_t;             // a new type, not an alias
type    bit<32>  Flow_t;

header ethernet_t {
    mac_t   dst;
    mac_t   src;
    bit<16> etherType;
}
typedef ethernet_t eth_h;

header ip_t_hdr {
    ip_t           src;
    ipaddr_alias_t dst;
}

struct headers {
    eth_h    ethernet;
    ip_t_hdr ip;
}

struct flow_meta_t {
    Flow_t flow;
    Port_t out_port;
}
typedef flow_meta_t fm_t;

struct metadata {
    fm_t fm;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ethernet);
        pkt.extract(hdr.ip);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action set_out(Port_t p, mac_t m) {
        meta.fm.out_port = p;
        hdr.ethernet.dst = m;
    }
    table fwd {
        key = { hdr.ip.dst: exact; }
        actions = { set_out; NoAction; }
        default_action = set_out((Port_t)9w1, 48w0);
    }
    apply {
        meta.fm.flow = (Flow_t)(hdr.ip.src ^ hdr.ip.dst);
        fwd.apply();
        Port_t p = meta.fm.out_port;
        if (p == (Port_t)9w0) {
            p = (Port_t)9w2;
        }
        sm.egress_spec = (bit<9>)p;
        bit<32> f = (bit<32>)meta.fm.flow;
        ipaddr_alias_t a = hdr.ip.src;
        ip_t b = a;
        hdr.ip.src = b + f;
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.ip);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
