// expect: for_loop.p4:8:33: error: expected ';'
// P4_16 1.2.5's for loops: the init, the condition and the update are separated by ';'.

control Ingress(inout bit<8> x) {
    apply {
        bit<8> n = 0;
        x = 1;
        for (bit<8> i = 0; i < 4, i = i + 1) {
            n = n + x;
        }
    }
}
