// expect: two_errors.p4:8:1: error: expected ';'
// expect: two_errors.p4:14:18: error: expected an expression
// Two broken declarations: the parser recovers after the first and reports the second.

struct meta_t {
    bit<8> a;
    bit<8> b
}

struct ok_t { bit<8> c; }

control Ingress(inout bit<8> x) {
    apply {
        x = (x + );
    }
}

const bit<8> K = 1;
