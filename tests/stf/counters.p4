// SPDX-License-Identifier: Apache-2.0
// v1model counters (BMv2 simple_switch's semantics): count(i) adds one packet and the packet's
// received length in bytes to cell i, in ingress and in egress alike (BMv2 counts
// get_ingress_length()), whatever the counter's type; an index past the end counts nothing.
// A direct counter on table `fwd` counts per entry on every hit (its count() call adds
// nothing), and a miss (the default action) counts nothing.
#include <core.p4>
#include <v1model.p4>

header req_t {
    bit<8> idx;   // the counters' index
    bit<8> key;   // fwd's key
    bit<8> port;  // set by fwd's action
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
    direct_counter(CounterType.packets_and_bytes) per_entry;
    action forward(bit<9> port) {
        per_entry.count();
        sm.egress_spec = port;
        hdr.req.port = (bit<8>)port;
    }
    action to_port_3() {
        sm.egress_spec = 3;
    }
    table fwd {
        key = { hdr.req.key: exact; }
        actions = { forward; to_port_3; }
        default_action = to_port_3();
        counters = per_entry;
    }
    apply {
        by_packets.count((bit<32>)hdr.req.idx);
        by_bytes.count((bit<32>)hdr.req.idx);
        fwd.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    counter(2, CounterType.packets_and_bytes) egress_both;
    apply {
        // In egress too the count is of the received length.
        egress_both.count((bit<32>)hdr.req.idx & 1);
    }
}

control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.req); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
