// SPDX-License-Identifier: Apache-2.0
// Indexed counters only (no direct counter), so the program runs on both engines: a packets
// counter and a bytes counter in ingress, a packets_and_bytes counter in egress at index & 1.
// BMv2 simple_switch: each count adds 1 packet and the received frame's length in bytes; an
// index past the end counts nothing.
#include <core.p4>
#include <v1model.p4>

header req_t {
    bit<8> idx;
    bit<8> pad;
}

struct headers_t { req_t req; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.req);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    counter(4, CounterType.packets) by_packets;
    counter(4, CounterType.bytes) by_bytes;
    apply {
        sm.egress_spec = 1;
        by_packets.count((bit<32>)hdr.req.idx);
        by_bytes.count((bit<32>)hdr.req.idx);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    counter(2, CounterType.packets_and_bytes) both;
    apply {
        both.count((bit<32>)hdr.req.idx & 1);
    }
}

control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.req); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
