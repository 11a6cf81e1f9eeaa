# SPDX-License-Identifier: Apache-2.0
# Writes tests/stf/link_monitor-probe.stf: python3 tests/stf/gen/link_monitor-probe.py > ...
# The P4 tutorials' link_monitor on switch s1 (its table entries from pod-topo_s1-runtime.json,
# written as STF lines): egress adds every packet's length (standard_metadata.packet_length, the
# received length) to byte_cnt_reg[egress_port]; a probe reports the sum, its own length
# included, in a new probe_data header (bos 1, swid 1, port) and resets the register to 0. The
# probe's timestamps (egress_global_timestamp, BMv2's clock) are wildcards.
HEADER = [
    "# SPDX-License-Identifier: Apache-2.0",
    "# link_monitor (P4 tutorials, unmodified) on s1: byte counts per egress port in a register,",
    "# reported and reset by probes. Expected values by hand-written Python from the program's",
    "# meaning (tests/stf/gen/link_monitor-probe.py), not by hopsim.",
]
lines = []
def c(t): lines.append(t)
def csum(words):
    s = sum(words)
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def ipv4(dst, ttl, payload_len):
    total = 20 + payload_len
    hdr = [0x4500, total, 0, 0, (ttl << 8) | 17, 0, 0x0a00, 0x0101, dst >> 16, dst & 0xffff]
    hdr[5] = csum(hdr)
    return "".join("%04x" % w for w in hdr)
S1 = "080000000100"
reg = {}
def ip_packet(dst, dstmac, port, payload_len):
    payload = "".join("%02x" % (i & 0xff) for i in range(payload_len))
    length = 14 + 20 + payload_len
    c("packet 1 %s 080000000111 0800 %s %s" % (S1, ipv4(dst, 64, payload_len), payload))
    c("expect %d %s %s 0800 %s %s $" % (port, dstmac, S1, ipv4(dst, 63, payload_len), payload))
    reg[port] = reg.get(port, 0) + length
def probe(port, rest):
    # hop_cnt 0, one probe_fwd naming `port`, then `rest` bytes the parser leaves as payload.
    payload = "".join("%02x" % (0xf0 | (i & 0xf)) for i in range(rest))
    length = 14 + 1 + 1 + rest
    total = reg.get(port, 0) + length
    reg[port] = 0
    c("packet 1 ffffffffffff %s 0812 00 %02x %s" % (S1, port, payload))
    c("expect %d ffffffffffff %s 0812 01 81 %02x %08x %s %s %02x %s $" %
      (port, S1, port, total, "*" * 12, "*" * 12, port, payload))
    return total
c("setdefault MyEgress.swid MyEgress.set_swid(swid:1)")
c("setdefault MyIngress.ipv4_lpm MyIngress.drop()")
for host, mac, port in [(0x0a000101, "080000000111", 1), (0x0a000202, "080000000222", 2),
                        (0x0a000303, "080000000300", 3), (0x0a000404, "080000000400", 4)]:
    c("add MyIngress.ipv4_lpm hdr.ipv4.dstAddr:0x%08x/32 MyIngress.ipv4_forward(dstAddr:0x%s, port:%d)"
      % (host, mac, port))
c("# two packets out of port 2, one out of port 3; the probe out of port 2 reports all three")
c("# of port 2's bytes with its own, then the count starts again from 0")
ip_packet(0x0a000202, "080000000222", 2, 26)
ip_packet(0x0a000202, "080000000222", 2, 100)
ip_packet(0x0a000303, "080000000300", 3, 10)
probe(2, 4)
c("register_read MyEgress.byte_cnt_reg 2 == 0")
c("register_read MyEgress.byte_cnt_reg 3 == %d" % reg[3])
ip_packet(0x0a000202, "080000000222", 2, 0)
c("register_read byte_cnt_reg 2 == %d" % reg[2])
probe(2, 0)
probe(3, 2)
c("register_read byte_cnt_reg 3 == 0")
c("# a packet to an unknown host is dropped in ingress: nothing counted")
c("packet 1 %s 080000000111 0800 %s" % (S1, ipv4(0x0a000909, 64, 0)))
probe(2, 0)
print("\n".join(HEADER + lines))
