// expect: non_constant_table_size.p4:9:16: error: table size must be a compile-time integer constant
// A table size must be a compile-time constant.
match_kind { exact }
action nop() { }
control C(in bit<8> k, in bit<32> n) {
    table t {
        key = { k : exact; }
        actions = { nop; }
        size = n;
    }
    apply { t.apply(); }
}
