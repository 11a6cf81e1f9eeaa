// expect: recursive_typedef.p4:3:9: error: 'A' is not declared
// Cyclic typedefs: the first one names a type not yet declared.
typedef A B;
typedef B A;
