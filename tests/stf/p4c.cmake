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
#   tm         an STF command that needs the traffic manager (issue 16)
#   frontend   valid P4 that hopc's front end rejects: the located error in HOP_P4C_FRONTEND_ERROR
set(HOP_P4C_NOT_YET
    arith2-inline-bmv2                   "extern: a user extern (compute)"
    default_action-bmv2                  "extern: a user extern (compute)"
    extern-funcs-bmv2                    "extern: a user extern (compute)"
    constant-in-calculation-bmv2         "extern: hash"
    issue1566-bmv2                       "extern: counter"
    issue1814-1-bmv2                     "extern: register"
    ipv6-switch-ml-bmv2                  "tm: mc_mgrp_create (multicast)"
    v1model-special-ops-bmv2             "tm: mirroring_add (clone sessions)"
    array-copy-bmv2                      "construct: header stack extract(.next)"
    gauntlet_index_2-bmv2                "construct: header stack extract(.next)"
    gauntlet_index_5-bmv2                "construct: header stack extract(.next)"
    gauntlet_index_7-bmv2                "construct: header stack extract(.next)"
    gauntlet_index_9-bmv2                "construct: header stack extract(.next)"
    header-stack-ops-bmv2                "construct: header stack extract(.next)"
    predication_issue_3                  "construct: header stack extract(.next)"
    stack_complex-bmv2                   "construct: header stack extract(.next)"
    ternary2-bmv2                        "construct: header stack extract(.next)"
    issue561-4-bmv2                      "construct: a stack of header unions"
    issue561-6-bmv2                      "construct: a stack of header unions"
    gauntlet_mux_hdr-bmv2                "construct: a local header stack"
    gauntlet_complex_initialization-bmv2 "construct: a local of header type"
    gauntlet_hdr_int_initializer-bmv2    "construct: a local of header type"
    gauntlet_hdr_set_valid-bmv2          "construct: a local of header type"
    gauntlet_enum_assign-bmv2            "construct: whole header/struct assignment"
    gauntlet_function_if_hdr_return-bmv2 "construct: whole header/struct assignment"
    gauntlet_indirect_hdr_assign_2-bmv2  "construct: a header used as a value"
    gauntlet_hdr_in_value-bmv2           "construct: a header in a struct initialiser"
    gauntlet_list_as_in_argument-bmv2    "construct: a list expression as an argument"
    gauntlet_uninitialized_bool_struct-bmv2 "construct: a struct local initialiser"
    gauntlet_action_return-bmv2          "construct: bound action arguments in a table"
    gauntlet_switch_nested_table_apply-bmv2 "construct: bound action arguments in a table"
    issue2375-bmv2                       "construct: bound action arguments in a table"
    gauntlet_side_effect_order_4-bmv2    "construct: return with a value in a function"
    issue1879-bmv2                       "construct: a parser local declaration"
    issue2498-bmv2                       "construct: an out/inout argument of this kind"
    issue774-4-bmv2                      "construct: extracting into _"
    checksum-l4-bmv2                     "construct: a field of lookahead<T>()"
    issue1025-bmv2                       "construct: a field of lookahead<T>()"
    equality-bmv2                        "frontend: == on varbit"
    forloop-bmv2                         "frontend: for loops"
    opassign2-bmv2                       "frontend: compound assignment"
    gauntlet_function_return_cast-bmv2   "frontend: a negative literal as bit<W>"
    gauntlet_various_ops-bmv2            "frontend: a negative literal as bit<W>"
    issue2392-bmv2                       "frontend: a negative literal as bit<W>"
    runtime-index-bmv2                   "frontend: a signed run-time stack index"
)
# The error each `frontend` program gets today (a bug: the program is valid P4_16).
set(HOP_P4C_FRONTEND_ERROR
    equality-bmv2                      "'==' cannot compare varbit"
    forloop-bmv2                       "error: expected '\\)'"
    opassign2-bmv2                     "error: expected an expression"
    gauntlet_function_return_cast-bmv2 "-1 does not fit in bit<8>"
    gauntlet_various_ops-bmv2          "-1 does not fit in bit<4>"
    issue2392-bmv2                     "-1 does not fit in bit<8>"
    runtime-index-bmv2                 "index must be an unsigned integer, not int<8>"
)
# Programs the model runs but the Verilog backend refuses (a located "not supported" error):
# no stf.p4c.rtl64 test for them.
set(HOP_P4C_NO_RTL
    arith-bmv2 arith1-bmv2 arith4-bmv2  # a table without a key
    issue1755-bmv2                      # a parser statement the backend does not build
    issue447-3-bmv2 issue447-5-bmv2     # a varbit length not a whole number of bytes
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
    elseif(reason MATCHES "^tm:")
        set(HOP_P4C_REGEX_${name} "${name}[.]stf:[0-9]+:[0-9]+: note: .* needs multicast groups and mirroring sessions")
    elseif(reason MATCHES "^(construct|extern):")
        set(HOP_P4C_REGEX_${name} "[.]p4(:[0-9]+:[0-9]+)?: error: [^\n]*not supported by hopline")
    else()
        message(FATAL_ERROR "p4c.cmake: ${name}: unknown reason '${reason}'")
    endif()
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
