/*
 * header_union.p4 -- header unions.
 * Covers: header_union declaration, extracting one member, isValid() on
 * the union and on members, setValid()/setInvalid() on members (which
 * makes the other members invalid), a union inside a header stack of
 * unions, emitting a union.
 */
#include <core.p4>
#include <v1model.p4>

header ethernet_t {
    bit<48> dst;
    bit<48> src;
    bit<16> etherType;
}

header ipv4_t {
    bit<4>  version;
    bit<4>  ihl;
    bit<8>  tos;
    bit<16> len;
    bit<16> id;
    bit<16> frag;
    bit<8>  ttl;
    bit<8>  proto;
    bit<16> csum;
    bit<32> src;
    bit<32> dst;
}

header ipv6_t {
    bit<4>   version;
    bit<8>   tclass;
    bit<20>  flow;
    bit<16>  plen;
    bit<8>   next;
    bit<8>   hlim;
    bit<128> src;
    bit<128> dst;
}

header_union ip_u {
    ipv4_t v4;
    ipv6_t v6;
}

header tag_a_t { bit<16> a; }
header tag_b_t { bit<8> b1; bit<8> b2; }

header_union tag_u {
    tag_a_t a;
    tag_b_t b;
}

struct headers {
    ethernet_t ethernet;
    ip_u       ip;
    tag_u[2]   tags;
}

struct metadata { bit<8> version; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            0x0800:  parse_v4;
            0x86dd:  parse_v6;
            0x9999:  parse_tags;
            default: accept;
        }
    }
    state parse_v4 {
        pkt.extract(hdr.ip.v4);
        transition accept;
    }
    state parse_v6 {
        pkt.extract(hdr.ip.v6);
        transition accept;
    }
    state parse_tags {
        pkt.extract(hdr.tags[0].a);
        pkt.extract(hdr.tags[1].b);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        if (hdr.ip.isValid()) {
            if (hdr.ip.v4.isValid()) {
                meta.version = 4;
                hdr.ip.v4.ttl = hdr.ip.v4.ttl - 1;
            } else if (hdr.ip.v6.isValid()) {
                meta.version = 6;
                hdr.ip.v6.hlim = hdr.ip.v6.hlim - 1;
            }
        }
        if (hdr.tags[0].isValid()) {
            hdr.tags[0].b.setValid();       // a becomes invalid
            hdr.tags[0].b.b1 = 1;
            hdr.tags[0].b.b2 = 2;
        }
        if (hdr.tags[1].b.isValid()) {
            hdr.tags[1].b.setInvalid();
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.ip);
        pkt.emit(hdr.tags);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
