# SPDX-License-Identifier: Apache-2.0
# hop_queue_set (issue 16, the traffic manager's queues): 8 queues of 16 entries with 32-bit
# descriptors, and 40 queues (5 ports x 8 priorities) of 64 entries with 100-bit descriptors
# (queue numbers up to 63 reach past the last queue). The testbench reads the word offsets from
# compiler/src/regmap/queue_words.hpp.
foreach(cfg "8;16;32;0x0;3" "40;64;100;0x4000;6")
    list(GET cfg 0 queues)
    list(GET cfg 1 qdepth)
    list(GET cfg 2 desc)
    list(GET cfg 3 base)
    list(GET cfg 4 qaw)
    string(SUBSTRING ${base} 2 -1 base_hex)
    set(name hop_queue_set_q${queues})
    hop_rtl_test(hop_queue_set SUFFIX _q${queues}
                 PARAMS -GQUEUES=${queues} -GQDEPTH=${qdepth} -GDESC_W=${desc}
                        "-GBASE=32'h${base_hex}")
    target_compile_definitions(${name}_test PRIVATE QS_QUEUES=${queues}u QS_QDEPTH=${qdepth}u
                               QS_DESC_W=${desc}u QS_BASE=${base}u QS_QAW=${qaw}u)
endforeach()

# The queues' memory in RAM (Yosys, UltraScale+): 16 queues of 64 entries of 300 bits.
add_test(NAME rtl.memories.hop_queue_set_q16
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/memories/check_ram.sh
                 ${CMAKE_SOURCE_DIR}/scripts/rtl-depth.sh ${CMAKE_SOURCE_DIR}/rtl hop_queue_set
                 307200 QUEUES=16 QDEPTH=64 DESC_W=300 BASE=0)
set_tests_properties(rtl.memories.hop_queue_set_q16 PROPERTIES LABELS depth TIMEOUT 900)
