// SPDX-License-Identifier: Apache-2.0
// v1model registers (BMv2 simple_switch's semantics): every cell starts at 0; a packet reads its
// cell, adds `add` and writes it back, then reads it again (it sees its own write); a second
// register 72 bits wide and one 12 bits wide (a write keeps the low 12 bits). An index past
// the end: the read leaves its destination as it was (0xdeadbeef here) and the write does
// nothing, as simple_switch's register_read / register_write do.
#include <core.p4>
#include <v1model.p4>

header req_t {
    bit<8>  idx;
    bit<32> add;
    bit<32> before;  // r[idx] before this packet
    bit<32> after;   // r[idx] after its write
    bit<72> wide;    // wide[0] + (add << 40), stored back
    bit<16> narrow;  // narrow[idx % 4] after narrow[idx % 4] = before + add (12 bits kept)
}

struct headers_t { req_t req; }
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.req);
        transition accept;
    }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    register<bit<32>>(8) r;
    register<bit<72>>(1) wide;
    register<bit<12>>(4) narrow;
    apply {
        sm.egress_spec = 1;
        bit<32> old = 32w0xdeadbeef;
        r.read(old, (bit<32>)hdr.req.idx);
        r.write((bit<32>)hdr.req.idx, old + hdr.req.add);
        bit<32> now = 32w0xdeadbeef;
        r.read(now, (bit<32>)hdr.req.idx);
        hdr.req.before = old;
        hdr.req.after = now;
        bit<72> w;
        wide.read(w, 0);
        w = w + ((bit<72>)hdr.req.add << 40);
        wide.write(0, w);
        hdr.req.wide = w;
        bit<32> n = (bit<32>)hdr.req.idx & 3;
        narrow.write(n, (bit<12>)(old + hdr.req.add));
        bit<12> back;
        narrow.read(back, n);
        hdr.req.narrow = (bit<16>)back;
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.req); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
