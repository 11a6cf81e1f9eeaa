// SPDX-License-Identifier: Apache-2.0
// Stage: v1model meters and direct meters (rtl/hop_meter.sv), at one packet per clock.
//
// A meter is a register stage's read-modify-write that its block computes (registers.cpp places
// execute_meter in a stage of the block's latency). A direct meter is executed where its table's
// result meets the bundle, on a hit, as BMv2 executes it in the lookup: the entry's cell index
// rides in the action data (regmap/direct_cells.hpp, as a direct counter's); the table's results
// wait the block's latency beside the bundle, so the action, whose read() gives the colour,
// runs that many cycles later. The time is the frame's arrival time in microseconds (the
// bundle's ingress_global_timestamp, from s_axis_ttime); a bytes meter's units are the frame's
// length, which makes the program store-and-forward as a counter does.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Generator::meterInputs(const std::string& n, const ir::ExternObject& x, const std::string& b,
                            const SourceLoc& loc) {
    const bool bytes = x.unit == ir::ExternObject::Unit::Bytes;
    const std::string units =
        bytes && fPacketLength_ >= 0
            ? fmt::format(
                  "32'({})",
                  emitExpr(ir::fieldRef(fPacketLength_, p_.fields[fPacketLength_].width), b, loc))
            : "32'd1";
    const std::string time =
        fIngressTimestamp_ >= 0
            ? fmt::format("64'({})", emitExpr(ir::fieldRef(fIngressTimestamp_,
                                                           p_.fields[fIngressTimestamp_].width),
                                              b, loc))
            : "64'd0";
    decl_.line(fmt::format("logic [31:0] {}_units;", n));
    decl_.line(fmt::format("logic [63:0] {}_time;", n));
    body_.line(fmt::format("assign {}_units = {};", n, units));
    body_.line(fmt::format("assign {}_time = {};", n, time));
}

void Generator::meterBlock(const std::string& n, const regmap::ExternBlock& blk,
                           const std::string& commit) {
    decl_.line(fmt::format("logic [1:0] {}_colour;", n));
    decl_.line(fmt::format("logic unused_{}_out_valid;", n));
    csrInstance("hop_meter",
                {{"DEPTH", std::to_string(blk.depth)},
                 {"IDX_W", "32"},
                 {"BASE", fmt::format("32'h{:x}", blk.base)},
                 {"SPAN", std::to_string(blk.span)}},
                "u_" + n,
                {{"clk", "clk"},
                 {"rst", "rst"},
                 {"in_valid", n + "_rd_valid"},
                 {"in_idx", n + "_rd_idx"},
                 {"in_units", n + "_units"},
                 {"in_time_us", n + "_time"},
                 {"out_valid", "unused_" + n + "_out_valid"},
                 {"out_colour", n + "_colour"},
                 {"commit", commit}},
                n + "_csr_rdata");
}

std::string Generator::directMeter(const ir::Table& t, ir::TableId table,
                                   const regmap::TableBlock& blk, const std::string& tn,
                                   const TableSlots& ts) {
    int object = -1;
    for (int d : t.directExterns)
        if (p_.externs[d].kind == ir::ExternObject::Kind::DirectMeter) object = d;
    if (object < 0) return tn;
    const ir::ExternObject& x = p_.externs[object];
    const regmap::ExternBlock* eb = map_.findExtern(object);
    if (!eb || blk.cellWidth < 1) {
        diags_.unsupported(t.loc, "direct meter " + x.name + " without a block");
        failed_ = true;
        return tn;
    }
    const std::string n = names_.get("register:" + x.name, "dm_" + x.name);
    decl_.line(fmt::format("logic {}_rd_valid;", n));
    decl_.line(fmt::format("logic [31:0] {}_rd_idx;", n));
    body_.line(
        fmt::format("// direct_meter {} of table {}: the hit entry's cell, marked at the "
                    "result; the action runs {} cycle(s) later with its colour",
                    x.name, t.name, eb->latency));
    body_.line(fmt::format("assign {}_rd_valid = {} && {} && {}_hit;", n, curValid_,
                           rd(cur_, ts.applied, 1), tn));
    body_.line(fmt::format("assign {}_rd_idx = 32'({}_data[{}:{}]);", n, tn,
                           blk.cellOffset + blk.cellWidth - 1, blk.cellOffset));
    meterInputs(n, x, cur_, t.loc);
    // Every hit executes it, whatever the action does (BMv2 executes it in the lookup).
    meterBlock(n, *eb, "1'b1");
    // The table's results beside the bundle, until the colour is there (the action data only
    // when an action takes parameters: the cell index in it is read above).
    const std::string rn = names_.get("table-meter:" + t.name, tn + "_m");
    bool params = false;
    for (const auto& ar : t.actions) params = params || !p_.actions[ar.action].params.empty();
    const int w = 1 + blk.actionWidth + (params ? blk.paramWidth : 0);
    const std::string results = params ? fmt::format("{}_hit, {}_action, {}_data", rn, rn, rn)
                                       : fmt::format("{}_hit, {}_action", rn, rn);
    decl_.line(fmt::format("logic {}_hit, unused_{}_valid;", rn, rn));
    decl_.line(fmt::format("logic [{}:0] {}_action;", blk.actionWidth - 1, rn));
    if (params) decl_.line(fmt::format("logic [{}:0] {}_data;", blk.paramWidth - 1, rn));
    decl_.line(fmt::format("logic [{}:0] {}_res;", w - 1, rn));
    instance(body_, "hop_delay",
             {{"W", std::to_string(w)}, {"CYCLES", std::to_string(eb->latency)}}, "u_" + rn,
             {{"clk", "clk"},
              {"rst", "rst"},
              {"in_valid", curValid_},
              {"in_data", params ? fmt::format("{{{}_hit, {}_action, {}_data}}", tn, tn, tn)
                                 : fmt::format("{{{}_hit, {}_action}}", tn, tn)},
              {"out_valid", "unused_" + rn + "_valid"},
              {"out_data", rn + "_res"}});
    body_.line(fmt::format("assign {{{}}} = {}_res;", results, rn));
    delay(eb->latency, "direct meter " + x.name + " of " + t.name);
    directMeter_[table] = {n + "_colour", rn + "_hit"};
    return rn;
}

void Generator::directMeterRead(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                                const std::string& pred) {
    const ir::ExternObject& x = p_.externs[s.object];
    const auto it = directMeter_.find(x.table);
    if (actionTable_ != x.table || it == directMeter_.end()) {
        diags_.unsupported(s.loc, "direct_meter " + x.name +
                                      ".read outside an action of its table " +
                                      p_.tables[x.table].name + " in the Verilog backend");
        failed_ = true;
        return;
    }
    const ir::Expr& d = *s.dst;
    if (d.kind != ir::ExprKind::Field) {
        diags_.unsupported(s.loc, "this meter colour target in the Verilog backend");
        failed_ = true;
        return;
    }
    // On a miss (the default action) the destination is left as it was.
    if (const std::string l = fieldLhs(b, d.index); !l.empty())
        cb.line(fmt::format("if ({}{}{}) {} = {}'({}{});", pred, it->second.hit, resultSuffix_, l,
                            d.width, it->second.colour, resultSuffix_));
}

}  // namespace hop::verilog
