/*
 * literals.p4 -- integer, boolean and string literals.
 * Covers: decimal, 0x/0X hex, 0b/0B binary, 0o/0O octal and 0d decimal
 * prefixes; width-prefixed unsigned (8w5) and signed (16s3) literals,
 * combined with base prefixes (8w0xff, 4s0b0111); '_' digit separators;
 * arbitrary-precision int constants; negative literals; true/false;
 * string literals (with an escaped quote) in log_msg and annotations.
 */
#include <core.p4>
#include <v1model.p4>

const int     BIG      = 1_000_000_000_000;     // wider than 32 bits
const int     HEXINT   = 0xDEAD_BEEF;
const int     NEG      = -42;
const bit<8>  K_A        = 8w5;
const int<16> K_B        = 16s3;
const bit<8>  K_C        = 8w0xff;
const bit<8>  K_D        = 8w0b1010_0101;
const bit<8>  K_E        = 8w0o17;
const bit<8>  K_F        = 8w0d99;
const bit<12> K_G        = 12w0XABC;
const bit<4>  K_H        = 4w0B1111;
const int<4>  K_I        = 4s0b0111;
const int<8>  K_J        = -8s5;
const int<8>  K_K        = 8s0x7f;
const bit<32> K_L        = 32w0xFFFF_0000;
const bit<64> K_M        = 64w18_446_744_073_709_551_615;
const bit<16> K_N        = 0O777;
const bit<16> K_P        = 0D1234;
const bit<48> K_Q        = 48w0x0000_5e00_5301;
const bool    K_T        = true;
const bool    K_U        = false;
const bit<8>  FROM_INT = 255;                    // int -> bit<8> implicitly
const bit<64> FROM_BIG = BIG;

header h_t {
    bit<8>  a;
    int<16> b;
    bit<32> c;
    bit<64> d;
}

struct headers { h_t h; }
struct metadata { }

parser P_(packet_in pkt, out headers hdr, inout metadata meta,
          inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

@name("ingress_with_literals")
control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        hdr.h.a = K_A + K_C + K_D + K_E + K_F + FROM_INT;
        hdr.h.b = K_B + 16s0x10 - 16s0b1 + 16s0o7 + 16s0d2 + (int<16>)K_J + (int<16>)K_K;
        hdr.h.c = K_L | 32w0 | 0xF0F0 | (bit<32>)K_G | (bit<32>)K_H | (bit<32>)K_N | (bit<32>)K_P;
        hdr.h.d = K_M & FROM_BIG & (bit<64>)K_Q;
        if (K_T && !K_U && (bit<4>)K_I == 4w7 && NEG < 0 && HEXINT > 0) {
            sm.egress_spec = 9w1;
        }
        log_msg("literal test: \"quoted\" text");
        log_msg("a = {}", {hdr.h.a});
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P_(), VC(), Ing(), Eg(), CC(), Dep()) main;
