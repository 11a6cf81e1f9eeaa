# SPDX-License-Identifier: Apache-2.0
# p4c's v1model STF corpus (../shared/p4c-stf: p4c's testdata/p4_16_samples, Apache-2.0): one
# CTest per program, stf.p4c.<name>, on the model. A program in HOP_P4C_NOT_YET is expected to be
# refused for the reason given, and its test passes only on that located refusal: a crash, a
# wrong packet or another error fails it. When a program starts to pass, delete its line here.
set(HOP_P4C_DIR ${CMAKE_SOURCE_DIR}/../shared/p4c-stf)
if(NOT EXISTS ${HOP_P4C_DIR})
    message(STATUS "p4c STF corpus: ${HOP_P4C_DIR} is absent; stf.p4c.* tests not registered")
    return()
endif()

# name, reason. The reason's first word says what the test expects:
#   construct  a language construct hopline does not implement yet: "... not supported by hopline"
#   extern     an extern hopline does not implement: "... not supported by hopline"
#   frontend   valid P4 that hopc's front end rejects: the located error in HOP_P4C_FRONTEND_ERROR
set(HOP_P4C_NOT_YET
    extern-funcs-bmv2                    "extern: a target's extern function (extern_func)"
)
# The error each `frontend` program gets today (a bug: the program is valid P4_16). None now.
set(HOP_P4C_FRONTEND_ERROR)
# Programs the model runs but the Verilog backend refuses (a located "not supported" error):
# no stf.p4c.rtl64 test for them.
set(HOP_P4C_NO_RTL
    gauntlet_enum_assign-bmv2           # standard_metadata.enq_timestamp (traffic manager)
    forloop-bmv2                        # nested loops bounded by a bit<8> field: 65,792 iterations
    issue1566-bmv2                      # one counter counted twice a packet, at two indices
    ipv6-switch-ml-bmv2                 # multicast: the switch top's traffic manager (issue 16)
    v1model-special-ops-bmv2            # clone, resubmit, recirculate, multicast (issue 16)
)
set(HOP_P4C_SKIP)
set(HOP_P4C_REGEX)
list(LENGTH HOP_P4C_NOT_YET n)
math(EXPR last "${n} - 1")
foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET HOP_P4C_NOT_YET ${i} name)
    list(GET HOP_P4C_NOT_YET ${j} reason)
    list(APPEND HOP_P4C_SKIP ${name})
    if(reason MATCHES "^frontend:")
        list(FIND HOP_P4C_FRONTEND_ERROR ${name} k)
        if(k LESS 0)
            message(FATAL_ERROR "p4c.cmake: ${name} has no entry in HOP_P4C_FRONTEND_ERROR")
        endif()
        math(EXPR k "${k} + 1")
        list(GET HOP_P4C_FRONTEND_ERROR ${k} regex)
        set(HOP_P4C_REGEX_${name} "${name}[.]p4:[0-9]+:[0-9]+: .*${regex}")
    elseif(reason MATCHES "^(construct|extern):")
        set(HOP_P4C_REGEX_${name} "[.]p4(:[0-9]+:[0-9]+)?: error: [^\n]*not supported by hopline")
    else()
        message(FATAL_ERROR "p4c.cmake: ${name}: unknown reason '${reason}'")
    endif()
endforeach()

# The RTL refuses the traffic manager's programs with a located error (stf.p4c.rtlrefused.*).
foreach(name ipv6-switch-ml-bmv2 v1model-special-ops-bmv2)
    add_test(NAME stf.p4c.rtlrefused.${name}
        COMMAND $<TARGET_FILE:hopsim> stf ${HOP_P4C_DIR}/${name}.p4 ${HOP_P4C_DIR}/${name}.stf
                -I ${HOP_P4C_DIR} --engine rtl --data-width 64 --rtl-cache ${HOP_RTL_CACHE})
    set_tests_properties(stf.p4c.rtlrefused.${name} PROPERTIES PASS_REGULAR_EXPRESSION
        "${name}[.]p4:[0-9]+:[0-9]+: error: [^\n]*needs the switch top's traffic manager")
endforeach()
file(GLOB HOP_P4C_STF_FILES CONFIGURE_DEPENDS ${HOP_P4C_DIR}/*.stf)
set(HOP_P4C_PASSING)
foreach(stf ${HOP_P4C_STF_FILES})
    get_filename_component(name ${stf} NAME_WE)
    set(p4 ${HOP_P4C_DIR}/${name}.p4)
    add_test(NAME stf.p4c.${name}
        COMMAND $<TARGET_FILE:hopsim> stf ${p4} ${stf} --engine model -I ${HOP_P4C_DIR})
    if(name IN_LIST HOP_P4C_SKIP)
        set_tests_properties(stf.p4c.${name} PROPERTIES
            PASS_REGULAR_EXPRESSION "${HOP_P4C_REGEX_${name}}")
    else()
        list(APPEND HOP_P4C_PASSING ${name})
    endif()
endforeach()

# On the Verilated pipeline at DATA_W=64: every passing program the backend builds. A model
# takes about 2 minutes of one core to build (45 programs: over 40 minutes on CI's 2 cores), so
# these tests are labelled `slow` (`ctest -L slow`); each builds its model into the shared cache
# on first run, and `ninja hop_p4c_rtl_models` builds them all beforehand.
add_custom_target(hop_p4c_rtl_models)
foreach(name ${HOP_P4C_PASSING})
    if(name IN_LIST HOP_P4C_NO_RTL)
        continue()
    endif()
    set(p4 ${HOP_P4C_DIR}/${name}.p4)
    add_custom_target(hop_p4c_rtl_model_${name}_w64
        COMMAND $<TARGET_FILE:hopsim> build ${p4} -I ${HOP_P4C_DIR}
                --data-width 64 --rtl-cache ${HOP_RTL_CACHE} > /dev/null
        DEPENDS hopsim
        COMMENT "hopsim: the RTL model of p4c's ${name}.p4 (DATA_W=64), built or cached"
        VERBATIM)
    add_dependencies(hop_p4c_rtl_models hop_p4c_rtl_model_${name}_w64)
    add_test(NAME stf.p4c.rtl64.${name}
        COMMAND $<TARGET_FILE:hopsim> stf ${p4} ${HOP_P4C_DIR}/${name}.stf -I ${HOP_P4C_DIR}
                --engine rtl --data-width 64 --rtl-cache ${HOP_RTL_CACHE})
    set_tests_properties(stf.p4c.rtl64.${name} PROPERTIES LABELS slow TIMEOUT 1800)
endforeach()
