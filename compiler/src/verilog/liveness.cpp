// SPDX-License-Identifier: Apache-2.0
// The bundle narrowed by liveness. The generator runs twice (backend.cpp): the first run
// records, per bundle variable, the atoms (fields, validity bits, table slots, ...) read of it
// outside statement bodies (keys, checksum inputs, assembly, the descriptor) and, per body of a
// combinational bundle, the atoms the body reads and writes. compute() walks the variables
// backward: a register or delay line carries what its consumers read, a combinational bundle
// keeps the bodies whose writes are read later (the issue cycle of a lookup runs only its key's
// cone) and starts from what those read. The second run declares each variable with its own
// width and reaches every bit through its layout (rd / wr), so a simulator copies only live
// bits from stage to stage and dead stores are not emitted.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Liveness::compute(const std::vector<int>& widths, int filler) {
    // Backward: what each variable must hold (`live`), and which bodies stay.
    std::map<std::string, std::set<int>> holds;
    std::set<std::string> chain;  // variables another one starts from, and the end
    for (const auto& [name, v] : vars)
        if (!v.from.empty()) chain.insert(v.from);
    if (!end.empty()) chain.insert(end);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Var& v = vars[*it];
        std::set<int> live = v.ext;
        live.insert(v.later.begin(), v.later.end());
        // Every atom live somewhere inside the variable.
        std::set<int> all = live;
        if (v.comb) {
            v.kept.assign(v.bodies.size(), false);
            v.writes.assign(v.bodies.size(), {});
            for (size_t i = v.bodies.size(); i-- > 0;) {
                const Use& u = v.bodies[i];
                for (int a : u.writes)
                    if (live.count(a) || u.reads.count(a)) v.writes[i].insert(a);
                bool read = false;
                for (int a : u.writes) read = read || live.count(a);
                if (!read) continue;
                v.kept[i] = true;
                for (int a : u.kills) live.erase(a);
                live.insert(u.reads.begin(), u.reads.end());
                all.insert(u.reads.begin(), u.reads.end());
            }
        }
        if (all.empty()) {
            all.insert(filler);
            live.insert(filler);
        }
        holds[*it] = all;
        v.in = live;
        if (!v.from.empty()) vars[v.from].later.insert(live.begin(), live.end());
    }
    // A chain bundle that only the next one-cycle register reads (no block input, no issue
    // bundle) folds into that register.
    std::map<std::string, int> readers;
    for (const auto& [name, v] : vars)
        if (!v.from.empty()) ++readers[v.from];
    for (auto& [name, v] : vars) {
        v.foldInto.clear();
        if (!v.from.empty() && vars[v.from].comb && readers[v.from] == 1 && !v.comb &&
            v.cycles == 1 && vars[v.from].ext.empty() && v.from != end)
            vars[v.from].foldInto = name;
    }
    through.clear();
    throughPos.assign(widths.size(), -1);
    throughWidth = 0;
    std::set<int> skip = throughAtoms();
    // One bit position per atom for every variable of the chain, the atoms read longest at
    // the bottom: each variable is the low bits up to its last atom, so a stage takes the
    // previous one's low bits (a word copy in a simulator, no shuffling of fields).
    std::map<int, int> death;  // atom -> last chain variable (creation index) holding it
    for (size_t i = 0; i < order.size(); ++i) {
        if (!chain.count(order[i])) continue;
        const bool first = order[i] == "s1_q" || order[i] == "parse_b";
        for (int a : holds[order[i]])
            if (first || !skip.count(a)) death[a] = static_cast<int>(i);
    }
    std::vector<int> sorted;
    for (const auto& [a, d] : death) sorted.push_back(a);
    const std::set<int>* atCut = cut.empty() ? nullptr : &holds[cut];
    std::stable_sort(sorted.begin(), sorted.end(), [&](int x, int y) {
        if (atCut && atCut->count(x) != atCut->count(y)) return atCut->count(x) > atCut->count(y);
        const int dx = death[x], dy = death[y];
        if (dx != dy) return dx > dy;
        return skip.count(x) < skip.count(y);
    });
    std::vector<int> gpos(widths.size(), -1);
    int at = 0;
    for (int a : sorted) {
        gpos[a] = at;
        at += widths[a];
    }
    for (int a : sorted)
        if (skip.count(a)) {
            if (through.empty()) throughAt = gpos[a];
            through.push_back(a);
            throughPos[a] = gpos[a] - throughAt;
            throughWidth += widths[a];
        }
    for (const auto& name : order) {
        Var& v = vars[name];
        v.layout.clear();
        v.pos.assign(widths.size(), -1);
        v.width = 0;
        v.thin = false;
        if (chain.count(name)) {
            const bool first = name == "s1_q" || name == "parse_b";
            int top = 0;
            for (int a : holds[name])
                if (first || !skip.count(a)) top = std::max(top, gpos[a] + widths[a]);
            for (int a : sorted)
                if (gpos[a] + widths[a] <= top) {
                    v.layout.push_back(a);
                    v.pos[a] = gpos[a];
                }
            v.width = top;
        } else if (v.comb && !v.from.empty()) {
            // Thin: only what its bodies write; the rest is read from `from` (rd), so the
            // bundle is not copied in every cycle. In `from`'s order: its copy is few runs.
            std::set<int> own;
            for (size_t i = 0; i < v.writes.size(); ++i)
                if (v.kept[i]) own.insert(v.writes[i].begin(), v.writes[i].end());
            if (own.empty()) own.insert(filler);
            v.thin = true;
            const Var& f = vars[v.from];
            std::vector<int> sortedOwn(own.begin(), own.end());
            auto key = [&](int a) { return f.pos[a] < 0 ? 1 << 30 : f.pos[a]; };
            std::stable_sort(sortedOwn.begin(), sortedOwn.end(),
                             [&](int x, int y) { return key(x) < key(y); });
            for (int a : sortedOwn) {
                v.layout.push_back(a);
                v.pos[a] = v.width;
                v.width += widths[a];
            }
        } else {
            for (int a : holds[name]) {
                v.layout.push_back(a);
                v.pos[a] = v.width;
                v.width += widths[a];
            }
        }
    }
}

