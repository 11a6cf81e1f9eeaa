#!/usr/bin/env python3
"""logic_depth.py NETLIST.json: logic depth in front of every register and RAM input.

Reads a Yosys `write_json` netlist of a flattened `synth_xilinx -family xcup` design and
weighs each combinational cell the way issue 13 counts levels: a LUT (or INV, or a LUTRAM/SRL
read) is 1 level, a MUXF7/8/9 or a CARRY8 is 0.5 level (so n chained carry cells cost n/2).
Yosys 0.23 maps xcup carry chains to CARRY4, half a CARRY8 each, which Vivado would pack in
pairs: a CARRY4 weighs 0.25 so a 64-bit add costs what 8 CARRY8 would (1 LUT + 4 levels). Paths start at register, RAM, URAM and DSP outputs, constants and top-level inputs, and
end at every data/control input of those cells (D, CE, R, S, CLR, PRE; RAM address, enable,
write enable and data) and at top-level outputs.

The arrival time of every net bit is computed in one iterative topological pass over the
combinational cells (Kahn's algorithm), so deep cones and combinational loops cannot blow the
stack; cells on a loop are reported and the run fails with exit 3.

Endpoints are named after the visible net on the register's Q bit (flatten keeps the dotted
instance path, e.g. u_pipeline.u_deparser.acc_q[3]); RAMs after the cell name. An endpoint's
block is the first --group-depth components of its instance path ("(top)" when it has none).

A DSP48E2 with no internal register (every *REG parameter 0, as Yosys maps a small
multiply) is combinational: it weighs 2 levels from any input to P, an estimate (the issue's
rule does not weigh DSPs) that keeps such paths visible; registered DSPs start and end paths.

A cell whose type is a blackbox module of the design (a library block read with
`read_verilog -lib`, rtl-depth.sh -L) is a boundary: its outputs start paths at level 0 and its
inputs end them, named <instance>.<port>, so a generated pipeline can be measured without
mapping the blocks it instantiates (each block has its own measurement).

Exit status: 0 ok, 1 an endpoint is deeper than --max-levels, 2 a cell type it does not know
or a latch, 3 a combinational loop.
"""
import argparse
import collections
import json
import re
import sys

