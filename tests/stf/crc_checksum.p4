// SPDX-License-Identifier: Apache-2.0
// verify_checksum with crc16 (checksum_error into res.err) and update_checksum with crc16 and
// crc32, as BMv2 computes them: CRC-16/ARC and CRC-32/ISO-HDLC over the field list packed bit
// after bit and zero-padded to whole bytes. crc_checksum.py computes the expected outputs.
#include <core.p4>
#include <v1model.p4>

header res_t { bit<8> err; }
header d_t {
    bit<32> a;
    bit<12> b;
    bit<4>  c;
    bit<16> vcrc;   // crc16 of {a, b, c}, checked
    bit<16> ucrc;   // crc16 of {a, c}: 36 bits, padded to 5 bytes
    bit<32> ucrc32; // crc32 of {a, b}, written
}

struct headers_t {
    res_t res;
    d_t   d;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.d);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) {
    apply {
        verify_checksum(hdr.d.isValid(), { hdr.d.a, hdr.d.b, hdr.d.c }, hdr.d.vcrc,
                        HashAlgorithm.crc16);
    }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.setValid();
        hdr.res.err = (bit<8>)sm.checksum_error;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }

control CC(inout headers_t hdr, inout meta_t meta) {
    apply {
        update_checksum(hdr.d.isValid(), { hdr.d.a, hdr.d.c }, hdr.d.ucrc, HashAlgorithm.crc16);
        update_checksum(hdr.d.isValid(), { hdr.d.a, hdr.d.b }, hdr.d.ucrc32,
                        HashAlgorithm.crc32);
    }
}

control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.d);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
