# SPDX-License-Identifier: Apache-2.0
# hop_meter (issue 15): trTCM cells on hop_register, 16 cells and 5 (a depth that is not a power
# of two, indices past it). The testbench reads the word offsets from regmap.hpp (hopc_lib);
# METER_LATENCY is the block's LATENCY (regmap::kMeterLatency).
foreach(depth 16 5)
    set(name hop_meter_d${depth})
    hop_rtl_test(hop_meter SUFFIX _d${depth} SOURCES hop_register.sv
                 PARAMS -GDEPTH=${depth} -GIDX_W=32 "-GBASE=32'h0" -GSPAN=128)
    target_link_libraries(${name}_test PRIVATE hopc_lib)
    target_compile_definitions(${name}_test PRIVATE METER_DEPTH=${depth}u METER_LATENCY=8u)
endforeach()
