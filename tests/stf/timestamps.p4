// SPDX-License-Identifier: Apache-2.0
// standard_metadata's timestamps, BMv2's clock in microseconds: ingress_global_timestamp is the
// packet's arrival time, egress_global_timestamp the time egress starts (the same here: no queue
// between the pipelines). hopsim's clock: the n-th STF packet arrives at n us; the hardware
// samples the time with the frame's first beat.
#include <core.p4>
#include <v1model.p4>

header times_t {
    bit<48> ingress;
    bit<48> egress;
}

struct headers_t { times_t times; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.times);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        hdr.times.ingress = sm.ingress_global_timestamp;
        sm.egress_spec = 1;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        hdr.times.egress = sm.egress_global_timestamp;
    }
}

control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.times); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
