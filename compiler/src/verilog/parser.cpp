// SPDX-License-Identifier: Apache-2.0
// Stage: the parser.
#include <map>
#include <optional>

#include "ir/passes.hpp"
#include "verilog/generator.hpp"

namespace hop::verilog {

// Parser: the state graph unrolled into nested ifs, one branch per parse path; every extract
// reads the window at the offset the path gives it, so the whole parse is one combinational
// function of the window (one stage).

void Generator::parseEnd(CodeBuilder& cb, const Cursor& at, int error) {
    if (const std::string c = wr("parse_b", consumedOff_, 16); c.empty()) {
    } else if (at.dyn.empty()) {
        cb.line(fmt::format("{} = 16'd{};", c, (at.bits + 7) / 8));
    } else {
        cb.line(fmt::format("{} = ({}) >> 3;", c, at.plus(7)));
    }
    if (error >= 0 && fParserError_ >= 0)
        if (const std::string e = fieldLhs("parse_b", fParserError_); !e.empty())
            cb.line(fmt::format("{} = {};", e, literal(error, p_.fields[fParserError_].width)));
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

// The value of an unsigned expression over constants and the fields in `known`, if it has one.
static std::optional<ir::BigInt> constValue(const ir::ExprPtr& e,
                                            const std::map<ir::FieldId, ir::BigInt>& known) {
    if (!e || e->isSigned) return std::nullopt;
    const ir::BigInt mod = ir::BigInt(1) << e->width;
    auto arg = [&](size_t i) { return constValue(e->args[i], known); };
    switch (e->kind) {
        case ir::ExprKind::Constant:
            return e->value;
        case ir::ExprKind::Field: {
            const auto it = known.find(e->index);
            if (it == known.end()) return std::nullopt;
            return it->second;
        }
        case ir::ExprKind::Cast:
            if (e->args[0]->isSigned || e->args[0]->isBool) return std::nullopt;
            if (auto a = arg(0)) return *a % mod;
            return std::nullopt;
        case ir::ExprKind::Binary: {
            auto a = arg(0), b = arg(1);
            if (!a || !b) return std::nullopt;
            switch (e->binaryOp) {
                case ir::BinaryOp::Add:
                    return (*a + *b) % mod;
                case ir::BinaryOp::Sub:
                    return (*a + mod - *b) % mod;
                case ir::BinaryOp::Mul:
                    return (*a * *b) % mod;
                case ir::BinaryOp::Div:
                    if (*b == 0) return std::nullopt;
                    return *a / *b;
                case ir::BinaryOp::Mod:
                    if (*b == 0) return std::nullopt;
                    return *a % *b;
                case ir::BinaryOp::BitAnd:
                    return *a & *b;
                case ir::BinaryOp::BitOr:
                    return *a | *b;
                case ir::BinaryOp::BitXor:
                    return *a ^ *b;
                default:
                    return std::nullopt;
            }
        }
        default:
            return std::nullopt;
    }
}

// Fields with a constant value before statement `si` of the last state of `path`: a parse path
// is straight-line code, so an assignment of a constant expression holds until overwritten.
static std::map<ir::FieldId, ir::BigInt> constantsOnPath(const ir::Program& p,
                                                         const std::vector<ir::StateId>& path,
                                                         size_t si) {
    std::map<ir::FieldId, ir::BigInt> known;
    for (size_t k = 0; k < path.size(); ++k) {
        const auto& ss = p.parser.states[path[k]].stmts;
        const size_t end = k + 1 == path.size() ? si : ss.size();
        for (size_t j = 0; j < end; ++j) {
            const ir::Stmt& s = ss[j];
            if (s.kind == ir::StmtKind::Extract && s.header >= 0) {
                for (ir::FieldId f : p.headers[s.header].fields) known.erase(f);
            } else if (s.kind == ir::StmtKind::Extract) {
                for (ir::HeaderId h : p.stacks[s.stack].elements)
                    for (ir::FieldId f : p.headers[h].fields) known.erase(f);
            } else if (s.kind == ir::StmtKind::Assign && s.dst) {
                const ir::ExprPtr& d = s.dst->kind == ir::ExprKind::Slice ? s.dst->args[0] : s.dst;
                auto v = s.pred || s.dst->kind == ir::ExprKind::Slice ? std::nullopt
                                                                      : constValue(s.src, known);
                if (v)
                    known[d->index] = *v;
                else
                    known.erase(d->index);
            } else if (s.dst && s.dst->kind == ir::ExprKind::Field) {
                known.erase(s.dst->index);
            }
        }
    }
    return known;
}

static int widestLookahead(const ir::ExprPtr& e) {
    if (!e) return 0;
    int w = e->kind == ir::ExprKind::Lookahead ? e->width : 0;
    for (const auto& a : e->args) w = std::max(w, widestLookahead(a));
    return w;
}

// P4_16 12.8.4: a lookahead past the packet's end rejects with PacketTooShort, where the cursor
// stands (the model's lookahead does the same).
bool Generator::lookaheadGuard(CodeBuilder& cb, const Cursor& at,
                               const std::vector<ir::ExprPtr>& exprs,
                               std::vector<std::pair<Cursor, int>>& guards) {
    int w = 0;
    for (const auto& e : exprs) w = std::max(w, widestLookahead(e));
    if (w == 0) return false;
    Cursor end = at;
    end.bits += w;
    int tooShort = -1;
    for (size_t i = 0; i < p_.errors.size(); ++i)
        if (p_.errors[i] == "PacketTooShort") tooShort = static_cast<int>(i);
    lengthGuard(cb, at, end, tooShort, guards);
    return true;
}

// Opens the guard that the packet reaches `end` (the window holds that many bytes); the path
// rejects with `error` where the cursor stood (`at`) when it does not.
void Generator::lengthGuard(CodeBuilder& cb, const Cursor& at, const Cursor& end, int error,
                            std::vector<std::pair<Cursor, int>>& guards) {
    maxParseBits_ = std::max(maxParseBits_, end.bits + end.dynMax);
    if (end.dyn.empty())
        cb.open(fmt::format("if (win_len_q >= 16'd{}) begin", (end.bits + 7) / 8));
    else
        cb.open(fmt::format("if ((19'(win_len_q) << 3) >= 19'({})) begin", end.plus(0)));
    guards.push_back({at, error});
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
    bool ended = false;  // the path ended inside this state (a stack extract past its end)
    for (size_t si = 0; si < st.stmts.size() && !ended; ++si) {
        // `stack.next`: along one path the number of earlier extracts into the stack is known,
        // so the element is too; past the last element the path rejects (StackOutOfBounds).
        ir::Stmt element;
        int nextIndex = -1;
        if (st.stmts[si].stack >= 0) {
            const int sid = st.stmts[si].stack;
            int n = 0;
            for (size_t k = 0; k < path.size(); ++k) {
                const auto& ss = p_.parser.states[path[k]].stmts;
                const size_t end = k + 1 == path.size() ? si : ss.size();
                for (size_t j = 0; j < end; ++j) n += ss[j].stack == sid ? 1 : 0;
            }
            if (n >= static_cast<int>(p_.stacks[sid].size())) {
                parseEnd(cb, cur, errorCode("StackOutOfBounds"));
                ended = true;
                break;
            }
            element = st.stmts[si];
            element.header = p_.nextTarget(element, n);
            nextIndex = n + 1;
        }
        const ir::Stmt& s = st.stmts[si].stack >= 0 ? element : st.stmts[si];
        lookaheadGuard(cb, cur, {s.pred, s.src, s.length}, guards);
        lookCursor_ = &cur;
        switch (s.kind) {
            case ir::StmtKind::Extract: {
                const ir::Header& h = p_.headers[s.header];
                // A varbit header: its last field has the maximum width; the length (bits)
                // comes from the packet, so the cursor after it has a run-time part.
                const int maxVar = s.length ? p_.fields[h.fields.back()].width : 0;
                const int fixed = h.width - maxVar;
                std::string vlen;
                if (s.length) {
                    if (maxVar % 8 != 0 || fixed % 8 != 0) {
                        diags_.unsupported(s.loc,
                                           "a varbit header whose fixed part or maximum width is "
                                           "not a whole number of bytes in the Verilog backend");
                        failed_ = true;
                        return false;
                    }
                    // BMv2 extracts a varbit in whole bytes: another length is
                    // ParserInvalidArgument, checked first. A length that is whole bytes
                    // whatever the packet holds, or a constant on this path, needs no check.
                    std::optional<ir::BigInt> onPath;
                    if (!wholeBytes(s.length))
                        onPath = constValue(s.length, constantsOnPath(p_, path, si));
                    if (onPath && *onPath % 8 != 0) {
                        parseEnd(cb, cur, errorCode("ParserInvalidArgument"));
                        ended = true;
                        break;
                    }
                    if (!wholeBytes(s.length) && !onPath) {
                        const int w = s.length->width;
                        cb.open(fmt::format("if (({}'({}) & {}'d7) == {}'d0) begin", w,
                                            emitExpr(s.length, "parse_b", s.loc), w, w));
                        guards.push_back({cur, errorCode("ParserInvalidArgument")});
                    }
                    vlen = fmt::format("vb_len_{}", varLens_.size());
                    varLens_.push_back(vlen);
                    const std::string len = emitExpr(s.length, "parse_b", s.loc);
                    // Longer than the field: HeaderTooShort, checked before the packet's
                    // length on both engines (BMv2 checks the length first; a frame's length
                    // past the window is not known here without store-and-forward).
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
                lengthGuard(cb, cur, end, errorCode("PacketTooShort"), guards);
                for (ir::FieldId f : h.fields) {
                    const ir::Field& fd = p_.fields[f];
                    const std::string lhs = fieldLhs("parse_b", f);
                    if (s.length && f == h.fields.back()) {
                        // Read the maximum width at the field's start, keep the first `vlen`
                        // bits right-aligned (the model's value of a varbit).
                        if (!lhs.empty())
                            cb.line(fmt::format(
                                "{} = win_wire[8*WIN_BYTES-1-{} -: {}] >> ({} - {});", lhs,
                                cur.index(fd.offset), fd.width, literal(fd.width, 16), vlen));
                        const auto it = varSlot_.find(s.header);
                        if (it != varSlot_.end())
                            if (const std::string l = wr("parse_b", it->second, 16); !l.empty())
                                cb.line(fmt::format("{} = {};", l, vlen));
                    } else if (!lhs.empty()) {
                        cb.line(fmt::format("{} = win_wire[8*WIN_BYTES-1-{} -: {}];", lhs,
                                            cur.index(fd.offset), fd.width));
                    }
                }
                if (h.validBit >= 0)
                    if (const std::string l = wr("parse_b", validBase_ + h.validBit, 1); !l.empty())
                        cb.line(l + " = 1'b1;");
                // A union member: the union's other members become invalid.
                for (ir::HeaderId other : p_.unionSiblings(s.header))
                    if (const std::string l =
                            wr("parse_b", validBase_ + p_.headers[other].validBit, 1);
                        !l.empty())
                        cb.line(l + " = 1'b0;");
                if (nextIndex >= 0) {
                    const ir::FieldId f = p_.stacks[s.stack].nextIndex;
                    if (const std::string l = fieldLhs("parse_b", f); !l.empty())
                        cb.line(fmt::format("{} = {};", l, literal(nextIndex, 32)));
                }
                cur = end;
                // The else branch (packet too short) is written when the ifs close.
                break;
            }
            case ir::StmtKind::Advance: {
                // A compile-time amount (advance(n), extract<T>(_)) moves the cursor over bits
                // nobody reads; past the packet's end it rejects with PacketTooShort, as an
                // extraction does.
                if (!s.src || s.src->kind != ir::ExprKind::Constant || s.src->value > (1 << 16)) {
                    diags_.unsupported(s.loc,
                                       "advance by a run-time amount in the Verilog "
                                       "backend (the parser's offsets are constants on "
                                       "each path)");
                    failed_ = true;
                    return false;
                }
                // BMv2 moves its cursor in whole bytes: any other amount is
                // ParserInvalidArgument whatever the packet holds.
                if (s.src->value % 8 != 0) {
                    parseEnd(cb, cur, errorCode("ParserInvalidArgument"));
                    ended = true;
                    break;
                }
                Cursor end = cur;
                end.bits += static_cast<int>(s.src->value);
                lengthGuard(cb, cur, end, errorCode("PacketTooShort"), guards);
                cur = end;
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
            case ir::StmtKind::Log:
            case ir::StmtKind::Check:
                statement(cb, "parse_b", s);
                break;
            case ir::StmtKind::HeaderCopy:
            case ir::StmtKind::StackCopy:
            case ir::StmtKind::StackPushFront:
            case ir::StmtKind::StackPopFront:
                diags_.error(s.loc, ir::unexpandedError(s, "the Verilog backend"));
                failed_ = true;
                return false;
            default:
                diags_.unsupported(s.loc, "this parser statement in the Verilog backend");
                failed_ = true;
                return false;
        }
        lookCursor_ = nullptr;
    }
    // Transition.
    bool ok = true;
    if (ended) {
    } else if (st.selectKeys.empty()) {
        ok =
            parseState(cb, st.cases.empty() ? ir::kReject : st.cases[0].next, cur, depth + 1, path);
        if (st.cases.empty()) parseEnd(cb, cur, -1);
    } else {
        std::vector<std::string> keys;
        lookaheadGuard(cb, cur, st.selectKeys, guards);
        lookCursor_ = &cur;
        for (const auto& k : st.selectKeys) keys.push_back(emitExpr(k, "parse_b", st.loc));
        lookCursor_ = nullptr;
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
// The parser stage: the window's fields into a fresh bundle, registered once (stage 1).
void Generator::parserStage() {
    ++stage_;
    bundleVar("parse_b", "", false);
    bundleVar("s1_q", "parse_b", false);
    decl_.line("logic v1_q;");
    body_.line(fmt::format("// stage 1: parser ({} states, window {} bytes)",
                           p_.parser.states.size(), windowBytes_));
    // Every reader of s1_q qualifies it with v1_q: s1_q loads only a valid window, so a
    // simulator parses only packets (the enable is the capture's register; the data the same
    // logic). parse_b and the parser's variables are local to the block.
    body_.open("always_ff @(posedge clk) begin");
    body_.open("if (win_valid_q) begin : g_parse");
    body_.line(
        fmt::format("/* verilator lint_off UNUSEDSIGNAL */ logic [{}:0] parse_b; /* "
                    "verilator lint_on UNUSEDSIGNAL */",
                    bundleWidth("parse_b") - 1));
    for (const auto& v : varLens_) body_.line(fmt::format("logic [15:0] {};", v));
    if (payloadCsum_) {
        body_.line("logic [31:0] psum_acc;");
        body_.line("logic [15:0] psum_frame;");
    }
    body_.line("parse_b = '0;");
    // A capture output nobody reads after the parser goes to a sink.
    std::vector<std::pair<std::string, int>> unread;
    auto set = [&](int off, int width, const std::string& value, const std::string& signal = {},
                   int signalWidth = 0) {
        if (const std::string l = wr("parse_b", off, width); !l.empty())
            body_.line(l + " = " + value + ";");
        else if (!signal.empty())
            unread.emplace_back(signal, signalWidth);
    };
    if (fIngressPort_ >= 0)
        set(p_.fields[fIngressPort_].phvOffset, p_.fields[fIngressPort_].width, "win_port_q",
            "win_port_q", 9);
    else
        unread.emplace_back("win_port_q", 9);
    // BMv2's clock in microseconds: the arrival time, and the same when the packet is queued and
    // when egress starts (no queue between the pipelines), as the model sets them.
    int timeBits = 0;  // the widest timestamp read
    for (const ir::FieldId f : {fIngressTimestamp_, fEgressTimestamp_, fEnqTimestamp_}) {
        if (f < 0) continue;
        const int w = std::min(p_.fields[f].width, 64);
        if (const std::string l = wr("parse_b", p_.fields[f].phvOffset, w); !l.empty()) {
            body_.line(fmt::format("{} = {}'(win_time_q);", l, w));
            timeBits = std::max(timeBits, w);
        }
    }
    if (timeBits == 0) {
        unread.emplace_back("win_time_q", 64);
    }
    if (sf_ && fPacketLength_ >= 0)
        set(p_.fields[fPacketLength_].phvOffset, p_.fields[fPacketLength_].width,
            fmt::format("{}'(win_plen_q)", p_.fields[fPacketLength_].width), "win_plen_q", 16);
    // random()'s sequence number (ir::kPacketSeqField): the windows parsed before this one.
    if (const ir::FieldId seq = p_.findField(ir::kPacketSeqField); seq >= 0) {
        decl_.line("logic [31:0] pkt_seq_q;");
        set(p_.fields[seq].phvOffset, 32, "pkt_seq_q", "pkt_seq_q", 32);
    }
    if (sf_) set(longOff_, 1, "win_long_q", "win_long_q", 1);
    // A varbit header that was not extracted (setValid) emits its whole width, as in the model.
    for (const auto& [h, slot] : varSlot_)
        set(slot, 16, fmt::format("16'd{}", p_.fields[p_.headers[h].fields.back()].width));
    for (const auto& v : varLens_) body_.line(v + " = 16'd0;");
    body_.raw(parserText_.substr(0));
    if (payloadCsum_) {
        // The payload's sum: the window's bytes from the payload start (the bytes the parser
        // consumed) plus the capture's sum of the bytes past the window, both frame-aligned;
        // swapped when the payload starts at an odd byte, so that it is aligned to the payload.
        // RFC 1071 fold, as hop_header_capture's.
        decl_.open("function automatic logic [15:0] fold16(input logic [31:0] x);");
        decl_.line("logic [16:0] y;");
        decl_.line("y = 17'(x[15:0]) + 17'(x[31:16]);");
        decl_.line("fold16 = y[15:0] + 16'(y[16]);");
        decl_.close("endfunction");
        body_.line("psum_acc = 32'(win_psum_q);");
        body_.open("for (int i = 0; i < WIN_BYTES; i++) begin");
        body_.line(
            fmt::format("if (16'(i) >= {} && 16'(i) < win_len_q) psum_acc = psum_acc + (i % 2 == 0 "
                        "? {{16'd0, win_q[8*i +: 8], 8'd0}} : {{24'd0, win_q[8*i +: 8]}});",
                        rd("parse_b", consumedOff_, 16)));
        body_.close("end");
        body_.line("psum_frame = fold16(psum_acc);");
        set(psumOff_, 16,
            fmt::format("{} ? {{psum_frame[7:0], psum_frame[15:8]}} : psum_frame",
                        rd("parse_b", consumedOff_, 1)));
    }
    body_.line("s1_q <= " + project("parse_b", "s1_q") + ";");
    body_.close("end");
    body_.close("end");
    sinkResults(unread, "");
    if (timeBits > 0 && timeBits < 64 && narrowed_) {
        // The time past the fields' width (v1model's are 48 bits) is not read.
        decl_.line("logic unused_win_time_hi;");
        body_.line(fmt::format("assign unused_win_time_hi = ^win_time_q[63:{}];", timeBits));
    }
    body_.open("always_ff @(posedge clk) begin");
    body_.line("if (rst) v1_q <= 1'b0;");
    body_.line("else v1_q <= win_valid_q;");
    body_.close("end");
    if (p_.findField(ir::kPacketSeqField) >= 0) {
        body_.open("always_ff @(posedge clk) begin");
        body_.line("if (rst) pkt_seq_q <= '0;");
        body_.line("else if (win_valid_q) pkt_seq_q <= pkt_seq_q + 32'd1;");
        body_.close("end");
    }
    body_.line();
    cur_ = "s1_q";
    curValid_ = "v1_q";
    latency_ = 1;
}

}  // namespace hop::verilog
