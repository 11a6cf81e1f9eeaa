// expect: unknown_match_kind.p4:7:21: error: 'exakt' is not a match kind
// Table keys must use a declared match_kind.
match_kind { exact, lpm }
action nop() { }
control C(in bit<8> k) {
    table t {
        key = { k : exakt; }
        actions = { nop; }
    }
    apply { t.apply(); }
}
