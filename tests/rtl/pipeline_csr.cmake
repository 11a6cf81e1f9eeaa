# SPDX-License-Identifier: Apache-2.0
# The CSR block of every generated pipeline: cut-through at DATA_W=64 at base 0, store-and-
# forward at DATA_W=512 at another base. The testbench reads the word offsets from
# compiler/src/regmap/regmap.hpp (hopc_lib), the parameters from compile definitions.
foreach(cfg "64;0;14;0;0123456789abcdef" "512;1c0;34;9216;fedcba9876543210")
    list(GET cfg 0 width)
    list(GET cfg 1 base)
    list(GET cfg 2 latency)
    list(GET cfg 3 max_frame)
    list(GET cfg 4 hash)
    set(name hop_pipeline_csr_w${width})
    hop_rtl_test(hop_pipeline_csr SUFFIX _w${width}
                 PARAMS -GDATA_W=${width} "-GBASE=32'h${base}" -GLATENCY=${latency}
                        -GMAX_FRAME=${max_frame} "-GHASH=64'h${hash}")
    target_compile_definitions(${name}_test PRIVATE PC_DATA_W=${width} PC_BASE=0x${base}
                               PC_LATENCY=${latency} PC_MAX_FRAME=${max_frame}
                               PC_HASH=0x${hash}ull)
    target_link_libraries(${name}_test PRIVATE hopc_lib)
endforeach()
