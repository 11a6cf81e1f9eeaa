/*
 * enums.p4 -- plain (non-serializable) enums.
 * Covers: enum declaration, enum members as values (Type.member), enum
 * typed variables, struct fields and action parameters passed from the
 * apply block, == and != on enums, switch statement on an enum value with
 * several labels per case and a default, architecture enums (HashAlgorithm,
 * CounterType, MeterType, CloneType) used as constructor arguments.
 */
#include <core.p4>
#include <v1model.p4>

enum Color {
    Green,
    Yellow,
    Red
}

enum Verdict { Pass, Drop, ToCpu }

header h_t { bit<8> a; bit<8> b; }
struct headers { h_t h; }
struct metadata {
    Color   color;
    Verdict verdict;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        meta.color = Color.Green;
        meta.verdict = Verdict.Pass;
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    counter(32w16, CounterType.packets_and_bytes) pkt_counter;

    action decide(in Color c) {
        if (c == Color.Red) {
            meta.verdict = Verdict.Drop;
        } else if (c != Color.Green) {
            meta.verdict = Verdict.ToCpu;
        }
    }

    apply {
        Color c = meta.color;
        if (hdr.h.a > hdr.h.b) {
            c = Color.Yellow;
        }
        if (hdr.h.a == 0) {
            c = Color.Red;
        }
        decide(c);
        switch (c) {
            Color.Green: { pkt_counter.count(0); }
            Color.Yellow:
            Color.Red: { pkt_counter.count(1); }
        }
        switch (meta.verdict) {
            Verdict.Drop: { mark_to_drop(sm); }
            default: { sm.egress_spec = 1; }
        }
        if (meta.verdict == Verdict.ToCpu) {
            clone(CloneType.I2E, 32w100);
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
