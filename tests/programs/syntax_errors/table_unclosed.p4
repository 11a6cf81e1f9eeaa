// expect: table_unclosed.p4:10:9: error: expected '}' to close the table
// A misspelt table property (no '=') ends the property list early.

control Ingress(inout bit<8> x) {
    action drop() { }
    table t {
        key = { x : exact; }
        actions = { drop; }
        size = 16;
        default drop;
    }
    apply { t.apply(); }
}
