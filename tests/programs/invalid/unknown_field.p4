// expect: unknown_field.p4:6:19: error: header eth_t has no field 'tpye'
// A header has no field of that name.
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
struct headers_t { eth_t eth; }
control C(inout headers_t h) {
    apply { h.eth.tpye = 0x800; }
}
