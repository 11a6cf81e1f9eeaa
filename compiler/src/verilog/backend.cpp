// SPDX-License-Identifier: Apache-2.0
// The Verilog backend. The pipeline carries one "bundle" per packet from stage to stage: the
// whole packet header vector (every field at its phvOffset), the validity bits, per table the
// applied / hit / action-id results, the bytes the parser consumed and the ingress drop flag.
// Each stage is one always_comb (x_d from the previous stage's x_q, statements in program order
// with blocking assignments, so later statements see earlier ones) and one always_ff; table
// lookups run beside a delay line of LATENCY cycles (rtl/hop_delay.sv).
#include "verilog/backend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

#include "verilog/code_builder.hpp"
#include "verilog/expr.hpp"
#include "verilog/names.hpp"

namespace hop::verilog {

namespace {

const char* kDeparserTemplate =
#include "verilog/deparser_sv.inc"
    ;

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
        s.replace(pos, from.size(), to);
    return s;
}

int clog2(int64_t n) {
    int l = 0;
    while ((int64_t{1} << l) < n) ++l;
    return l;
}

int64_t pow2AtLeast(int64_t n) { return int64_t{1} << clog2(std::max<int64_t>(n, 1)); }

std::string slice(const std::string& var, int off, int width) {
    if (width == 1) return fmt::format("{}[{}]", var, off);
    return fmt::format("{}[{}:{}]", var, off + width - 1, off);
}

// Store-and-forward programs (they read packet_length) take frames of at most this many bytes
// (jumbo frames); a longer frame is dropped and counted (pipeline word TOO_LONG).
constexpr int kMaxFrameBytes = 9216;

struct TableSlots {
    int applied = 0, hit = 0, action = 0, actionWidth = 1;
};

class Generator {
  public:
    Generator(const ir::Program& p, const Options& o, Diagnostics& d, regmap::RegMap map,
              bool storeAndForward)
        : p_(p), opt_(o), diags_(d), map_(std::move(map)), sf_(storeAndForward) {
        for (const auto* units : {&p.verifyChecksums, &p.updateChecksums})
            for (const auto& u : *units) payloadCsum_ = payloadCsum_ || u.withPayload;
    }
    // A checksum over the payload needs the whole frame before the headers leave.
    static bool needsStoreAndForward(const ir::Program& p) {
        for (const auto* units : {&p.verifyChecksums, &p.updateChecksums})
            for (const auto& u : *units)
                if (u.withPayload) return true;
        return false;
    }

    std::optional<Output> run();
    // The program read standard_metadata.packet_length (generate() then builds it again,
    // store-and-forward).
    bool readsPacketLength() const { return readsPacketLength_; }

  private:
    // --- bundle layout and leaves
    void layout();
    ExprLeaves leaves(const std::string& b, const std::string& paramVar = {},
                      const std::vector<int>* paramOffsets = nullptr);
    std::string fieldOf(const std::string& b, ir::FieldId f) const {
        return slice(b, p_.fields[f].phvOffset, p_.fields[f].width);
    }
    std::string emitExpr(const ir::ExprPtr& e, const std::string& b, const SourceLoc& loc,
                         const std::string& paramVar = {},
                         const std::vector<int>* paramOffsets = nullptr);

    // --- stages
    using Body = std::function<void(CodeBuilder&, const std::string&)>;
    void delay(int cycles, const std::string& what);
    void flushPending(const std::string& what);

    // --- pieces
    void capture();
    void parser();
    // The parser's cursor: a constant number of bits plus, after a varbit, a run-time part
    // (a 16-bit Verilog expression, at most dynMax bits).
    struct Cursor {
        int bits = 0;
        std::string dyn;
        int dynMax = 0;
        std::string text() const { return dyn.empty() ? std::to_string(bits) : plus(0); }
        std::string plus(int k) const {
            if (dyn.empty()) return std::to_string(bits + k);
            return fmt::format("16'(16'd{} + {})", bits + k, dyn);
        }
        // A bit index into the window (32 bits, as 8*WIN_BYTES-1 is).
        std::string index(int k) const {
            if (dyn.empty()) return std::to_string(bits + k);
            return fmt::format("32'({})", plus(k));
        }
    };
    bool parseState(CodeBuilder& cb, ir::StateId s, const Cursor& at, int depth,
                    std::vector<ir::StateId>& path);
    void parseEnd(CodeBuilder& cb, const Cursor& at, int error);
    void checksums(const std::vector<ir::ChecksumUnit>& units, bool verify);
    void control(const ir::Control& c);
    void statement(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                   const std::string& paramVar = {},
                   const std::vector<int>* paramOffsets = nullptr);
    void applyTable(const ir::Stmt& s);
    void deparser();
    void csrAndFifos();
    std::string topModule() const;

    const ir::Program& p_;
    Options opt_;
    Diagnostics& diags_;
    regmap::RegMap map_;
    bool sf_ = false;  // store-and-forward: the window fires at the frame's last beat
    // A checksum covers the payload (*_with_payload; store-and-forward): the capture sums the
    // bytes past the window, the parser stage the window's bytes past the headers, and the
    // bundle carries that payload sum (psumOff_, 16 bits, aligned to the payload's first byte).
    bool payloadCsum_ = false;
    int psumOff_ = -1;
    bool readsPacketLength_ = false;
    ir::FieldId fPacketLength_ = -1;
    int longOff_ = -1;  // bundle bit: the frame was longer than kMaxFrameBytes (sf_ only)
    NameTable names_;
    CodeBuilder decl_, body_;
    bool failed_ = false;

    int bw_ = 0, validBase_ = 0, consumedOff_ = 0, dropOff_ = 0;
    std::map<ir::TableId, TableSlots> tslots_;
    ir::FieldId fEgressSpec_ = -1, fEgressPort_ = -1, fIngressPort_ = -1, fMcastGrp_ = -1,
                fParserError_ = -1, fChecksumError_ = -1;
    std::set<ir::FieldId> unavailable_;
    SourceLoc loc_;

    int stage_ = 0, comb_ = 0;
    std::string cur_, curValid_;
    int latency_ = 0;
    std::vector<Body> pending_;

