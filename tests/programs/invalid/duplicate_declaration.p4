// expect: duplicate_declaration.p4:4:14: error: 'A' is already declared
// Two top-level constants with one name.
const bit<8> A = 1;
const bit<8> A = 2;
