// expect: for_loop.p4:8:9: error: a for loop is not supported by hopline
// P4_16 1.2.5's for loops are recognised and rejected where they start.

control Ingress(inout bit<8> x) {
    apply {
        bit<8> n = 0;
        x = 1;
        for (bit<8> i = 0; i < 4; i = i + 1) {
            n = n + x;
        }
    }
}
