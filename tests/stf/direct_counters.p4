// SPDX-License-Identifier: Apache-2.0
// Direct counters on the three kinds of table block: an exact table of a 16-bit key
// (hop_table_exact), an LPM table (hop_table_lpm) and a ternary table (hop_table_ternary). As in
// BMv2, an entry's counter counts on every hit, in the lookup, whatever the action does (its
// count() adds nothing), a miss counts nothing (even when the default action calls count()), and
// a counter keeps packets and bytes (the received length) whatever its type.
#include <core.p4>
#include <v1model.p4>

header req_t {
    bit<8>  op;    // ops' key; rewritten by its action
    bit<16> key;   // keyed's key
    bit<32> addr;  // prefixes' key
    bit<8>  mark;  // set by keyed's action
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
    direct_counter(CounterType.packets_and_bytes) by_key;
    direct_counter(CounterType.packets) by_prefix;
    direct_counter(CounterType.bytes) by_op;

    action mark(bit<8> m) {
        by_key.count();
        hdr.req.mark = m;
    }
    action route(bit<9> port) {
        by_prefix.count();
        sm.egress_spec = port;
    }
    action route_drop() {
        by_prefix.count();
        mark_to_drop(sm);
    }
    action rewrite(bit<8> op) {
        by_op.count();
        hdr.req.op = op;
    }
    table keyed {
        key = { hdr.req.key: exact; }
        actions = { mark; NoAction; }
        default_action = NoAction();
        counters = by_key;
        size = 128;
    }
    table prefixes {
        key = { hdr.req.addr: lpm; }
        actions = { route; route_drop; }
        default_action = route(1);
        counters = by_prefix;
        size = 64;
    }
    table ops {
        key = { hdr.req.op: ternary; }
        actions = { rewrite; NoAction; }
        default_action = NoAction();
        counters = by_op;
        size = 16;
    }
    apply {
        keyed.apply();
        prefixes.apply();
        ops.apply();
    }
}

control E(inout headers_t hdr, inout meta_t meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t hdr, inout meta_t meta) { apply { } }
control D(packet_out pkt, in headers_t hdr) { apply { pkt.emit(hdr.req); } }

V1Switch(P(), VC(), I(), E(), CC(), D()) main;
