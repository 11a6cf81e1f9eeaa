# Internet checksum blocks of issue 4: the RFC 1071 example size with one stage (all adders in
# front of the output register), an odd size, the 20-byte IPv4 header with a register after
# every level, and 60 bytes (IPv4 with options) at 3 stages as the compiler uses it for 250 MHz.
foreach(cfg "8;1" "21;2" "20;5" "60;3")
    list(GET cfg 0 bytes)
    list(GET cfg 1 stages)
    hop_rtl_test(hop_csum16 SUFFIX _h${bytes}_s${stages}
                 PARAMS -GHDR_BYTES=${bytes} -GSTAGES=${stages})
    target_compile_definitions(hop_csum16_h${bytes}_s${stages}_test PRIVATE
                               HDR_BYTES=${bytes} CSUM_STAGES=${stages})
endforeach()
foreach(stages 0 1)
    hop_rtl_test(hop_csum16_update SUFFIX _s${stages} PARAMS -GSTAGES=${stages})
    target_compile_definitions(hop_csum16_update_s${stages}_test PRIVATE UPDATE_STAGES=${stages})
endforeach()
