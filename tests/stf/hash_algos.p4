// SPDX-License-Identifier: Apache-2.0
// v1model's hash extern with every algorithm BMv2 runs, as simple_switch computes
// base + (H(data) % max): the data packed bit after bit and zero-padded to bytes (16-bit words
// for csum16 and xor16), max 0 treated as 1, a max above every hash value, powers of two and
// other constants, the result truncated to its field, a base from an action parameter, and a
// field of an invalid header left out of the data (the `opt` header follows only when
// in.sel is 1). hash_algos.py computes the expected outputs from the algorithms' definitions.
#include <core.p4>
#include <v1model.p4>

header in_t {
    bit<32> a;
    bit<16> b;
    bit<8>  c;
    bit<4>  d;
    bit<4>  e;
    bit<8>  sel;
}
header opt_t { bit<16> x; }
header out_t {
    bit<32> crc32;
    bit<16> crc16;
    bit<32> crc32c;
    bit<16> crc16c;
    bit<64> ident;
    bit<64> ident12;
    bit<16> csum;
    bit<16> xr;
    bit<16> mod7;
    bit<8>  base0;
    bit<16> pow2;
    bit<32> odd;
    bit<16> withopt;
    bit<8>  trunc;
    bit<16> act;
    bit<16> big;
    bit<16> mod1000;
}

struct headers_t {
    in_t  i;
    opt_t opt;
    out_t o;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.i);
        transition select(hdr.i.sel) {
            1: with_opt;
            default: out;
        }
    }
    state with_opt {
        pkt.extract(hdr.opt);
        transition out;
    }
    state out {
        pkt.extract(hdr.o);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action act(bit<16> base) {
        hash(hdr.o.act, HashAlgorithm.crc16, base, { hdr.i.a }, 16w16);
    }
    table t {
        actions = { act; }
        default_action = act(1000);
    }
    apply {
        sm.egress_spec = 1;
        hash(hdr.o.crc32, HashAlgorithm.crc32, 32w0, { hdr.i.a, hdr.i.b, hdr.i.c },
             64w0x100000000);
        hash(hdr.o.crc16, HashAlgorithm.crc16, 16w0, { hdr.i.a, hdr.i.b, hdr.i.c }, 32w65536);
        hash(hdr.o.crc32c, HashAlgorithm.crc32_custom, 32w0, { hdr.i.a, hdr.i.d, hdr.i.e },
             64w0x100000000);
        hash(hdr.o.crc16c, HashAlgorithm.crc16_custom, 16w0, { hdr.i.b, hdr.i.c }, 32w65536);
        hash(hdr.o.ident, HashAlgorithm.identity, 64w0,
             { hdr.i.a, hdr.i.b, hdr.i.c, hdr.i.d, hdr.i.e }, 64w0xffffffffffffffff);
        hash(hdr.o.ident12, HashAlgorithm.identity, 64w0,
             { hdr.i.c, hdr.i.b, hdr.i.a, hdr.i.d, hdr.i.e, hdr.i.a }, 64w0xffffffffffffffff);
        hash(hdr.o.csum, HashAlgorithm.csum16, 16w0, { hdr.i.a, hdr.i.b, hdr.i.c }, 32w65536);
        hash(hdr.o.xr, HashAlgorithm.xor16, 16w0, { hdr.i.a, hdr.i.b, hdr.i.c }, 32w65536);
        hash(hdr.o.mod7, HashAlgorithm.crc16, 16w100, { hdr.i.a }, 16w7);
        hash(hdr.o.base0, HashAlgorithm.crc32, 8w42, { hdr.i.a }, 8w0);
        hash(hdr.o.pow2, HashAlgorithm.crc32, 16w5, { hdr.i.a, hdr.i.b }, 16w256);
        hash(hdr.o.odd, HashAlgorithm.crc32, 32w0, { hdr.i.d, hdr.i.c }, 64w0x100000000);
        hash(hdr.o.withopt, HashAlgorithm.crc16, 16w0, { hdr.i.b, hdr.opt.x }, 32w65536);
        hash(hdr.o.trunc, HashAlgorithm.crc32, 32w0x1234, { hdr.i.a }, 64w0x100000000);
        hash(hdr.o.big, HashAlgorithm.crc16, 16w3, { hdr.i.b, hdr.i.a }, 32w40000);
        hash(hdr.o.mod1000, HashAlgorithm.crc32, 16w0, { hdr.i.a, hdr.i.c }, 32w1000);
        t.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }

control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.i);
        pkt.emit(hdr.opt);
        pkt.emit(hdr.o);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
