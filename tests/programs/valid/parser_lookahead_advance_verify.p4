/*
 * parser_lookahead_advance_verify.p4 -- packet_in methods besides extract.
 * Covers: lookahead<bit<N>>() in a select and in an assignment,
 * lookahead<H>() of a whole header type and of a struct type,
 * advance() by a constant and by a computed amount, verify() with
 * built-in and user-declared errors, packet_in.length(), transition to
 * reject, and parser_error examined in ingress.
 */
#include <core.p4>
#include <v1model.p4>

error {
    BadVersion,
    TooManyOptions
}

header ethernet_t {
    bit<48> dst;
    bit<48> src;
    bit<16> etherType;
}

header ip_first_t {
    bit<4> version;
    bit<4> ihl;
}

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

struct peek_t {
    bit<4> version;
    bit<4> ihl;
}

struct headers {
    ethernet_t ethernet;
    ipv4_t     ipv4;
}

struct metadata {
    bit<8>  first_byte;
    bit<4>  ihl;
    bit<32> pkt_len;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        meta.pkt_len = pkt.length();
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            0x0800:  check_ip;
            0x88b5:  skip_experimental;
            default: accept;
        }
    }
    state skip_experimental {
        pkt.advance(32);
        transition accept;
    }
    state check_ip {
        meta.first_byte = pkt.lookahead<bit<8>>();
        ip_first_t first = pkt.lookahead<ip_first_t>();
        peek_t p = pkt.lookahead<peek_t>();
        meta.ihl = p.ihl;
        verify(first.version == 4, error.BadVersion);
        transition select(pkt.lookahead<bit<4>>()) {
            4:       parse_ipv4;
            default: reject;
        }
    }
    state parse_ipv4 {
        pkt.extract(hdr.ipv4);
        verify(hdr.ipv4.ihl >= 5, error.HeaderTooShort);
        verify(hdr.ipv4.ihl <= 10, error.TooManyOptions);
        pkt.advance(((bit<32>)hdr.ipv4.ihl - 5) << 5);   // skip options
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        if (sm.parser_error == error.BadVersion ||
            sm.parser_error == error.TooManyOptions ||
            sm.parser_error == error.PacketTooShort) {
            mark_to_drop(sm);
        } else if (sm.parser_error != error.NoError) {
            sm.egress_spec = 9w510;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.ipv4);
    }
}

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
