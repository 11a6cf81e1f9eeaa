// expect: select_case.p4:8:13: error: expected ';'
// A select case names the next state and ends with ';'.

parser P(inout bit<8> x) {
    state start {
        transition select(x) {
            0 &&& 0xF0 : accept
            default : reject;
        }
    }
}
