// expect: action_label_without_action_run.p4:10:13: error: action label 'nop' needs a switch on a table's action_run
// Action names as switch labels need `switch (t.apply().action_run)`.
match_kind { exact }
action nop() { }
control C(inout bit<8> k) {
    table t { key = { k : exact; } actions = { nop; } }
    apply {
        t.apply();
        switch (k) {
            nop: { }
            default: { }
        }
    }
}
