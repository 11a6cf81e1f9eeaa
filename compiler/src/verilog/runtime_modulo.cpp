// SPDX-License-Identifier: Apache-2.0
// A hash with a run-time max as a pipelined restoring division (runtime_modulo.hpp).
#include "verilog/runtime_modulo.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "hash/hash.hpp"

namespace hop::verilog {

namespace {

using namespace hop::ir;

bool readsField(const ExprPtr& e, FieldId f) {
    if (!e) return false;
    if (e->kind == ExprKind::Field && e->index == f) return true;
    for (const auto& a : e->args)
        if (readsField(a, f)) return true;
    return false;
}

bool touchesField(const Stmt& s, FieldId f) {
    for (const ExprPtr* e : {&s.pred, &s.dst, &s.src, &s.src2, &s.length})
        if (readsField(*e, f)) return true;
    for (const auto& a : s.args)
        if (readsField(a, f)) return true;
    return false;
}

bool runtimeMax(const Stmt& s) {
    return s.kind == StmtKind::Hash && s.src2 && s.src2->kind != ExprKind::Constant;
}

FieldId dstField(const Stmt& s) {
    if (!s.dst) return -1;
    if (s.dst->kind == ExprKind::Field) return s.dst->index;
    if (s.dst->kind == ExprKind::Slice && s.dst->args[0]->kind == ExprKind::Field)
        return s.dst->args[0]->index;
    return -1;
}

class Splitter {
  public:
    Splitter(Program& p, Diagnostics& d, bool& failed) : p_(p), diags_(d), failed_(failed) {}

    void control(Control& c) {
        std::vector<Stmt> out;
        std::vector<bool> brk;
        auto add = [&](Stmt s, bool b = false) {
            out.push_back(std::move(s));
            brk.push_back(b);
        };
        for (Stmt& s : c.stmts) {
            if (runtimeMax(s)) {
                // A control statement: the division right where it stands.
                const Site site = prepare(s);
                for (Stmt& x : head(s, site)) add(std::move(x));
                for (auto& [x, b] : division(s, site)) add(std::move(x), b);
                continue;
            }
            std::vector<std::pair<const Stmt*, Site>> after;
            if (s.kind == StmtKind::ApplyTable) after = inActions(s.table);
            add(std::move(s));
            for (auto& [h, site] : after)
                for (auto& [x, b] : division(*h, site)) add(std::move(x), b);
        }
        c.stmts = std::move(out);
        breakAt_.push_back({&c, std::move(brk)});
    }

    // After every control is rewritten (its statements no longer move): the break points.
    std::set<const Stmt*> breaks() const {
        std::set<const Stmt*> out;
        for (const auto& [c, brk] : breakAt_)
            for (size_t i = 0; i < brk.size(); ++i)
                if (brk[i]) out.insert(&c->stmts[i]);
        return out;
    }

  private:
    struct Site {
        FieldId h = -1, m = -1, base = -1, go = -1, r = -1;
        int out = 0;  // the hash's bits
    };

    Site prepare(const Stmt& s) {
        if (tmp_ < 0) tmp_ = p_.addHeader(Header::Kind::Temporary, "$hash_mod");
        const int n = sites_++;
        Site site;
        site.out = hash::outputWidth(s.algorithm);
        if (site.out > 32) {
            // identity's 64 bits: 32 stages of division, and no 64-bit max leaves them whole.
            diags_.unsupported(s.loc, fmt::format("a {}-bit hash with a run-time max in the "
                                                  "Verilog backend (at most 32 bits are divided)",
                                                  site.out));
            failed_ = true;
            site.out = 32;
        }
        auto field = [&](const char* what, int width, bool isBool = false) {
            return p_.addField(tmp_, fmt::format("$hash_mod{}.{}", n, what), width, false, isBool);
        };
        site.h = field("h", site.out);
        site.m = field("m", site.out + 1);
        site.base = field("base", 64);
        site.go = field("go", 1, true);
        site.r = field("r", site.out + 1);
        return site;
    }
    ExprPtr ref(FieldId f) const {
        const Field& x = p_.fields[f];
        return fieldRef(f, x.width, x.isSigned, x.isBool);
    }
    Stmt assign(const Stmt& from, FieldId f, ExprPtr value) const {
        Stmt s;
        s.kind = StmtKind::Assign;
        s.pred = from.pred;
        s.dst = ref(f);
        s.src = std::move(value);
        s.loc = from.loc;
        return s;
    }

    // Where the hash stood: the hash alone into h (a max of 2^out leaves every value as it
    // is), the divisor as BMv2 reads max (0 is 1; at or past 2^out nothing is taken away),
    // base, and the flag that the division runs.
    std::vector<Stmt> head(const Stmt& s, const Site& site) const {
        std::vector<Stmt> out;
        Stmt h = s;
        h.dst = ref(site.h);
        h.src = constant(0, 64);
        h.src2 = constant(BigInt(1) << site.out, 64);
        out.push_back(std::move(h));
        const int w = site.out + 1;
        const ExprPtr max = cast(s.src2, 64, false);
        const ExprPtr zero = binary(BinaryOp::Eq, max, constant(0, 64));
        const ExprPtr big = binary(BinaryOp::Ge, max, constant(BigInt(1) << site.out, 64));
        out.push_back(
            assign(s, site.m,
                   ternary(zero, constant(1, w),
                           ternary(big, constant(BigInt(1) << site.out, w), cast(max, w, false)))));
        out.push_back(assign(s, site.base, cast(s.src, 64, false)));
        out.push_back(assign(s, site.go, boolConst(true)));
        return out;
    }

