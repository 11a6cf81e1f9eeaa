# AXI-Stream blocks, each at a narrow and the widest data width.
hop_rtl_test(hop_axis_register SUFFIX _w64 PARAMS -GDATA_W=64)
hop_rtl_test(hop_axis_register SUFFIX _w512 PARAMS -GDATA_W=512)
hop_rtl_test(hop_axis_truncate SUFFIX _w64 PARAMS -GDATA_W=64 SOURCES hop_keep_lanes.sv)
hop_rtl_test(hop_axis_truncate SUFFIX _w512 PARAMS -GDATA_W=512 SOURCES hop_keep_lanes.sv)
