/*
 * compound_assignment.p4 -- P4_16 1.2.4's compound assignment operators.
 * Covers: every `op=` (+ - * / % & | ^ << >> |+| |-|) on fields, a slice, a local, a signed
 * value and in a parser state; `<=` and `>=` stay comparisons next to `<<=` and `>>=`.
 */
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8>  u;
    bit<16> w;
    int<8>  s;
}
struct headers { h_t h; }
struct metadata { bit<8> n; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        meta.n = 1;
        meta.n <<= 3;
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        bit<8> t = hdr.h.u;
        t += 1;
        t -= 2;
        t *= 3;
        t /= 4;
        t %= 5;
        t &= 0x7f;
        t |= 0x01;
        t ^= 0x10;
        t <<= 1;
        t >>= 2;
        t |+|= 0;
        t |-|= 9;
        hdr.h.w[15:8] += t;
        hdr.h.s -= 8s3;
        hdr.h.s |-|= 8s100;
        if (t <= 8 && t >= 2) {
            hdr.h.u = t;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
