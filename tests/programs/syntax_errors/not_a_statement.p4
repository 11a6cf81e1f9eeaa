// expect: not_a_statement.p4:6:14: error: expected '=' or '('
// An expression on its own is not a statement.

control Ingress(inout bit<8> x) {
    apply {
        x + 1;
    }
}
