/* SPDX-License-Identifier: Apache-2.0
 *
 * A learning Ethernet switch through v1model's digest (README: "Digests").
 *
 * - smac: exact on the source MAC. A hit (NoAction) means the address is known; a miss runs
 *   `learn`, which sends a mac_learn_digest_t {srcAddr, ingress_port} to the control plane.
 *   hopd (--on-digest) then adds the source MAC to smac and to dmac, so the next packet from
 *   that MAC no longer digests and packets to it are forwarded.
 * - dmac: exact on the destination MAC, `forward(port)` on a hit. A miss (an unknown or a
 *   broadcast destination) floods. Without multicast (the traffic manager, issue 16) flooding
 *   is that of a two-port switch: `flood` sends a frame from port 1 to port 2 and from port 2
 *   to port 1, and drops frames from other ports. The control plane can change the default
 *   (`table_set_default dmac forward PORT`, or `drop`).
 */
#include <core.p4>
#include <v1model.p4>

typedef bit<48> macAddr_t;
typedef bit<9> port_t;

header ethernet_t {
    macAddr_t dstAddr;
    macAddr_t srcAddr;
    bit<16>   etherType;
}

struct headers_t {
    ethernet_t ethernet;
}

struct metadata_t { }

struct mac_learn_digest_t {
    macAddr_t srcAddr;
    port_t    ingress_port;
}

parser LsParser(packet_in pkt, out headers_t hdr, inout metadata_t meta,
                inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ethernet);
        transition accept;
    }
}

control LsVerifyChecksum(inout headers_t hdr, inout metadata_t meta) { apply { } }

control LsIngress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t sm) {
    action learn() {
        digest<mac_learn_digest_t>(1, {hdr.ethernet.srcAddr, sm.ingress_port});
    }

    table smac {
        key = { hdr.ethernet.srcAddr : exact; }
        actions = { learn; NoAction; }
        default_action = learn();
        size = 1024;
    }

    action forward(port_t port) {
        sm.egress_spec = port;
    }

    action drop() {
        mark_to_drop(sm);
    }

    action flood() {
        if (sm.ingress_port == 1) {
            sm.egress_spec = 2;
        } else if (sm.ingress_port == 2) {
            sm.egress_spec = 1;
        } else {
            mark_to_drop(sm);
        }
    }

    table dmac {
        key = { hdr.ethernet.dstAddr : exact; }
        actions = { forward; drop; flood; }
        default_action = flood();
        size = 1024;
    }

    apply {
        smac.apply();
        dmac.apply();
    }
}

control LsEgress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t sm) {
    apply { }
}

control LsComputeChecksum(inout headers_t hdr, inout metadata_t meta) { apply { } }

control LsDeparser(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.ethernet);
    }
}

V1Switch(LsParser(), LsVerifyChecksum(), LsIngress(), LsEgress(), LsComputeChecksum(),
         LsDeparser()) main;
