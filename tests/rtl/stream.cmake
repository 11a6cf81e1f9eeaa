# Stream blocks of issue 4 (FIFO, arbiter, demux, output queue), each at a narrow and the
# widest data width. Parameters a testbench needs are passed as compile definitions too.
hop_rtl_test(hop_axis_fifo SUFFIX _w64 PARAMS -GDATA_W=64 -GDEPTH=16)
target_compile_definitions(hop_axis_fifo_w64_test PRIVATE FIFO_DEPTH=16)
hop_rtl_test(hop_axis_fifo SUFFIX _w512 PARAMS -GDATA_W=512 -GDEPTH=8)
target_compile_definitions(hop_axis_fifo_w512_test PRIVATE FIFO_DEPTH=8)
hop_rtl_test(hop_axis_arbiter SUFFIX _p4_w64 PARAMS -GDATA_W=64 -GPORTS=4
             SOURCES hop_axis_register.sv)
target_compile_definitions(hop_axis_arbiter_p4_w64_test PRIVATE ARB_PORTS=4)
hop_rtl_test(hop_axis_arbiter SUFFIX _p3_w512 PARAMS -GDATA_W=512 -GPORTS=3
             SOURCES hop_axis_register.sv)
target_compile_definitions(hop_axis_arbiter_p3_w512_test PRIVATE ARB_PORTS=3)
hop_rtl_test(hop_axis_demux SUFFIX _p4_w64 PARAMS -GDATA_W=64 -GPORTS=4 -GBASE=32\'h40
             SOURCES hop_axis_register.sv)
target_compile_definitions(hop_axis_demux_p4_w64_test PRIVATE DEMUX_PORTS=4 DEMUX_BASE=0x40)
hop_rtl_test(hop_axis_demux SUFFIX _p3_w512 PARAMS -GDATA_W=512 -GPORTS=3
             SOURCES hop_axis_register.sv)
target_compile_definitions(hop_axis_demux_p3_w512_test PRIVATE DEMUX_PORTS=3)
hop_rtl_test(hop_axis_out_queue SUFFIX _w64 PARAMS -GDATA_W=64 -GDEPTH=16 -GBASE=32\'h100
             SOURCES hop_keep_lanes.sv)
target_compile_definitions(hop_axis_out_queue_w64_test PRIVATE OQ_DEPTH=16 OQ_BASE=0x100)
hop_rtl_test(hop_axis_out_queue SUFFIX _w512 PARAMS -GDATA_W=512 -GDEPTH=8
             SOURCES hop_keep_lanes.sv)
target_compile_definitions(hop_axis_out_queue_w512_test PRIVATE OQ_DEPTH=8 OQ_BASE=0)
