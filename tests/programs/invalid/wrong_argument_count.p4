// expect: wrong_argument_count.p4:5:13: error: wrong number of arguments to 'two': expected 2, got 1
// An extern function called with too few arguments.
extern void two(in bit<8> a, in bit<8> b);
control C(in bit<8> a) {
    apply { two(a); }
}
