// SPDX-License-Identifier: Apache-2.0
// Checksums over the payload where the payload starts at an odd byte: a is 3 bytes, b 4, so the
// payload starts at byte 7, or at byte 3 when the frame is too short for b (the parser rejects
// and the bytes after a are payload). verify_checksum_with_payload covers b.port and the payload
// (an even field list: the payload's sum must be realigned); update_checksum_with_payload covers
// a.tag and the payload (an odd field list) into a.sum.
#include <core.p4>
#include <v1model.p4>

header a_t {
    bit<8>  tag;
    bit<16> sum;
}
header b_t {
    bit<16> port;
    bit<16> csum;
}

struct headers_t {
    a_t a;
    b_t b;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.a);
        pkt.extract(hdr.b);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) {
    apply {
        verify_checksum_with_payload(hdr.b.isValid(), { hdr.b.port }, hdr.b.csum,
                                     HashAlgorithm.csum16);
    }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.a.tag = (bit<8>)sm.checksum_error;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }

control CC(inout headers_t hdr, inout meta_t meta) {
    apply {
        update_checksum_with_payload(hdr.a.isValid(), { hdr.a.tag }, hdr.a.sum,
                                     HashAlgorithm.csum16);
    }
}

control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.a);
        pkt.emit(hdr.b);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
