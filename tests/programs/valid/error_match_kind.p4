/*
 * error_match_kind.p4 -- error and match_kind declarations.
 * Covers: several user `error { ... }` declarations extending the
 * built-in set, error values error.X in verify(), in comparisons, in
 * variables, struct fields and action parameters, the parser_error field,
 * a user match_kind declaration (declared, not used by a table), and the
 * architecture match kinds range/optional/selector alongside
 * exact/ternary/lpm.
 */
#include <core.p4>
#include <v1model.p4>

error { BadMagic }
error { BadLength, Unsupported }

match_kind {
    my_fuzzy_match
}

header h_t { bit<16> magic; bit<16> len; bit<8> kind; bit<8> pad; }
struct headers { h_t h; }
struct metadata {
    error   last_error;
    bit<8>  verdict;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        meta.last_error = error.NoError;
        pkt.extract(hdr.h);
        verify(hdr.h.magic == 0xcafe, error.BadMagic);
        verify(hdr.h.len >= 6, error.BadLength);
        transition select(hdr.h.kind) {
            0 .. 3:  accept;
            default: unsupported;
        }
    }
    state unsupported {
        verify(false, error.Unsupported);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action note(error e) {
        meta.last_error = e;
    }
    action set_verdict(bit<8> v) { meta.verdict = v; }

    table by_kind {
        key = {
            hdr.h.kind:  exact;
            hdr.h.magic: ternary;
            hdr.h.len:   range;
            hdr.h.pad:   optional;
        }
        actions = { set_verdict; NoAction; }
        default_action = NoAction();
    }

    apply {
        error e = sm.parser_error;
        note(e);
        if (e == error.BadMagic || e == error.BadLength) {
            mark_to_drop(sm);
        } else if (e != error.NoError && e != error.Unsupported) {
            sm.egress_spec = 510;
        } else {
            by_kind.apply();
        }
        switch (meta.last_error) {
            error.PacketTooShort: { meta.verdict = 0xff; }
            error.NoMatch:
            error.StackOutOfBounds: { meta.verdict = 0xfe; }
            default: { }
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
