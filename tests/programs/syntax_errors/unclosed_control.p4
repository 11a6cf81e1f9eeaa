// expect: unclosed_control.p4:10:1: error: expected '}'
// The control's closing brace is missing; the next declaration starts inside it.

control Ingress(inout bit<8> x) {
    apply {
        x = 1;
    }


parser P(inout bit<8> x) {
    state start { transition accept; }
}
