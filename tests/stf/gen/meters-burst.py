# SPDX-License-Identifier: Apache-2.0
# Writes tests/stf/meters-burst.stf: python3 tests/stf/gen/meters-burst.py > tests/stf/meters-burst.stf
# Expected colours from RFC 2698's colour-blind trTCM as BMv2's Meter::execute defines it:
# buckets start full when rates are set; tokens earned since time 0 are floor(us * rate); the
# peak bucket is tested first (short: RED 2, committed bucket untouched), then the committed
# one (short: YELLOW 1); else both pay and the packet is GREEN 0. Unconfigured: GREEN.
class Meter:
    def __init__(self): self.buckets = None
    def set(self, cir, cbs, pir, pbs):
        self.buckets = [[pir, pbs, pbs, 0, 2], [cir, cbs, cbs, 0, 1]]
    def execute(self, us, units):
        if self.buckets is None: return 0
        for b in self.buckets:
            earned = int(us * b[0])
            b[2] = min(b[2] + (earned - b[3]), b[1]); b[3] = earned
            if b[2] < units: return b[4]
            b[2] -= units
        return 0
packets = [Meter() for _ in range(4)]
by_bytes = [Meter() for _ in range(2)]
entries = {}  # key -> Meter
n = 0
lines = []
HEADER = ['# SPDX-License-Identifier: Apache-2.0', "# meters.p4: idx key colour bcolour dcolour; expected colours from RFC 2698 as BMv2's", '# Meter::execute defines it, computed by hand-written Python (the n-th packet at n us), not by hopsim.']
def c(t): lines.append(t)
def pkt(idx, key, length):
    global n
    us = n; n += 1
    col = packets[idx].execute(us, 1) if idx < 4 else 0x33
    bcol = by_bytes[idx & 1].execute(us, length)
    dcol = entries[key].execute(us, 1) if key in entries else 0x33
    payload = "".join("%02x" % (i & 0xff) for i in range(length - 5))
    c("packet 0 %02x %02x 00 00 00 %s" % (idx, key, payload))
    c("expect 1 %02x %02x %02x %02x %02x %s $" % (idx, key, col, bcol, dcol, payload))
c("meter_set_rates I.by_packets 0 0.25:2 0.5:3")
packets[0].set(0.25, 2, 0.5, 3)
c("meter_array_set_rates by_bytes 10:100 20:150")
for m in by_bytes: m.set(10, 100, 20, 150)
c("add classify req.key:1 mark()")
entries[1] = Meter()
c("add classify req.key:2 mark()")
entries[2] = Meter()
c("meter_set_rates per_entry 1 0:1 0:2")
entries[2].set(0, 1, 0, 2)
c("meter_get_rates by_packets 0")
c("meter_get_rates by_packets 1")
c("# a burst on by_packets[0], one packet a microsecond: GREEN, then YELLOW, then RED, and back")
c("# entry 0 of classify has no rates (GREEN); entry 1 never refills (GREEN, YELLOW, RED...)")
for i in range(14):
    pkt(0, 1 if i % 2 else 2, 5 + 7 * i)
c("# index 1 has no rates: GREEN; index 9 is past the end: the destination keeps 0x33")
pkt(1, 3, 5); pkt(9, 3, 40)
c("# another burst: the buckets refill at one microsecond a packet")
for i in range(8):
    pkt(0, 2, 60)
print("\n".join(HEADER + lines))
