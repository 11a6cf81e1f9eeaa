// SPDX-License-Identifier: Apache-2.0
// Emitting a struct (P4_16 packet_out.emit): its header members are emitted in order, nested
// structs recursively; a struct without headers emits nothing. An invalid header is skipped.
#include <core.p4>
#include <v1model.p4>

header a_t { bit<8> v; }
header b_t { bit<16> v; }
struct inner_t {
    b_t b;
}
struct empty_t { }
struct headers_t {
    a_t     a;
    inner_t inner;
    empty_t none;
    a_t     c;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.a);
        pkt.extract(hdr.inner.b);
        transition select(hdr.a.v) {
            0xcc: with_c;
            default: accept;
        }
    }
    state with_c {
        pkt.extract(hdr.c);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.inner.b.v = hdr.inner.b.v + 1;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.none);
        pkt.emit(hdr);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
