# SPDX-License-Identifier: Apache-2.0
# The header window capture of every generated pipeline: cut-through with windows of several
# beats (DATA_W=64) and of less than one (DATA_W=512), store-and-forward with the payload sum
# and small maximum frames so that too-long frames are frequent (DATA_W=128, 256), and router.p4's
# (DATA_W=512, 42 bytes, jumbo frames).
foreach(cfg "64;34;0;0" "512;34;0;0" "128;100;300;1" "256;3;200;1" "512;42;9216;0")
    list(GET cfg 0 width)
    list(GET cfg 1 win)
    list(GET cfg 2 max_frame)
    list(GET cfg 3 psum)
    set(name hop_header_capture_w${width}_h${win})
    hop_rtl_test(hop_header_capture SUFFIX _w${width}_h${win}
                 PARAMS -GDATA_W=${width} -GWIN_BYTES=${win} -GMAX_FRAME=${max_frame}
                        "-GPAYLOAD_SUM=1'b${psum}"
                 SOURCES hop_keep_lanes.sv)
    target_compile_definitions(${name}_test PRIVATE CAP_WIN_BYTES=${win}
                               CAP_MAX_FRAME=${max_frame} CAP_PAYLOAD_SUM=${psum})
endforeach()
