/*
 * directions.p4 -- parameter directions and constructor parameters.
 * Covers: in, out, inout and directionless parameters on actions (action
 * data), functions, controls, parsers and externs; controls and parsers
 * with constructor parameters (compile-time values); instantiation of a
 * user control and a user parser inside other blocks and invocation with
 * apply(); passing an argument to an out parameter with the don't-care
 * `_`; direct application of a control type without an explicit
 * instance (Type.apply()); references to top-level names with a leading
 * dot (.name).
 */
#include <core.p4>
#include <v1model.p4>

const bit<8> SCALE = 2;

header h_t { bit<8> a; bit<8> b; bit<16> c; }
struct headers { h_t h; }
struct metadata { bit<8> x; bit<8> y; }

extern void observe(in bit<8> v, out bit<8> copy, inout bit<8> acc);

control Scaler(inout bit<8> v, out bit<8> before)(bit<8> factor, bool enabled) {
    apply {
        before = v;
        if (enabled) {
            v = v * factor;
        }
    }
}

control Adder(inout bit<8> v) {
    apply { v = v + 1; }
}

parser Sub(packet_in pkt, out h_t h, in bit<8> expected)(bool strict) {
    state start {
        pkt.extract(h);
        transition select(strict && h.a != expected) {
            true:  reject;
            false: accept;
        }
    }
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    Sub(true) sub;
    state start {
        sub.apply(pkt, hdr.h, 8w0x42);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    Scaler(.SCALE, true) doubler;
    Scaler(factor = 8w3, enabled = false) disabled;

    action act(in bit<8> din, out bit<8> dout, inout bit<8> dio, bit<8> data) {
        dout = din + data;
        dio = dio ^ data;
    }
    table t {
        key = { hdr.h.a: exact; }
        actions = { act(hdr.h.a, meta.x, meta.y); .NoAction; }
        default_action = .NoAction();
    }

    apply {
        bit<8> acc = 0;
        bit<8> seen;
        observe(hdr.h.a, seen, acc);
        observe(hdr.h.b, _, acc);
        doubler.apply(hdr.h.a, meta.x);
        disabled.apply(hdr.h.b, _);
        act(hdr.h.b, meta.y, acc, 8w5);
        Adder.apply(meta.x);
        t.apply();
        hdr.h.c = meta.x ++ seen;
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
