/*
 * extern_generic.p4 -- extern objects and extern functions, generic ones
 * included.
 * Covers: user-declared extern object with a type parameter, a constructor
 * and generic methods; overloaded constructors/methods; generic extern
 * functions with explicit and inferred type arguments; instantiation of
 * v1model externs (register<T>, counter, meter, direct_counter,
 * direct_meter<T>, action_profile, action_selector) and calls to the v1model
 * extern functions (hash, random, digest, clone, clone3,
 * clone_preserving_field_list, resubmit_preserving_field_list,
 * recirculate_preserving_field_list, truncate, assert, assume, log_msg,
 * mark_to_drop in both forms, static_assert).
 */
#include <core.p4>
#include <v1model.p4>

/* A user extern: a bounded queue of T. */
extern Queue<T> {
    Queue(bit<32> depth);
    Queue(bit<32> depth, T fill);
    void push(in T value);
    T pop();
    bool empty();
    void peek<S>(in S selector, out T value);
}

/* Generic extern functions. */
extern T saturate<T>(in T value, in T limit);
extern void trace<T1, T2>(in T1 a, in T2 b);
extern bit<32> checksum_of<D>(in D data);

const bool version_ok = static_assert(V1MODEL_VERSION >= 20180101, "v1model too old");
const bool always = static_assert(true);

header h_t {
    bit<32> a;
    bit<32> b;
    bit<16> c;
    bit<16> d;
}

struct headers { h_t h; }

struct digest_t {
    bit<32> a;
    bit<16> c;
}

struct metadata {
    @field_list(1)
    bit<32> tag;
    bit<16> sel;
    bit<2>  color;
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
    Queue<bit<32>>(32w16) q;
    Queue<bit<16>>(32w8, 16w0xffff) q16;
    register<bit<32>>(32w1024) reg;
    counter(32w1024, CounterType.packets) cnt;
    meter(32w64, MeterType.bytes) mtr;
    direct_counter(CounterType.packets_and_bytes) dcnt;
    direct_meter<bit<2>>(MeterType.packets) dmtr;

    action count_it() {
        dcnt.count();
    }
    action meter_it() {
        dmtr.read(meta.color);
    }
    action set_port(bit<9> port) {
        sm.egress_spec = port;
    }

    table counted {
        key = { hdr.h.a: exact; }
        actions = { count_it; NoAction; }
        counters = dcnt;
        default_action = NoAction();
    }
    table metered {
        key = { hdr.h.b: exact; }
        actions = { meter_it; NoAction; }
        meters = dmtr;
        default_action = NoAction();
    }
    table profiled {
        key = { hdr.h.c: exact; }
        actions = { set_port; NoAction; }
        implementation = action_profile(32w128);
        default_action = NoAction();
    }
    table selected {
        key = {
            hdr.h.d:  exact;
            meta.sel: selector;
        }
        actions = { set_port; NoAction; }
        implementation = action_selector(HashAlgorithm.crc16, 32w64, 32w8);
        default_action = NoAction();
    }

    apply {
        bit<32> v;
        reg.read(v, 32w3);
        reg.write(32w3, v + 1);
        cnt.count((bit<32>)hdr.h.c);
        mtr.execute_meter<bit<2>>(32w5, meta.color);
        mtr.execute_meter(32w6, meta.color);

        q.push(hdr.h.a);
        if (!q.empty()) {
            hdr.h.b = q.pop();
        }
        bit<16> peeked;
        q16.peek<bit<8>>(8w1, peeked);
        q16.peek(true, peeked);
        hdr.h.c = saturate<bit<16>>(hdr.h.c, 16w1000);
        hdr.h.d = saturate(hdr.h.d, 16w2000);
        trace(hdr.h.a, hdr.h.c);
        trace<bit<32>, bool>(hdr.h.b, true);
        hdr.h.a = checksum_of({hdr.h.b, hdr.h.c});

        hash(meta.sel, HashAlgorithm.crc32, 16w0, {hdr.h.a, hdr.h.b}, 16w1024);
        hash<bit<16>, bit<16>, tuple<bit<32>>, bit<32>>(meta.sel, HashAlgorithm.identity,
                                                        16w0, {hdr.h.a}, 32w65536);
        random(meta.tag, 32w0, 32w255);
        random<bit<16>>(meta.sel, 0, 100);
        digest<digest_t>(1, {hdr.h.a, hdr.h.c});
        digest<digest_t>(2, {a = hdr.h.b, c = hdr.h.d});

        counted.apply();
        metered.apply();
        profiled.apply();
        selected.apply();

        assert(hdr.h.isValid());
        assume(meta.color != 3);
        log_msg("color = {}, tag = {}", {meta.color, meta.tag});
        log_msg("plain message");

        if (hdr.h.a == 0) {
            clone(CloneType.I2E, 32w1);
        } else if (hdr.h.a == 1) {
            clone3(CloneType.I2E, 32w2, {meta.tag});
        } else if (hdr.h.a == 2) {
            clone_preserving_field_list(CloneType.I2E, 32w3, 1);
        } else if (hdr.h.a == 3) {
            resubmit_preserving_field_list(1);
        } else if (hdr.h.a == 4) {
            resubmit({meta.tag});
        } else if (hdr.h.a == 5) {
            mark_to_drop();
        } else {
            mark_to_drop(sm);
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    apply {
        if (hdr.h.b == 0) {
            recirculate_preserving_field_list(1);
        } else if (hdr.h.b == 1) {
            recirculate({meta.tag});
        } else if (hdr.h.b == 2) {
            clone(CloneType.E2E, 32w4);
        }
        truncate(32w64);
    }
}

control CC(inout headers hdr, inout metadata meta) {
    apply {
        update_checksum_with_payload(hdr.h.isValid(), {hdr.h.a, hdr.h.b},
                                     hdr.h.c, HashAlgorithm.csum16);
    }
}

control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
