# SPDX-License-Identifier: Apache-2.0
# hop_register (issue 15): a 64-bit cell array of a depth that is not a power of two (indices
# past it), a 17-bit one with an 8-bit index, and 65,536 cells (UltraRAM) with a 16-bit index.
# The testbench reads the word offsets from compiler/src/regmap/regmap.hpp (hopc_lib).
foreach(cfg "64;5;32;0x1000" "17;256;8;0x0" "32;65536;16;0x40000")
    list(GET cfg 0 width)
    list(GET cfg 1 depth)
    list(GET cfg 2 idx_w)
    list(GET cfg 3 base)
    string(SUBSTRING ${base} 2 -1 base_hex)
    set(name hop_register_w${width}_d${depth})
    hop_rtl_test(hop_register SUFFIX _w${width}_d${depth}
                 PARAMS -GWIDTH=${width} -GDEPTH=${depth} -GIDX_W=${idx_w}
                        "-GBASE=32'h${base_hex}" -GSPAN=32)
    target_link_libraries(${name}_test PRIVATE hopc_lib)
    target_compile_definitions(${name}_test PRIVATE REG_WIDTH=${width} REG_DEPTH=${depth}u
                               REG_IDX_W=${idx_w} REG_BASE=${base}u REG_SPAN=32)
endforeach()

# Yosys (synth_xilinx, UltraScale+) maps the cells to RAM, not flip-flops: a register array in
# block RAM, a counter's packets-and-bytes cells (128 bits) in block RAM, and 65,536 cells in
# UltraRAM (tests/rtl/memories/check_ram.sh reads the synthesis statistics).
foreach(cfg "32;1024;10" "128;4096;12" "64;65536;16")
    list(GET cfg 0 width)
    list(GET cfg 1 depth)
    list(GET cfg 2 idx_w)
    math(EXPR bits "${width} * ${depth}")
    set(uram)
    if(depth GREATER_EQUAL 16384)
        set(uram uram)
    endif()
    add_test(NAME rtl.memories.hop_register_w${width}_d${depth}
             COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/memories/check_ram.sh
                     ${CMAKE_SOURCE_DIR}/scripts/rtl-depth.sh ${CMAKE_SOURCE_DIR}/rtl hop_register
                     ${bits} ${uram} WIDTH=${width} DEPTH=${depth} IDX_W=${idx_w} BASE=0 SPAN=32)
    set_tests_properties(rtl.memories.hop_register_w${width}_d${depth} PROPERTIES
                         LABELS depth TIMEOUT 900)
endforeach()
