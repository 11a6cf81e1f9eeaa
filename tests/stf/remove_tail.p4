// SPDX-License-Identifier: Apache-2.0
// Headers removed at the end of the frame: the emitted headers end on an output beat boundary
// and the removed header's bytes are the frame's last bytes (the deparser's last input beats
// are all consumed bytes), or a few payload bytes follow them.
//   k.kind[7:4]: the headers kept (emitted): 0: k (8 bytes), 1: k e8 (16), 2: k e56 (64),
//                3: k e56 e64 (128)
//   k.kind[3:0]: the header parsed after them and removed with setInvalid(): 0: none, 1: r8,
//                2: r24, 3: r72, 4: r5
#include <core.p4>
#include <v1model.p4>

header k_t  { bit<8> kind; bit<56> tag; }
header e8_t { bit<64> a; }
header e56_t { bit<64> a; bit<64> b; bit<64> c; bit<64> d; bit<64> e; bit<64> f; bit<64> g; }
header e64_t {
    bit<64> a; bit<64> b; bit<64> c; bit<64> d; bit<64> e; bit<64> f; bit<64> g; bit<64> h;
}
header r8_t  { bit<64> a; }
header r24_t { bit<64> a; bit<64> b; bit<64> c; }
header r72_t {
    bit<64> a; bit<64> b; bit<64> c; bit<64> d; bit<64> e; bit<64> f; bit<64> g; bit<64> h;
    bit<64> i;
}
header r5_t  { bit<40> a; }

struct headers_t {
    k_t   k;
    e8_t  e8;
    e56_t e56;
    e64_t e64;
    r8_t  r8;
    r24_t r24;
    r72_t r72;
    r5_t  r5;
}
struct meta_t { }

parser P(packet_in pkt, out headers_t hdr, inout meta_t meta,
         inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.k);
        transition select(hdr.k.kind[7:4]) {
            0: removed;
            1: parse_e8;
            2: parse_e56;
            3: parse_e56;
            default: accept;
        }
    }
    state parse_e8 {
        pkt.extract(hdr.e8);
        transition removed;
    }
    state parse_e56 {
        pkt.extract(hdr.e56);
        transition select(hdr.k.kind[7:4]) {
            3: parse_e64;
            default: removed;
        }
    }
    state parse_e64 {
        pkt.extract(hdr.e64);
        transition removed;
    }
    state removed {
        transition select(hdr.k.kind[3:0]) {
            1: parse_r8;
            2: parse_r24;
            3: parse_r72;
            4: parse_r5;
            default: accept;
        }
    }
    state parse_r8 { pkt.extract(hdr.r8); transition accept; }
    state parse_r24 { pkt.extract(hdr.r24); transition accept; }
    state parse_r72 { pkt.extract(hdr.r72); transition accept; }
    state parse_r5 { pkt.extract(hdr.r5); transition accept; }
}

control VC(inout headers_t hdr, inout meta_t meta) { apply { } }

control I(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) {
    apply {
        sm.egress_spec = 1;
        hdr.r8.setInvalid();
        hdr.r24.setInvalid();
        hdr.r72.setInvalid();
        hdr.r5.setInvalid();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.k);
        pkt.emit(hdr.e8);
        pkt.emit(hdr.e56);
        pkt.emit(hdr.e64);
        pkt.emit(hdr.r8);
        pkt.emit(hdr.r24);
        pkt.emit(hdr.r72);
        pkt.emit(hdr.r5);
    }
}

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
