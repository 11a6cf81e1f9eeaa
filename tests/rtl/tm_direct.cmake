# The direct traffic manager between a generated ingress and egress (hopc --emit split): small
# FIFOs, so that backpressure reaches both inputs.
hop_rtl_test(hop_tm_direct SUFFIX _w64 PARAMS -GDATA_W=64 -GBUNDLE_W=20 -GFRAME_DEPTH=16
             SOURCES hop_axis_fifo.sv)
target_compile_definitions(hop_tm_direct_w64_test PRIVATE TM_BUNDLE_W=20)
