/*
 * struct_list_expr.p4 -- structure-valued and list expressions.
 * Covers: list expressions {a, b} assigned to structs and headers,
 * struct expressions with named fields {f = 1, g = 2}, nested struct
 * expressions, struct and header initialisers in variable declarations,
 * == and != between structs and between headers, list expressions as
 * arguments of generic externs (hash, log_msg), and copying whole
 * structs and headers.
 */
#include <core.p4>
#include <v1model.p4>

struct pair_t {
    bit<8>  f;
    bit<16> g;
}

struct nested_t {
    pair_t  p;
    bool    flag;
    bit<32> w;
}

header h_t {
    bit<8>  f;
    bit<16> g;
    bit<8>  pad;
}

struct headers {
    h_t h;
    h_t copy;
}

struct metadata {
    pair_t   pair;
    nested_t n;
    bit<32>  hash_out;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        meta.pair = {1, 2};
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        pair_t a = { f = 8w1, g = 16w2 };
        pair_t b = { g = 2, f = 1 };         // field order does not matter
        pair_t c = { 3, 4 };
        nested_t n = { p = { f = 5, g = 6 }, flag = true, w = 32w7 };
        meta.n = { p = c, flag = a == b, w = 0 };
        meta.n.p = { f = hdr.h.f, g = hdr.h.g };
        if (a == b && a != c && n.p != meta.pair) {
            meta.pair = n.p;
        }

        h_t tmp = { 0xaa, 0xbbbb, 0 };      // also makes tmp valid
        hdr.copy = { f = hdr.h.f, g = 16w1, pad = 8w0 };
        if (hdr.copy == tmp) {
            hdr.copy.setInvalid();
        }
        hdr.h = tmp;

        hash(meta.hash_out, HashAlgorithm.crc32, 32w0,
             { hdr.h.f, hdr.h.g, meta.pair.f }, 32w0xffff_ffff);
        log_msg("pair = {} {}", { meta.pair.f, meta.pair.g });
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.h);
        pkt.emit(hdr.copy);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
