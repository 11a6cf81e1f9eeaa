// expect: unsupported_action_profile.p4:16:5: error: action_profile is not supported by hopline
// Action profiles are accepted by the language but not by hopline.
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
control MyCompute(inout headers_t h, inout meta_t m) { apply { } }
control MyDeparser(packet_out b, in headers_t h) { apply { b.emit(h.eth); } }
control MyIngress(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    action_profile(16) ap;
    apply { }
}
V1Switch(MyParser(), MyVerify(), MyIngress(), MyEgress(), MyCompute(), MyDeparser()) main;
