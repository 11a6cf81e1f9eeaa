// expect: bad_type.p4:5:9: error: expected a type
// typedef needs a type, not a number.

typedef bit<9> port_t;
typedef 9 width_t;
