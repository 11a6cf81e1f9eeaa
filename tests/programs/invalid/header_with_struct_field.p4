// expect: header_with_struct_field.p4:6:5: error: header field 's' cannot have type struct inner_t
// Header fields must be bit<W>, int<W>, varbit<W>, bool or serializable enums.
struct inner_t { bit<8> a; }
header bad_t {
    bit<8> x;
    inner_t s;
}
