/*
 * hit_miss.p4 -- using the result of table.apply() as a value.
 * Covers: if (t.apply().hit), if (!t.apply().hit), if (t.apply().miss),
 * storing .hit in a bool variable, .hit combined with other conditions
 * with short-circuit evaluation, apply() as a plain statement inside an
 * if/else chain.  Each table is applied at most once.
 */
#include <core.p4>
#include <v1model.p4>

header h_t { bit<32> a; bit<32> b; }
struct headers { h_t h; }
struct metadata { bool found; bit<8> stage; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action set_stage(bit<8> s) { meta.stage = s; }

    table first  { key = { hdr.h.a: exact; } actions = { set_stage; NoAction; } default_action = NoAction(); }
    table second { key = { hdr.h.b: exact; } actions = { set_stage; NoAction; } default_action = NoAction(); }
    table third  { key = { hdr.h.a: lpm; }   actions = { set_stage; NoAction; } default_action = NoAction(); }
    table fourth { key = { hdr.h.b: ternary; } actions = { set_stage; NoAction; } default_action = NoAction(); }
    table fifth  { key = { hdr.h.a: ternary; } actions = { set_stage; NoAction; } default_action = NoAction(); }
    table sixth  { key = { hdr.h.b: lpm; }   actions = { set_stage; NoAction; } default_action = NoAction(); }

    apply {
        if (first.apply().hit) {
            meta.stage = meta.stage + 1;
        } else if (!second.apply().hit) {
            meta.stage = 0;
        }
        if (third.apply().miss) {
            fourth.apply();
        }
        bool h = fifth.apply().hit;
        meta.found = h && hdr.h.isValid();
        if (meta.found || sixth.apply().hit) {
            sm.egress_spec = 1;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
