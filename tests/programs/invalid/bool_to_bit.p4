// expect: bool_to_bit.p4:4:17: error: cannot assign bool to bit<1>
// bool and bit<1> do not convert implicitly.
control C(inout bit<1> b, in bool f) {
    apply { b = f; }
}
