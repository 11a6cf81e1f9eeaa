// expect: recursive_struct.p4:5:5: error: 'S' is not declared
// A struct cannot contain itself.
struct S {
    bit<8> x;
    S inner;
}