    int windowBytes_ = 1, maxParseBits_ = 0, emitBytes_ = 1;
    int keepW_ = 64;
    std::vector<std::string> csrRdata_;
    int tableCount_ = 0;
    std::string name_;
    std::string parserText_;
    ir::FieldId exitFlag_ = -1;         // the flag statement() sets for Exit
    ir::FieldId controlExitFlag_ = -1;  // the control being generated (captured by stages)
    std::set<ir::TableId> applied_;
    std::vector<std::string> varLens_;     // parser variables holding an extracted varbit length
    std::map<ir::HeaderId, int> varSlot_;  // bundle slot (16 bits): a varbit header's length
};

void Generator::layout() {
    fEgressSpec_ = p_.findField("standard_metadata.egress_spec");
    fEgressPort_ = p_.findField("standard_metadata.egress_port");
    fIngressPort_ = p_.findField("standard_metadata.ingress_port");
    fMcastGrp_ = p_.findField("standard_metadata.mcast_grp");
    fParserError_ = p_.findField("standard_metadata.parser_error");
    fChecksumError_ = p_.findField("standard_metadata.checksum_error");
    // packet_length is the frame's byte count, known at its last beat (store-and-forward).
    fPacketLength_ = p_.findField("standard_metadata.packet_length");
    // What the hardware does not know when the header window is parsed.
    for (const char* n : {"standard_metadata.enq_timestamp", "standard_metadata.deq_timedelta",
                          "standard_metadata.enq_qdepth", "standard_metadata.deq_qdepth",
                          "standard_metadata.ingress_global_timestamp",
                          "standard_metadata.egress_global_timestamp"}) {
        ir::FieldId f = p_.findField(n);
        if (f >= 0) unavailable_.insert(f);
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
    for (const auto& st : p_.parser.states)
        for (const ir::Stmt& s : st.stmts)
            if (s.kind == ir::StmtKind::Extract && s.length && !varSlot_.count(s.header)) {
                varSlot_[s.header] = off;
                off += 16;
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
}

ExprLeaves Generator::leaves(const std::string& b, const std::string& paramVar,
                             const std::vector<int>* paramOffsets) {
    ExprLeaves l;
    l.field = [this, b](ir::FieldId f) {
        if (f == fPacketLength_) readsPacketLength_ = true;
        if (unavailable_.count(f)) {
            diags_.unsupported(loc_, p_.fields[f].name + " in the Verilog backend");
            failed_ = true;
        }
        return fieldOf(b, f);
    };
    l.valid = [this, b](ir::HeaderId h) -> std::string {
        const int vb = p_.headers[h].validBit;
        if (vb < 0) return "1'b1";
        return fmt::format("{}[{}]", b, validBase_ + vb);
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
        return fmt::format("{}[{}]", b, it->second.hit);
    };
    l.actionRun = [this, b](ir::TableId t, ir::ActionId a) -> std::string {
        auto it = tslots_.find(t);
        if (it == tslots_.end()) return "1'b0";
        const auto& acts = p_.tables[t].actions;
        for (size_t i = 0; i < acts.size(); ++i)
            if (acts[i].action == a)
                return fmt::format("({}[{}] && {} == {})", b, it->second.applied,
                                   slice(b, it->second.action, it->second.actionWidth),
                                   literal(i, it->second.actionWidth));
        return "1'b0";
    };
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
    decl_.line(fmt::format("logic [BUNDLE_W-1:0] {};", q));
    decl_.line(fmt::format("logic {};", v));
    body_.line(cycles == 1
                   ? fmt::format("// stage {}: delay 1/1 ({})", first, what)
                   : fmt::format("// stages {}..{}: delay {} ({})", first, stage_, cycles, what));
    body_.open("hop_delay #(");
    body_.line(".W(BUNDLE_W),");
    body_.line(fmt::format(".CYCLES({})", cycles));
    body_.dedent().open(fmt::format(") u_delay{} (", stage_));
    body_.line(".clk(clk),");
    body_.line(".rst(rst),");
    body_.line(fmt::format(".in_valid({}),", curValid_));
    body_.line(fmt::format(".in_data({}),", cur_));
    body_.line(fmt::format(".out_valid({}),", v));
    body_.line(fmt::format(".out_data({})", q));
    body_.close(");");
    cur_ = q;
    curValid_ = v;
    latency_ += cycles;
    body_.line();
}

// Pending statements before a table lookup or a checksum unit: no register of their own. They
// become a combinational bundle that the lookup key (or the checksum input) and the first
// register of the following delay line read, so statements, key and the block's input register
// share one clock.
void Generator::flushPending(const std::string& what) {
    if (pending_.empty()) return;
    auto bodies = std::move(pending_);
    pending_.clear();
    ++comb_;
    const std::string c = fmt::format("c{}_b", comb_);
    decl_.line(fmt::format("logic [BUNDLE_W-1:0] {};", c));
    body_.line(fmt::format("// {} (combinational, joins the next register)", what));
    body_.open("always_comb begin");
    body_.line(fmt::format("{} = {};", c, cur_));
    for (const auto& f : bodies) f(body_, c);
    body_.close("end");
    cur_ = c;
}

// ---------------------------------------------------------------------------------------------
// Header window capture: the first WIN_BYTES bytes of each frame (or the whole frame when it is
// shorter) into win_q, with the number of bytes present and the ingress port.
//
// Cut-through (the default): the window fires at the beat that completes it (or the frame's
// last beat). Store-and-forward (sf_, programs that read packet_length): the window fires at
// the frame's last beat, with the frame's byte count (win_plen_q). A frame longer than
// kMaxFrameBytes fires at the beat that crosses the limit with win_long_q set (the descriptor
// drops it); that beat goes into the payload FIFO as the frame's last, and the rest of the frame
// is taken and discarded (cap_drop_q), so the FIFO (sized for one maximum frame) never holds an
// unfinished frame it cannot complete.

void Generator::capture() {
    const int K = keepW_, H = windowBytes_;
    const int beats = (H + K - 1) / K;
    // Store-and-forward counts one beat past the window (beats: past it, nothing captured).
    const int bw = std::max(1, clog2(sf_ ? beats + 1 : beats));
    decl_.line(fmt::format("localparam int WIN_BYTES = {};", H));
    decl_.line(fmt::format("logic [{}:0] cap_beat_q, cap_beat_d;", bw - 1));
    decl_.line("logic cap_mid_q, cap_mid_d, cap_done_q, cap_done_d;");
    decl_.line("logic [USER_W-1:0] cap_port_q, cap_port_d;");
    decl_.line("logic [8*WIN_BYTES-1:0] cap_acc_q, cap_acc_d;");
    decl_.line("logic win_fire;");
    decl_.line("logic [15:0] in_beat_n, win_len;");
    decl_.line("logic win_valid_q;");
    decl_.line("logic [8*WIN_BYTES-1:0] win_q, win_wire;");
    decl_.line("logic [15:0] win_len_q;");
    decl_.line("logic [USER_W-1:0] win_port_q;");
    if (sf_) {
        decl_.line(fmt::format("localparam int MAX_FRAME = {};", kMaxFrameBytes));
        decl_.line("logic [15:0] cap_bytes_q, cap_bytes_d, cap_plen, win_plen_q;");
        decl_.line("logic cap_drop_q, cap_drop_d, cap_long, win_long_q;");
    }
    if (payloadCsum_) {
        // RFC 1071 sum of the frame's bytes past the window (byte k of the frame in the high half
        // of a word when k is even), folded every beat.
        decl_.line("logic [15:0] cap_psum_q, cap_psum_d, win_psum_q;");
        decl_.line("logic [31:0] cap_beat_sum;");
        decl_.open("function automatic logic [15:0] fold16(input logic [31:0] x);");
        decl_.line("logic [16:0] y;");
        decl_.line("y = 17'(x[15:0]) + 17'(x[31:16]);");
        decl_.line("return y[15:0] + 16'(y[16]);");
        decl_.close("endfunction");
    }
    body_.line(sf_ ? "// Header window capture (store-and-forward: fires at the frame's last beat)."
                   : "// Header window capture.");
    body_.open("always_comb begin");
    body_.line("in_beat_n = 16'($countones(s_axis_tkeep));");
    body_.line("cap_beat_d = cap_beat_q;");
    body_.line("cap_mid_d = cap_mid_q;");
    body_.line("cap_done_d = cap_done_q;");
    body_.line("cap_port_d = cap_mid_q ? cap_port_q : s_axis_tuser;");
    body_.line("cap_acc_d = cap_acc_q;");
    for (int b = 0; b < beats; ++b) {
        const int n = std::min(K, H - b * K);
        body_.line(fmt::format("if (cap_beat_q == {}) cap_acc_d[{}:{}] = s_axis_tdata[{}:0];",
                               literal(b, bw), 8 * (b * K + n) - 1, 8 * b * K, 8 * n - 1));
    }
    const std::string lastWin = literal(sf_ ? beats : beats - 1, bw);
    if (sf_) {
        body_.line("cap_bytes_d = cap_bytes_q;");
        body_.line("cap_drop_d = cap_drop_q;");
        body_.line("cap_plen = cap_bytes_q + in_beat_n;");
        if (payloadCsum_) {
            body_.line("cap_beat_sum = 32'd0;");
            body_.open("for (int i = 0; i < KEEP_W; i++) begin");
            body_.line(
                "if (s_axis_tkeep[i] && 32'(cap_bytes_q) + 32'(i) >= 32'(WIN_BYTES)) "
                "cap_beat_sum = cap_beat_sum + (i % 2 == 0 ? {16'd0, s_axis_tdata[8*i +: 8], "
                "8'd0} : {24'd0, s_axis_tdata[8*i +: 8]});");
            body_.close("end");
            body_.line(
                "cap_psum_d = in_fire ? fold16(32'(cap_psum_q) + cap_beat_sum) : cap_psum_q;");
        }
        body_.line("cap_long = cap_plen > 16'(MAX_FRAME);");
        body_.line("win_fire = in_fire && !cap_drop_q && (s_axis_tlast || cap_long);");
        body_.line(fmt::format("win_len = cap_plen > 16'd{} ? 16'd{} : cap_plen;", H, H));
    } else {
        body_.line(
            fmt::format("win_fire = in_fire && !cap_done_q && (cap_beat_q == {} || "
                        "s_axis_tlast);",
                        lastWin));
        body_.line(fmt::format(
            "win_len = !s_axis_tlast ? 16'd{} : 16'(cap_beat_q) * 16'd{} + in_beat_n > 16'd{} ? "
            "16'd{} : 16'(cap_beat_q) * 16'd{} + in_beat_n;",
            H, K, H, H, K));
    }
    body_.open("if (in_fire) begin");
    body_.line("cap_mid_d = !s_axis_tlast;");
    body_.line("cap_done_d = !s_axis_tlast && (cap_done_q || win_fire);");
    if (sf_) {
        body_.line("cap_bytes_d = s_axis_tlast ? 16'd0 : cap_drop_q ? cap_bytes_q : cap_plen;");
        body_.line("cap_drop_d = !s_axis_tlast && (cap_drop_q || cap_long);");
    }
    if (payloadCsum_) body_.line("if (s_axis_tlast) cap_psum_d = 16'd0;");
    if (beats > 1 || sf_)
        body_.line(
            fmt::format("cap_beat_d = s_axis_tlast ? '0 : cap_beat_q == {} ? cap_beat_q "
                        ": cap_beat_q + 1'b1;",
                        lastWin));
    else
        body_.line("cap_beat_d = '0;");
    body_.close("end");
    body_.close("end");
    body_.open("always_ff @(posedge clk) begin");
    body_.line("cap_acc_q <= cap_acc_d;");
    body_.line("cap_port_q <= cap_port_d;");
    body_.line("win_q <= cap_acc_d;");
    body_.line("win_len_q <= win_len;");
    body_.line("win_port_q <= cap_port_d;");
    if (sf_) {
        body_.line("win_plen_q <= cap_plen;");
        body_.line("win_long_q <= cap_long;");
    }
    if (payloadCsum_) body_.line("win_psum_q <= fold16(32'(cap_psum_q) + cap_beat_sum);");
    body_.open("if (rst) begin");
    body_.line("cap_beat_q <= '0;");
    body_.line("cap_mid_q <= 1'b0;");
    body_.line("cap_done_q <= 1'b0;");
    body_.line("win_valid_q <= 1'b0;");
    if (sf_) {
        body_.line("cap_bytes_q <= '0;");
        body_.line("cap_drop_q <= 1'b0;");
    }
    if (payloadCsum_) body_.line("cap_psum_q <= 16'd0;");
    body_.dedent().open("end else begin");
    body_.line("cap_beat_q <= cap_beat_d;");
    body_.line("cap_mid_q <= cap_mid_d;");
    body_.line("cap_done_q <= cap_done_d;");
    body_.line("win_valid_q <= win_fire;");
    if (sf_) {
        body_.line("cap_bytes_q <= cap_bytes_d;");
        body_.line("cap_drop_q <= cap_drop_d;");
    }
    if (payloadCsum_) body_.line("cap_psum_q <= cap_psum_d;");
    body_.close("end");
    body_.close("end");
    // Wire order: bit 0 of the first byte on the wire is the top bit.
    body_.open("always_comb begin");
    body_.line(
        "for (int i = 0; i < WIN_BYTES; i++) win_wire[8*(WIN_BYTES-1-i) +: 8] = "
        "win_q[8*i +: 8];");
    body_.close("end");
    body_.line();
    cur_ = "win_q";
    curValid_ = "win_valid_q";
}

// ---------------------------------------------------------------------------------------------
// Parser: the state graph unrolled into nested ifs, one branch per parse path; every extract
// reads the window at the offset the path gives it, so the whole parse is one combinational
// function of the window (one stage).

void Generator::parseEnd(CodeBuilder& cb, const Cursor& at, int error) {
    if (at.dyn.empty())
        cb.line(fmt::format("parse_b[{}:{}] = 16'd{};", consumedOff_ + 15, consumedOff_,
                            (at.bits + 7) / 8));
    else
        cb.line(fmt::format("parse_b[{}:{}] = ({}) >> 3;", consumedOff_ + 15, consumedOff_,
                            at.plus(7)));
    if (error >= 0 && fParserError_ >= 0)
        cb.line(fmt::format("{} = {};", fieldOf("parse_b", fParserError_),
                            literal(error, p_.fields[fParserError_].width)));
}

// A length expression that is a whole number of bytes whatever the packet holds: a constant
// multiple of 8, x << k with k >= 3, x * c or c * x with c a multiple of 8, or a cast of one.
static bool wholeBytes(const ir::ExprPtr& e) {
    if (!e) return false;
    switch (e->kind) {
        case ir::ExprKind::Constant:
            return e->value % 8 == 0;
        case ir::ExprKind::Cast:
            return e->width >= 3 && wholeBytes(e->args[0]);
        case ir::ExprKind::Binary: {
            const auto& a = e->args[0];
            const auto& b = e->args[1];
            auto constMul8 = [](const ir::ExprPtr& x) {
                return x->kind == ir::ExprKind::Constant && x->value % 8 == 0;
            };
            switch (e->binaryOp) {
                case ir::BinaryOp::Shl:
                    return b->kind == ir::ExprKind::Constant && b->value >= 3;
                case ir::BinaryOp::Mul:
                    return constMul8(a) || constMul8(b) || wholeBytes(a) || wholeBytes(b);
                case ir::BinaryOp::Add:
                    return wholeBytes(a) && wholeBytes(b);
                default:
                    return false;
            }
        }
        default:
            return false;
    }
}

bool Generator::parseState(CodeBuilder& cb, ir::StateId sid, const Cursor& at, int depth,
                           std::vector<ir::StateId>& path) {
    auto errorCode = [&](const char* name) {
        for (size_t i = 0; i < p_.errors.size(); ++i)
            if (p_.errors[i] == name) return static_cast<int>(i);
        return -1;
    };
    if (sid == ir::kAccept || sid == ir::kReject) {
        parseEnd(cb, at, -1);
        return true;
    }
    const ir::ParserState& st = p_.parser.states[sid];
    if (depth > 64) {
        diags_.unsupported(st.loc, "a parser path of more than 64 states (a parser loop)");
        failed_ = true;
        return false;
    }
    path.push_back(sid);
    cb.line(fmt::format("// state {} at bit {}", st.name, at.text()));
    // The guards opened so far (extract: enough bytes; verify: its condition), each closed in
    // reverse with its reject branch: where the cursor stood and the error.
    std::vector<std::pair<Cursor, int>> guards;
    Cursor cur = at;
    for (const ir::Stmt& s : st.stmts) {
        switch (s.kind) {
            case ir::StmtKind::Extract: {
                const ir::Header& h = p_.headers[s.header];
                // A varbit header: its last field has the maximum width; the length (bits)
                // comes from the packet, so the cursor after it has a run-time part.
                const int maxVar = s.length ? p_.fields[h.fields.back()].width : 0;
                const int fixed = h.width - maxVar;
                std::string vlen;
                if (s.length) {
                    if (!wholeBytes(s.length) || maxVar % 8 != 0 || fixed % 8 != 0) {
                        diags_.unsupported(s.loc,
                                           "a varbit extraction whose length is not provably a "
                                           "whole number of bytes in the Verilog backend");
                        failed_ = true;
                        return false;
                    }
                    vlen = fmt::format("vb_len_{}", varLens_.size());
                    varLens_.push_back(vlen);
                    const std::string len = emitExpr(s.length, "parse_b", s.loc);
                    // Longer than the field: HeaderTooShort (checked before the packet's
                    // length, as the model and BMv2 do).
                    const int w = std::max(s.length->width, clog2(maxVar + 1) + 1);
                    cb.open(fmt::format("if (!({}'({}) > {}'d{})) begin", w, len, w, maxVar));
                    guards.push_back({cur, errorCode("HeaderTooShort")});
                    cb.line(fmt::format("{} = 16'({});", vlen, len));
                }
                Cursor end = cur;
                end.bits += fixed;
                if (s.length) {
                    end.dyn = end.dyn.empty() ? vlen : fmt::format("{} + {}", end.dyn, vlen);
                    end.dynMax += maxVar;
                }
                maxParseBits_ = std::max(maxParseBits_, end.bits + end.dynMax);
                if (end.dyn.empty())
                    cb.open(fmt::format("if (win_len_q >= 16'd{}) begin", (end.bits + 7) / 8));
                else
                    cb.open(
                        fmt::format("if ((19'(win_len_q) << 3) >= 19'({})) begin", end.plus(0)));
                guards.push_back({cur, errorCode("PacketTooShort")});
                for (ir::FieldId f : h.fields) {
                    const ir::Field& fd = p_.fields[f];
                    if (s.length && f == h.fields.back()) {
                        // Read the maximum width at the field's start, keep the first `vlen`
                        // bits right-aligned (the model's value of a varbit).
                        cb.line(fmt::format("{} = win_wire[8*WIN_BYTES-1-{} -: {}] >> ({} - {});",
                                            fieldOf("parse_b", f), cur.index(fd.offset), fd.width,
                                            literal(fd.width, 16), vlen));
                        const auto it = varSlot_.find(s.header);
                        if (it != varSlot_.end())
                            cb.line(fmt::format("parse_b[{}:{}] = {};", it->second + 15, it->second,
                                                vlen));
                    } else {
                        cb.line(fmt::format("{} = win_wire[8*WIN_BYTES-1-{} -: {}];",
                                            fieldOf("parse_b", f), cur.index(fd.offset), fd.width));
                    }
                }
                if (h.validBit >= 0)
                    cb.line(fmt::format("parse_b[{}] = 1'b1;", validBase_ + h.validBit));
                cur = end;
                // The else branch (packet too short) is written when the ifs close.
                break;
            }
            case ir::StmtKind::Verify: {
                cb.open(fmt::format("if ({}) begin", emitExpr(s.src, "parse_b", s.loc)));
                guards.push_back({cur, s.error});
                break;
            }
            case ir::StmtKind::Assign:
            case ir::StmtKind::SetValid:
            case ir::StmtKind::SetInvalid:
                statement(cb, "parse_b", s);
                break;
            default:
                diags_.unsupported(s.loc, "this parser statement in the Verilog backend");
                failed_ = true;
                return false;
        }
    }
    // Transition.
    bool ok = true;
    if (st.selectKeys.empty()) {
        ok =
            parseState(cb, st.cases.empty() ? ir::kReject : st.cases[0].next, cur, depth + 1, path);
        if (st.cases.empty()) parseEnd(cb, cur, -1);
    } else {
        std::vector<std::string> keys;
        for (const auto& k : st.selectKeys) keys.push_back(emitExpr(k, "parse_b", st.loc));
        bool hasDefault = false;
        bool first = true;
        for (const auto& c : st.cases) {
            std::vector<std::string> terms;
            for (size_t i = 0; i < c.keys.size() && i < keys.size(); ++i) {
                const ir::Match& m = c.keys[i];
                const int w = st.selectKeys[i]->width;
                switch (m.kind) {
                    case ir::Match::Kind::Exact:
                        terms.push_back(fmt::format("{} == {}", keys[i], literal(m.value, w)));
                        break;
                    case ir::Match::Kind::Ternary:
                    case ir::Match::Kind::Lpm:
                        terms.push_back(fmt::format("({} & {}) == {}", keys[i], literal(m.mask, w),
                                                    literal(m.value & m.mask, w)));
                        break;
                    case ir::Match::Kind::Range:
                        terms.push_back(fmt::format("{} >= {} && {} <= {}", keys[i],
                                                    literal(m.value, w), keys[i],
                                                    literal(m.high, w)));
                        break;
                    case ir::Match::Kind::DontCare:
                        break;
                }
            }
            std::string cond;
            for (const auto& t : terms) cond += (cond.empty() ? "" : " && ") + ("(" + t + ")");
            if (cond.empty()) {
                hasDefault = true;
                if (first) {
                    ok = parseState(cb, c.next, cur, depth + 1, path) && ok;
                } else {
                    cb.open("end else begin");
                    ok = parseState(cb, c.next, cur, depth + 1, path) && ok;
                    cb.dedent();
                }
                break;
            }
            cb.open(fmt::format("{}if ({}) begin", first ? "" : "end else ", cond));
            ok = parseState(cb, c.next, cur, depth + 1, path) && ok;
            cb.dedent();
            first = false;
        }
        if (!first) {
            if (!hasDefault) {
                cb.open("end else begin");
                parseEnd(cb, cur, errorCode("NoMatch"));
                cb.dedent();
            }
            cb.line("end");
        }
    }
    // Close the extract / verify guards in reverse, each with its reject branch.
    for (auto g = guards.rbegin(); g != guards.rend(); ++g) {
        cb.dedent().open("end else begin");
        parseEnd(cb, g->first, g->second);
        cb.close("end");
    }
    path.pop_back();
    return ok;
}

void Generator::parser() {
    CodeBuilder cb;
    std::vector<ir::StateId> path;
    if (p_.parser.states.empty()) {
        parseEnd(cb, Cursor{}, -1);
    } else if (!parseState(cb, 0, Cursor{}, 0, path)) {
        failed_ = true;
    }
    windowBytes_ = std::max(1, (maxParseBits_ + 7) / 8);
    parserText_ = cb.str();
}

// ---------------------------------------------------------------------------------------------
// Statements (controls, action bodies, parser assignments): blocking assignments into the
// stage's bundle variable `b`, each under its predicate.

void Generator::statement(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                          const std::string& paramVar, const std::vector<int>* paramOffsets) {
    auto ex = [&](const ir::ExprPtr& e) { return emitExpr(e, b, s.loc, paramVar, paramOffsets); };
    std::string guard = isTrue(s.pred) ? "" : "if (" + ex(s.pred) + ") ";
    switch (s.kind) {
        case ir::StmtKind::Assign: {
            const ir::Expr& d = *s.dst;
            std::string lhs;
            if (d.kind == ir::ExprKind::Field) {
                lhs = fieldOf(b, d.index);
            } else if (d.kind == ir::ExprKind::Slice && d.args[0]->kind == ir::ExprKind::Field) {
                const ir::Field& f = p_.fields[d.args[0]->index];
                lhs = slice(b, f.phvOffset + d.lo, d.hi - d.lo + 1);
            } else {
                diags_.unsupported(s.loc, "this assignment target in the Verilog backend");
                failed_ = true;
                return;
            }
            cb.line(guard + lhs + " = " + ex(s.src) + ";");
            return;
        }
        case ir::StmtKind::SetValid:
        case ir::StmtKind::SetInvalid: {
            const int vb = p_.headers[s.header].validBit;
            if (vb < 0) return;
            cb.line(fmt::format("{}{}[{}] = 1'b{};", guard, b, validBase_ + vb,
                                s.kind == ir::StmtKind::SetValid ? 1 : 0));
            return;
        }
        case ir::StmtKind::MarkToDrop:
            if (fEgressSpec_ >= 0) {
                cb.open(guard + "begin");
                cb.line(fmt::format("{} = 9'd511;", fieldOf(b, fEgressSpec_)));
                if (fMcastGrp_ >= 0) cb.line(fmt::format("{} = '0;", fieldOf(b, fMcastGrp_)));
                cb.close("end");
            }
            return;
        case ir::StmtKind::Exit:
            // The lowering guards later statements with the control's exit flag; see control().
            if (exitFlag_ >= 0) cb.line(guard + fieldOf(b, exitFlag_) + " = 1'b1;");
            return;
        default:
            diags_.unsupported(s.loc,
                               "this statement (counters, registers, meters) in the "
                               "Verilog backend");
            failed_ = true;
            return;
    }
}

// ---------------------------------------------------------------------------------------------
// A table: the key from the current bundle into the block's lookup port, the bundle through
// LATENCY registers beside it, then the action selected by result_action (hit or default).

void Generator::applyTable(const ir::Stmt& s) {
    flushPending("statements before " + p_.tables[s.table].name);
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
    const std::string look = tn + "_b";
    decl_.line(fmt::format("logic [BUNDLE_W-1:0] {};", look));
    decl_.line(fmt::format("logic {}_lookup_valid, {}_hit;", tn, tn));
    decl_.line(fmt::format("logic [{}:0] {}_key;", blk->keyWidth - 1, tn));
    decl_.line(fmt::format("logic [{}:0] {}_action;", blk->actionWidth - 1, tn));
    decl_.line(fmt::format("logic [{}:0] {}_data;", blk->paramWidth - 1, tn));
    decl_.line(fmt::format("logic [31:0] {}_csr_rdata;", tn));
    decl_.line(fmt::format("logic unused_{}_result_valid;", tn));
    // Tables whose actions take no parameter leave result_data unread.
    decl_.line(fmt::format("logic [{}:0] unused_{}_data;", blk->paramWidth - 1, tn));
    body_.line(fmt::format("assign unused_{}_data = {}_data;", tn, tn));
    body_.line(fmt::format("// table {} ({}, LATENCY {})", t.name, blk->module, blk->latency));
    body_.open("always_comb begin");
    body_.line(fmt::format("{} = {};", look, cur_));
    body_.line(fmt::format("{}[{}] = {};", look, ts.applied, emitExpr(s.pred, look, s.loc)));
    body_.line(fmt::format("{}_lookup_valid = {} && {}[{}];", tn, curValid_, look, ts.applied));
    std::string key;
    for (const auto& k : t.keys) key += (key.empty() ? "" : ", ") + emitExpr(k.expr, look, t.loc);
    body_.line(fmt::format("{}_key = {{{}}};", tn, key));
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
    cur_ = look;
    delay(blk->latency, "lookup of " + t.name);
    // The action, as the first statements of the next stage.
    const ir::FieldId flag = controlExitFlag_;  // actions may exit: see control()
    pending_.push_back([this, &t, ts, tn, blk, flag](CodeBuilder& cb, const std::string& b) {
        exitFlag_ = flag;
        cb.open(fmt::format("if ({}[{}]) begin", b, ts.applied));
        cb.line(fmt::format("{}[{}] = {}_hit;", b, ts.hit, tn));
        cb.line(fmt::format("{} = {}_action;", slice(b, ts.action, ts.actionWidth), tn));
        cb.open(fmt::format("case ({}_action)", tn));
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
            for (const ir::Stmt& st : a.body) statement(cb, b, st, tn + "_data", &pw);
            cb.close("end");
        }
        cb.line("default: begin end");
        cb.close("endcase");
        cb.close("end");
    });
}

void Generator::control(const ir::Control& c) {
    controlExitFlag_ = c.exitFlag;
    for (const ir::Stmt& s : c.stmts) {
        if (s.kind == ir::StmtKind::ApplyTable) {
            applyTable(s);
            continue;
        }
        const ir::Stmt* sp = &s;
        // Pending statements are emitted later (when the stage is flushed): they carry the
        // control's exit flag with them.
        const ir::FieldId flag = controlExitFlag_;
        pending_.push_back([this, sp, flag](CodeBuilder& cb, const std::string& b) {
            exitFlag_ = flag;
            statement(cb, b, *sp);
        });
    }
    controlExitFlag_ = -1;
}

// ---------------------------------------------------------------------------------------------
// Checksums: hop_csum16 over the field list (the bundle waits beside it), then the compare
// (verify: checksum_error) or the write (update).

void Generator::checksums(const std::vector<ir::ChecksumUnit>& units, bool verify) {
    if (units.empty()) return;
    flushPending(verify ? "before verify_checksum" : "before update_checksum");
    constexpr int kStages = 2;
    std::vector<std::string> results;
    int n = 0;
    for (const auto& u : units) {
        const std::string un = fmt::format("{}_csum{}", verify ? "vfy" : "upd", n++);
        if (u.algorithm != ir::ChecksumAlgorithm::Csum16 || !u.checksum ||
            u.checksum->kind != ir::ExprKind::Field || u.checksum->width != 16) {
            diags_.unsupported(u.loc,
                               "this checksum (only csum16 into a bit<16> field) in the Verilog "
                               "backend");
            failed_ = true;
            continue;
        }
        int bits = 0;
        std::string data;
        for (const auto& e : u.data) {
            bits += e->width;
            data += (data.empty() ? "" : ", ") + emitExpr(e, cur_, u.loc);
        }
        if (bits % 8 != 0 || (bits == 0 && !u.withPayload)) {
            diags_.unsupported(u.loc, "a checksum over a field list that is not whole bytes");
            failed_ = true;
            continue;
        }
        if (u.withPayload) {
            // The payload's sum (aligned to its first byte) as one more word after the fields:
            // at an odd offset in the data it is swapped, as the payload's bytes would be.
            bits += 16;
            data += (data.empty() ? "" : ", ") + slice(cur_, psumOff_, 16);
        }
        if (bits < 24) {  // hop_csum16 takes at least 3 bytes: a zero byte after is neutral
            data += fmt::format(", {}'d0", 24 - bits);
            bits = 24;
        }
        decl_.line(fmt::format("logic [{}:0] {}_in;", bits - 1, un));
        decl_.line(fmt::format("logic [15:0] {}_out, unused_{}_sum;", un, un));
        decl_.line(fmt::format("logic unused_{}_valid, unused_{}_ok;", un, un));
        body_.line(fmt::format("assign {}_in = {{{}}};", un, data));
        body_.open("hop_csum16 #(");
        body_.line(fmt::format(".HDR_BYTES({}),", bits / 8));
        body_.line(fmt::format(".STAGES({})", kStages));
        body_.dedent().open(fmt::format(") u_{} (", un));
        body_.line(".clk(clk),");
        body_.line(".rst(rst),");
        body_.line(fmt::format(".in_valid({}),", curValid_));
        body_.line(fmt::format(".in_hdr({}_in),", un));
        body_.line(fmt::format(".out_valid(unused_{}_valid),", un));
        body_.line(fmt::format(".out_sum(unused_{}_sum),", un));
        body_.line(fmt::format(".out_csum({}_out),", un));
        body_.line(fmt::format(".out_verify_ok(unused_{}_ok)", un));
        body_.close(");");
        results.push_back(un);
    }
    delay(kStages, verify ? "verify_checksum" : "update_checksum");
    std::vector<const ir::ChecksumUnit*> ok;
    for (const auto& u : units) ok.push_back(&u);
    pending_.push_back([this, units = ok, results, verify](CodeBuilder& cb, const std::string& b) {
        for (size_t i = 0; i < results.size() && i < units.size(); ++i) {
            const ir::ChecksumUnit& u = *units[i];
            const std::string cond = emitExpr(u.condition, b, u.loc);
            if (verify) {
                if (fChecksumError_ < 0) continue;
                cb.line(fmt::format("if ({} && {}_out != {}) {} = 1'b1;", cond, results[i],
                                    fieldOf(b, u.checksum->index), fieldOf(b, fChecksumError_)));
            } else {
                cb.line(fmt::format("if ({}) {} = {}_out;", cond, fieldOf(b, u.checksum->index),
                                    results[i]));
            }
        }
    });
    // The compare / write joins the next stage's statements (no stage of its own).
}

// ---------------------------------------------------------------------------------------------
// Header assembly: the valid headers in deparser order packed from byte 0 (lane order), their
// byte count, and the descriptor register.

void Generator::deparser() {
    if (!pending_.empty()) {
        // The last statements (e.g. the update_checksum write) run in the assembly's cycle.
        decl_.line("logic [BUNDLE_W-1:0] fin_b;");
        body_.line("// Last statements, in the header assembly's cycle.");
        body_.open("always_comb begin");
        body_.line("fin_b = " + cur_ + ";");
        for (const auto& f : pending_) f(body_, "fin_b");
        body_.close("end");
        pending_.clear();
        cur_ = "fin_b";
    }
    int total = 0;
    for (ir::HeaderId h : p_.deparser) {
        const ir::Header& hd = p_.headers[h];
        if (hd.width % 8 != 0) {
            diags_.unsupported({}, "emitting " + hd.name + " (not whole bytes)");
            failed_ = true;
        }
        total += hd.width / 8;
    }
    emitBytes_ = std::max(1, total);
    decl_.line(fmt::format("localparam int HDR_BYTES = {};", emitBytes_));
    decl_.line("logic [8*HDR_BYTES-1:0] asm_hdr, desc_hdr_q;");
    decl_.line("logic [15:0] asm_len, desc_elen_q, desc_skip_q;");
    decl_.line("logic asm_drop, desc_valid_q, desc_drop_q;");
    decl_.line("logic [USER_W-1:0] desc_port_q;");
    body_.line("// Header assembly: valid headers in emit order, byte 0 in lane 0.");
    body_.open("always_comb begin");
    body_.line("asm_hdr = '0;");
    body_.line("asm_len = 16'd0;");
    for (ir::HeaderId h : p_.deparser) {
        const ir::Header& hd = p_.headers[h];
        const int nb = hd.width / 8;
        if (hd.validBit < 0 || nb == 0) continue;
        // A varbit's value is right-aligned in its field: move its `length` bits to the top, so
        // the bytes past the length are zero in the lanes.
        const auto vs = varSlot_.find(h);
        const std::string vlen =
            vs == varSlot_.end() ? "" : fmt::format("{}[{}:{}]", cur_, vs->second + 15, vs->second);
        std::string bits;
        for (ir::FieldId f : hd.fields) {
            std::string v = fieldOf(cur_, f);
            if (!vlen.empty() && f == hd.fields.back())
                v = fmt::format("{}'({} << (16'd{} - {}))", p_.fields[f].width, v,
                                p_.fields[f].width, vlen);
            bits += (bits.empty() ? "" : ", ") + v;
        }
        std::string lanes;
        for (int j = nb - 1; j >= 0; --j)
            lanes += fmt::format("{}hv[{}:{}]", j == nb - 1 ? "" : ", ", hd.width - 1 - 8 * j,
                                 hd.width - 8 - 8 * j);
        const std::string hv = names_.get("hv:" + hd.name, "hv_" + hd.name);
        decl_.line(fmt::format("logic [{}:0] {};", hd.width - 1, hv));
        body_.open(
            fmt::format("if ({}[{}]) begin  // {}", cur_, validBase_ + hd.validBit, hd.name));
        body_.line(fmt::format("{} = {{{}}};", hv, bits));
        body_.line(fmt::format("asm_hdr = asm_hdr | ((8*HDR_BYTES)'({{{}}}) << (8 * asm_len));",
                               replaceAll(lanes, "hv[", hv + "[")));
        if (vlen.empty())
            body_.line(fmt::format("asm_len = asm_len + 16'd{};", nb));
        else
            body_.line(fmt::format("asm_len = asm_len + 16'd{} + ({} >> 3);",
                                   (hd.width - p_.fields[hd.fields.back()].width) / 8, vlen));
        body_.dedent().open("end else begin");
        body_.line(fmt::format("{} = '0;", hv));
        body_.close("end");
    }
    const std::string spec = fEgressSpec_ >= 0 ? fieldOf(cur_, fEgressSpec_) : "9'd0";
    if (sf_)  // a frame longer than MAX_FRAME is dropped whatever the program says
        body_.line(fmt::format("asm_drop = {}[{}] || {} == 9'd511 || {}[{}];", cur_, dropOff_, spec,
                               cur_, longOff_));
    else
        body_.line(fmt::format("asm_drop = {}[{}] || {} == 9'd511;", cur_, dropOff_, spec));
    body_.close("end");
    body_.open("always_ff @(posedge clk) begin");
    body_.line("desc_hdr_q <= asm_hdr;");
    decl_.line("logic [BUNDLE_W-1:0] unused_bundle;  // fields nobody reads after the last stage");
    body_.line("unused_bundle <= " + cur_ + ";");
    body_.line("desc_elen_q <= asm_len;");
    body_.line(fmt::format("desc_skip_q <= {}[{}:{}];", cur_, consumedOff_ + 15, consumedOff_));
    body_.line("desc_drop_q <= asm_drop;");
    body_.line(
        fmt::format("desc_port_q <= {};", fEgressPort_ >= 0 ? fieldOf(cur_, fEgressPort_) : spec));
    body_.line("if (rst) desc_valid_q <= 1'b0;");
    body_.line(fmt::format("else desc_valid_q <= {};", curValid_));
    body_.close("end");
    body_.line();
    ++latency_;
}

// ---------------------------------------------------------------------------------------------
// Payload and descriptor FIFOs, admission (credits), the deparser and the pipeline CSR block.

void Generator::csrAndFifos() {
    const int descRaw = 1 + 9 + 16 + 16 + 8 * emitBytes_;
    const int descW = (descRaw + 7) / 8 * 8;
    const int descDepth = static_cast<int>(pow2AtLeast(latency_ + 8));
    // Cut-through: the frames in flight while their descriptors are computed. Store-and-
    // forward: also one whole frame of the maximum size (plus the beat that crosses it), which
    // must fit before its descriptor can leave.
    const int maxFrameBeats = (kMaxFrameBytes + keepW_ - 1) / keepW_ + 1;
    const int frameDepth = static_cast<int>(
        sf_ ? pow2AtLeast(maxFrameBeats + 2 * (latency_ + 4))
            : pow2AtLeast(std::max(32, 2 * (latency_ + windowBytes_ / keepW_ + 4))));
    CodeBuilder& b = body_;
    decl_.line(fmt::format("localparam int DESC_W = {};", descW));
    decl_.line(fmt::format("localparam int DESC_DEPTH = {};", descDepth));
    decl_.line(fmt::format("localparam int FRAME_DEPTH = {};", frameDepth));
    decl_.line("logic in_fire, in_ready, frame_s_ready, credit_ok;");
    decl_.line("logic [$clog2(DESC_DEPTH):0] inflight_q;");
    decl_.line("logic [DESC_W-1:0] dq_in, dq_out;");
    decl_.line("logic dq_valid, dq_ready, unused_dq_s_ready, unused_dq_last;");
    decl_.line("logic [DESC_W/8-1:0] unused_dq_keep;");
    decl_.line("logic unused_dq_user, unused_fq_user;");
    decl_.line("logic [DATA_W-1:0] fq_tdata;");
    decl_.line("logic [KEEP_W-1:0] fq_tkeep;");
    decl_.line("logic fq_tvalid, fq_tready, fq_tlast, pkt_sent, pkt_dropped;");
    decl_.line("logic [31:0] rx_q, tx_q, dropped_q, pl_rdata_q;");
    if (sf_) decl_.line("logic [31:0] too_long_q;");

    b.line("// Admission: a frame starts only when its descriptor is sure to find room.");
    b.line("assign credit_ok = inflight_q < ($clog2(DESC_DEPTH)+1)'(DESC_DEPTH);");
    if (sf_) {
        // The rest of a frame that became too long is taken without the FIFO.
        b.line("assign in_ready = cap_drop_q || (frame_s_ready && (cap_mid_q || credit_ok));");
    } else {
        b.line("assign in_ready = frame_s_ready && (cap_mid_q || credit_ok);");
    }
    b.line("assign s_axis_tready = in_ready;");
    b.line("assign in_fire = s_axis_tvalid && in_ready;");
    b.open("always_ff @(posedge clk) begin");
    b.open("if (rst) begin");
    b.line("inflight_q <= '0;");
    b.line("rx_q <= '0;");
    b.line("tx_q <= '0;");
    b.line("dropped_q <= '0;");
    if (sf_) b.line("too_long_q <= '0;");
    b.dedent().open("end else begin");
    b.line(
        "inflight_q <= inflight_q + ($clog2(DESC_DEPTH)+1)'(in_fire && !cap_mid_q) - "
        "($clog2(DESC_DEPTH)+1)'(dq_valid && dq_ready);");
    b.line("if (in_fire && !cap_mid_q) rx_q <= rx_q + 32'd1;");
    b.line("if (pkt_sent) tx_q <= tx_q + 32'd1;");
    b.line("if (pkt_dropped) dropped_q <= dropped_q + 32'd1;");
    if (sf_) b.line("if (win_fire && cap_long) too_long_q <= too_long_q + 32'd1;");
    b.close("end");
    b.close("end");
    b.line();
    auto fifo = [&](const std::string& inst, const std::string& dataW, const std::string& depth,
                    const std::vector<std::pair<std::string, std::string>>& ports) {
        b.open("hop_axis_fifo #(");
        b.line(".DATA_W(" + dataW + "),");
        b.line(".USER_W(1),");
        b.line(".DEPTH(" + depth + ")");
        b.dedent().open(") " + inst + " (");
        for (size_t i = 0; i < ports.size(); ++i)
            b.line(fmt::format(".{}({}){}", ports[i].first, ports[i].second,
                               i + 1 < ports.size() ? "," : ""));
        b.close(");");
    };
    b.line(
        "// Payload FIFO: every beat of the frame; the deparser skips what the parser consumed.");
    decl_.line("logic [FILL_W_FQ-1:0] unused_fq_fill;");
    decl_.line("logic [FILL_W_DQ-1:0] unused_dq_fill;");
    decl_.line("localparam int FILL_W_FQ = $clog2(FRAME_DEPTH) + 1;");
    decl_.line("localparam int FILL_W_DQ = $clog2(DESC_DEPTH) + 1;");
    fifo("u_payload_fifo", "DATA_W", "FRAME_DEPTH",
         {{"clk", "clk"},
          {"rst", "rst"},
          {"s_axis_tdata", "s_axis_tdata"},
          {"s_axis_tkeep", "s_axis_tkeep"},
          {"s_axis_tvalid",
           sf_ ? "s_axis_tvalid && in_ready && !cap_drop_q" : "s_axis_tvalid && in_ready"},
          {"s_axis_tready", "frame_s_ready"},
          {"s_axis_tlast", sf_ ? "s_axis_tlast || cap_long" : "s_axis_tlast"},
          {"s_axis_tuser", "1'b0"},
          {"m_axis_tdata", "fq_tdata"},
          {"m_axis_tkeep", "fq_tkeep"},
          {"m_axis_tvalid", "fq_tvalid"},
          {"m_axis_tready", "fq_tready"},
          {"m_axis_tlast", "fq_tlast"},
          {"m_axis_tuser", "unused_fq_user"},
          {"fill", "unused_fq_fill"}});
    b.line("// Descriptor FIFO: never full (admission counts descriptors in flight).");
    b.line(
        "assign dq_in = DESC_W'({desc_drop_q, desc_port_q, desc_elen_q, desc_skip_q, "
        "desc_hdr_q});");
    fifo("u_desc_fifo", "DESC_W", "DESC_DEPTH",
         {{"clk", "clk"},
          {"rst", "rst"},
          {"s_axis_tdata", "dq_in"},
          {"s_axis_tkeep", "'1"},
          {"s_axis_tvalid", "desc_valid_q"},
          {"s_axis_tready", "unused_dq_s_ready"},
          {"s_axis_tlast", "1'b1"},
          {"s_axis_tuser", "1'b0"},
          {"m_axis_tdata", "dq_out"},
          {"m_axis_tkeep", "unused_dq_keep"},
          {"m_axis_tvalid", "dq_valid"},
          {"m_axis_tready", "dq_ready"},
          {"m_axis_tlast", "unused_dq_last"},
          {"m_axis_tuser", "unused_dq_user"},
          {"fill", "unused_dq_fill"}});
    b.open(fmt::format("{}_deparser #(", name_));
    b.line(".DATA_W(DATA_W),");
    b.line(".USER_W(USER_W),");
    b.line(".HDR_BYTES(HDR_BYTES)");
    b.dedent().open(") u_deparser (");
    const int hb = 8 * emitBytes_;
    const std::vector<std::pair<std::string, std::string>> dp = {
        {"clk", "clk"},
        {"rst", "rst"},
        {"desc_valid", "dq_valid"},
        {"desc_ready", "dq_ready"},
        {"desc_drop", fmt::format("dq_out[{}]", hb + 41)},
        {"desc_port", fmt::format("dq_out[{}:{}]", hb + 40, hb + 32)},
        {"desc_emit_len", fmt::format("dq_out[{}:{}]", hb + 31, hb + 16)},
        {"desc_skip_len", fmt::format("dq_out[{}:{}]", hb + 15, hb)},
        {"desc_hdr", fmt::format("dq_out[{}:0]", hb - 1)},
        {"s_axis_tdata", "fq_tdata"},
        {"s_axis_tkeep", "fq_tkeep"},
        {"s_axis_tvalid", "fq_tvalid"},
        {"s_axis_tready", "fq_tready"},
        {"s_axis_tlast", "fq_tlast"},
        {"m_axis_tdata", "m_axis_tdata"},
        {"m_axis_tkeep", "m_axis_tkeep"},
        {"m_axis_tvalid", "m_axis_tvalid"},
        {"m_axis_tready", "m_axis_tready"},
        {"m_axis_tlast", "m_axis_tlast"},
        {"m_axis_tuser", "m_axis_tuser"},
        {"pkt_sent", "pkt_sent"},
        {"pkt_dropped", "pkt_dropped"}};
    for (size_t i = 0; i < dp.size(); ++i)
        b.line(fmt::format(".{}({}){}", dp[i].first, dp[i].second, i + 1 < dp.size() ? "," : ""));
    b.close(");");
    if (descW > descRaw) {
        decl_.line(fmt::format("logic [{}:0] unused_dq_pad;", descW - descRaw - 1));
        b.line(fmt::format("assign unused_dq_pad = dq_out[DESC_W-1:{}];", descRaw));
    }
    b.line();
    // The map is final here (latency and store-and-forward are known), so its hash is too.
    map_.latency = latency_;
    map_.maxFrameBytes = sf_ ? kMaxFrameBytes : 0;
    const uint64_t hash = regmap::contentHash(map_);
    b.line("// Pipeline CSR block (regmap.json \"pipeline\"): identification and counters.");
    b.open("always_ff @(posedge clk) begin");
    b.line("pl_rdata_q <= 32'd0;");
    b.open(fmt::format("if (csr_rd && csr_addr[31:6] == 26'h{:x}) begin", map_.pipelineBase >> 6));
    b.open("case (csr_addr[5:2])");
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'h{:x};", static_cast<int>(regmap::kWordId),
                       regmap::kPipelineId));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'd{};", static_cast<int>(regmap::kWordDataWidth),
                       opt_.dataWidth));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'd{};", static_cast<int>(regmap::kWordLatency),
                       latency_));
    b.line(fmt::format("4'd{}: pl_rdata_q <= rx_q;", static_cast<int>(regmap::kWordRxPackets)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= tx_q;", static_cast<int>(regmap::kWordTxPackets)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= dropped_q;", static_cast<int>(regmap::kWordDropped)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'h{:08x};", static_cast<int>(regmap::kWordHashLo),
                       static_cast<uint32_t>(hash)));
    b.line(fmt::format("4'd{}: pl_rdata_q <= 32'h{:08x};", static_cast<int>(regmap::kWordHashHi),
                       static_cast<uint32_t>(hash >> 32)));
    if (sf_) {
        b.line(fmt::format("4'd{}: pl_rdata_q <= too_long_q;",
                           static_cast<int>(regmap::kWordTooLong)));
        b.line(fmt::format("4'd{}: pl_rdata_q <= 32'd{};", static_cast<int>(regmap::kWordMaxFrame),
                           kMaxFrameBytes));
    }
    b.line("default: pl_rdata_q <= 32'd0;");
    b.close("endcase");
    b.close("end");
    b.close("end");
    std::string rd = "pl_rdata_q";
    for (const auto& r : csrRdata_) rd += " | " + r;
    b.line("assign csr_rdata = " + rd + ";");
    if (csrRdata_.empty()) {
        decl_.line("logic unused_csr;");
        b.line("assign unused_csr = ^{csr_wr, csr_wdata, csr_addr[1:0]};");
    } else {
        decl_.line("logic [1:0] unused_csr_addr;");
        b.line("assign unused_csr_addr = csr_addr[1:0];");
    }
}