std::set<int> Liveness::throughAtoms() const {
    // Shorter lines are not worth their own delay line.
    constexpr int kMinThroughStages = 4;
    const auto first = vars.find("s1_q");
    if (!cut.empty() || end.empty() || end == "s1_q" || endStage - 1 < kMinThroughStages ||
        first == vars.end())
        return {};
    std::set<int> touched;
    for (const auto& [name, v] : vars) {
        if (name != end && name != "s1_q" && name != "parse_b")
            touched.insert(v.ext.begin(), v.ext.end());
        for (size_t i = 0; i < v.bodies.size(); ++i) {
            if (i < v.kept.size() && !v.kept[i]) continue;
            touched.insert(v.bodies[i].reads.begin(), v.bodies[i].reads.end());
            touched.insert(v.bodies[i].writes.begin(), v.bodies[i].writes.end());
        }
    }
    const Var& e = vars.at(end);
    std::set<int> skip;
    for (int a : first->second.later)
        if (!touched.count(a) && e.ext.count(a)) skip.insert(a);
    return skip;
}

// The atoms: every field at its phvOffset, then every slot layout() placed after the PHV.
void Generator::atoms() {
    atomOf_.assign(bw_, -1);
    atoms_.clear();
    auto add = [this](int off, int width) {
        if (width <= 0) return;
        for (int b = off; b < off + width; ++b) {
            if (b >= bw_ || atomOf_[b] >= 0) {
                atomsOk_ = false;  // overlapping fields: the bundle stays whole
                return;
            }
            atomOf_[b] = static_cast<int>(atoms_.size());
        }
        atoms_.emplace_back(off, width);
    };
    for (const auto& f : p_.fields) add(f.phvOffset, f.width);
    for (size_t i = 0; i < p_.validityBits.size(); ++i) add(validBase_ + static_cast<int>(i), 1);
    for (const auto& [t, s] : tslots_) {
        add(s.applied, 1);
        add(s.hit, 1);
        add(s.action, s.actionWidth);
    }
    for (const auto& [x, s] : rslots_) {
        add(s.wen, 1);
        add(s.widx, s.idxWidth);
        add(s.wdata, s.width);
    }
    for (const auto& [h, slot] : varSlot_) add(slot, 16);
    add(consumedOff_, 16);
    add(dropOff_, 1);
    if (longOff_ >= 0) add(longOff_, 1);
    if (psumOff_ >= 0) add(psumOff_, 16);
}

