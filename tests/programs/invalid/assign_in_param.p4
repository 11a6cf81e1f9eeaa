// expect: assign_in_param.p4:5:9: error: cannot assign to in parameter 'a'
// Parameters with direction `in` are read-only.
control C(in bit<8> a, inout bit<8> b) {
    apply {
        a = 1;
        b = a;
    }
}
