/*
 * casts.p4 -- explicit and implicit casts.
 * Covers: bit<W> -> bit<W'> (truncate and zero-extend), int<W> -> int<W'>
 * (sign-extend), bit<W> <-> int<W> of equal width, bool <-> bit<1>,
 * int literal -> bit<W>/int<W>, casts to and from typedef'd and `type`
 * types, serializable enum <-> underlying type, casts of expressions,
 * nested casts, and implicit conversion of int literals in assignments,
 * comparisons and arguments.
 */
#include <core.p4>
#include <v1model.p4>

typedef bit<16> word_t;
type bit<16> Tag_t;
enum bit<8> Op { Add = 1, Sub = 2 }

header h_t {
    bit<8>  b8;
    bit<16> b16;
    int<8>  s8;
    int<16> s16;
    bit<1>  flag;
    bit<7>  pad;
    bit<32> b32;
}
struct headers { h_t h; }
struct metadata {
    bool   on;
    Tag_t  tag;
    Op     op;
    word_t w;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        hdr.h.b8  = (bit<8>)hdr.h.b16;            // truncate
        hdr.h.b16 = (bit<16>)hdr.h.b8;            // zero-extend
        hdr.h.s16 = (int<16>)hdr.h.s8;            // sign-extend
        hdr.h.s8  = (int<8>)hdr.h.b8;             // same width, reinterpret
        hdr.h.b8  = (bit<8>)hdr.h.s8;
        hdr.h.b32 = (bit<32>)(bit<16>)hdr.h.s16;  // via same-width cast
        meta.on   = (bool)hdr.h.flag;
        hdr.h.flag = (bit<1>)meta.on;
        hdr.h.flag = (bit<1>)(hdr.h.b8 == 8w0);
        hdr.h.b16 = (bit<16>)5;
        hdr.h.s8  = (int<8>)-3;
        meta.w    = (word_t)hdr.h.b16;
        meta.tag  = (Tag_t)meta.w;
        hdr.h.b16 = (bit<16>)meta.tag + (bit<16>)(bit<8>)meta.op;
        meta.op   = (Op)hdr.h.b8;
        if (meta.op == Op.Add && (bit<8>)Op.Sub == 2) {
            hdr.h.b32 = (bit<32>)(hdr.h.b16 + 1) << 1;
        }
        hdr.h.b8  = 7;                            // implicit int -> bit<8>
        if (hdr.h.b16 > 1000 && hdr.h.s16 < -5) {
            sm.egress_spec = 3;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
