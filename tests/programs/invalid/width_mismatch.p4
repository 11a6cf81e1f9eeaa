// expect: width_mismatch.p4:4:17: error: cannot assign bit<16> to bit<8>
// No implicit width change in assignments.
control C(inout bit<8> a, in bit<16> b) {
    apply { a = b; }
}
