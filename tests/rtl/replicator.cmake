# SPDX-License-Identifier: Apache-2.0
# hop_replicator (issue 16, the traffic manager's multicast replication): a small switch (8
# ports, 16 groups, 16 nodes, 8-bit tags) and the widest port set (32 ports, 64 groups and
# nodes, 16-bit tags). The testbench reads the word offsets and commands from
# compiler/src/regmap/replicator_words.hpp.
foreach(cfg "8;16;16;8;0x0" "32;64;64;16;0x3000")
    list(GET cfg 0 ports)
    list(GET cfg 1 groups)
    list(GET cfg 2 nodes)
    list(GET cfg 3 tag)
    list(GET cfg 4 base)
    string(SUBSTRING ${base} 2 -1 base_hex)
    set(name hop_replicator_p${ports})
    hop_rtl_test(hop_replicator SUFFIX _p${ports}
                 PARAMS -GPORTS=${ports} -GGROUPS=${groups} -GNODES=${nodes} -GTAG_W=${tag}
                        "-GBASE=32'h${base_hex}")
    target_compile_definitions(${name}_test PRIVATE RP_PORTS=${ports}u RP_GROUPS=${groups}u
                               RP_NODES=${nodes}u RP_TAG_W=${tag}u RP_BASE=${base}u)
endforeach()

# The group and node tables in RAM (Yosys, UltraScale+): 4,096 groups of 25 bits and 4,096
# nodes of 48 bits (16-bit replication id, 32 ports).
add_test(NAME rtl.memories.hop_replicator_g4096
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/memories/check_ram.sh
                 ${CMAKE_SOURCE_DIR}/scripts/rtl-depth.sh ${CMAKE_SOURCE_DIR}/rtl hop_replicator
                 299008 PORTS=32 GROUPS=4096 NODES=4096 TAG_W=16 BASE=0)
set_tests_properties(rtl.memories.hop_replicator_g4096 PROPERTIES LABELS depth TIMEOUT 900)
