// expect: several_errors.p4:7:13: error: 'b' is not declared
// expect: several_errors.p4:8:13: error: cannot assign bool to bit<8>
// expect: several_errors.p4:9:9: error: 'K' is not declared
// The checker keeps going and reports every error.
control C(inout bit<8> a, in bool f) {
    apply {
        a = b;
        a = f;
        K = 1;
    }
}
