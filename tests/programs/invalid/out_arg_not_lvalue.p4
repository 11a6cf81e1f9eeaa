// expect: out_arg_not_lvalue.p4:5:21: error: argument for out parameter 'r' must be an l-value, not in parameter 'a'
// An out argument must be writable.
extern void produce(out bit<8> r);
control C(in bit<8> a) {
    apply { produce(a); }
}
