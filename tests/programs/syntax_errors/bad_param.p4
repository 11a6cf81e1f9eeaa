// expect: bad_param.p4:5:41: error: expected an identifier
// A parameter needs a name after its type.

header h_t { bit<8> f; }
control Ingress(inout h_t hdr, in bit<8>) {
    apply { }
}
