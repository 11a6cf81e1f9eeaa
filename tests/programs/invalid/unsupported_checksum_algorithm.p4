// expect: unsupported_checksum_algorithm.p4:16:83: error: HashAlgorithm.xor16 in update_checksum is not supported by hopline
// Checksums run the Internet checksum (csum16) and the CRCs (crc16, crc32) only.
#include <core.p4>
#include <v1model.p4>
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
struct headers_t { eth_t eth; }
struct meta_t { bit<8> x; }
parser MyParser(packet_in b, out headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    state start { b.extract(h.eth); transition accept; }
}
control MyVerify(inout headers_t h, inout meta_t m) { apply { } }
control MyEgress(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control MyDeparser(packet_out b, in headers_t h) { apply { b.emit(h.eth); } }
control MyCompute(inout headers_t h, inout meta_t m) {
    apply {
        update_checksum(h.eth.isValid(), { h.eth.dst }, h.eth.type, HashAlgorithm.xor16);
    }
}
control MyIngress(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) { apply { } }
V1Switch(MyParser(), MyVerify(), MyIngress(), MyEgress(), MyCompute(), MyDeparser()) main;
