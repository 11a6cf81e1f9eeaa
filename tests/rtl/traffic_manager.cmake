# SPDX-License-Identifier: Apache-2.0
# hop_traffic_manager (issue 16, v1model's traffic manager: hop_packet_buffer, hop_queue_set and
# hop_replicator joined, with the scheduler and the multicast reference counts): four ports of
# four priorities at DATA_W=64, 1,024 cells, queues of 8. The testbench reads the word offsets
# from compiler/src/regmap/{tm,buffer,queue,replicator}_words.hpp.
hop_rtl_test(hop_traffic_manager
             SOURCES hop_packet_buffer.sv hop_queue_set.sv hop_replicator.sv hop_axis_fifo.sv
                     hop_keep_lanes.sv
             PARAMS -GDATA_W=64 -GPORTS=4 -GPRIOS=4 -GDESC_W=24 -GCELLS=1024 -GQDEPTH=8
                    -GGROUPS=8 -GNODES=16 "-GBASE=32'h4000")
target_compile_definitions(hop_traffic_manager_test PRIVATE TM_DATA_W=64u TM_PORTS=4u
                           TM_PRIOS=4u TM_DESC_W=24u TM_CELLS=1024u TM_QDEPTH=8u
                           TM_BASE=0x4000u)
