/*
 * ifdef_define.p4 -- the C preprocessor.
 * Covers: #include with <...> (twice, relying on the include guards),
 * #define of object-like and function-like macros, #ifdef/#ifndef/#else/
 * #endif, #if with defined() and arithmetic, #elif, #undef, macros used
 * in constants, types, expressions and table sizes, and the
 * V1MODEL_VERSION macro from v1model.p4.
 */
#include <core.p4>
#include <v1model.p4>
#include <core.p4>
#include <v1model.p4>

#define ETH_TYPE_IPV4 0x0800
#define TABLE_SIZE    (1 << 10)
#define WIDTH         16
#define FIELD(n)      bit<WIDTH> n
#define MAX(a, b)     ((a) > (b) ? (a) : (b))
#define FEATURE_COUNTERS
#define TEMP_MACRO    1
#undef  TEMP_MACRO

#ifndef V1MODEL_VERSION
#error "v1model.p4 did not define V1MODEL_VERSION"
#endif

#if V1MODEL_VERSION >= 20180101 && !defined(TEMP_MACRO)
const bool v1model_new_enough = true;
#elif defined(TEMP_MACRO)
const bool v1model_new_enough = TEMP_MACRO;
#else
const bool v1model_new_enough = false;
#endif

header h_t {
    FIELD(etherType);
    FIELD(value);
}
struct headers { h_t h; }
struct metadata { bit<WIDTH> best; }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition select(hdr.h.etherType) {
            ETH_TYPE_IPV4: accept;
            default:       accept;
        }
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
#ifdef FEATURE_COUNTERS
    counter(32w1024, CounterType.packets) c;
#endif
    action set_best(bit<WIDTH> v) { meta.best = v; }
    table t {
        key = { hdr.h.value: exact; }
        actions = { set_best; NoAction; }
        size = TABLE_SIZE;
        default_action = NoAction();
    }
    apply {
        meta.best = MAX(hdr.h.value, hdr.h.etherType);
        t.apply();
#ifdef FEATURE_COUNTERS
        c.count((bit<32>)meta.best[9:0]);
#else
        meta.best = 0;
#endif
        if (v1model_new_enough) {
            sm.egress_spec = 1;
        }
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
