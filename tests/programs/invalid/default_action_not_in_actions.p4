// expect: default_action_not_in_actions.p4:10:26: error: default action 'drop' is not in the actions list of table 't'
// default_action must be one of the table's actions.
match_kind { exact }
action nop() { }
action drop() { }
control C(in bit<8> k) {
    table t {
        key = { k : exact; }
        actions = { nop; }
        default_action = drop;
    }
    apply { t.apply(); }
}
