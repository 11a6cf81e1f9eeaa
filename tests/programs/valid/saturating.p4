/*
 * saturating.p4 -- saturating arithmetic.
 * Covers: |+| and |-| on bit<W> and int<W> operands, with width-prefixed
 * literals and with int literals converted implicitly, chained with
 * ordinary + and - at the same precedence level, and in compile-time
 * constant expressions.
 */
#include <core.p4>
#include <v1model.p4>

const bit<8> SAT_HI = 8w250 |+| 8w10;     // 255
const bit<8> SAT_LO = 8w5 |-| 8w10;       // 0
const int<8> SAT_SP = 8s120 |+| 8s10;     // 127
const int<8> SAT_SN = -8s120 |-| 8s10;    // -128

header h_t {
    bit<8>  u;
    bit<16> u16;
    int<8>  s;
    int<16> s16;
}
struct headers { h_t h; }
struct metadata { }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action bump(bit<8> by) {
        hdr.h.u = hdr.h.u |+| by;
    }
    apply {
        bump(8w3);
        hdr.h.u = hdr.h.u |-| 1;
        hdr.h.u16 = hdr.h.u16 |+| 16w1000 |-| 16w10 + 16w1;
        hdr.h.s = hdr.h.s |+| -1;
        hdr.h.s = hdr.h.s |-| 8s100;
        hdr.h.s16 = (hdr.h.s16 |+| 16s1) - (int<16>)SAT_SN;
        hdr.h.u = hdr.h.u |+| SAT_HI |-| SAT_LO;
        hdr.h.s = hdr.h.s |+| SAT_SP;
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
