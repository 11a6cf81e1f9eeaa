# SPDX-License-Identifier: Apache-2.0
# The deparser of every generated pipeline, at each data width, with headers shorter and
# longer than a beat (at 512 also longer than two beats).
foreach(cfg "64;34" "128;100" "256;20" "512;34" "512;160")
    list(GET cfg 0 width)
    list(GET cfg 1 hdr)
    hop_rtl_test(hop_deparser SUFFIX _w${width}_h${hdr} PARAMS -GDATA_W=${width} -GHDR_BYTES=${hdr})
    target_compile_definitions(hop_deparser_w${width}_h${hdr}_test PRIVATE DP_HDR_BYTES=${hdr})
endforeach()
