# SPDX-License-Identifier: Apache-2.0
# The CPU port (punt to the host, inject from it, PIO over the CSR window), at a narrow and the
# widest data width. The testbench gets the parameters it needs as compile definitions too.
hop_rtl_test(hop_cpu_port SUFFIX _w64
             PARAMS -GDATA_W=64 -GPUNT_DEPTH=16 -GINJ_DEPTH=8 -GBASE=32\'h200 -GCPU_PORT=510
             SOURCES hop_axis_register.sv hop_keep_lanes.sv)
target_compile_definitions(hop_cpu_port_w64_test PRIVATE CP_PUNT_DEPTH=16 CP_INJ_DEPTH=8
                           CP_BASE=0x200 CP_CPU_PORT=510)
hop_rtl_test(hop_cpu_port SUFFIX _w512
             PARAMS -GDATA_W=512 -GPUNT_DEPTH=8 -GINJ_DEPTH=4 -GCPU_PORT=64
             SOURCES hop_axis_register.sv hop_keep_lanes.sv)
target_compile_definitions(hop_cpu_port_w512_test PRIVATE CP_PUNT_DEPTH=8 CP_INJ_DEPTH=4
                           CP_BASE=0 CP_CPU_PORT=64)
