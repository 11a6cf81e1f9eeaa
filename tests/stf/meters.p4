// SPDX-License-Identifier: Apache-2.0
// v1model meters (BMv2 simple_switch's semantics): two-rate three-colour marking (RFC 2698,
// colour-blind) as BMv2's Meter::execute does it, GREEN 0, YELLOW 1, RED 2; a meter whose
// rates were never set marks GREEN; an index past the end leaves the destination as it was
// (0x33 here). A packets meter, a bytes meter (tokens: the received length) and a direct meter
// on table `classify`, executed when the table hits (on a miss the action does not read it).
// Time: the n-th packet of the STF file arrives at n microseconds on the simulated clock.
#include <core.p4>
#include <v1model.p4>

header req_t {
    bit<8> idx;      // the meters' index
    bit<8> key;      // classify's key
    bit<8> colour;   // by_packets[idx]
    bit<8> bcolour;  // by_bytes[idx & 1]
    bit<8> dcolour;  // the direct meter's colour, 0x33 on a miss
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
    meter(4, MeterType.packets) by_packets;
    meter(2, MeterType.bytes) by_bytes;
    direct_meter<bit<8>>(MeterType.packets) per_entry;
    action mark() {
        per_entry.read(hdr.req.dcolour);
    }
    action unmarked() { }
    table classify {
        key = { hdr.req.key: exact; }
        actions = { mark; unmarked; }
        default_action = unmarked();
        meters = per_entry;
    }
    apply {
        sm.egress_spec = 1;
        bit<8> colour = 0x33;
        by_packets.execute_meter((bit<32>)hdr.req.idx, colour);
        hdr.req.colour = colour;
        bit<8> bc = 0x33;
        by_bytes.execute_meter((bit<32>)hdr.req.idx & 1, bc);
        hdr.req.bcolour = bc;
        hdr.req.dcolour = 0x33;
        classify.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.req); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