std::string Generator::topModule() const {
    CodeBuilder t;
    t.line("// SPDX-License-Identifier: Apache-2.0");
    t.line(
        fmt::format("// Top of the {} pipeline (generated by hopc): AXI4-Stream in/out (tuser = "
                    "ingress port in,",
                    p_.name));
    t.line("// egress port out) and one AXI4-Lite slave for every CSR (see regmap.json).");
    t.line("`default_nettype none");
    t.line();
    t.open(fmt::format("module {}_top #(", name_));
    t.line(fmt::format("parameter int DATA_W = {},", opt_.dataWidth));
    t.line("parameter int KEEP_W = DATA_W / 8,");
    t.line("parameter int USER_W = 9,");
    t.line(fmt::format("parameter int ADDR_W = {}", map_.addrWidth));
    t.dedent().open(") (");
    t.raw(R"(input  wire               clk,
input  wire               rst,
input  wire  [DATA_W-1:0] s_axis_tdata,
input  wire  [KEEP_W-1:0] s_axis_tkeep,
input  wire               s_axis_tvalid,
output wire               s_axis_tready,
input  wire               s_axis_tlast,
input  wire  [USER_W-1:0] s_axis_tuser,
output wire  [DATA_W-1:0] m_axis_tdata,
output wire  [KEEP_W-1:0] m_axis_tkeep,
output wire               m_axis_tvalid,
input  wire               m_axis_tready,
output wire               m_axis_tlast,
output wire  [USER_W-1:0] m_axis_tuser,
input  wire  [ADDR_W-1:0] s_axil_awaddr,
input  wire  [       2:0] s_axil_awprot,
input  wire               s_axil_awvalid,
output wire               s_axil_awready,
input  wire  [      31:0] s_axil_wdata,
input  wire  [       3:0] s_axil_wstrb,
input  wire               s_axil_wvalid,
output wire               s_axil_wready,
output wire  [       1:0] s_axil_bresp,
output wire               s_axil_bvalid,
input  wire               s_axil_bready,
input  wire  [ADDR_W-1:0] s_axil_araddr,
input  wire  [       2:0] s_axil_arprot,
input  wire               s_axil_arvalid,
output wire               s_axil_arready,
output wire  [      31:0] s_axil_rdata,
output wire  [       1:0] s_axil_rresp,
output wire               s_axil_rvalid,
input  wire               s_axil_rready)");
    t.close(");");
    t.raw(R"(    wire        csr_wr;
    wire        csr_rd;
    wire [31:0] csr_addr;
    wire [31:0] csr_wdata;
    wire [31:0] csr_rdata;

    hop_axil_csr #(
        .ADDR_W(ADDR_W)
    ) u_csr (
        .clk(clk),
        .rst(rst),
        .s_axil_awaddr(s_axil_awaddr),
        .s_axil_awprot(s_axil_awprot),
        .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata),
        .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot),
        .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(csr_rdata)
    );
)");
    t.line(fmt::format("    {}_pipeline #(", name_));
    t.raw(R"(        .DATA_W(DATA_W),
        .USER_W(USER_W)
    ) u_pipeline (
        .clk(clk),
        .rst(rst),
        .s_axis_tdata(s_axis_tdata),
        .s_axis_tkeep(s_axis_tkeep),
        .s_axis_tvalid(s_axis_tvalid),
        .s_axis_tready(s_axis_tready),
        .s_axis_tlast(s_axis_tlast),
        .s_axis_tuser(s_axis_tuser),
        .m_axis_tdata(m_axis_tdata),
        .m_axis_tkeep(m_axis_tkeep),
        .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(m_axis_tready),
        .m_axis_tlast(m_axis_tlast),
        .m_axis_tuser(m_axis_tuser),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(csr_rdata)
    );
