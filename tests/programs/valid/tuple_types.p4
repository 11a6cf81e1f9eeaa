/*
 * tuple_types.p4 -- tuple types.
 * Covers: tuple<...> as the type of variables and of a typedef, tuples
 * built from list expressions, element access with a constant index
 * t[0], assignment and equality of tuples, tuples passed to generic
 * externs (hash, log_msg, a user extern) with inferred and explicit
 * type arguments, and nested tuples.
 */
#include <core.p4>
#include <v1model.p4>

typedef tuple<bit<32>, bit<16>> key_t;

extern void sink<T>(in T data);

header h_t { bit<32> a; bit<16> b; bit<8> c; bit<8> d; }
struct headers { h_t h; }
struct metadata { bit<16> hv; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start { pkt.extract(hdr.h); transition accept; }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        key_t k = { hdr.h.a, hdr.h.b };
        tuple<bit<8>, bool> t = { hdr.h.c, hdr.h.c == 0 };
        tuple<key_t, bit<8>> nested = { k, 8w1 };
        key_t k2 = k;
        if (k == k2 && t[1]) {
            hdr.h.d = t[0];
        }
        hdr.h.a = k[0] + nested[0][0];
        hdr.h.b = k2[1];
        hash(meta.hv, HashAlgorithm.crc16, 16w0, k, 16w0xffff);
        hash<bit<16>, bit<16>, tuple<bit<8>, bit<8>>, bit<32>>(
            meta.hv, HashAlgorithm.xor16, 16w0, { hdr.h.c, hdr.h.d }, 32w65536);
        sink<key_t>(k);
        sink(nested);
        log_msg("k = {} {}", k);
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
