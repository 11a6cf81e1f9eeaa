/*
 * header_stack.p4 -- header stacks.
 * Covers: stack declaration (h_t[N]), extraction with .next in a parser
 * loop, .last and .lastIndex (parser only), constant indexing [i],
 * .size, .push_front(n) and .pop_front(n), setValid on an element,
 * isValid on elements, emitting a whole stack.
 */
#include <core.p4>
#include <v1model.p4>

header ethernet_t {
    bit<48> dst;
    bit<48> src;
    bit<16> etherType;
}

header mpls_t {
    bit<20> label;
    bit<3>  tc;
    bit<1>  bos;
    bit<8>  ttl;
}

struct headers {
    ethernet_t ethernet;
    mpls_t[4]  mpls;
}

struct metadata {
    bit<32> depth;
    bit<20> inner_label;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            0x8847:  parse_mpls;
            default: accept;
        }
    }
    state parse_mpls {
        pkt.extract(hdr.mpls.next);
        meta.depth = hdr.mpls.lastIndex + 1;
        transition select(hdr.mpls.last.bos) {
            0: parse_mpls;
            1: done;
        }
    }
    state done {
        meta.inner_label = hdr.mpls.last.label;
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action pop_label() {
        hdr.mpls.pop_front(1);
    }
    action push_label(bit<20> label) {
        hdr.mpls.push_front(1);
        hdr.mpls[0].setValid();
        hdr.mpls[0].label = label;
        hdr.mpls[0].tc = 0;
        hdr.mpls[0].bos = hdr.mpls[1].isValid() ? 1w0 : 1w1;
        hdr.mpls[0].ttl = 64;
    }
    table mpls_tbl {
        key = { hdr.mpls[0].label: exact; }
        actions = { pop_label; push_label; NoAction; }
        default_action = NoAction();
    }
    apply {
        bit<32> n = hdr.mpls.size;        // 4
        if (hdr.mpls[0].isValid() && meta.depth < n) {
            mpls_tbl.apply();
        }
        if (hdr.mpls[3].isValid()) {
            hdr.mpls.pop_front(2);
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.mpls);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