endmodule

`resetall)");
    return t.str();
}

std::optional<Output> Generator::run() {
    if (opt_.dataWidth != 64 && opt_.dataWidth != 128 && opt_.dataWidth != 256 &&
        opt_.dataWidth != 512) {
        diags_.error(
            {}, fmt::format("--data-width must be 64, 128, 256 or 512 (not {})", opt_.dataWidth));
        return std::nullopt;
    }
    keepW_ = opt_.dataWidth / 8;
    name_ = sanitize(p_.name);
    layout();
    parser();
    if (failed_) return std::nullopt;
    capture();
    // Parser stage.
    ++stage_;
    decl_.line("logic [BUNDLE_W-1:0] parse_b, s1_q;");
    decl_.line("logic v1_q;");
    body_.line(fmt::format("// stage 1: parser ({} states, window {} bytes)",
                           p_.parser.states.size(), windowBytes_));
    body_.open("always_comb begin");
    body_.line("parse_b = '0;");
    if (fIngressPort_ >= 0) body_.line(fieldOf("parse_b", fIngressPort_) + " = win_port_q;");
    if (sf_ && fPacketLength_ >= 0)
        body_.line(fmt::format("{} = {}'(win_plen_q);", fieldOf("parse_b", fPacketLength_),
                               p_.fields[fPacketLength_].width));
    if (sf_) body_.line(fmt::format("parse_b[{}] = win_long_q;", longOff_));
    // A varbit header that was not extracted (setValid) emits its whole width, as in the model.
    for (const auto& [h, slot] : varSlot_)
        body_.line(fmt::format("parse_b[{}:{}] = 16'd{};", slot + 15, slot,
                               p_.fields[p_.headers[h].fields.back()].width));
    for (const auto& v : varLens_) {
        decl_.line(fmt::format("logic [15:0] {};", v));
        body_.line(v + " = 16'd0;");
    }
    body_.raw(parserText_.substr(0));
    if (payloadCsum_) {
        // The payload's sum: the window's bytes from the payload start (the bytes the parser
        // consumed) plus the capture's sum of the bytes past the window, both frame-aligned;
        // swapped when the payload starts at an odd byte, so that it is aligned to the payload.
        decl_.line("logic [31:0] psum_acc;");
        decl_.line("logic [15:0] psum_frame;");
        body_.line("psum_acc = 32'(win_psum_q);");
        body_.open("for (int i = 0; i < WIN_BYTES; i++) begin");
        body_.line(fmt::format(
            "if (16'(i) >= parse_b[{}:{}] && 16'(i) < win_len_q) psum_acc = psum_acc + (i % 2 == 0 "
            "? {{16'd0, win_q[8*i +: 8], 8'd0}} : {{24'd0, win_q[8*i +: 8]}});",
            consumedOff_ + 15, consumedOff_));
        body_.close("end");
        body_.line("psum_frame = fold16(psum_acc);");
        body_.line(fmt::format(
            "parse_b[{}:{}] = parse_b[{}] ? {{psum_frame[7:0], psum_frame[15:8]}} : psum_frame;",
            psumOff_ + 15, psumOff_, consumedOff_));
    }
    body_.close("end");
    body_.open("always_ff @(posedge clk) begin");
    body_.line("s1_q <= parse_b;");
    body_.line("if (rst) v1_q <= 1'b0;");
    body_.line("else v1_q <= win_valid_q;");
    body_.close("end");
    body_.line();
    cur_ = "s1_q";
    curValid_ = "v1_q";
    latency_ = 1;
    checksums(p_.verifyChecksums, true);
    control(p_.ingress);
    pending_.push_back([this](CodeBuilder& cb, const std::string& b) {
        cb.line(
            "// v1model: drop after ingress when egress_spec is 511; egress_port = egress_spec");
        if (fEgressSpec_ >= 0)
            cb.line(fmt::format("{}[{}] = {} == 9'd511;", b, dropOff_, fieldOf(b, fEgressSpec_)));
        if (fEgressSpec_ >= 0 && fEgressPort_ >= 0)
            cb.line(fmt::format("{} = {};", fieldOf(b, fEgressPort_), fieldOf(b, fEgressSpec_)));
    });
    control(p_.egress);
    checksums(p_.updateChecksums, false);
    deparser();
    if (failed_) return std::nullopt;
    csrAndFifos();
    if (failed_) return std::nullopt;

    CodeBuilder m;
    m.line("// SPDX-License-Identifier: Apache-2.0");
    m.line(
        fmt::format("// The {} pipeline (generated by hopc from the pipeline IR; do not edit): "
                    "header window,",
                    p_.name));
    m.line("// parser, checksums, match-action stages, header assembly, payload FIFO, deparser.");
    m.line(
        fmt::format("// Header pipeline latency: {} cycles from the window register to the "
                    "descriptor register.",
                    latency_));
    m.line("`default_nettype none");
    m.line();
    m.open(fmt::format("module {}_pipeline #(", name_));
    m.line(fmt::format("parameter int DATA_W = {},", opt_.dataWidth));
    m.line("parameter int KEEP_W = DATA_W / 8,");
    m.line("parameter int USER_W = 9");
    m.dedent().open(") (");
    m.raw(R"(input  wire               clk,
input  wire               rst,
input  wire  [DATA_W-1:0] s_axis_tdata,
input  wire  [KEEP_W-1:0] s_axis_tkeep,
input  wire               s_axis_tvalid,
output wire               s_axis_tready,
input  wire               s_axis_tlast,
input  wire  [USER_W-1:0] s_axis_tuser,
output wire  [DATA_W-1:0] m_axis_tdata,
output wire  [KEEP_W-1:0] m_axis_tkeep,
output wire               m_axis_tvalid,
input  wire               m_axis_tready,
output wire               m_axis_tlast,
output wire  [USER_W-1:0] m_axis_tuser,
input  wire               csr_wr,
input  wire               csr_rd,
input  wire  [      31:0] csr_addr,
input  wire  [      31:0] csr_wdata,
output wire  [      31:0] csr_rdata)");
    m.close(");");
    m.indent();
    m.line(fmt::format("localparam int BUNDLE_W = {};", bw_));
    m.open("initial begin");
    m.line(fmt::format("if (DATA_W != {}) $fatal(1, \"%m: generated for DATA_W = {}\");",
                       opt_.dataWidth, opt_.dataWidth));
    m.line("if (USER_W != 9) $fatal(1, \"%m: USER_W must be 9\");");
    m.close("end");
    m.raw(decl_.str());
    m.line();
    m.raw(body_.str());
    m.dedent();
    m.line("endmodule");
    m.line();
    m.line("`resetall");

    Output out;
    out.regmap = map_;
    out.latency = latency_;
    out.windowBytes = windowBytes_;
    out.emitBytes = emitBytes_;
    out.pipelineModule = name_ + "_pipeline";
    out.topModule = name_ + "_top";
    out.files[name_ + "_pipeline.sv"] = m.str();
    out.files[name_ + "_deparser.sv"] = replaceAll(kDeparserTemplate, "@PROG@", name_);
    out.files[name_ + "_top.sv"] = topModule() + "\n";
    return out;
}

}  // namespace

std::optional<Output> generate(const ir::Program& program, const Options& options,
                               Diagnostics& diags) {
    auto map = regmap::build(program, options.dataWidth, diags);
    if (!map) return std::nullopt;
    if (Generator::needsStoreAndForward(program)) {
        Generator sf(program, options, diags, std::move(*map), /*storeAndForward=*/true);
        return sf.run();
    }
    Generator g(program, options, diags, *map, /*storeAndForward=*/false);
    auto out = g.run();
    if (!out || !g.readsPacketLength()) return out;
    // The program reads packet_length: build it again, store-and-forward.
    Generator sf(program, options, diags, std::move(*map), /*storeAndForward=*/true);
    return sf.run();
}

}  // namespace hop::verilog
