// expect: undeclared_type.p4:4:13: error: 'foo_t' is not declared
// A variable of a type that was never declared.
control C() {
    apply { foo_t x; }
}
