/*
 * generic_package.p4 -- user-declared parser, control and package types.
 * Covers: generic parser and control type declarations with type
 * parameters, a generic package type, controls taking other controls as
 * constructor parameters (typed by a control type), specialisation with
 * explicit type arguments, instantiation of a user package at top level
 * next to main, and the V1Switch package instantiated with explicit type
 * arguments V1Switch<H, M>(...).
 */
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; bit<8> b; }
struct headers { h_t h; }
struct metadata { bit<8> m; }

/* Generic block types. */
control Stage<T>(inout T value);
parser SubParse<H>(packet_in pkt, out H h);
package Chain<T>(Stage<T> first, Stage<T> second);

control Inc(inout bit<8> value) {
    apply { value = value + 1; }
}

control Dbl(inout bit<8> value) {
    apply { value = value << 1; }
}

/* A control built from two others, passed at construction time. */
control Pipeline2(inout bit<8> v)(Stage<bit<8>> s1, Stage<bit<8>> s2) {
    apply {
        s1.apply(v);
        s2.apply(v);
    }
}

parser HParse(packet_in pkt, out h_t h) {
    state start { pkt.extract(h); transition accept; }
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    HParse() hp;
    state start {
        hp.apply(pkt, hdr.h);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    Pipeline2(Inc(), Dbl()) p2;
    apply {
        p2.apply(hdr.h.a);
        meta.m = hdr.h.a;
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

Chain<bit<8>>(Inc(), Dbl()) unused_chain;

V1Switch<headers, metadata>(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
