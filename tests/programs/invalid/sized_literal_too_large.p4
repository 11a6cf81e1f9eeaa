// expect: sized_literal_too_large.p4:3:18: error: 8w256 does not fit in bit<8>
// A sized literal whose value does not fit its own width.
const bit<8> A = 8w256;
