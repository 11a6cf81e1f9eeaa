# SPDX-License-Identifier: Apache-2.0
# hop_table_lpm: an IPv4 trie (12-4-4-4-4-4) with small memories, loaded by runtime/tables/lpm.
# The testbench reads the same numbers through the LPM_* definitions.
set(HOP_LPM_IPV4_PARAMS
    -GKEY_W=32 -GLEVELS=6 "-GSTRIDES=128'h04040404040c" "-GNODE_AW=128'h0a0b0b0b0a00"
    -GRES_AW=13 -GACTION_W=4 -GPARAM_W=16 -GBASE=32'h00001000)
hop_rtl_test(hop_table_lpm SUFFIX _ipv4 PARAMS ${HOP_LPM_IPV4_PARAMS}
             SOURCES hop_lpm_level.sv hop_lpm_ram.sv)
# The builder is plain C++; compile it in rather than linking all of hop_tables.
target_sources(hop_table_lpm_ipv4_test PRIVATE ${CMAKE_SOURCE_DIR}/runtime/tables/lpm.cpp
               ${CMAKE_SOURCE_DIR}/compiler/src/regmap/lpm_config.cpp)
target_include_directories(hop_table_lpm_ipv4_test PRIVATE ${CMAKE_SOURCE_DIR}/compiler/src)
target_compile_definitions(hop_table_lpm_ipv4_test PRIVATE
    LPM_KEY_W=32 LPM_LEVELS=6 LPM_S0=12 "LPM_STRIDES=12,4,4,4,4,4" "LPM_NODE_AW=10,11,11,11,10"
    LPM_RES_AW=13 LPM_ACTION_W=4 LPM_PARAM_W=16 LPM_BASE=0x1000)
# `ninja hop_table_lpm_test` builds every configuration.
add_custom_target(hop_table_lpm_test DEPENDS hop_table_lpm_ipv4_test)
