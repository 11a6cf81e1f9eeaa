# SPDX-License-Identifier: Apache-2.0
# The bundle delay line of the generated pipelines: register chains (1, 2, 4) and rings (5, 14,
# the latter as wide as router.p4's bundle), at widths that are and are not whole words; and with
# HOLD (data registers load valid words only) as a chain of 1 and 3 and as a ring.
foreach(cfg "1;40" "2;70" "4;33" "5;64" "14;1101")
    list(GET cfg 0 cycles)
    list(GET cfg 1 width)
    hop_rtl_test(hop_delay SUFFIX _c${cycles}_w${width} PARAMS -GCYCLES=${cycles} -GW=${width})
    target_compile_definitions(hop_delay_c${cycles}_w${width}_test PRIVATE
                               DELAY_CYCLES=${cycles} DELAY_W=${width})
endforeach()
foreach(cfg "1;40" "3;70" "6;1101")
    list(GET cfg 0 cycles)
    list(GET cfg 1 width)
    set(name hop_delay_hold_c${cycles}_w${width})
    hop_rtl_test(hop_delay SUFFIX _hold_c${cycles}_w${width}
                 PARAMS -GCYCLES=${cycles} -GW=${width} "-GHOLD=1'b1")
    target_compile_definitions(${name}_test PRIVATE DELAY_CYCLES=${cycles} DELAY_W=${width}
                               DELAY_HOLD=1)
endforeach()
