# SPDX-License-Identifier: Apache-2.0
# Writes tests/stf/counters-count.stf: python3 tests/stf/gen/counters-count.py > tests/stf/counters-count.stf
# Expected values from BMv2's counter definition: each count adds 1 packet and the received
# length; out-of-range indices count nothing; direct counters count per entry on hits only.
from collections import defaultdict
cnt = {n: defaultdict(lambda: [0, 0]) for n in ("by_packets", "by_bytes", "egress_both", "per_entry")}
size = {"by_packets": 4, "by_bytes": 4, "egress_both": 2}
entries = {}  # key -> (handle, port)
lines = []
HEADER = ['# SPDX-License-Identifier: Apache-2.0', "# counters.p4: idx key port; expected counts from BMv2's counter definition (each count: one", '# packet and the received length), computed by hand-written Python, not by hopsim.']
def c(t): lines.append(t)
def add(key, port):
    entries[key] = (len(entries), port)
    c("add fwd req.key:%d forward(port:%d)" % (key, port))
def count(name, idx, length):
    if name in size and idx >= size[name]: return
    cnt[name][idx][0] += 1; cnt[name][idx][1] += length
def pkt(idx, key, length):
    count("by_packets", idx, length); count("by_bytes", idx, length)
    if key in entries:
        h, port = entries[key]; count("per_entry", h, length); outport = port; p8 = port
    else:
        outport = 3; p8 = 0
    count("egress_both", idx & 1, length)
    payload = "".join("%02x" % (i & 0xff) for i in range(length - 3))
    c("packet 0 %02x %02x 00 %s" % (idx, key, payload))
    c("expect %d %02x %02x %02x %s $" % (outport, idx, key, p8, payload))
def check(name, idx, kind):
    v = cnt[name][idx][0 if kind == "packets" else 1]
    c("check_counter %s(%d) %s == %d" % (name, idx, kind, v))
add(1, 2); add(2, 4)
c("# two hits on entry 0 (handle 0), index 1")
pkt(1, 1, 64); pkt(1, 1, 100)
c("# a miss: the direct counter does not count it")
pkt(2, 9, 20)
c("# index 7 is past the end of the size-4 counters: not counted there")
pkt(7, 2, 30); pkt(0, 2, 3)
for n in ("by_packets", "by_bytes"):
    for i in range(4):
        check(n, i, "packets"); check(n, i, "bytes")
for i in range(2):
    check("egress_both", i, "packets"); check("egress_both", i, "bytes")
for h in range(2):
    check("per_entry", h, "packets"); check("per_entry", h, "bytes")
c("check_counter I.per_entry(1) bytes > 32")
c("check_counter per_entry(0) packets != 0")
c("counter_write I.by_packets 3 10 20")
cnt["by_packets"][3] = [10, 20]
check("by_packets", 3, "packets"); check("by_packets", 3, "bytes")
c("counter_reset by_bytes")
cnt["by_bytes"].clear()
pkt(1, 1, 10)
check("by_bytes", 1, "bytes"); check("by_bytes", 0, "packets"); check("per_entry", 0, "packets")
print("\n".join(HEADER + lines))
