/*
 * extern_abstract.p4 -- extern objects with abstract methods.
 * Covers: `abstract` method prototypes in an extern, instantiation with an
 * object initializer block that implements them ({ ... } after the
 * instance name), a generic extern with an abstract method, and
 * an extern method called with a named argument.
 */
#include <core.p4>
#include <v1model.p4>

extern Hook {
    Hook();
    bit<16> run(in bit<16> x);
    abstract bit<16> transform(in bit<16> x);
}

extern Accumulator<T> {
    Accumulator(T initial);
    void add(in T v);
    T get();
    abstract T combine(in T a, in T b);
}

header h_t { bit<16> a; bit<16> b; }
struct headers { h_t h; }
struct metadata { }

parser Prs(packet_in pkt, out headers hdr, inout metadata meta,
           inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.h);
        transition accept;
    }
}

control VC(inout headers hdr, inout metadata meta) { apply { } }

control Ing(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) {
    Hook() hook = {
        bit<16> transform(in bit<16> x) {
            return x + 1;
        }
    };
    Accumulator<bit<16>>(16w0) acc = {
        bit<16> combine(in bit<16> a, in bit<16> b) {
            return a |+| b;
        }
    };
    apply {
        hdr.h.a = hook.run(hdr.h.a);
        acc.add(v = hdr.h.b);
        hdr.h.b = acc.get();
    }
}

control Eg(inout headers hdr, inout metadata meta, inout standard_metadata_t sm) { apply { } }
control CC(inout headers hdr, inout metadata meta) { apply { } }
control Dep(packet_out pkt, in headers hdr) { apply { pkt.emit(hdr.h); } }

V1Switch(Prs(), VC(), Ing(), Eg(), CC(), Dep()) main;
