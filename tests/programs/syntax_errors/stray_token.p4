// expect: stray_token.p4:7:1: error: unexpected 'xyz'
// A word that starts no declaration.

header h_t {
    bit<8> f;
}
xyz;
