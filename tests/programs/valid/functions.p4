/*
 * functions.p4 -- function declarations.
 * Covers: top-level functions with a return value, void functions with an
 * early `return;`, generic functions with inferred and explicit type
 * arguments, in/out/inout parameters, parameters with default values,
 * named arguments, calls from actions, from the parser and from apply
 * blocks, recursion-free nesting of calls, local variables in functions.
 */
#include <core.p4>
#include <v1model.p4>

bit<16> max16(in bit<16> a, in bit<16> b) {
    if (a > b) {
        return a;
    }
    return b;
}

T pick<T>(in bool first, in T a, in T b) {
    return first ? a : b;
}

void swap8(inout bit<8> x, inout bit<8> y) {
    bit<8> t = x;
    x = y;
    y = t;
}

void clamp(inout bit<16> v, in bit<16> limit = 1500) {
    if (v <= limit) {
        return;
    }
    v = limit;
}

bool in_range(in bit<16> v, in bit<16> lo, in bit<16> hi) {
    return v >= lo && v <= hi;
}

void split(in bit<16> v, out bit<8> hi, out bit<8> lo) {
    hi = v[15:8];
    lo = v[7:0];
}

header h_t {
    bit<16> a;
    bit<16> b;
    bit<8>  x;
    bit<8>  y;
}
struct headers { h_t h; }
struct metadata { bit<16> m; bool ok; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        meta.m = max16(hdr.h.a, hdr.h.b);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action act() {
        swap8(hdr.h.x, hdr.h.y);
        clamp(hdr.h.a);
    }
    apply {
        act();
        clamp(hdr.h.b, 9000);
        clamp(limit = 64, v = meta.m);
        meta.ok = in_range(hdr.h.a, 16w10, 16w20);
        hdr.h.a = pick(meta.ok, hdr.h.a, max16(b = hdr.h.b, a = 16w7));
        hdr.h.x = pick<bit<8>>(false, 1, 2);
        split(hdr.h.b, hdr.h.x, hdr.h.y);
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
