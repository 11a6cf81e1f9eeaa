# SPDX-License-Identifier: Apache-2.0
# The lane count of a beat's tkeep (hop_header_capture, hop_axis_out_queue, hop_cpu_port), at
# a narrow beat and at DATA_W=512's 64 lanes (the depth test checks that one).
foreach(k 8 64)
    hop_rtl_test(hop_keep_lanes SUFFIX _k${k} PARAMS -GKEEP_W=${k})
    target_compile_definitions(hop_keep_lanes_k${k}_test PRIVATE KL_KEEP_W=${k})
endforeach()
