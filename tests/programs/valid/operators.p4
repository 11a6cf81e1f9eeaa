/*
 * operators.p4 -- every P4_16 operator and the precedence rules.
 * Covers: unary - + ~ !, * / % (on compile-time values) + -, |+| |-|,
 * << >>, < <= > >=, == !=, & ^ |, ++ (concatenation), && ||, ?:,
 * casts, slices [h:l], bit access [i:i], method calls, member access,
 * array indexing, parenthesised sub-expressions and the precedence
 * between all of them (results are written so that a wrong grouping
 * would change the value or the type).
 */
#include <core.p4>
#include <v1model.p4>

const int    Q    = 20 / 3;             // 6
const int    R    = 20 % 3;             // 2
const bit<8> QB   = 8w200 / 8w7;        // compile-time division on bit<8>
const bit<8> RB   = 8w200 % 8w7;
const int    PREC = 1 + 2 * 3 - 4 / 2;  // 5: * and / bind tighter than + -
const int    SH   = 1 << 4 + 1;         // 32: + binds tighter than <<
const bool   CMP  = 1 + 1 == 2 && 3 > 2 || false;

header h_t {
    bit<8>  a;
    bit<8>  b;
    bit<16> c;
    int<8>  s;
    int<8>  t;
    bit<32> w;
    bit<1>  flag;
    bit<7>  pad;
}

struct headers { h_t h; }
struct metadata {
    bit<8>  r8;
    bit<16> r16;
    bit<32> r32;
    int<8>  rs;
    bool    rb;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        bit<8> a = hdr.h.a;
        bit<8> b = hdr.h.b;
        int<8> s = hdr.h.s;
        int<8> t = hdr.h.t;

        /* arithmetic and bitwise */
        meta.r8 = a + b * 8w3 - (a - b);
        meta.r8 = ~a & b | a ^ b;           // (~a & b) | (a ^ b)
        meta.r8 = a & (b | 8w0x0f) ^ ~b;    // (a & (b | 0x0f)) ^ ~b
        meta.r8 = -a;                       // two's complement negation on bit<8>
        meta.r8 = +a;                       // unary plus
        meta.rs = -s + t * 8s2;
        meta.r8 = a |+| b;                  // saturating add
        meta.r8 = a |-| b;                  // saturating subtract
        meta.rs = s |+| t |-| 8s1;          // left associative
        meta.r8 = QB + RB + (bit<8>)Q + (bit<8>)R + (bit<8>)PREC;

        /* shifts: the right operand is unsigned or an int constant */
        meta.r8 = a << 2;
        meta.r8 = a >> b[2:0];
        meta.rs = s >> 1;                   // arithmetic shift on int<8>
        meta.r32 = hdr.h.w << 8w3 >> 1;     // (w << 3) >> 1
        meta.r32 = (bit<32>)SH;
        meta.r16 = (bit<16>)a << 8 | (bit<16>)b;   // ((bit<16>)a << 8) | (bit<16>)b

        /* concatenation: ++ binds tighter than comparisons */
        meta.r16 = a ++ b;
        meta.rb  = a ++ b == hdr.h.c;
        meta.r32 = a ++ b ++ hdr.h.c;
        meta.r16 = a ++ b + 16w1;           // ++ and + share a level, left assoc

        /* comparisons and booleans */
        meta.rb = a < b || a <= b && a != b;      // || binds looser than &&
        meta.rb = !(a > b) == (a <= b);
        meta.rb = s < t && s >= -8s1;
        meta.rb = CMP;

        /* conditional operator: lowest precedence, right associative */
        meta.r8 = a > b ? a : b < 8w10 ? b : 8w10;
        meta.r8 = (a > b ? a : b) + 8w1;

        /* slices and bit access */
        meta.r8 = hdr.h.c[15:8];
        meta.r8 = hdr.h.c[7:0] + hdr.h.w[31:24];
        meta.r16 = hdr.h.flag ++ hdr.h.c[14:0];       // 1 + 15 bits
        hdr.h.flag = a[0:0];
        hdr.h.pad[6:3] = b[7:4];

        /* casts: unary prefix, binds tighter than binary operators */
        meta.r16 = (bit<16>)a + (bit<16>)b;
        meta.rs = (int<8>)a - t;
        meta.rb = (bool)hdr.h.flag && (bit<1>)true == 1w1;

        /* method calls and member access */
        meta.rb = hdr.h.isValid() && !hdr.h.isValid() == false;
        if (meta.rb) {
            sm.egress_spec = (bit<9>)meta.r8;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
