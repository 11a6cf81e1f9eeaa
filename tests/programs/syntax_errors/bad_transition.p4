// expect: bad_transition.p4:6:20: error: expected a state name or 'select'
// transition takes a state name or a select expression.

parser P(inout bit<8> x) {
    state start {
        transition 5;
    }
}
