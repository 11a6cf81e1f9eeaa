/*
 * slices_concat.p4 -- bit slices and concatenation.
 * Covers: slices [h:l] of fields, variables and expressions, single-bit
 * slices, slices with constant-expression bounds, slices as l-values
 * (assigning to part of a field), slices of signed values (which are
 * unsigned), concatenation of fields and slices (++), concatenation with
 * a signed left operand, and nested slice of a concatenation.
 */
#include <core.p4>
#include <v1model.p4>

const int HI = 15;
const int LO = 8;

header h_t {
    bit<32> addr;
    bit<16> port;
    int<8>  s;
    bit<8>  b;
}
struct headers { h_t h; }
struct metadata {
    bit<8>  top;
    bit<48> combined;
    bit<4>  nibble;
    int<16> wide_signed;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        meta.top = hdr.h.addr[31:24];
        meta.nibble = hdr.h.port[HI:HI - 3];
        bit<8> mid = hdr.h.port[HI:LO];
        bit<1> lsb = hdr.h.addr[0:0];
        meta.combined = hdr.h.addr ++ hdr.h.port;
        meta.combined = hdr.h.port ++ hdr.h.addr[31:16] ++ mid ++ hdr.h.b;
        hdr.h.addr[7:0] = 8w0xff;                 // partial assignment
        hdr.h.addr[31:31] = lsb;
        hdr.h.port[3:0] = meta.nibble;
        bit<8> from_signed = hdr.h.s[7:0];        // slice of int<8> is bit<8>
        meta.wide_signed = hdr.h.s ++ hdr.h.b;    // int<8> ++ bit<8> is int<16>
        hdr.h.b = (hdr.h.addr ++ hdr.h.port)[27:20];
        hdr.h.b = from_signed ^ (meta.top[3:0] ++ meta.nibble);
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