std::optional<Liveness> Generator::liveness() const {
    if (!atomsOk_) return std::nullopt;
    Liveness l = rec_;
    std::vector<int> widths;
    for (const auto& a : atoms_) widths.push_back(a.second);
    l.compute(widths, atomOf_[dropOff_]);
    return l;
}

namespace {

// The atom holding bits [off, off+width), or -1 when they are not within one atom.
int atomAt(const std::vector<int>& atomOf, int off, int width) {
    if (off < 0 || off + width > static_cast<int>(atomOf.size())) return -1;
    const int a = atomOf[off];
    return a >= 0 && atomOf[off + width - 1] == a ? a : -1;
}

}  // namespace

std::string Generator::rd(const std::string& var, int off, int width) {
    const int a = atomAt(atomOf_, off, width);
    if (a >= 0) {
        if (use_)
            use_->reads.insert(a);
        else
            rec_.vars[var].ext.insert(a);
    }
    if (!narrowed_) return slice(var, off, width);
    if (a >= 0 && var == live_.end && !live_.through.empty() && live_.throughPos[a] >= 0)
        return slice("byp_q", live_.throughPos[a] + off - atoms_[a].first, width);
    auto it = live_.vars.find(var);
    // A thin combinational bundle (compute()) holds only what it writes: the rest is its
    // source's.
    while (a >= 0 && it != live_.vars.end() && it->second.pos[a] < 0 && it->second.thin)
        it = live_.vars.find(it->second.from);
    if (a < 0 || it == live_.vars.end() || it->second.pos[a] < 0) {
        diags_.error({}, fmt::format("internal: bundle bits {}+{} read from {} are not in it "
                                     "(Verilog backend liveness)",
                                     off, width, var));
        failed_ = true;
        return slice(var, off, width);
    }
    return slice(it->first, it->second.pos[a] + off - atoms_[a].first, width);
}

std::string Generator::wr(const std::string& var, int off, int width) {
    const int a = atomAt(atomOf_, off, width);
    if (narrowed_) {
        const auto it = live_.vars.find(var);
        if (a < 0 || it == live_.vars.end() || it->second.pos[a] < 0) return {};
        if (writes_ && !writes_->count(a)) return {};
    }
    if (a >= 0 && use_) {
        use_->writes.insert(a);
        // A write of the whole atom under no condition: its earlier value is dead.
        if (uncond_ && width == atoms_[a].second) use_->kills.insert(a);
    }
    if (!narrowed_) return slice(var, off, width);
    const auto& v = live_.vars.find(var)->second;
    return slice(var, v.pos[a] + off - atoms_[a].first, width);
}

void Generator::bundleVar(const std::string& var, const std::string& from, bool comb) {
    Liveness::Var& v = rec_.vars[var];
    v.from = from;
    v.comb = comb;
    rec_.order.push_back(var);
    // Declared in its register's always_ff (combBundle, parserStage).
    if (folded(var) || var == "parse_b") return;
    // A stage holds the low bits up to its last live atom (liveness.cpp): atoms below that
    // which nobody reads any more ride along unread.
    decl_.line(fmt::format(
        "{}logic [{}:0] {};{}", narrowed_ ? "/* verilator lint_off UNUSEDSIGNAL */ " : "",
        bundleWidth(var) - 1, var, narrowed_ ? " /* verilator lint_on UNUSEDSIGNAL */" : ""));
}

