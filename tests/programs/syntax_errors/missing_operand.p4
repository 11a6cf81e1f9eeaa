// expect: missing_operand.p4:6:17: error: expected an expression
// A binary operator without its right operand.

control Ingress(inout bit<8> x) {
    apply {
        x = x + ;
    }
}
