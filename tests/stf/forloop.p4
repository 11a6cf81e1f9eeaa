// SPDX-License-Identifier: Apache-2.0
// For loops (P4_16 1.2.5): `for (init; cond; update)` and `for (T v in lo .. hi)` /
// `for (T v in {list})`, with constant and run-time trip counts, break, continue, return from an
// action inside a loop, a loop variable declared before the loop (its value after the loop is
// the one that ended it) and nested loops.
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> x;
    bit<8> y;
    bit<8> n;
    bit<8> acc;    // 4 * x: a constant trip count
    bit<8> sum;    // 0 + 1 + ... + (n - 1) for n < 16: a run-time trip count, in an action
    bit<8> ones;   // set bits of x below its highest clear bit... counted with continue/break
    bit<8> pos;    // index of x's lowest set bit, 8 when none (loop variable used after)
    bit<8> rsum;   // 1 + 2 + ... + n over the range 1 .. n (none when n == 0)
    bit<8> lsum;   // x + 3 + y over a list
    bit<8> first;  // the first i in 0..7 with (y >> i) & 1, returned from an action; 0xff if none
    bit<8> nest;   // pairs (i, j), i < 3, j < 4, j <= i... with the inner loop broken at j > i
}

struct headers_t { h_t h; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action sum_below(bit<8> limit) {
        hdr.h.sum = 0;
        for (bit<4> i = 0; (bit<8>)i < hdr.h.n && (bit<8>)i < limit; i = i + 1) {
            hdr.h.sum = hdr.h.sum + (bit<8>)i;
        }
    }
    action first_set() {
        for (bit<8> i = 0; i < 8; i = i + 1) {
            if (((hdr.h.y >> i) & 1) == 1) {
                hdr.h.first = i;
                return;
            }
        }
        hdr.h.first = 0xff;
    }
    table t {
        key = { hdr.h.n : exact; }
        actions = { sum_below; }
        const default_action = sum_below(16);
    }
    apply {
        sm.egress_spec = 1;
        hdr.h.acc = 0;
        for (bit<8> i = 0; i < 4; i = i + 1) {
            hdr.h.acc = hdr.h.acc + hdr.h.x;
        }
        t.apply();
        // Counts the set bits of x up to its first clear bit above bit 0, skipping bit 0.
        hdr.h.ones = 0;
        for (bit<8> i = 0; i < 8; i = i + 1) {
            if (i == 0) {
                continue;
            }
            if (((hdr.h.x >> i) & 1) == 0) {
                break;
            }
            hdr.h.ones = hdr.h.ones + 1;
        }
        bit<8> j = 0xaa;
        for (j = 0; j < 8; j = j + 1) {
            if (((hdr.h.x >> j) & 1) == 1) {
                break;
            }
        }
        hdr.h.pos = j;
        hdr.h.rsum = 0;
        for (bit<8> v in 1 .. hdr.h.n) {
            hdr.h.rsum = hdr.h.rsum + v;
        }
        hdr.h.lsum = 0;
        for (bit<8> v in {hdr.h.x, 3, hdr.h.y}) {
            hdr.h.lsum = hdr.h.lsum + v;
        }
        first_set();
        hdr.h.nest = 0;
        for (bit<8> a = 0; a < 3; a = a + 1) {
            for (bit<8> b = 0; b < 4; b = b + 1) {
                if (b > a) {
                    break;
                }
                hdr.h.nest = hdr.h.nest + 1;
            }
        }
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
