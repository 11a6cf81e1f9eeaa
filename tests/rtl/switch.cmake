# SPDX-License-Identifier: Apache-2.0
# hop_switch (issue 16, the v1model switch around a program's ingress and egress pipelines,
# which the testbench plays): three front-panel ports and the CPU port (510), two priorities,
# DATA_W=64. The testbench reads the traffic manager's word offsets from
# compiler/src/regmap/{tm,buffer,queue,replicator}_words.hpp.
hop_rtl_test(hop_switch
             SOURCES hop_traffic_manager.sv hop_replicator.sv hop_queue_set.sv
                     hop_packet_buffer.sv hop_axis_fifo.sv hop_keep_lanes.sv hop_axis_arbiter.sv
                     hop_axis_demux.sv hop_axis_out_queue.sv hop_cpu_port.sv hop_axis_register.sv
             PARAMS -GDATA_W=64 -GPORTS=3 -GCPU_PORT=510 -GPRIOS=2 -GDESC_W=32 -GCELLS=512
                    -GQDEPTH=16 -GGROUPS=8 -GNODES=8 -GOUT_DEPTH=128 -GOUT_RESERVE=64
                    -GPUNT_DEPTH=128 -GINJ_DEPTH=16)
target_compile_definitions(hop_switch_test PRIVATE SW_DATA_W=64u SW_PORTS=3u SW_CPU_PORT=510u
                           SW_PRIOS=2u SW_CELLS=512u SW_DESC_W=32u)