    // The division under the flag: r = 2r + the next bit of h, less m when r >= m; then the
    // result is base + r, cut to its width as hash::hashOffset does.
    std::vector<std::pair<Stmt, bool>> division(const Stmt& s, const Site& site) const {
        std::vector<std::pair<Stmt, bool>> out;
        Stmt on;
        on.pred = ref(site.go);
        on.loc = s.loc;
        const int w = site.out + 1;
        out.emplace_back(assign(on, site.r, constant(0, w)), false);
        for (int i = site.out - 1, step = 1; i >= 0; --i, ++step) {
            const ExprPtr t =
                binary(BinaryOp::BitOr, binary(BinaryOp::Shl, ref(site.r), constant(1, 8)),
                       cast(slice(ref(site.h), i, i), w, false));
            const ExprPtr v = ternary(binary(BinaryOp::Ge, t, ref(site.m)),
                                      binary(BinaryOp::Sub, t, ref(site.m)), t);
            out.emplace_back(assign(on, site.r, v), step % kStepsPerStage == 0 && i > 0);
        }
        const int dw = s.dst->width, wc = std::min(dw, 64);
        ExprPtr sum =
            cast(binary(BinaryOp::Add, ref(site.base), cast(ref(site.r), 64, false)), wc, false);
        Stmt result = on;
        result.kind = StmtKind::Assign;
        result.dst = s.dst;
        result.src = cast(sum, dw, s.dst->isSigned);
        out.emplace_back(std::move(result), false);
        out.emplace_back(assign(on, site.go, boolConst(false)), true);
        return out;
    }

    // The hashes with a run-time max in the actions of `table`: each rewritten in place (the
    // head), its division to follow the apply.
    std::vector<std::pair<const Stmt*, Site>> inActions(TableId table) {
        std::vector<std::pair<const Stmt*, Site>> after;
        for (ActionRef& r : p_.tables[table].actions) {
            std::vector<Stmt>& body = r.bound ? r.body : p_.actions[r.action].body;
            if (r.bound) {
                rewrite(body, after);
                continue;
            }
            // An action's own body is shared by every table that lists it: rewritten once,
            // each table's apply followed by the divisions.
            auto done = rewritten_.find(r.action);
            if (done == rewritten_.end()) {
                std::vector<std::pair<const Stmt*, Site>> sites;
                rewrite(body, sites);
                done = rewritten_.emplace(r.action, std::move(sites)).first;
            }
            after.insert(after.end(), done->second.begin(), done->second.end());
        }
        return after;
    }
    void rewrite(std::vector<Stmt>& body, std::vector<std::pair<const Stmt*, Site>>& sites) {
        std::vector<Stmt> out;
        for (size_t i = 0; i < body.size(); ++i) {
            if (!runtimeMax(body[i])) {
                out.push_back(body[i]);
                continue;
            }
            const FieldId dst = dstField(body[i]);
            bool usedAfter = dst < 0;
            for (size_t j = i + 1; j < body.size() && !usedAfter; ++j)
                usedAfter = touchesField(body[j], dst);
            if (usedAfter) {
                diags_.unsupported(body[i].loc,
                                   "a hash with a run-time max whose result the same action "
                                   "uses again in the Verilog backend (the division runs after "
                                   "the table, over pipeline stages)");
                failed_ = true;
                out.push_back(body[i]);
                continue;
            }
            const Site site = prepare(body[i]);
            originals_.push_back(std::make_unique<Stmt>(body[i]));
            sites.emplace_back(originals_.back().get(), site);
            for (Stmt& x : head(body[i], site)) out.push_back(std::move(x));
        }
        body = std::move(out);
    }

    Program& p_;
    Diagnostics& diags_;
    bool& failed_;
    HeaderId tmp_ = -1;
    int sites_ = 0;
    std::map<ActionId, std::vector<std::pair<const Stmt*, Site>>> rewritten_;
    std::vector<std::unique_ptr<Stmt>> originals_;  // the hashes a division was made for
    std::vector<std::pair<Control*, std::vector<bool>>> breakAt_;
};

bool hasRuntimeMax(const Program& p) {
    auto any = [](const std::vector<Stmt>& body) {
        for (const Stmt& s : body)
            if (runtimeMax(s)) return true;
        return false;
    };
    if (any(p.ingress.stmts) || any(p.egress.stmts)) return true;
    for (const Action& a : p.actions)
        if (any(a.body)) return true;
    for (const Table& t : p.tables)
        for (const ActionRef& r : t.actions)
            if (r.bound && any(r.body)) return true;
    return false;
}

}  // namespace

RuntimeModulo splitRuntimeModulo(const Program& program, Diagnostics& diags, bool& failed) {
    RuntimeModulo out{program, {}};
    if (!hasRuntimeMax(program)) return out;
    Splitter split(out.program, diags, failed);
    split.control(out.program.ingress);
    split.control(out.program.egress);
    out.program.computePhvOffsets();
    out.stageBreaks = split.breaks();
    return out;
}

}  // namespace hop::verilog
