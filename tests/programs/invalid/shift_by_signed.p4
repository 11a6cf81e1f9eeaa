// expect: shift_by_signed.p4:4:22: error: shift amount must be unsigned, not int<8>
// A shift amount must be unsigned.
control C(inout bit<8> a, in int<8> s) {
    apply { a = a << s; }
}
