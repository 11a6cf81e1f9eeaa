// SPDX-License-Identifier: Apache-2.0
// Bundle layout, expression leaves, delay lines and the combinational joins between stages.
#include "verilog/generator.hpp"

namespace hop::verilog {

void Generator::layout() {
    fEgressSpec_ = p_.findField("standard_metadata.egress_spec");
    fEgressPort_ = p_.findField("standard_metadata.egress_port");
    fIngressPort_ = p_.findField("standard_metadata.ingress_port");
    fMcastGrp_ = p_.findField("standard_metadata.mcast_grp");
    fParserError_ = p_.findField("standard_metadata.parser_error");
    fChecksumError_ = p_.findField("standard_metadata.checksum_error");
    // packet_length is the frame's byte count, known at its last beat (store-and-forward).
    fPacketLength_ = p_.findField("standard_metadata.packet_length");
    fTruncate_ = p_.findField(ir::kTruncateField);
    fTruncateLength_ = p_.findField(ir::kTruncateLengthField);
    // The timestamps: the frame's arrival time (s_axis_ttime, sampled with the first beat).
    fIngressTimestamp_ = p_.findField("standard_metadata.ingress_global_timestamp");
    fEgressTimestamp_ = p_.findField("standard_metadata.egress_global_timestamp");
    // The queue metadata: on the pipeline top (no queue) enq_timestamp is the arrival and the
    // rest 0, as for a packet that found its queue empty; after the cut the traffic manager's.
    fEnqTimestamp_ = p_.findField("standard_metadata.enq_timestamp");
    for (const char* n : {"standard_metadata.enq_qdepth", "standard_metadata.deq_timedelta",
                          "standard_metadata.deq_qdepth"}) {
        const ir::FieldId f = p_.findField(n);
        if (f >= 0) queueZero_.push_back(f);
    }
    int off = p_.phvWidth;
    validBase_ = off;
    off += static_cast<int>(p_.validityBits.size());
    for (const auto& t : map_.tables) {
        TableSlots s;
        s.applied = off++;
        s.hit = off++;
        s.action = off;
        s.actionWidth = t.actionWidth;
        off += t.actionWidth;
        tslots_[t.table] = s;
    }
    for (const auto& x : map_.externs) {
        RegSlots s;
        s.wen = off++;
        // A meter's pending write is only whether it runs (the block computes the marking).
        if (x.kind == "meter") {
            s.width = s.idxWidth = 0;
            s.widx = s.wdata = off;
        } else {
            s.width = x.width;
            s.widx = off;
            off += 32;
            s.wdata = off;
            off += x.width;
        }
        rslots_[x.object] = s;
    }
    for (const auto& st : p_.parser.states)
        for (const ir::Stmt& s : st.stmts)
            if (s.kind == ir::StmtKind::Extract && s.length) {
                // `stack.next` of varbit headers: any element may be the one extracted.
                std::vector<ir::HeaderId> hs{s.header};
                if (s.stack >= 0) {
                    hs.clear();
                    for (size_t i = 0; i < p_.stacks[s.stack].size(); ++i)
                        hs.push_back(p_.nextTarget(s, i));
                }
                for (ir::HeaderId h : hs)
                    if (h >= 0 && !varSlot_.count(h)) {
                        varSlot_[h] = off;
                        off += 16;
                    }
            }
    consumedOff_ = off;
    off += 16;
    dropOff_ = off++;
    if (sf_) longOff_ = off++;
    if (payloadCsum_) {
        psumOff_ = off;
        off += 16;
    }
    bw_ = off;
    atoms();
}

ExprLeaves Generator::leaves(const std::string& b, const std::string& paramVar,
                             const std::vector<int>* paramOffsets) {
    ExprLeaves l;
    l.field = [this, b](ir::FieldId f) {
        if (f == fPacketLength_) readsPacketLength_ = true;
        return fieldOf(b, f);
    };
    l.valid = [this, b](ir::HeaderId h) -> std::string {
        const int vb = p_.headers[h].validBit;
        if (vb < 0) return "1'b1";
        return rd(b, validBase_ + vb, 1);
    };
    if (paramOffsets) {
        l.param = [this, paramVar, paramOffsets](int i) {
            (void)this;
            return slice(paramVar, (*paramOffsets)[2 * i], (*paramOffsets)[2 * i + 1]);
        };
    }
    l.tableHit = [this, b](ir::TableId t) -> std::string {
        auto it = tslots_.find(t);
        if (it == tslots_.end()) return "1'b0";
        return rd(b, it->second.hit, 1);
    };
    l.actionRun = [this, b](ir::TableId t, ir::ActionId a) -> std::string {
        auto it = tslots_.find(t);
        if (it == tslots_.end()) return "1'b0";
        const auto& acts = p_.tables[t].actions;
        for (size_t i = 0; i < acts.size(); ++i)
            if (acts[i].action == a)
                return fmt::format("({} && {} == {})", rd(b, it->second.applied, 1),
                                   rd(b, it->second.action, it->second.actionWidth),
                                   literal(i, it->second.actionWidth));
        return "1'b0";
    };
    // The parser writes an extracted varbit's length into its header's slot; a header without
    // a slot is never extracted with a length, so it has its maximum width.
    l.varbitLength = [this, b](ir::FieldId f) -> std::string {
        auto it = varSlot_.find(p_.fields[f].header);
        if (it == varSlot_.end()) return literal(p_.fields[f].width, 16);
        return rd(b, it->second, 16);
    };
    if (lookCursor_) {
        const Cursor at = *lookCursor_;
        l.lookahead = [at](int width) {
            return fmt::format("win_wire[8*WIN_BYTES-1-{} -: {}]", at.index(0), width);
        };
    }
    return l;
}

std::string Generator::emitExpr(const ir::ExprPtr& e, const std::string& b, const SourceLoc& loc,
                                const std::string& paramVar, const std::vector<int>* paramOffsets) {
    loc_ = loc;
    ExprEmitter em(p_, leaves(b, paramVar, paramOffsets), diags_);
    std::string s = e ? em.emit(e, loc) : "1'b1";
    if (em.failed()) failed_ = true;
    return s;
}

// A delay line of `cycles` registers for the bundle and its valid bit: one hop_delay (a
// register chain up to 2 cycles, a ring beyond; rtl/hop_delay.sv), named after its last stage.
void Generator::delay(int cycles, const std::string& what) {
    if (cycles <= 0) return;
    const int first = stage_ + 1;
    stage_ += cycles;
    const std::string q = fmt::format("s{}_q", stage_), v = fmt::format("v{}_q", stage_);
    bundleVar(q, cur_, false);
    rec_.vars[q].cycles = cycles;
    decl_.line(fmt::format("logic {};", v));
    const std::string* into = folded(cur_);
    if (into && *into == q && cycles == 1) {
        // The data register is loaded in the folded bundle's always_ff (combBundle).
        body_.line(fmt::format("// stage {}: register ({})", first, what));
        body_.open("always_ff @(posedge clk) begin");
        body_.line(fmt::format("if (rst) {} <= 1'b0;", v));
        body_.line(fmt::format("else {} <= {};", v, curValid_));
        body_.close("end");
        cur_ = q;
        curValid_ = v;
        latency_ += cycles;
        body_.line();
        return;
    }
    body_.line(cycles == 1
                   ? fmt::format("// stage {}: delay 1/1 ({})", first, what)
                   : fmt::format("// stages {}..{}: delay {} ({})", first, stage_, cycles, what));
    body_.open("hop_delay #(");
    body_.line(narrowed_ ? fmt::format(".W({}),", bundleWidth(q)) : ".W(BUNDLE_W),");
    body_.line(fmt::format(".CYCLES({}),", cycles));
    // Only a valid bundle is ever read (every consumer qualifies it with its valid bit), so the
    // words of bubbles need not move.
    body_.line(".HOLD(1'b1)");
    body_.dedent().open(fmt::format(") u_delay{} (", stage_));
    body_.line(".clk(clk),");
    body_.line(".rst(rst),");
    body_.line(fmt::format(".in_valid({}),", curValid_));
    body_.line(fmt::format(".in_data({}),", project(cur_, q)));
    body_.line(fmt::format(".out_valid({}),", v));
    body_.line(fmt::format(".out_data({})", q));
    body_.close(");");
    cur_ = q;
    curValid_ = v;
    latency_ += cycles;
    body_.line();
}

// Pending statements before a block of latency 1 (or before a checksum unit, whose input is
// registered after them, see checksums()): no register of their own. They become a
// combinational bundle that the block's inputs and the first register of the following delay
// line read.
void Generator::flushPending(const std::string& what) {
    if (pending_.empty()) return;
    auto bodies = std::move(pending_);
    const auto results = std::move(pendingResults_);
    pending_.clear();
    pendingResults_.clear();
    cur_ = combBundle(bodies, cur_, what + " (combinational, joins the next register)");
    sinkResults(results, "");
    closeRegisterStage(cur_);
}

std::string Generator::combBundle(const std::vector<Body>& bodies, const std::string& from,
                                  const std::string& what, const Body& tail,
                                  const std::string& name) {
    const std::string c = name.empty() ? fmt::format("c{}_b", ++comb_) : name;
    bundleVar(c, from, true);
    body_.line("// " + what);
    const std::string* into = folded(c);
    if (into) {
        // Only the next register reads it: computed in its always_ff when the bundle is valid
        // (the enable is the valid register's; the data the same logic as an always_comb).
        body_.open("always_ff @(posedge clk) begin");
        body_.open(fmt::format("if ({}) begin : g_{}", curValid_, c));
        body_.line(
            fmt::format("/* verilator lint_off UNUSEDSIGNAL */ logic [{}:0] {}; /* "
                        "verilator lint_on UNUSEDSIGNAL */",
                        bundleWidth(c) - 1, c));
    } else {
        body_.open("always_comb begin");
    }
    body_.line(fmt::format("{} = {};", c, project(from, c)));
    std::vector<Body> all = bodies;
    if (tail) all.push_back(tail);
    for (size_t i = 0; i < all.size(); ++i) {
        if (!keeps(c, i)) {  // nothing reads what it writes
            rec_.vars[c].bodies.emplace_back();
            continue;
        }
        enterBody(c, i);
        all[i](body_, c);
        leaveBody();
    }
    if (into) {
        body_.line(fmt::format("{} <= {};", *into, project(c, *into)));
        body_.close("end");
    }
    body_.close("end");
    return c;
}

// At most this many cycles of a lookup's latency run the statements before it; the rest of
// the latency is a plain delay line.
constexpr int kMaxStatementCycles = 2;

// Pending statements before a block of `latency` >= 2 cycles (a lookup): its inputs (key and
// valid) are taken in the issue cycle, but its bundle is only read `latency` cycles later. So
// the issue cycle computes the statements only for the block's inputs (the returned bundle;
// synthesis keeps the cone of the inputs alone), the delay line's first register takes the
// bundle as it came and the block results the statements read (name_q), and the statements run
// again from those registers, spread over up to kMaxStatementCycles cycles of the latency in
// program order, with `tail` (the block's own bit) after them. No register input then sees a
// previous block's result path and a whole join in one cycle. The delay line is left with the
// rest of the latency to go (cur_ is the last statements' bundle).
Generator::Issue Generator::splitPending(int latency, const std::string& what, const Body& tail) {
    auto bodies = std::move(pending_);
    auto results = std::move(pendingResults_);
    pending_.clear();
    pendingResults_.clear();
    Issue issue{combBundle(bodies, cur_, what + ": for its key and valid (issue cycle)", tail),
                curValid_};
    if (!narrowed_) {
        // The other bits of the issue bundle are left to synthesis to drop.
        decl_.line(fmt::format("logic [BUNDLE_W-1:0] unused_{};", issue.bundle));
        body_.line(fmt::format("assign unused_{} = {};", issue.bundle, issue.bundle));
    }
    delay(1, what + ": the bundle and the results they read");
    sinkResults(results, "");
    sinkResults(results, "_q");
    if (!results.empty()) {
        body_.open("always_ff @(posedge clk) begin");
        for (const auto& [name, width] : results) {
            decl_.line(fmt::format("logic [{}:0] {}_q;", width - 1, name));
            body_.line(fmt::format("{}_q <= {};", name, name));
        }
        body_.close("end");
    }
    // Emitted again below: their diagnostics were reported above.
    const Diagnostics reported = diags_;
    const int n =
        std::min<int>({latency - 1, kMaxStatementCycles, static_cast<int>(bodies.size())});
    resultSuffix_ = "_q";
    size_t at = 0;
    for (int k = 0; k < n; ++k) {
        const size_t end = bodies.size() * (k + 1) / n;
        std::vector<Body> part(bodies.begin() + at, bodies.begin() + end);
        at = end;
        if (k > 0) delay(1, what + fmt::format(" (statements, part {} of {})", k + 1, n));
        cur_ =
            combBundle(part, cur_, n == 1 ? what : what + fmt::format(" (part {} of {})", k + 1, n),
                       k + 1 == n ? tail : Body{});
        // Only the first part reads block results (the first pending body is the block's).
        resultSuffix_.clear();
    }
    diags_ = reported;
    return issue;
}
void instance(CodeBuilder& b, const std::string& module, const Connections& params,
              const std::string& name, const Connections& ports) {
    auto list = [&b](const Connections& c) {
        for (size_t i = 0; i < c.size(); ++i)
            b.line(fmt::format(".{}({}){}", c[i].first, c[i].second, i + 1 < c.size() ? "," : ""));
    };
    if (params.empty()) {
        b.open(fmt::format("{} {} (", module, name));
    } else {
        b.open(module + " #(");
        list(params);
        b.dedent().open(fmt::format(") {} (", name));
    }
    list(ports);
    b.close(");");
}

}  // namespace hop::verilog
