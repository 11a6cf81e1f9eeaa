# AXI-Stream blocks, each at a narrow and the widest data width.
hop_rtl_test(hop_axis_register SUFFIX _w64 PARAMS -GDATA_W=64)
hop_rtl_test(hop_axis_register SUFFIX _w512 PARAMS -GDATA_W=512)
