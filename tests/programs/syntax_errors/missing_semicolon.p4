// expect: missing_semicolon.p4:6:5: error: expected ';'
// A header field without its semicolon.

header ethernet_t {
    bit<48> dstAddr
    bit<48> srcAddr;
    bit<16> etherType;
}
