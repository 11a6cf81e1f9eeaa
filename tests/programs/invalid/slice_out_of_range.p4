// expect: slice_out_of_range.p4:4:19: error: slice [16:9] is out of range for bit<16>
// Slice bounds must lie within the width.
control C(inout bit<8> a, in bit<16> b) {
    apply { a = b[16:9]; }
}
