// SPDX-License-Identifier: Apache-2.0
// v1model's hash extern with a max known only at run time, as the load_balance tutorial's ECMP
// uses it: base + (H(data) % max) with max from packet fields (16 and 64 bits: 0, 1, powers of
// two, values at and past every hash value) and from an action parameter the control plane
// sets, a base from a field, the result truncated to 8 bits. BMv2's rules: base and max as
// 64-bit numbers, max 0 taken as 1. hash_mod.py computes the expected outputs.
#include <core.p4>
#include <v1model.p4>

header in_t {
    bit<16> m16;
    bit<64> m64;
    bit<16> base;
    bit<32> key;
    bit<8>  sel;
}
header out_t {
    bit<16> r16;
    bit<32> r32;
    bit<16> ract;
    bit<8>  rn;
}

struct headers_t {
    in_t  i;
    out_t o;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.i);
        pkt.extract(hdr.o);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action set(bit<32> count) {
        hash(hdr.o.ract, HashAlgorithm.crc16, 16w10, { hdr.i.key }, count);
    }
    table t {
        key = { hdr.i.sel : exact; }
        actions = { set; }
        default_action = set(3);
    }
    apply {
        sm.egress_spec = 1;
        hash(hdr.o.r16, HashAlgorithm.crc16, hdr.i.base, { hdr.i.key }, hdr.i.m16);
        hash(hdr.o.r32, HashAlgorithm.crc32, 32w7, { hdr.i.key, hdr.i.m16 }, hdr.i.m64);
        t.apply();
        hash(hdr.o.rn, HashAlgorithm.crc32, hdr.i.base, { hdr.i.key }, hdr.i.m16);
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }

control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.i);
        pkt.emit(hdr.o);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
