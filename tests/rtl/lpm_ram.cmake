# SPDX-License-Identifier: Apache-2.0
# hop_lpm_ram on its own: a depth that is a power of two and one that is not (writes above it
# must be ignored), at widths that are and are not whole words; the last two are deep enough to
# be UltraRAM (DEPTH >= 16384, the ram_style = "ultra" branch).
foreach(cfg "16;32;4" "1000;77;10" "16384;77;14" "20000;17;15")
    list(GET cfg 0 depth)
    list(GET cfg 1 width)
    list(GET cfg 2 aw)
    hop_rtl_test(hop_lpm_ram SUFFIX _d${depth}_w${width} PARAMS -GDEPTH=${depth} -GW=${width})
    target_compile_definitions(hop_lpm_ram_d${depth}_w${width}_test PRIVATE RAM_DEPTH=${depth}
                               RAM_W=${width} RAM_AW=${aw})
endforeach()
# UltraRAM inference: a deep memory (DEPTH >= 16384) carries ram_style = "ultra" and
# `synth_xilinx -family xcup -uram` builds it from URAM288 alone (16384 x 77 bits need at least 5
# of 4K x 72), with no block RAM.
find_program(HOP_YOSYS yosys)
if(HOP_YOSYS)
    add_test(NAME rtl.uram.hop_lpm_ram
             COMMAND ${HOP_YOSYS} -q -p "read_verilog -sv ${CMAKE_SOURCE_DIR}/rtl/hop_lpm_ram.sv; \
chparam -set W 77 -set DEPTH 16384 hop_lpm_ram; hierarchy -top hop_lpm_ram; \
select -assert-count 1 a:ram_style=ultra; synth_xilinx -family xcup -uram -top hop_lpm_ram; \
select -assert-min 5 t:URAM288; select -assert-none t:RAMB36E2 t:RAMB18E2")
endif()
