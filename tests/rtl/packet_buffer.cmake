# SPDX-License-Identifier: Apache-2.0
# hop_packet_buffer (issue 16, the traffic manager's packet buffer): 64-bit beats in 64 cells,
# and 512-bit beats in 32 cells (small, so the tests fill them). The testbench reads the word
# offsets from compiler/src/regmap/buffer_words.hpp.
foreach(cfg "64;64;0x0" "512;32;0x5000")
    list(GET cfg 0 width)
    list(GET cfg 1 cells)
    list(GET cfg 2 base)
    string(SUBSTRING ${base} 2 -1 base_hex)
    set(name hop_packet_buffer_w${width})
    hop_rtl_test(hop_packet_buffer SUFFIX _w${width} SOURCES hop_keep_lanes.sv
                 PARAMS -GDATA_W=${width} -GCELLS=${cells} "-GBASE=32'h${base_hex}")
    target_compile_definitions(${name}_test PRIVATE PB_DATA_W=${width}u PB_CELLS=${cells}u
                               PB_BASE=${base}u)
endforeach()

# The cells and the free list in RAM (Yosys, UltraScale+): 4,096 cells of 512 bits.
add_test(NAME rtl.memories.hop_packet_buffer_c4096
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/memories/check_ram.sh
                 ${CMAKE_SOURCE_DIR}/scripts/rtl-depth.sh ${CMAKE_SOURCE_DIR}/rtl hop_packet_buffer
                 2097152 +hop_keep_lanes.sv DATA_W=512 CELLS=4096 BASE=0)
set_tests_properties(rtl.memories.hop_packet_buffer_c4096 PROPERTIES LABELS depth TIMEOUT 900)
