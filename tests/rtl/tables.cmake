# SPDX-License-Identifier: Apache-2.0
# Table blocks: each Verilated at small sizes, its testbench driven by the runtime/tables drivers.
# Each instantiates the CSR front end hop_table_csr.
# The testbench sees the block's parameters as TABLE_<NAME> macros.
function(hop_table_rtl_test module suffix)
    cmake_parse_arguments(ARG "" "" "PARAMS;SOURCES" ${ARGN})
    hop_rtl_test(${module} SUFFIX ${suffix} PARAMS ${ARG_PARAMS}
                 SOURCES hop_table_csr.sv ${ARG_SOURCES})
    set(defs "")
    foreach(p ${ARG_PARAMS})
        string(REGEX REPLACE "^-G([A-Z_]+)=(.*)$" "TABLE_\\1=\\2" d ${p})
        list(APPEND defs ${d})
    endforeach()
    target_compile_definitions(${module}${suffix}_test PRIVATE ${defs})
    target_link_libraries(${module}${suffix}_test PRIVATE hop_tables)
endfunction()

hop_table_rtl_test(hop_table_exact _k40 SOURCES hop_hash.sv
    PARAMS -GKEY_W=40 -GACTION_W=3 -GPARAM_W=40 -GDEPTH=64 -GSLOTS=4 -GBASE=4096)
hop_table_rtl_test(hop_table_exact _k72s1 SOURCES hop_hash.sv
    PARAMS -GKEY_W=72 -GACTION_W=5 -GPARAM_W=9 -GDEPTH=32 -GSLOTS=1 -GBASE=0)
hop_table_rtl_test(hop_table_direct _k7 PARAMS -GKEY_W=7 -GACTION_W=2 -GPARAM_W=20 -GBASE=256)
hop_table_rtl_test(hop_table_ternary _k12
    PARAMS -GKEY_W=12 -GACTION_W=4 -GPARAM_W=16 -GDEPTH=24 -GRADIX=4 -GBASE=8192)
hop_table_rtl_test(hop_table_ternary _k36
    PARAMS -GKEY_W=36 -GACTION_W=3 -GPARAM_W=33 -GDEPTH=8 -GRADIX=8 -GBASE=0)
