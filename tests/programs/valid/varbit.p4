/*
 * varbit.p4 -- variable-size fields.
 * Covers: varbit<N> header field, two-argument extract with a computed
 * size, assignment between headers containing varbit fields, varbit in a
 * checksum tuple, emitting a header with a varbit field.
 */
#include <core.p4>
#include <v1model.p4>

header ipv4_t {
    bit<4>  version;
    bit<4>  ihl;
    bit<8>  tos;
    bit<16> len;
    bit<16> id;
    bit<16> frag;
    bit<8>  ttl;
    bit<8>  proto;
    bit<16> csum;
    bit<32> src;
    bit<32> dst;
}

header ipv4_options_t {
    varbit<320> options;
}

struct headers {
    ipv4_t         ipv4;
    ipv4_options_t opts;
    ipv4_options_t saved;
}

struct metadata { }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ipv4);
        verify(hdr.ipv4.ihl >= 5, error.HeaderTooShort);
        transition select(hdr.ipv4.ihl) {
            5:       accept;
            default: parse_options;
        }
    }
    state parse_options {
        pkt.extract(hdr.opts, ((bit<32>)hdr.ipv4.ihl - 5) * 32);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) {
    apply {
        verify_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.len,
              hdr.ipv4.id, hdr.ipv4.frag, hdr.ipv4.ttl, hdr.ipv4.proto,
              hdr.ipv4.src, hdr.ipv4.dst, hdr.opts.options },
            hdr.ipv4.csum, HashAlgorithm.csum16);
    }
}

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        if (hdr.opts.isValid()) {
            hdr.saved = hdr.opts;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }

control CC(inout headers hdr, inout metadata meta) {
    apply {
        update_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.len,
              hdr.ipv4.id, hdr.ipv4.frag, hdr.ipv4.ttl, hdr.ipv4.proto,
              hdr.ipv4.src, hdr.ipv4.dst, hdr.opts.options },
            hdr.ipv4.csum, HashAlgorithm.csum16);
    }
}

control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ipv4);
        pkt.emit(hdr.opts);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
