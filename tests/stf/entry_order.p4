// SPDX-License-Identifier: Apache-2.0
// Which const entry wins, and the order in which an expression's operands are read:
// - an lpm table's const entries: the longest prefix, whatever their order (P4_16 14.2.1.4);
// - explicit `priority=`: the largest wins, or the smallest with largest_priority_wins = false;
// - p4c's @priority(N) as BMv2 simple_switch runs it: the smallest N wins, and an entry without
//   one has its 1-based position;
// - `x + f(x)` where f writes its inout x reads the left x first (P4_16 8.1, left to right);
// - a nested slice assigned: x[7:4][1:0] is x[5:4].
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8> a;      // lpm key
    bit<8> b;      // ternary key
    bit<8> lpm;    // result of t_lpm
    bit<8> big;    // result of t_big (largest priority wins)
    bit<8> small;  // result of t_small (smallest priority wins)
    bit<8> anno;   // result of t_anno (@priority)
    bit<8> x;      // x + bump(x), bump sets x to 1 and returns 1
    bit<8> s;      // s[7:4][1:0] = 3
}

struct headers_t { h_t h; }
struct meta_t { }

bit<8> bump(inout bit<8> v) {
    v = 1;
    return 1;
}

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action lpm_set(bit<8> v) { hdr.h.lpm = v; }
    action big_set(bit<8> v) { hdr.h.big = v; }
    action small_set(bit<8> v) { hdr.h.small = v; }
    action anno_set(bit<8> v) { hdr.h.anno = v; }

    table t_lpm {
        key = { hdr.h.a : lpm; }
        actions = { lpm_set; NoAction; }
        const entries = {
            _ : lpm_set(1);
            0x10 &&& 0xF0 : lpm_set(2);
            0x12 : lpm_set(3);
            0x10 &&& 0xFC : lpm_set(4);
        }
    }
    table t_big {
        size = 16;  // a few entries are all it takes; 16 slots keep the Verilated model small
        key = { hdr.h.b : ternary; }
        actions = { big_set; NoAction; }
        const entries = {
            priority = 1 : 0x01 &&& 0x0F : big_set(1);
            priority = 7 : 0x11 &&& 0xFF : big_set(2);
            priority = 4 : 0x00 &&& 0xF0 : big_set(3);
        }
    }
    table t_small {
        size = 16;
        key = { hdr.h.b : ternary; }
        actions = { small_set; NoAction; }
        largest_priority_wins = false;
        const entries = {
            priority = 1 : 0x01 &&& 0x0F : small_set(1);
            priority = 7 : 0x11 &&& 0xFF : small_set(2);
            priority = 4 : 0x00 &&& 0xF0 : small_set(3);
        }
    }
    table t_anno {
        size = 16;
        key = { hdr.h.b : ternary; }
        actions = { anno_set; NoAction; }
        const entries = {
            0x01 &&& 0x0F : anno_set(1) @priority(3);
            0x11 &&& 0xFF : anno_set(2);
            0x00 &&& 0xF0 : anno_set(3) @priority(1);
        }
    }
    apply {
        sm.egress_spec = 1;
        t_lpm.apply();
        t_big.apply();
        t_small.apply();
        t_anno.apply();
        hdr.h.x = hdr.h.x + bump(hdr.h.x);
        hdr.h.s[7:4][1:0] = 3;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
