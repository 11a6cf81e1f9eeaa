// expect: assign_constant.p4:5:13: error: cannot assign to constant 'K'
// Constants cannot be assigned.
const bit<8> K = 1;
control C(inout bit<8> b) {
    apply { K = b; }
}
