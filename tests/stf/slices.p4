// SPDX-License-Identifier: Apache-2.0
// Bit slices (read and assigned), concatenation and truncating / widening casts.
#include <core.p4>
#include <v1model.p4>

header v_t {
    bit<32> word;
    bit<8>  hi;      // word[31:24]
    bit<8>  lo4;     // (bit<8>)word[3:0]
    bit<16> cat;     // word[7:0] ++ hi
    bit<32> patch;   // word with [7:0] = 0xaa and [31:28] = 5
    bit<8>  trunc;   // (bit<8>)word
    bit<8>  nibs;    // word[11:8] ++ (word >> 12)[3:0]
    bit<32> sext;    // (bit<32>)(int<32>)(int<8>)word[7:0]
}

struct headers_t { v_t v; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.v);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.v.hi = hdr.v.word[31:24];
        hdr.v.lo4 = (bit<8>)hdr.v.word[3:0];
        hdr.v.cat = hdr.v.word[7:0] ++ hdr.v.hi;
        hdr.v.patch = hdr.v.word;
        hdr.v.patch[7:0] = 0xaa;
        hdr.v.patch[31:28] = 5;
        hdr.v.trunc = (bit<8>)hdr.v.word;
        hdr.v.nibs = hdr.v.word[11:8] ++ (hdr.v.word >> 12)[3:0];
        hdr.v.sext = (bit<32>)(int<32>)(int<8>)hdr.v.word[7:0];
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.v); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
