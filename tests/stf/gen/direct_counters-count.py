# SPDX-License-Identifier: Apache-2.0
# Writes tests/stf/direct_counters-count.stf:
#   python3 tests/stf/gen/direct_counters-count.py > tests/stf/direct_counters-count.stf
# Expected values from BMv2's direct counters: on every hit of a table, its entry's counter adds
# 1 packet and the received length (both kept whatever the type); a miss adds nothing. Entry
# handles are BMv2's: 0, 1, ... in the order of the adds of each table.
lines = ["# SPDX-License-Identifier: Apache-2.0",
         "# direct_counters.p4: op key addr mark; expected counts from BMv2's direct counters,",
         "# computed by hand-written Python (tests/stf/gen/direct_counters-count.py), not by hopsim."]
c = lines.append
keyed = {0x0101: (0, 0xaa), 0x0202: (1, 0xbb)}               # key -> (handle, mark)
prefixes = [(0x0a000000, 8, 0, 2), (0x0a010000, 16, 1, 3),    # (value, len, handle, port or None)
            (0x0b000000, 8, 2, None)]
ops = [(0x10, 0xf0, 20, 0, 0x77), (0x12, 0xff, 30, 1, 0x55)]  # value, mask, prio, handle, new op
count = {}
def add_count(name, h, n):
    p, b = count.get((name, h), (0, 0))
    count[(name, h)] = (p + 1, b + n)
for k, (h, m) in keyed.items():
    c("add keyed req.key:0x%04x mark(m:0x%02x)" % (k, m))
for v, l, h, port in prefixes:
    c("add prefixes req.addr:0x%08x/%d %s" % (v, l, "route(port:%d)" % port if port else "route_drop()"))
for v, m, prio, h, new in ops:
    c("add ops %d req.op:0x%02x&&&0x%02x rewrite(op:0x%02x)" % (prio, v, m, new))
def pkt(op, key, addr, extra):
    n = 8 + extra
    mark = 0
    if key in keyed:
        h, mark = keyed[key]; add_count("by_key", h, n)
    best = None
    for v, l, h, port in prefixes:
        mask = (0xffffffff << (32 - l)) & 0xffffffff
        if addr & mask == v and (best is None or l > best[1]): best = (v, l, h, port)
    port = 1
    if best:
        add_count("by_prefix", best[2], n); port = best[3]
    outop = op
    hit = [o for o in ops if op & o[1] == o[0]]
    if hit:
        o = max(hit, key=lambda o: o[2]); add_count("by_op", o[3], n); outop = o[4]
    payload = " ".join("%02x" % (i & 0xff) for i in range(extra))
    c(("packet 0 %02x %04x %08x 00 %s" % (op, key, addr, payload)).rstrip())
    if port is None:
        c("# dropped (route_drop)")
    else:
        c(("expect %d %02x %04x %08x %02x %s" % (port, outop, key, addr, mark, payload)).rstrip() + " $")
pkt(0x12, 0x0101, 0x0a010203, 4)   # keyed 0, prefixes 1 (/16), ops 1 (priority 30)
pkt(0x13, 0x0101, 0x0a020304, 0)   # keyed 0, prefixes 0 (/8), ops 0
pkt(0x01, 0x0202, 0x0c000000, 10)  # keyed 1, prefixes miss (default route(1) counts nothing), ops miss
pkt(0x1f, 0x0303, 0x0b000001, 2)   # keyed miss, prefixes 2 (dropped), ops 0
pkt(0x12, 0x0202, 0x0a010000, 1)   # keyed 1, prefixes 1, ops 1
for name, handles in (("by_key", 2), ("by_prefix", 3), ("by_op", 2)):
    for h in range(handles):
        p, b = count.get((name, h), (0, 0))
        c("check_counter %s(%d) packets == %d" % (name, h, p))
        c("check_counter %s(%d) bytes == %d" % (name, h, b))
print("\n".join(lines))
