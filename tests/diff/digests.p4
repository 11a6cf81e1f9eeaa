/* SPDX-License-Identifier: Apache-2.0
 *
 * Three digest types for tests/diff/digest_test.cpp (model vs RTL): the hardware's entry is a
 * mux of the digest's members by its number. Values are those of the call (ingress changes
 * hdr.h.a after e_t's), the last call wins, a bool and a 40-bit concatenation, egress writes a
 * header field (no digest field), and frames with d == 7 are dropped after ingress.
 */
#include <core.p4>
#include <v1model.p4>

header h_t { bit<8> a; bit<8> b; bit<8> c; bit<8> d; }
struct headers_t { h_t h; }
struct meta_t { }
struct ab_t { bit<8> a; bit<8> b; }
struct cd_t { bit<8> c; bit<9> port; }
struct e_t { bit<40> wide; bool flag; }

parser P(packet_in pkt, out headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}
control VC(inout headers_t hdr, inout meta_t m) { apply { } }
control I(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 2;
        if (hdr.h.a == 1) {
            digest<ab_t>(1, {hdr.h.a, hdr.h.b});
        }
        if (hdr.h.c == 1) {
            digest<cd_t>(2, {c = hdr.h.d, port = sm.ingress_port});
        }
        if (hdr.h.c == 2) {
            digest<e_t>(3, {hdr.h.a ++ hdr.h.b ++ hdr.h.c ++ hdr.h.d ++ hdr.h.a, hdr.h.b == 0});
            hdr.h.a = 9;
        }
        if (hdr.h.d == 7) {
            mark_to_drop(sm);
        }
    }
}
control E(inout headers_t hdr, inout meta_t m, inout standard_metadata_t sm) {
    apply { hdr.h.b = 0xee; }
}
control C(inout headers_t hdr, inout meta_t m) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }
V1Switch(P(), VC(), I(), E(), C(), D()) main;