// The comb variable's body `i` is being emitted: record it, and restrict its writes.
void Generator::enterBody(const std::string& var, size_t i) {
    use_ = &rec_.vars[var].bodies.emplace_back();
    writes_ = nullptr;
    if (!narrowed_) return;
    const auto it = live_.vars.find(var);
    if (it != live_.vars.end() && i < it->second.writes.size()) writes_ = &it->second.writes[i];
}

void Generator::leaveBody() {
    use_ = nullptr;
    writes_ = nullptr;
}

int Generator::bundleWidth(const std::string& var) const {
    if (!narrowed_) return bw_;
    const auto it = live_.vars.find(var);
    return it == live_.vars.end() ? bw_ : it->second.width;
}

std::string Generator::project(const std::string& from, const std::string& var) const {
    if (!narrowed_) return from;
    const auto f = live_.vars.find(from), v = live_.vars.find(var);
    if (f == live_.vars.end() || v == live_.vars.end()) return from;
    if (f->second.layout == v->second.layout) return from;
    // Runs of `var`'s atoms that sit next to each other in `from`, most significant first;
    // an atom `from` does not carry is written before it is read (zeros, -1).
    std::vector<std::pair<int, int>> runs;  // (first bit in from or -1, width)
    for (int a : v->second.layout) {
        // A thin bundle's atoms written before they are read start at zero.
        const int at = v->second.thin && !v->second.in.count(a) ? -1 : f->second.pos[a];
        const int w = atoms_[a].second;
        if (!runs.empty() &&
            (at < 0 ? runs.back().first < 0
                    : runs.back().first >= 0 && runs.back().first + runs.back().second == at))
            runs.back().second += w;
        else
            runs.emplace_back(at, w);
    }
    std::string cat;
    for (auto r = runs.rbegin(); r != runs.rend(); ++r)
        cat += (cat.empty() ? "" : ", ") +
               (r->first < 0 ? fmt::format("{}'d0", r->second) : slice(from, r->first, r->second));
    if (runs.size() == 1 && runs[0].first == 0 && runs[0].second == f->second.width) return from;
    return runs.size() == 1 ? cat : "{" + cat + "}";
}

bool Generator::keeps(const std::string& var, size_t i) const {
    if (!narrowed_) return true;
    const auto it = live_.vars.find(var);
    return it == live_.vars.end() || i >= it->second.kept.size() || it->second.kept[i];
}

void Generator::bypass() {
    if (!narrowed_ || live_.through.empty()) return;
    const std::string cat = slice("s1_q", live_.throughAt, live_.throughWidth);
    decl_.line(fmt::format("logic [{}:0] byp_q;", live_.throughWidth - 1));
    decl_.line("logic unused_byp_valid;");
    body_.line(
        fmt::format("// stages 2..{}: what only the parser writes and only the header assembly "
                    "reads, in one delay line",
                    stage_));
    instance(body_, "hop_delay",
             {{"W", std::to_string(live_.throughWidth)}, {"CYCLES", std::to_string(stage_ - 1)}},
             "u_bypass",
             {{"clk", "clk"},
              {"rst", "rst"},
              {"in_valid", "v1_q"},
              {"in_data", cat},
              {"out_valid", "unused_byp_valid"},
              {"out_data", "byp_q"}});
}

void Generator::sinkResults(const std::vector<std::pair<std::string, int>>& results,
                            const std::string& suffix) {
    if (!narrowed_) return;
    for (const auto& [name, width] : results) {
        decl_.line(fmt::format("logic [{}:0] unused_sink_{}{};", width - 1, name, suffix));
        body_.line(fmt::format("assign unused_sink_{}{} = {}{};", name, suffix, name, suffix));
    }
}

}  // namespace hop::verilog
