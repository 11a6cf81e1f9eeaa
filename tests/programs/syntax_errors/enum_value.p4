// expect: enum_value.p4:7:1: error: expected '='
// Members of a serializable enum need values.

enum bit<8> Proto {
    TCP = 6,
    UDP
}
