/*
 * const_entries_priority.p4 -- constant table entries.
 * Covers: const entries for exact, ternary, lpm (as value &&& mask) and
 * range keys; single-field and tuple keysets; `_` in keysets; ranges with `..`; masks with `&&&`; explicit priorities with
 * `priority = N:` and `priority = (expr):`; entries without priority mixed
 * with prioritised ones; the largest_priority_wins and priority_delta
 * properties; action arguments in entries; an entry annotation (after the action).
 */
#include <core.p4>
#include <v1model.p4>

const int PRIO_BASE = 100;

header h_t {
    bit<32> addr;
    bit<16> port;
    bit<8>  proto;
    bit<8>  flags;
}
struct headers { h_t h; }
struct metadata { bit<8> cls; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    action set_cls(bit<8> c) { meta.cls = c; }
    action set_port(bit<9> p) { sm.egress_spec = p; }
    action drop() { mark_to_drop(sm); }

    /* exact, single field */
    table by_proto {
        key = { hdr.h.proto: exact; }
        actions = { set_cls; NoAction; }
        const entries = {
            1  : set_cls(1);
            6  : set_cls(2);
            17 : set_cls(3);
        }
        default_action = NoAction();
    }

    /* lpm expressed with masks */
    table routes {
        key = { hdr.h.addr: lpm; }
        actions = { set_port; drop; }
        const entries = {
            0xc0000200 &&& 0xffffff00 : set_port(1);
            0xc6336400 &&& 0xffffff00 : set_port(2);
            0xcb007100 &&& 0xffffff80 : set_port(3);
            _                         : drop();
        }
        default_action = drop();
    }

    /* ternary + range, explicit priorities, smaller number wins */
    table acl {
        key = {
            hdr.h.addr : ternary;
            hdr.h.port : range;
            hdr.h.proto: ternary;
        }
        actions = { set_cls; drop; NoAction; }
        const entries = {
            priority = 1:  (0xc0000201, 22 .. 22, 6)             : drop();
            priority = 5:  (0xc0000200 &&& 0xffffff00, _, 6)     : set_cls(10);
            priority = (PRIO_BASE + 1): (_, 1024 .. 65535, _)   : set_cls(20);
            priority = 200: (_, _, 17 &&& 0xff)                  : set_cls(30);
            priority = 1000: (_, _, _) : NoAction() @my_entry_note("catch-all");
        }
        default_action = NoAction();
        largest_priority_wins = false;
    }

    /* some entries without priority: they get the previous priority
     * plus priority_delta */
    table flags_tbl {
        key = {
            hdr.h.flags: ternary;
            hdr.h.proto: exact;
        }
        actions = { set_cls; NoAction; }
        const entries = {
            priority = 10: (0x01 &&& 0x01, 6) : set_cls(1);
            (0x02 &&& 0x02, 6)                : set_cls(2);
            (0x04 &&& 0x04, 6)                : set_cls(3);
            priority = 100: (_, 17)           : set_cls(4);
        }
        default_action = NoAction();
        priority_delta = 10;
        largest_priority_wins = true;
    }

    /* plain ordered entries: earlier entries win */
    table ordered {
        key = {
            hdr.h.port : range;
            hdr.h.flags: ternary;
        }
        actions = { set_cls; NoAction; }
        const entries = {
            (0 .. 1023, 0x00 &&& 0xf0)  : set_cls(1);
            (0 .. 1023, _)              : set_cls(2);
            (1024 .. 49151, _)          : set_cls(3);
            (_, _)                      : set_cls(4);
        }
        default_action = NoAction();
    }

    apply {
        by_proto.apply();
        routes.apply();
        acl.apply();
        flags_tbl.apply();
        ordered.apply();
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
