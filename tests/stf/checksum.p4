// SPDX-License-Identifier: Apache-2.0
// verify_checksum sets checksum_error (ingress reports it in res.err and does not drop);
// update_checksum recomputes the IPv4 header checksum after the TTL changes, and
// update_checksum_with_payload covers a 16-bit field and every byte after the headers.
#include <core.p4>
#include <v1model.p4>

header res_t { bit<8> err; }
header ip_t {
    bit<4>  version;
    bit<4>  ihl;
    bit<8>  diffserv;
    bit<16> totalLen;
    bit<16> identification;
    bit<3>  flags;
    bit<13> fragOffset;
    bit<8>  ttl;
    bit<8>  protocol;
    bit<16> hdrChecksum;
    bit<32> srcAddr;
    bit<32> dstAddr;
}
header l4_t {
    bit<16> port;
    bit<16> csum;
}

struct headers_t {
    res_t res;
    ip_t  ip;
    l4_t  l4;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ip);
        pkt.extract(hdr.l4);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) {
    apply {
        verify_checksum(hdr.ip.isValid(),
            { hdr.ip.version, hdr.ip.ihl, hdr.ip.diffserv, hdr.ip.totalLen,
              hdr.ip.identification, hdr.ip.flags, hdr.ip.fragOffset, hdr.ip.ttl,
              hdr.ip.protocol, hdr.ip.srcAddr, hdr.ip.dstAddr },
            hdr.ip.hdrChecksum, HashAlgorithm.csum16);
    }
}

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.res.setValid();
        hdr.res.err = (bit<8>)sm.checksum_error;
        hdr.ip.ttl = hdr.ip.ttl - 1;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }

control CC(inout headers_t hdr, inout meta_t meta) {
    apply {
        update_checksum(hdr.ip.isValid(),
            { hdr.ip.version, hdr.ip.ihl, hdr.ip.diffserv, hdr.ip.totalLen,
              hdr.ip.identification, hdr.ip.flags, hdr.ip.fragOffset, hdr.ip.ttl,
              hdr.ip.protocol, hdr.ip.srcAddr, hdr.ip.dstAddr },
            hdr.ip.hdrChecksum, HashAlgorithm.csum16);
        update_checksum_with_payload(hdr.l4.isValid(), { hdr.l4.port }, hdr.l4.csum,
            HashAlgorithm.csum16);
    }
}

control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.res);
        pkt.emit(hdr.ip);
        pkt.emit(hdr.l4);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
