// expect: division_by_zero.p4:4:25: error: division by zero
// Constant folding finds a division by zero.
const bit<8> Z = 0;
const bit<8> A = 8w10 / Z;