LUTS = {"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "LUT6_2"}
HALF = {"MUXF7", "MUXF8", "MUXF9", "CARRY8"}
QUARTER = {"CARRY4"}
ONE = LUTS | {"INV"}
ZERO = {"BUF", "BUFG", "BUFGCE", "IBUF", "OBUF", "IBUFG", "BUFCE_LEAF", "BUFGCE_DIV"}
CONST = {"GND", "VCC"}
# Sequential cells: their outputs start paths, their (non-clock) inputs end them.
FFS = {"FDRE", "FDSE", "FDCE", "FDPE", "FDRE_1", "FDSE_1", "FDCE_1", "FDPE_1"}
BRAMS = {"RAMB36E2", "RAMB18E2", "RAMB36E1", "RAMB18E1"}
SEQ_OTHER = {"URAM288", "URAM288_BASE", "DSP48E2"}
# LUT-based memories: a write is clocked (its inputs are endpoints) and a read is one LUT
# level from the read address to the data out.
LUTRAM_RE = re.compile(r"^(RAM\d+M\d*|RAM\d+X\d+[SD]|SRL16E|SRLC16E|SRLC32E)$")
LATCHES = {"LDCE", "LDPE"}
CLOCK_PIN_RE = re.compile(r"^(C|CLK|WCLK|CLKARDCLK|CLKBWRCLK|CLK[A-Z]*)$")
# Write-side pins of LUT memories: they end paths but do not feed the read data.
LUTRAM_WRITE_RE = re.compile(r"^(D|DI[A-H]?|WE|CE|WADR\d*|WA\d*)$")
# Fallback when a cell has no port_directions: output pin names of the cells above.
OUTPUT_PINS = {"O", "O5", "O6", "Q", "Q31", "CO", "SPO", "DPO", "P", "PCOUT", "ACOUT",
               "BCOUT", "CARRYOUT", "CARRYCASCOUT", "MULTSIGNOUT", "PATTERNDETECT",
               "PATTERNBDETECT", "OVERFLOW", "UNDERFLOW", "XOROUT", "G"}


def is_output_pin(cell, pin):
    dirs = cell.get("port_directions")
    if dirs and pin in dirs:
        return dirs[pin] == "output"
    return pin in OUTPUT_PINS or pin.startswith("DO") or pin.startswith("DOUT") or \
        pin.startswith("CAS_OUT") or pin.startswith("RDACCESS")


def comb_dsp(cell):
    regs = [v for k, v in cell.get("parameters", {}).items() if k.endswith("REG")]
    return bool(regs) and all(int(str(v), 2) == 0 for v in regs)


def kind(ctype, cell=None):
    if ctype == "DSP48E2" and cell is not None and comb_dsp(cell):
        return "dsp"
    if ctype in ONE:
        return "one"
    if ctype in HALF:
        return "half"
    if ctype in QUARTER:
        return "quarter"
    if ctype in ZERO:
        return "zero"
    if ctype in CONST:
        return "const"
    if ctype in FFS or ctype in BRAMS or ctype in SEQ_OTHER:
        return "seq"
    if LUTRAM_RE.match(ctype):
        return "lutram"
    if ctype in LATCHES:
        return "latch"
    return None


def user_blackboxes(modules):
    """Blackbox modules that are not vendor cells: the ones read with read_verilog -lib. The
    Xilinx cell library synth_xilinx reads is made of blackboxes too; it is told apart by its
    source file, so an unexpected vendor primitive still stops the run as unknown."""
    boxes = set()
    for name, mod in modules.items():
        attrs = mod.get("attributes", {})
        if int(str(attrs.get("blackbox", "0")), 2) != 1:
            continue
        if "/share/yosys/" in attrs.get("src", "") or name.startswith("$"):
            continue
        boxes.add(name)
    return boxes


def pick_top(modules, want):
    if want:
        return want
    for name, mod in modules.items():
        if int(str(mod.get("attributes", {}).get("top", "0")), 2) == 1:
            return name
    return next(iter(modules))


def bit_names(module):
    """Best visible name of each net bit: visible nets first, then the deeper instance path
    (the block that owns the net rather than the parent's wire), then the shorter name."""
    best = {}
    for name, net in module.get("netnames", {}).items():
        hidden = net.get("hide_name", 0) == 1 or name.startswith("$")
        bits = net["bits"]
        for i, b in enumerate(bits):
            if isinstance(b, str):
                continue
            label = name if len(bits) == 1 else f"{name}[{i}]"
            key = (hidden, -name.count("."), len(name))
            if b not in best or key < best[b][0]:
                best[b] = (key, label)
    return {b: v[1] for b, v in best.items()}


def clean(name):
    """Flatten's internal names carry the instance path as $flatten\\u_a.\\u_b.$op...: keep
    the path so such cells still land in their block."""
    if name.startswith("$flatten"):
        name = name[len("$flatten"):]
    return name.replace("\\", "")


def src_block(cell):
    """Block of a cell with no visible name: the innermost source file of its src."""
    src = cell.get("attributes", {}).get("src", "")
    files = [f.split(":")[0] for f in src.split("|") if "/share/yosys/" not in f]
    return "(" + files[-1].rsplit("/", 1)[-1] + ")" if files and files[-1] else None


def label(cell, name, names):
    """An endpoint whose own name is internal ($auto$...) takes the first visible net on its
    outputs, then on its inputs (SRL delay lines have no name of their own), else its source
    file."""
    if not name.startswith("$"):
        return name
    conns = cell["connections"]
    pins = sorted(conns, key=lambda p: not is_output_pin(cell, p))
    for pin in pins:
        if CLOCK_PIN_RE.match(pin):
            continue
        for b in conns[pin]:
            n = clean(names.get(b, "$")) if not isinstance(b, str) else "$"
            if not n.startswith("$"):
                return f"{n}({'Q' if is_output_pin(cell, pin) else pin} of {cell['type']})"
    blk = src_block(cell)
    return f"{blk}.{name}" if blk else name


def group_of(name, depth):
    name = name.lstrip("\\")
    if name.startswith("$"):
        return "(unnamed)"
    base = re.split(r"[\[]", name, 1)[0]
    parts = re.split(r"\.", base)
    inst = parts[:-1]
    if "$" in base and not inst:
        inst = [base.split("$", 1)[0]] if not base.startswith("$") else []
    return ".".join(inst[:depth]) if inst else "(top)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist")
    ap.add_argument("--top", help="module to analyse (default: the one marked top)")
    ap.add_argument("--max-levels", type=float, help="exit 1 when an endpoint is deeper")
    ap.add_argument("--threshold", type=float, default=8,
                    help="per-block column counts endpoints deeper than this (default 8)")
    ap.add_argument("--group-depth", type=int, default=2)
    ap.add_argument("--top-n", type=int, default=10, help="deepest endpoints to list")
    ap.add_argument("--paths", type=int, default=1, help="worst paths to print cell by cell")
    ap.add_argument("--name", help="design name for the summary line")
    args = ap.parse_args()

    with open(args.netlist) as f:
        data = json.load(f)
    modules = data["modules"]
    topname = pick_top(modules, args.top)
    mod = modules[topname]
    cells = mod.get("cells", {})
    names = bit_names(mod)
    boxes = user_blackboxes(modules)

    counts = collections.Counter()
    unknown = collections.Counter()
    comb = []          # (cellname, weight, input bits, output bits)
    endpoints = []     # (name, pin, bits)
    driver = {}        # bit -> index into comb
    for cname, cell in cells.items():
        ctype = cell["type"]
        k = kind(ctype, cell)
        counts[ctype] += 1
        if k is None and ctype in boxes:
            # A library block: every input bus is one endpoint; outputs, driven by no
            # combinational cell here, arrive at level 0.
            counts["(blackbox)"] += 1
            inst = clean(cname)
            for pin, bs in cell["connections"].items():
                if not is_output_pin(cell, pin):
                    endpoints.append((f"{inst}.{pin}", pin, bs))
            continue
        if k == "dsp":
            counts["comb DSP48E2"] += 1
        if k is None:
            unknown[ctype] += 1
            continue
        if k == "latch":
            unknown[ctype + " (latch)"] += 1
            continue
        if k in ("seq", "const"):
            if k == "seq":
                qbits = [b for p, bs in cell["connections"].items() if is_output_pin(cell, p)
                         for b in bs if not isinstance(b, str)]
                if ctype in FFS:
                    ep = names.get(qbits[0], cname) if qbits else cname
                else:
                    ep = cell.get("attributes", {}).get("hdlname", cname)
                ep = label(cell, clean(ep), names)
                for pin, bs in cell["connections"].items():
                    if is_output_pin(cell, pin) or CLOCK_PIN_RE.match(pin):
                        continue
                    endpoints.append((ep, pin, bs))
            continue
        ins, outs = [], []
        read_ins = []
        for pin, bs in cell["connections"].items():
            if is_output_pin(cell, pin):
                outs.extend(b for b in bs if not isinstance(b, str))
            elif not CLOCK_PIN_RE.match(pin):
                real = [b for b in bs if not isinstance(b, str)]
                ins.extend(real)
                if k == "lutram" and not LUTRAM_WRITE_RE.match(pin):
                    read_ins.extend(real)
                if k == "lutram":
                    ep = clean(cell.get("attributes", {}).get("hdlname", cname))
                    endpoints.append((label(cell, ep, names), pin, bs))
        weight = {"one": 1.0, "half": 0.5, "quarter": 0.25, "dsp": 2.0, "zero": 0.0, "lutram": 1.0}[k]
        idx = len(comb)
        comb.append((cname, weight, read_ins if k == "lutram" else ins, outs, ctype))
        for b in outs:
            driver[b] = idx

    if unknown:
        for t, n in sorted(unknown.items()):
            print(f"error: {n} cell(s) of type {t} not known to logic_depth.py", file=sys.stderr)
        sys.exit(2)

    # Kahn's algorithm over combinational cells.
    deps = [set() for _ in comb]
    users = [[] for _ in comb]
    for i, (_, _, ins, _, _) in enumerate(comb):
        for b in ins:
            d = driver.get(b)
            if d is not None and d not in deps[i]:
                deps[i].add(d)
                users[d].append(i)
    indeg = [len(d) for d in deps]
    queue = collections.deque(i for i, n in enumerate(indeg) if n == 0)
    arrival = {}       # bit -> level
    via = {}           # bit -> (cell index, input bit it came from)
    done = [False] * len(comb)

    def evaluate(i):
        cname, weight, ins, outs, _ = comb[i]
        worst, worst_bit = 0.0, None
        for b in ins:
            a = arrival.get(b, 0.0)
            if worst_bit is None or a > worst:
                worst, worst_bit = a, b
        for b in outs:
            arrival[b] = worst + weight
            via[b] = (i, worst_bit)
        done[i] = True

    while queue:
        i = queue.popleft()
        evaluate(i)
        for u in users[i]:
            indeg[u] -= 1
            if indeg[u] == 0:
                queue.append(u)
    looped = [i for i, d in enumerate(done) if not d]
    for i in looped:          # one pass so the report still has numbers
        evaluate(i)

    # Top-level outputs are endpoints too.
    for pname, port in mod.get("ports", {}).items():
        if port["direction"] == "output":
            endpoints.append((pname, "(output)", port["bits"]))

    # Worst level per endpoint bit, then per endpoint name.
    per_ep = {}        # name -> (level, pin, bit)
    for name, pin, bs in endpoints:
        for b in bs:
            if isinstance(b, str):
                continue
            lvl = arrival.get(b, 0.0)
            cur = per_ep.get(name)
            if cur is None or lvl > cur[0]:
                per_ep[name] = (lvl, pin, b)

    luts = sum(counts[t] for t in LUTS)
    ffs = sum(counts[t] for t in FFS)
    ramb36, ramb18 = counts["RAMB36E2"], counts["RAMB18E2"]
    uram = counts["URAM288"] + counts["URAM288_BASE"]
    dsp = counts["DSP48E2"]
    lutram = sum(n for t, n in counts.items() if LUTRAM_RE.match(t))
    worst_name, (worst_lvl, worst_pin, worst_bit) = max(
        per_ep.items(), key=lambda kv: kv[1][0], default=("-", (0.0, "-", None)))
    thr = args.threshold
    deep = [n for n, v in per_ep.items() if v[0] > thr]
    title = args.name or topname
    print(f"== {title}: LUT {luts}  FF {ffs}  RAMB36 {ramb36}  RAMB18 {ramb18}  "
          f"URAM288 {uram}  DSP48E2 {dsp} ({counts['comb DSP48E2']} unregistered)  LUTRAM/SRL {lutram}  "
          f"MUXF {counts['MUXF7'] + counts['MUXF8'] + counts['MUXF9']}  CARRY8 {counts['CARRY8']}  CARRY4 {counts['CARRY4']}"
          + (f"  blackboxes {counts['(blackbox)']}" if counts["(blackbox)"] else ""))
    print(f"endpoints {len(per_ep)}, deeper than {thr:g}: {len(deep)}; "
          f"deepest {worst_lvl:g} levels at {worst_name} ({worst_pin})")

    groups = collections.defaultdict(lambda: [0, 0, 0.0, ""])
    for n, (lvl, pin, _) in per_ep.items():
        g = groups[group_of(n, args.group_depth)]
        g[0] += 1
        if lvl > thr:
            g[1] += 1
        if lvl > g[2] or not g[3]:
            g[2], g[3] = lvl, n
    width = max([len(g) for g in groups] + [5])
    print(f"{'block':<{width}}  {'endpoints':>9}  {'>' + format(thr, 'g'):>6}  {'worst':>6}  at")
    for g, (n, nd, w, at) in sorted(groups.items(), key=lambda kv: (-kv[1][2], kv[0])):
        print(f"{g:<{width}}  {n:>9}  {nd:>6}  {w:>6g}  {at}")

    if args.top_n:
        print(f"deepest {args.top_n} endpoints:")
        for n, (lvl, pin, _) in sorted(per_ep.items(), key=lambda kv: -kv[1][0])[:args.top_n]:
            print(f"  {lvl:>6g}  {n} ({pin})")

    for n, (lvl, pin, b) in sorted(per_ep.items(), key=lambda kv: -kv[1][0])[:args.paths]:
        print(f"worst path to {n} ({pin}), {lvl:g} levels, from the endpoint back:")
        seen = set()
        while b in via and b not in seen:
            seen.add(b)
            i, src_bit = via[b]
            cname, weight, _, _, ctype = comb[i]
            src = cells[cname].get("attributes", {}).get("src", "")
            src = "|".join(f for f in src.split("|") if "/share/yosys/" not in f)
            net = clean(names.get(b, cname))
            net = net if len(net) <= 70 else net[:67] + "..."
            print(f"  {arrival.get(b, 0.0):>6g}  {ctype:<7} {net}  {src}")
            b = src_bit
        if b is not None:
            print(f"  {0:>6g}  start   {names.get(b, str(b))}")

    if looped:
        print(f"error: {len(looped)} cell(s) on a combinational loop, e.g. "
              f"{', '.join(comb[i][0] for i in looped[:5])}", file=sys.stderr)
        sys.exit(3)
    if args.max_levels is not None:
        over = [n for n, v in per_ep.items() if v[0] > args.max_levels]
        if over:
            print(f"FAIL: {len(over)} endpoint(s) deeper than {args.max_levels:g} levels in "
                  f"{title}, deepest {worst_lvl:g} at {worst_name}")
            sys.exit(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
