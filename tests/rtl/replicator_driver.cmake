# SPDX-License-Identifier: Apache-2.0
# The replication engine's driver (runtime/tables/replicator_csr) on every Verilated
# hop_replicator model replicator.cmake builds (included before this file: the list is sorted),
# linked to the same model archive rather than Verilated again. The testbench sees the model's
# parameters as RP_* definitions, read from the configuration hop_rtl_test recorded.
get_property(hop_rtl_configs GLOBAL PROPERTY HOP_RTL_CONFIGS)
set(hop_replicator_driver_models "")
foreach(model ${hop_rtl_configs})
    get_property(module GLOBAL PROPERTY HOP_RTL_CONFIG_${model}_MODULE)
    if(NOT module STREQUAL "hop_replicator")
        continue()
    endif()
    get_property(params GLOBAL PROPERTY HOP_RTL_CONFIG_${model}_PARAMS)
    set(defs VMODEL=V${model} VMODEL_HEADER="V${model}.h")
    foreach(p ${params})
        if(p MATCHES "^-G([A-Z_]+)=32'h([0-9a-fA-F]+)$")
            list(APPEND defs RP_${CMAKE_MATCH_1}=0x${CMAKE_MATCH_2}u)
        elseif(p MATCHES "^-G([A-Z_]+)=([0-9]+)$")
            list(APPEND defs RP_${CMAKE_MATCH_1}=${CMAKE_MATCH_2}u)
        endif()
    endforeach()
    string(REPLACE "hop_replicator" "hop_replicator_driver" name ${model})
    set(mdir ${CMAKE_CURRENT_BINARY_DIR}/V${model}.dir)
    add_executable(${name}_test ${CMAKE_CURRENT_SOURCE_DIR}/hop_replicator_driver_test.cpp)
    target_include_directories(${name}_test PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_SOURCE_DIR}
                               ${mdir})
    target_compile_options(${name}_test PRIVATE -Wno-unused-parameter -Wno-sign-compare)
    target_compile_definitions(${name}_test PRIVATE ${defs})
    target_link_libraries(${name}_test PRIVATE ${mdir}/V${model}__ALL.a hop_verilated hop_tables
                          GTest::gtest GTest::gtest_main)
    add_dependencies(${name}_test V${model}_model)
    add_test(NAME rtl.${name} COMMAND ${name}_test)
    list(APPEND hop_replicator_driver_models ${model})
endforeach()
if(NOT hop_replicator_driver_models)
    message(FATAL_ERROR "replicator_driver.cmake: no hop_replicator model (replicator.cmake)")
endif()
