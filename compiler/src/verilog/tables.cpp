// SPDX-License-Identifier: Apache-2.0
// Stage: table lookups.
#include "verilog/generator.hpp"

namespace hop::verilog {

// A table: the key from the current bundle into the block's lookup port, the bundle through
// LATENCY registers beside it (the statements before the lookup running in the first of them,
// see splitPending), then the action selected by result_action (hit or default).

void Generator::applyTable(const ir::Stmt& s) {
    const regmap::TableBlock* blk = map_.find(p_.tables[s.table].name);
    if (!blk) {
        failed_ = true;
        return;
    }
    const ir::Table& t = p_.tables[s.table];
    if (!applied_.insert(s.table).second) {
        // One block per table: a second apply (on another path) would need its own result bits.
        diags_.unsupported(s.loc, "applying table " + t.name + " in two places");
        failed_ = true;
        return;
    }
    const TableSlots& ts = tslots_[s.table];
    const std::string tn = names_.get("table:" + t.name, "t_" + t.name);
    decl_.line(fmt::format("logic {}_lookup_valid, {}_hit;", tn, tn));
    decl_.line(fmt::format("logic [{}:0] {}_key;", blk->keyWidth - 1, tn));
    decl_.line(fmt::format("logic [{}:0] {}_action;", blk->actionWidth - 1, tn));
    decl_.line(fmt::format("logic [{}:0] {}_data;", blk->paramWidth - 1, tn));
    decl_.line(fmt::format("logic [31:0] {}_csr_rdata;", tn));
    decl_.line(fmt::format("logic unused_{}_result_valid;", tn));
    // Tables whose actions take no parameter leave result_data unread.
    decl_.line(fmt::format("logic [{}:0] unused_{}_data;", blk->paramWidth - 1, tn));
    body_.line(fmt::format("assign unused_{}_data = {}_data;", tn, tn));
    const Body applied = [this, &s, ts](CodeBuilder& cb, const std::string& b) {
        uncond_ = true;
        const std::string lhs = wr(b, ts.applied, 1);
        uncond_ = false;
        cb.line(fmt::format("{} = {};", lhs, emitExpr(s.pred, b, s.loc)));
    };
    const std::string what = "statements before " + t.name;
    // The bundle the key and the applied bit are read from in the issue cycle.
    std::string look;
    std::string valid = curValid_;
    int rest = blk->latency;
    // An open register stage ends before the lookup (its write-back is at its end).
    if (!pending_.empty() && blk->latency >= 2 && !regStage_) {
        const int issueStage = stage_;
        const Issue issue = splitPending(blk->latency, what, applied);
        look = issue.bundle;
        valid = issue.valid;
        rest = blk->latency - (stage_ - issueStage);
    } else {
        flushPending(what);
        look = combBundle({}, cur_, fmt::format("table {}: whether it applies", t.name), applied,
                          tn + "_b");
        cur_ = look;
    }
    body_.line(fmt::format("// table {} ({}, LATENCY {})", t.name, blk->module, blk->latency));
    body_.open("always_comb begin");
    body_.line(fmt::format("{}_lookup_valid = {} && {};", tn, valid, rd(look, ts.applied, 1)));
    std::string key;
    for (const auto& k : t.keys) key += (key.empty() ? "" : ", ") + emitExpr(k.expr, look, t.loc);
    // A keyless table looks up one slot, key 0 (it holds at most the entry with the empty key).
    body_.line(key.empty() ? fmt::format("{}_key = '0;", tn)
                           : fmt::format("{}_key = {{{}}};", tn, key));
    body_.close("end");
    std::vector<std::pair<std::string, std::string>> params = {
        {"KEY_W", std::to_string(blk->keyWidth)}};
    if (blk->kind == regmap::TableKind::Lpm) {
        // hop_table_lpm: strides, node / result address widths and depths (the capacities).
        for (auto& p : regmap::lpmParameters(*blk)) params.push_back(std::move(p));
    }
    params.push_back({"ACTION_W", std::to_string(blk->actionWidth)});
    params.push_back({"PARAM_W", std::to_string(blk->paramWidth)});
    if (blk->kind != regmap::TableKind::Lpm)
        params.push_back({"DEPTH", std::to_string(blk->depth)});
    if (blk->kind == regmap::TableKind::Exact)
        params.push_back({"SLOTS", std::to_string(blk->slots)});
    params.push_back({"BASE", fmt::format("32'h{:x}", blk->base)});
    params.push_back({"DEFAULT_ACTION", std::to_string(blk->defaultAction)});
    params.push_back({"LATENCY", std::to_string(blk->latency)});
    body_.open(fmt::format("{} #(", blk->module));
    for (size_t i = 0; i < params.size(); ++i)
        body_.line(fmt::format(".{}({}){}", params[i].first, params[i].second,
                               i + 1 < params.size() ? "," : ""));
    body_.dedent().open(fmt::format(") u_{} (", tn));
    const std::vector<std::pair<std::string, std::string>> ports = {
        {"clk", "clk"},
        {"rst", "rst"},
        {"lookup_valid", tn + "_lookup_valid"},
        {"lookup_key", tn + "_key"},
        {"result_valid", "unused_" + tn + "_result_valid"},
        {"result_hit", tn + "_hit"},
        {"result_action", tn + "_action"},
        {"result_data", tn + "_data"},
        {"csr_wr", "csr_wr"},
        {"csr_rd", "csr_rd"},
        {"csr_addr", "csr_addr"},
        {"csr_wdata", "csr_wdata"},
        {"csr_rdata", tn + "_csr_rdata"}};
    for (size_t i = 0; i < ports.size(); ++i)
        body_.line(fmt::format(".{}({}){}", ports[i].first, ports[i].second,
                               i + 1 < ports.size() ? "," : ""));
    body_.close(");");
    csrRdata_.push_back(tn + "_csr_rdata");
    delay(rest, "lookup of " + t.name);
    directCounters(t, *blk, tn, ts);
    // The results the action reads: the block's, or with a direct meter their delayed copies.
    const std::string rn = directMeter(t, s.table, *blk, tn, ts);
    pendingResults_ = {{rn + "_hit", 1}, {rn + "_action", blk->actionWidth}};
    if (const auto dm = directMeter_.find(s.table); dm != directMeter_.end())
        pendingResults_.push_back({dm->second.colour, 2});
    for (const auto& ar : t.actions)
        if (!p_.actions[ar.action].params.empty()) {
            pendingResults_.push_back({rn + "_data", blk->paramWidth});
            break;
        }
    // The action, as the first statements of the next stage.
    const ir::FieldId flag = controlExitFlag_;  // actions may exit: see control()
    const ir::TableId table = s.table;
    pending_.push_back([this, &t, ts, rn, blk, flag, table](CodeBuilder& cb, const std::string& b) {
        exitFlag_ = flag;
        actionTable_ = table;
        cb.open(fmt::format("if ({}) begin", rd(b, ts.applied, 1)));
        const std::string hit = rn + "_hit" + resultSuffix_,
                          action = rn + "_action" + resultSuffix_,
                          data = rn + "_data" + resultSuffix_;
        if (const std::string lhs = wr(b, ts.hit, 1); !lhs.empty())
            cb.line(fmt::format("{} = {};", lhs, hit));
        if (const std::string lhs = wr(b, ts.action, ts.actionWidth); !lhs.empty())
            cb.line(fmt::format("{} = {};", lhs, action));
        cb.open(fmt::format("case ({})", action));
        for (size_t i = 0; i < t.actions.size(); ++i) {
            const ir::Action& a = p_.actions[t.actions[i].action];
            // Parameters: the first in the high bits of the low end of result_data; the
            // leaves read (offset, width) pairs.
            int total = 0;
            for (const auto& prm : a.params) total += prm.width;
            std::vector<int> pw;
            for (const auto& prm : a.params) {
                total -= prm.width;
                pw.push_back(total);
                pw.push_back(prm.width);
            }
            cb.open(fmt::format("{}: begin  // {}", literal(i, blk->actionWidth), a.name));
            const auto& body = t.actions[i].bound ? t.actions[i].body : a.body;
            for (const ir::Stmt& st : body) statement(cb, b, st, data, &pw);
            cb.close("end");
        }
        cb.line("default: begin end");
        cb.close("endcase");
        cb.close("end");
        actionTable_ = -1;
    });
}
}  // namespace hop::verilog
