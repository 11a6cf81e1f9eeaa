// SPDX-License-Identifier: Apache-2.0
// v1model's random, log_msg, assert and assume. random(result, lo, hi) is lo + (R % (hi - lo +
// 1)), R the CRC-32 of the packet's sequence number (32 bits, from 0) and the call's number (16
// bits, in program order): lo == hi, a range, the whole 32-bit range, lo > hi (lo), run-time
// bounds, and a call in an action. random.py computes the expected outputs from that
// definition; the asserts hold for every packet (a failing one drops the packet on the model).
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<8>  sel;
    bit<8>  lo;
    bit<8>  hi;
    bit<8>  r1;
    bit<16> r2;
    bit<32> r3;
    bit<8>  r4;
    bit<8>  r5;
    bit<16> r6;
}

struct headers_t { h_t h; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        log_msg("parsed sel {}", { hdr.h.sel });
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    action pick(bit<16> top) {
        random(hdr.h.r6, 16w1, top);
    }
    table t {
        key = { hdr.h.sel : exact; }
        actions = { pick; NoAction; }
        default_action = NoAction();
    }
    apply {
        sm.egress_spec = 1;
        random(hdr.h.r1, 8w5, 8w5);
        random(hdr.h.r2, 16w100, 16w199);
        random(hdr.h.r3, 32w0, 32w0xFFFFFFFF);
        random(hdr.h.r4, 8w9, 8w3);
        random(hdr.h.r5, hdr.h.lo, hdr.h.hi);
        t.apply();
        log_msg("r2 = {}, r5 = {}", { hdr.h.r2, hdr.h.r5 });
        log_msg("done");
        assert(hdr.h.r1 == 5 && hdr.h.r2 >= 100 && hdr.h.r2 <= 199 && hdr.h.r4 == 9);
        assume(hdr.h.lo > hdr.h.hi || (hdr.h.r5 >= hdr.h.lo && hdr.h.r5 <= hdr.h.hi));
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        // A failing assert when sel is 0xEE (random-assert.stf does not send one; the model's
        // tests do).
        assert(hdr.h.sel != 0xEE);
    }
}
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }

control D(packet_out pkt, in headers_t hdr) {
    apply { pkt.emit(hdr.h); }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
