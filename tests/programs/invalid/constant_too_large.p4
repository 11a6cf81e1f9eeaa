// expect: constant_too_large.p4:4:18: error: 256 does not fit in bit<8>
// An int constant converted to a narrower bit<N> must fit.
const bit<8> A = 255;
const bit<8> B = 256;
