/*
 * switch_action_run.p4 -- switch statements.
 * Covers: switch on table.apply().action_run with one label per case,
 * several labels sharing a block (fall-through labels without a block),
 * a default case, empty case blocks; switch on a bit<8> expression with
 * constant labels and a default; nested switch inside an if.
 */
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> op; bit<8> arg; bit<16> val; }
struct headers { h_t h; }
struct metadata { bit<8> res; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action a1() { meta.res = 1; }
    action a2(bit<8> v) { meta.res = v; }
    action a3() { meta.res = 3; }
    action a4() { meta.res = 4; }
    action drop() { mark_to_drop(sm); }

    table t {
        key = { hdr.h.op: exact; }
        actions = { a1; a2; a3; a4; drop; NoAction; }
        default_action = NoAction();
    }

    apply {
        switch (t.apply().action_run) {
            a1: { hdr.h.val = 1; }
            a2:
            a3: { hdr.h.val = 23; }
            drop: { }
            default: { hdr.h.val = 0xffff; }
        }
        if (hdr.h.arg != 0) {
            switch (hdr.h.arg) {
                1: { hdr.h.val = hdr.h.val + 1; }
                2:
                3: { hdr.h.val = hdr.h.val + 2; }
                8w4: { }
                default: { hdr.h.val = 0; }
            }
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
