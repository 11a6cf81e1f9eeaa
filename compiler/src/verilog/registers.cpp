// SPDX-License-Identifier: Apache-2.0
// Stage: register arrays and counters (rtl/hop_register.sv), at one packet per clock.
//
// Every access of one register (read, write, a counter's count) is in one register stage: the
// block reads the cell at the index in the stage's first cycle (from the bundle before it, the
// `look` bundle), and the statements of the next cycle see the value and may write the cell
// back, which the block forwards to the next packet's read. Registers whose indices do not
// depend on the statements between them share one stage. Within a packet, a read after a write
// of the same register sees the write: the bundle carries each register's pending write (enable,
// index, value) through the stage's statements, and the block takes it at the stage's end.
//
// A meter (rtl/hop_meter.sv) is the same read-modify-write, computed by its block: it reads the
// cell at the stage's first cycle with the index, the units (1, or the frame's length for a
// bytes meter) and the packet's arrival time, and LATENCY cycles later gives the colour, which
// execute_meter writes to its destination under the statement's predicate (an index past the end
// leaves it as it was); the marking is written back (`commit`) only when the statement runs.
#include "ir/dump.hpp"
#include "verilog/generator.hpp"

namespace hop::verilog {

namespace {

// The bundle state an expression reads: fields as their id, validity bits as -(header + 1).
void readsOf(const ir::ExprPtr& e, std::set<int>& out) {
    if (!e) return;
    if (e->kind == ir::ExprKind::Field || e->kind == ir::ExprKind::VarbitLength)
        out.insert(e->index);
    if (e->kind == ir::ExprKind::Valid) out.insert(-(e->index + 1));
    for (const auto& a : e->args) readsOf(a, out);
}

}  // namespace

void Generator::noteWrites(const ir::Stmt& s) {
    if (!regStage_) return;
    if (s.dst) {
        const ir::Expr* d = s.dst.get();
        while (d->kind == ir::ExprKind::Slice) d = d->args[0].get();
        if (d->kind == ir::ExprKind::Field) regStage_->written.insert(d->index);
    }
    if (s.kind == ir::StmtKind::SetValid || s.kind == ir::StmtKind::SetInvalid)
        regStage_->written.insert(-(s.header + 1));
}

void Generator::externAccess(const ir::Stmt& s) {
    const regmap::ExternBlock* blk = map_.findExtern(s.object);
    const ir::ExternObject& x = p_.externs[s.object];
    // A direct counter counts at its table's hit (directCounters): count() adds nothing.
    if (s.kind == ir::StmtKind::Count && x.kind == ir::ExternObject::Kind::DirectCounter) return;
    const bool meter = s.kind == ir::StmtKind::MeterExec;
    if (meter && x.kind == ir::ExternObject::Kind::DirectMeter) {
        diags_.unsupported(s.loc, "direct_meter " + x.name +
                                      ".read outside an action of its table " +
                                      p_.tables[x.table].name + " in the Verilog backend");
        failed_ = true;
        return;
    }
    if (!blk) {
        diags_.unsupported(s.loc, x.name + " in the Verilog backend (it has no block)");
        failed_ = true;
        return;
    }
    // The index the statement reads (a write's is `src`, a read's `src`, a count's `src`).
    const ir::ExprPtr& index = s.src;
    if (!index) {
        diags_.unsupported(s.loc, x.name + " without an index in the Verilog backend");
        failed_ = true;
        return;
    }
    // Only the index must be known at the stage's start (the block reads the cell whether or
    // not the access runs); the predicate is evaluated where the statement is.
    std::set<int> reads;
    readsOf(index, reads);
    auto independent = [&]() {
        for (int r : reads)
            if (regStage_->written.count(r)) return false;
        return true;
    };
    const std::string indexText = ir::exprToString(p_, index);
    auto port = regPorts_.find(s.object);
    if (port == regPorts_.end()) {
        // Its first access: join the open stage when its index is known at the stage's start
        // and the stage is as long as this block needs, else open a stage of its own.
        const int latency = registerStageLatency(*blk);
        if (!regStage_ || !independent() || regStage_->latency != latency)
            openRegisterStage(x.name, latency);
        RegPort rp;
        rp.name = names_.get("register:" + x.name, (meter ? "m_" : "r_") + x.name);
        rp.index = indexText;
        rp.stage = regStageId_;
        port = regPorts_.emplace(s.object, rp).first;
        regStage_->objects.push_back(s.object);
        decl_.line(fmt::format("logic {}_rd_valid;", rp.name));
        decl_.line(fmt::format("logic [31:0] {}_rd_idx;", rp.name));
        const std::string idx = fmt::format("32'({})", emitExpr(index, regStage_->look, s.loc));
        // A block faster than its stage reads that many cycles into it (its write-back is at
        // the stage's end), the index carried there beside the bundle.
        if (const int lag = latency - blk->latency; lag > 0) {
            body_.line(
                fmt::format("// {} {}: read {} cycle(s) into the stage", blk->kind, x.name, lag));
            decl_.line(fmt::format("logic [31:0] {}_look_idx;", rp.name));
            body_.line(fmt::format("assign {}_look_idx = {};", rp.name, idx));
            instance(body_, "hop_delay", {{"W", "32"}, {"CYCLES", std::to_string(lag)}},
                     "u_" + rp.name + "_idx",
                     {{"clk", "clk"},
                      {"rst", "rst"},
                      {"in_valid", regStage_->lookValid},
                      {"in_data", rp.name + "_look_idx"},
                      {"out_valid", rp.name + "_rd_valid"},
                      {"out_data", rp.name + "_rd_idx"}});
        } else {
            body_.line(fmt::format("// {} {}: read at the stage's first cycle", blk->kind, x.name));
            body_.line(fmt::format("assign {}_rd_valid = {};", rp.name, regStage_->lookValid));
            body_.line(fmt::format("assign {}_rd_idx = {};", rp.name, idx));
        }
        if (meter) {
            pendingResults_.push_back({rp.name + "_colour", 2});
            meterInputs(rp.name, x, regStage_->look, s.loc);
        } else {
            pendingResults_.push_back({rp.name + "_rd_data", blk->width});
            decl_.line(fmt::format("logic [{}:0] {}_rd_data;", blk->width - 1, rp.name));
        }
        // No write yet in this packet.
        const RegSlots sl = rslots_.at(s.object);
        pending_.push_back([this, sl](CodeBuilder& cb, const std::string& b) {
            uncond_ = true;
            if (const std::string l = wr(b, sl.wen, 1); !l.empty()) cb.line(l + " = 1'b0;");
            uncond_ = false;
        });
    } else if (meter) {
        diags_.unsupported(s.loc, x.name +
                                      " executed twice in a packet in the Verilog backend (a "
                                      "meter is one read-modify-write of its cell a packet)");
        failed_ = true;
        return;
    } else if (!regStage_ || port->second.stage != regStageId_ || !independent() ||
               port->second.index != indexText) {
        diags_.unsupported(
            s.loc,
            fmt::format("{} accessed again {} in the Verilog backend (every access of a "
                        "register is one read-modify-write at one packet per clock: the same "
                        "index, computed before the first access, with no table apply between)",
                        x.name,
                        port->second.index != indexText ? "at another index (" + indexText +
                                                              ", first " + port->second.index + ")"
                                                        : "after its index or the stage changed"));
        failed_ = true;
        return;
    }
    const RegPort rp = port->second;
    const RegSlots sl = rslots_.at(s.object);
    const ir::Stmt* sp = &s;
    const ir::FieldId flag = controlExitFlag_;
    pending_.push_back([this, sp, sl, rp, flag](CodeBuilder& cb, const std::string& b) {
        exitFlag_ = flag;
        const ir::Stmt& st = *sp;
        auto ex = [&](const ir::ExprPtr& e) { return emitExpr(e, b, st.loc); };
        const std::string guard = isTrue(st.pred) ? "" : "if (" + ex(st.pred) + ") ";
        // Bits [lo, lo + w) of the cell's value for this packet: its own earlier write, else
        // the block's read.
        auto value = [&](int lo, int w) {
            return fmt::format("({} ? {} : {}_rd_data{}[{}:{}])", rd(b, sl.wen, 1),
                               rd(b, sl.wdata + lo, w), rp.name, resultSuffix_, lo + w - 1, lo);
        };
        auto write = [&](const std::string& data) {
            const std::string en = wr(b, sl.wen, 1), idx = wr(b, sl.widx, 32),
                              val = wr(b, sl.wdata, sl.width);
            // The value first: it may read the packet's earlier write (a count adds to it).
            cb.open(guard + "begin");
            if (!val.empty()) cb.line(fmt::format("{} = {};", val, data));
            if (!idx.empty()) cb.line(fmt::format("{} = 32'({});", idx, ex(st.src)));
            if (!en.empty()) cb.line(en + " = 1'b1;");
            cb.close("end");
        };
        switch (st.kind) {
            case ir::StmtKind::RegRead: {
                const ir::Expr& d = *st.dst;
                if (d.kind != ir::ExprKind::Field) {
                    diags_.unsupported(st.loc, "this register read target in the Verilog backend");
                    failed_ = true;
                    return;
                }
                // An index past the end leaves the destination as it was (simple_switch).
                const std::string inRange =
                    fmt::format("33'({}) < 33'd{}", ex(st.src), map_.findExtern(st.object)->depth);
                if (const std::string l = fieldLhs(b, d.index); !l.empty())
                    cb.line(fmt::format("if ({}{}) {} = {}'({});",
                                        isTrue(st.pred) ? "" : "(" + ex(st.pred) + ") && ", inRange,
                                        l, d.width, value(0, sl.width)));
                return;
            }
            case ir::StmtKind::RegWrite:
                write(fmt::format("{}'({})", sl.width, ex(st.src2)));
                return;
            case ir::StmtKind::MeterExec: {
                const ir::Expr& d = *st.dst;
                if (d.kind != ir::ExprKind::Field) {
                    diags_.unsupported(st.loc, "this meter colour target in the Verilog backend");
                    failed_ = true;
                    return;
                }
                // An index past the end leaves the destination as it was (BMv2); the block
                // marks only when the statement runs.
                const std::string inRange =
                    fmt::format("33'({}) < 33'd{}", ex(st.src), map_.findExtern(st.object)->depth);
                cb.open(guard + "begin");
                if (const std::string l = fieldLhs(b, d.index); !l.empty())
                    cb.line(fmt::format("if ({}) {} = {}'({}_colour{});", inRange, l, d.width,
                                        rp.name, resultSuffix_));
                if (const std::string en = wr(b, sl.wen, 1); !en.empty()) cb.line(en + " = 1'b1;");
                cb.close("end");
                return;
            }
            case ir::StmtKind::Count: {
                // One packet and the frame's length, whatever the counter's type (BMv2 counts
                // both): packets in the low 64 bits, bytes in the high 64.
                const std::string len =
                    fPacketLength_ >= 0
                        ? fmt::format("64'({})", ex(ir::fieldRef(fPacketLength_,
                                                                 p_.fields[fPacketLength_].width)))
                        : "64'd0";
                write(fmt::format("{{{} + {}, {} + 64'd1}}", value(64, 64), len, value(0, 64)));
                return;
            }
            default:
                return;
        }
    });
}

// A register stage lasts as long as the slowest block that may join it: in a program with an
// indexed meter, hop_meter's latency (a register there reads LATENCY - 1 cycles into the
// stage), so a meter executed between a register's read and its write shares the register's
// stage; otherwise its block's latency (1 cycle for hop_register).
int Generator::registerStageLatency(const regmap::ExternBlock& blk) const {
    int latency = blk.latency;
    for (const regmap::ExternBlock& b : map_.externs)
        if (b.kind == "meter" && b.table.empty()) latency = std::max(latency, b.latency);
    return latency;
}

void Generator::openRegisterStage(const std::string& first, int latency) {
    flushPending("statements before register " + first);
    RegStage st;
    st.look = cur_;
    st.lookValid = curValid_;
    st.latency = latency;
    delay(latency, "register stage (" + first + "): the block reads the cell");
    ++regStageId_;
    regStage_ = st;
}

// The stage's statements are in `comb`: each register's pending write goes to its block.
void Generator::closeRegisterStage(const std::string& comb) {
    if (!regStage_) return;
    const RegStage st = *regStage_;
    regStage_.reset();
    for (int object : st.objects) {
        const regmap::ExternBlock& blk = *map_.findExtern(object);
        const RegPort& rp = regPorts_.at(object);
        const RegSlots& sl = rslots_.at(object);
        if (blk.kind == "meter") {
            decl_.line(fmt::format("logic {}_commit;", rp.name));
            body_.line(fmt::format("// meter {}: the marking written back when it ran", blk.name));
            body_.line(fmt::format("assign {}_commit = {} && {};", rp.name, curValid_,
                                   rd(comb, sl.wen, 1)));
            meterBlock(rp.name, blk, rp.name + "_commit");
            continue;
        }
        decl_.line(fmt::format("logic {}_wr_en;", rp.name));
        decl_.line(fmt::format("logic [31:0] {}_wr_idx;", rp.name));
        decl_.line(fmt::format("logic [{}:0] {}_wr_data;", blk.width - 1, rp.name));
        body_.line(fmt::format("// {} {}: the write-back, at the stage's end", blk.kind, blk.name));
        body_.line(
            fmt::format("assign {}_wr_en = {} && {};", rp.name, curValid_, rd(comb, sl.wen, 1)));
        body_.line(fmt::format("assign {}_wr_idx = {};", rp.name, rd(comb, sl.widx, 32)));
        body_.line(fmt::format("assign {}_wr_data = {};", rp.name, rd(comb, sl.wdata, sl.width)));
        csrInstance("hop_register",
                    {{"WIDTH", std::to_string(blk.width)},
                     {"DEPTH", std::to_string(blk.depth)},
                     {"IDX_W", "32"},
                     {"BASE", fmt::format("32'h{:x}", blk.base)},
                     {"SPAN", std::to_string(blk.span)}},
                    "u_" + rp.name,
                    {{"clk", "clk"},
                     {"rst", "rst"},
                     {"hold", "1'b0"},
                     {"rd_valid", rp.name + "_rd_valid"},
                     {"rd_idx", rp.name + "_rd_idx"},
                     {"rd_data", rp.name + "_rd_data"},
                     {"wr_en", rp.name + "_wr_en"},
                     {"wr_idx", rp.name + "_wr_idx"},
                     {"wr_data", rp.name + "_wr_data"}},
                    rp.name + "_csr_rdata");
    }
}

}  // namespace hop::verilog
