# SPDX-License-Identifier: Apache-2.0
# hop_table_lpm: an IPv4 trie (12-4-4-4-4-4) with small memories, loaded by runtime/tables/lpm.
# The testbench reads the same numbers through the LPM_* definitions. Two sets of memory depths
# (words per trie level, 32-bit word k = level k; the result memory): powers of two (_ipv4), and
# depths that are not (_ipv4_odd), as the register map gives them (node and result capacities).
# hop_lpm_test(SUFFIX NODE_AW NODE_DEPTH RES_AW RES_DEPTH): NODE_AW / NODE_DEPTH level 1 first.
# hop_hex_digits(VALUE DIGITS OUT): VALUE in hexadecimal, zero-padded to DIGITS digits.
function(hop_hex_digits value digits out)
    math(EXPR h "${value}" OUTPUT_FORMAT HEXADECIMAL)
    string(SUBSTRING "${h}" 2 -1 h)
    string(LENGTH "${h}" n)
    while(n LESS digits)
        set(h "0${h}")
        string(LENGTH "${h}" n)
    endwhile()
    set(${out} "${h}" PARENT_SCOPE)
endfunction()
# hop_lpm_test(... [TREE]): TREE builds the model with HOP_LPM_POPCOUNT_TREE, the population
# counts hop_lpm_level synthesizes (bitwise adder trees) instead of $countones, so the suite
# shows both forms answer alike; such a model is not also a depth configuration (the synthesis
# always reads that form).
function(hop_lpm_test suffix node_aw node_depth res_aw res_depth)
    cmake_parse_arguments(ARG "TREE" "" "" ${ARGN})
    set(aw_hex "")
    set(depth_hex "")
    foreach(a ${node_aw})
        hop_hex_digits(${a} 2 h)
        set(aw_hex "${h}${aw_hex}")
    endforeach()
    foreach(d ${node_depth})
        hop_hex_digits(${d} 8 h)
        set(depth_hex "${h}_${depth_hex}")
    endforeach()
    string(REPLACE ";" "," aw_list "${node_aw}")
    string(REPLACE ";" "," depth_list "${node_depth}")
    set(params -GKEY_W=32 -GLEVELS=6 "-GSTRIDES=128'h04040404040c" "-GNODE_AW=128'h${aw_hex}00"
               "-GNODE_DEPTH=512'h${depth_hex}00000000" -GRES_AW=${res_aw}
               -GRES_DEPTH=${res_depth} -GACTION_W=4 -GPARAM_W=16 -GBASE=32'h00001000)
    if(ARG_TREE)
        # hop_rtl_test's steps, with the define and without the depth registration.
        set(name hop_table_lpm${suffix})
        add_executable(${name}_test ${CMAKE_CURRENT_SOURCE_DIR}/hop_table_lpm_test.cpp)
        target_link_libraries(${name}_test PRIVATE GTest::gtest GTest::gtest_main)
        target_include_directories(${name}_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                                   ${CMAKE_SOURCE_DIR})
        target_compile_options(${name}_test PRIVATE -Wno-unused-parameter -Wno-sign-compare)
        target_compile_definitions(${name}_test PRIVATE VMODEL=V${name}
                                   VMODEL_HEADER="V${name}.h" HOP_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
        hop_verilate(${name}_test ${name} hop_table_lpm
            SOURCES ${CMAKE_SOURCE_DIR}/rtl/hop_table_lpm.sv ${CMAKE_SOURCE_DIR}/rtl/hop_lpm_level.sv
                    ${CMAKE_SOURCE_DIR}/rtl/hop_lpm_ram.sv
            ARGS +define+HOP_LPM_POPCOUNT_TREE ${params})
        add_test(NAME rtl.${name} COMMAND ${name}_test)
    else()
        hop_rtl_test(hop_table_lpm SUFFIX ${suffix} PARAMS ${params}
                     SOURCES hop_lpm_level.sv hop_lpm_ram.sv)
    endif()
    # The builder is plain C++; compile it in rather than linking all of hop_tables.
    target_sources(hop_table_lpm${suffix}_test PRIVATE ${CMAKE_SOURCE_DIR}/runtime/tables/lpm.cpp
                   ${CMAKE_SOURCE_DIR}/runtime/tables/lpm_build.cpp
                   ${CMAKE_SOURCE_DIR}/runtime/tables/lpm_update.cpp
                   ${CMAKE_SOURCE_DIR}/compiler/src/regmap/lpm_config.cpp)
    target_include_directories(hop_table_lpm${suffix}_test PRIVATE ${CMAKE_SOURCE_DIR}/compiler/src)
    target_compile_definitions(hop_table_lpm${suffix}_test PRIVATE
        LPM_KEY_W=32 LPM_LEVELS=6 LPM_S0=12 "LPM_STRIDES=12,4,4,4,4,4" "LPM_NODE_AW=${aw_list}"
        "LPM_NODE_DEPTH=${depth_list}" LPM_RES_AW=${res_aw} LPM_RES_DEPTH=${res_depth}
        LPM_ACTION_W=4 LPM_PARAM_W=16 LPM_BASE=0x1000
        LPM_CLASS=Vhop_table_lpm${suffix}_hop_table_lpm
        LPM_CLASS_HEADER="Vhop_table_lpm${suffix}_hop_table_lpm.h")
endfunction()
hop_lpm_test(_ipv4 "10;11;11;11;10" "1024;2048;2048;2048;1024" 13 8192)
hop_lpm_test(_ipv4_odd "10;11;11;11;10" "1000;1800;1900;1500;900" 13 7000)
hop_lpm_test(_ipv4_tree "10;11;11;11;10" "1000;1800;1900;1500;900" 13 7000 TREE)
# `ninja hop_table_lpm_test` builds every configuration.
add_custom_target(hop_table_lpm_test DEPENDS hop_table_lpm_ipv4_test hop_table_lpm_ipv4_odd_test
                  hop_table_lpm_ipv4_tree_test)
