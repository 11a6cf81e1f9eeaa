# The AXI4-Lite CSR slave of issue 4: a small map with unmapped addresses above it (SLVERR),
# and the default map covering the whole address space.
hop_rtl_test(hop_axil_csr SUFFIX _a12_map512 PARAMS -GADDR_W=12 -GMAP_BYTES=33\'h200)
target_compile_definitions(hop_axil_csr_a12_map512_test PRIVATE CSR_ADDR_W=12 CSR_MAP_BYTES=0x200)
hop_rtl_test(hop_axil_csr SUFFIX _a16 PARAMS -GADDR_W=16)
target_compile_definitions(hop_axil_csr_a16_test PRIVATE CSR_ADDR_W=16)
