// SPDX-License-Identifier: Apache-2.0
// setValid / setInvalid and the deparser: headers added, removed, and added then removed
// again; bytes after the parsed headers follow the emitted ones.
//   a.x == 1: b (parsed) is removed
//   a.x == 2: c is inserted after a
//   a.x == 3: c is made valid then invalid again: nothing changes
//   a.x == 4: b (not parsed) is made valid with y = 0x44
#include <core.p4>
#include <v1model.p4>

header a_t { bit<8> x; }
header b_t { bit<8> y; }
header c_t { bit<16> z; }

struct headers_t {
    a_t a;
    b_t b;
    c_t c;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.a);
        transition select(hdr.a.x) {
            1: parse_b;
            default: accept;
        }
    }
    state parse_b {
        pkt.extract(hdr.b);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        if (hdr.a.x == 1) {
            hdr.b.setInvalid();
        } else if (hdr.a.x == 2) {
            hdr.c.setValid();
            hdr.c.z = 0xbeef;
        } else if (hdr.a.x == 3) {
            hdr.c.setValid();
            hdr.c.z = 0x1234;
            hdr.c.setInvalid();
        } else if (hdr.a.x == 4) {
            hdr.b.setValid();
            hdr.b.y = 0x44;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.a);
        pkt.emit(hdr.c);
        pkt.emit(hdr.b);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
