// SPDX-License-Identifier: Apache-2.0
// `return` leaves the ingress apply block; `exit` in an action run by a table leaves ingress
// too; egress still runs in both cases (v1model: exit ends the current control only).
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> mode;
    bit<8> f1;
    bit<8> f2;
    bit<8> f3;
    bit<8> marker;
    bit<8> eg;
}

struct headers_t { h_t h; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action leave() {
        hdr.h.marker = 1;
        exit;
    }

    table t {
        key = { hdr.h.mode: exact; }
        actions = { leave; NoAction; }
        default_action = leave();
    }

    apply {
        sm.egress_spec = 1;
        hdr.h.f1 = 1;
        if (hdr.h.mode == 1) {
            return;
        }
        hdr.h.f2 = 2;
        if (hdr.h.mode >= 2) {
            t.apply();
        }
        hdr.h.f3 = 3;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply { hdr.h.eg = 0x55; }
}
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
