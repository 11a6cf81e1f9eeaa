// expect: stack_index_out_of_bounds.p4:6:18: error: index 4 is out of bounds for h_t[4]
// A constant index outside a header stack.
header h_t { bit<8> f; }
struct hs_t { h_t[4] s; }
control C(inout hs_t hs) {
    apply { hs.s[4].f = 1; }
}
