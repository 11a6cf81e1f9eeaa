// expect: huge_width.p4:3:18: error: width 100000000 is out of range (1..2048)
// Widths are capped so nothing exhausts memory.
header h_t { bit<100000000> f; }
