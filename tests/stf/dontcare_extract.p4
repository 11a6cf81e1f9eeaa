// SPDX-License-Identifier: Apache-2.0
// `extract<T>(_)`: a header read into a don't-care is skipped (its size in bits), with the same
// PacketTooShort rule as any extraction (BMv2 extracts it into a temporary).
#include <core.p4>
#include <v1model.p4>

header skip_t { bit<16> a; bit<8> b; }
header h_t { bit<8> x; }

struct headers_t { h_t h; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract<skip_t>(_);
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        if (sm.parser_error == error.PacketTooShort) {
            sm.egress_spec = 2;
        }
        if (hdr.h.isValid()) {
            hdr.h.x = hdr.h.x + 1;
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
