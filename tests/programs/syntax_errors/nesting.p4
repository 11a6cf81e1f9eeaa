// expect: nesting.p4:5:30: error: expected ')'
// An unbalanced parenthesis in a constant.

const bit<8> A = 1;
const bit<8> B = ((A + 1) * 2;
