// expect: undeclared_name.p4:4:17: error: 'y' is not declared
// Using a name that was never declared.
control C(inout bit<8> x) {
    apply { x = y; }
}
