// expect: condition_not_bool.p4:5:13: error: condition must be bool, not bit<1>
// An if condition must be bool, not bit<1>.
control C(inout bit<1> b) {
    apply {
        if (b) { b = 0; }
    }
}
