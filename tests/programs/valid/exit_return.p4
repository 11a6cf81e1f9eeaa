/*
 * exit_return.p4 -- exit and return.
 * Covers: exit in an action, exit in an apply block, return without value
 * in an apply block and in an action, return with a value in a function,
 * return inside nested blocks, and code after a conditional return.
 */
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> kind; bit<8> val; }
struct headers { h_t h; }
struct metadata { }

bit<8> classify(in bit<8> k) {
    if (k == 0) {
        return 0;
    } else {
        if (k < 10) {
            return 1;
        }
    }
    return 2;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action stop() {
        mark_to_drop(sm);
        exit;
    }
    action maybe(bit<8> v) {
        if (v == 0) {
            return;
        }
        hdr.h.val = v;
    }
    table t {
        key = { hdr.h.kind: exact; }
        actions = { stop; maybe; }
        default_action = maybe(0);
    }
    apply {
        bit<8> c = classify(hdr.h.kind);
        if (c == 0) {
            exit;
        }
        t.apply();
        {
            if (c == 1) {
                return;
            }
        }
        hdr.h.val = hdr.h.val + c;
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        if (sm.egress_port == 0) {
            return;
        }
        hdr.h.kind = 0xff;
    }
}
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
