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
