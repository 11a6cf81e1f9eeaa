/*
 * table_properties.p4 -- table declarations and their properties.
 * Covers: key with several fields and match kinds (exact, ternary, lpm,
 * range, optional) and @name annotations on key elements, key on an
 * expression (slice) and on a method call result (isValid()), actions list
 * with @tableonly / @defaultonly annotations and with action arguments
 * omitted or bound, default_action with arguments, const default_action,
 * size, counters/meters with direct externs, implementation,
 * support_timeout, a custom property with an int and one with an
 * expression value, a keyless table, a table with an empty actions list
 * besides NoAction, and non-const `entries` with per-entry `const`.
 */
#include <core.p4>
#include <v1model.p4>

header h_t {
    bit<32> a;
    bit<32> b;
    bit<16> c;
    bit<8>  d;
    bit<8>  e;
}
struct headers { h_t h; }
struct metadata {
    bit<8>  tag;
    bit<16> port16;
}

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    direct_counter(CounterType.packets) t1_counter;

    action set_tag(bit<8> tag) {
        meta.tag = tag;
    }
    action set_tag_and_port(bit<8> tag, bit<9> port) {
        meta.tag = tag;
        sm.egress_spec = port;
    }
    action miss_action(bit<8> code) {
        meta.tag = code;
    }
    action plain() {
    }
    action drop() {
        mark_to_drop(sm);
    }

    table t1 {
        key = {
            hdr.h.a              : exact    @name("a");
            hdr.h.b              : ternary  @name("b_masked");
            hdr.h.c              : range;
            hdr.h.d              : optional;
            hdr.h.e[3:0]         : exact    @name("e_low");
            hdr.h.isValid()      : exact;
        }
        actions = {
            set_tag;
            @tableonly set_tag_and_port;
            @defaultonly miss_action;
            NoAction;
        }
        default_action = miss_action(8w0xee);
        counters = t1_counter;
        size = 4096;
        support_timeout = true;
    }

    table t2 {
        key = {
            hdr.h.a: lpm;
        }
        actions = {
            set_tag(8w7);          // argument bound in the actions list
            drop;
        }
        const default_action = drop();
        size = 65536;
        my_custom_int = 42;
        my_custom_expr = 8w1 + 8w2;
    }

    /* No key: always runs its default action. */
    table t3 {
        actions = { plain; }
        default_action = plain;
    }

    /* Mutable initial entries; one of them cannot be removed. */
    table t4 {
        key = { hdr.h.d: exact; }
        actions = { set_tag; NoAction; }
        entries = {
            const 8w1 : set_tag(10);
            8w2       : set_tag(20);
            8w3       : NoAction();
        }
        default_action = NoAction();
        size = 16;
    }

    apply {
        t1.apply();
        t2.apply();
        t3.apply();
        t4.apply();
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
