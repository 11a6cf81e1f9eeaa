// SPDX-License-Identifier: Apache-2.0
#include "ir/dump.hpp"

#include <fmt/format.h>

#include <sstream>
#include <stdexcept>

namespace hop::ir {

namespace {

std::string typeString(int width, bool isSigned, bool isBool) {
    if (isBool) return "bool";
    return fmt::format("{}<{}>", isSigned ? "int" : "bit", width);
}

std::string hex(const BigInt& v) {
    std::ostringstream os;
    os << std::hex << v;
    return "0x" + os.str();
}

// Small values read best in decimal, addresses and masks in hex.
std::string number(const BigInt& v) { return v < 10 ? v.str() : hex(v); }

std::string matchString(const Match& m) {
    switch (m.kind) {
        case Match::Kind::Exact:
            return number(m.value);
        case Match::Kind::Ternary:
            return number(m.value) + " &&& " + number(m.mask);
        case Match::Kind::Lpm:
            return number(m.value) + "/" + std::to_string(m.prefixLen);
        case Match::Kind::Range:
            return number(m.value) + " .. " + number(m.high);
        case Match::Kind::DontCare:
            return "_";
    }
    throw std::logic_error("dumpIr: unknown match kind");
}

std::string annotationsString(const std::vector<std::string>& annotations) {
    std::string out;
    for (const auto& a : annotations) out += " " + a;
    return out;
}

// The printer: one method per expression and statement kind; an unknown kind is a bug in the
// lowering, reported by an exception rather than printed as something plausible.
class Printer {
  public:
    explicit Printer(const Program& p) : p_(p) {}

    std::string expr(const ExprPtr& e, const Action* action) {
        if (!e) return "true";
        switch (e->kind) {
            case ExprKind::Constant:
                return constant(*e);
            case ExprKind::Field:
                return field(*e);
            case ExprKind::Valid:
                return valid(*e);
            case ExprKind::Param:
                return param(*e, action);
            case ExprKind::Unary:
                return unaryExpr(*e, action);
            case ExprKind::Binary:
                return binaryExpr(*e, action);
            case ExprKind::Ternary:
                return ternaryExpr(*e, action);
            case ExprKind::Slice:
                return sliceExpr(*e, action);
            case ExprKind::Cast:
                return castExpr(*e, action);
            case ExprKind::TableHit:
                return hit(*e);
            case ExprKind::ActionRun:
                return actionRunExpr(*e);
            case ExprKind::Lookahead:
                return lookaheadExpr(*e);
            case ExprKind::VarbitLength:
                return "length(" + field(*e) + ")";
        }
        throw std::logic_error("dumpIr: unknown expression kind");
    }

    std::string stmt(const Stmt& s, const Action* action) {
        std::string pred = isTrue(s.pred) ? "" : "[" + expr(s.pred, action) + "] ";
        return pred + stmtBody(s, action);
    }

    std::string program();

  private:
    std::string constant(const Expr& e) {
        if (e.isBool) return e.value != 0 ? "true" : "false";
        return fmt::format("{}{}{}", e.width, e.isSigned ? "s" : "w", number(e.value));
    }
    std::string field(const Expr& e) { return p_.fields.at(e.index).name; }
    std::string valid(const Expr& e) { return p_.headers.at(e.index).name + ".isValid()"; }
    std::string param(const Expr& e, const Action* action) {
        if (action && e.index >= 0 && e.index < static_cast<int>(action->params.size()))
            return "$" + action->params[e.index].name;
        return fmt::format("$param{}", e.index);
    }
    std::string unaryExpr(const Expr& e, const Action* a) {
        return fmt::format("{}{}", toString(e.unaryOp), expr(e.args[0], a));
    }
    std::string binaryExpr(const Expr& e, const Action* a) {
        return fmt::format("({} {} {})", expr(e.args[0], a), toString(e.binaryOp),
                           expr(e.args[1], a));
    }
    std::string ternaryExpr(const Expr& e, const Action* a) {
        return fmt::format("({} ? {} : {})", expr(e.args[0], a), expr(e.args[1], a),
                           expr(e.args[2], a));
    }
    std::string sliceExpr(const Expr& e, const Action* a) {
        return fmt::format("{}[{}:{}]", expr(e.args[0], a), e.hi, e.lo);
    }
    std::string castExpr(const Expr& e, const Action* a) {
        return fmt::format("({}){}", typeString(e.width, e.isSigned, e.isBool), expr(e.args[0], a));
    }
    std::string hit(const Expr& e) { return p_.tables.at(e.index).name + ".hit"; }
    std::string actionRunExpr(const Expr& e) {
        return fmt::format("{}.action_run == {}", p_.tables.at(e.index).name,
                           p_.actions.at(e.action).name);
    }
    std::string lookaheadExpr(const Expr& e) {
        return fmt::format("lookahead<bit<{}>>()", e.width);
    }

    std::string stmtBody(const Stmt& s, const Action* a) {
        switch (s.kind) {
            case StmtKind::Assign:
                return assign(s, a);
            case StmtKind::SetValid:
                return p_.headers.at(s.header).name + ".setValid()";
            case StmtKind::SetInvalid:
                return p_.headers.at(s.header).name + ".setInvalid()";
            case StmtKind::MarkToDrop:
                return "mark_to_drop()";
            case StmtKind::Exit:
                return "exit";
            case StmtKind::ApplyTable:
                return "apply " + p_.tables.at(s.table).name;
            case StmtKind::Extract:
                return extract(s, a);
            case StmtKind::Advance:
                return "advance(" + expr(s.src, a) + ")";
            case StmtKind::Verify:
                return verify(s, a);
            case StmtKind::Count:
                return count(s, a);
            case StmtKind::RegRead:
                return regRead(s, a);
            case StmtKind::RegWrite:
                return regWrite(s, a);
            case StmtKind::MeterExec:
                return meterExec(s, a);
            case StmtKind::Hash:
                return hash(s, a);
            case StmtKind::Log: {
                std::string data;
                for (const auto& e : s.args) data += ", " + expr(e, a);
                return fmt::format("log_msg(\"{}\"{})", s.text, data);
            }
            case StmtKind::Check:
                return fmt::format("check({}) // {}", expr(s.src, a), s.text);
            case StmtKind::HeaderCopy:
                return copy(p_.headers.at(s.header).name, p_.headers.at(s.from).name, s);
            case StmtKind::StackCopy:
                return copy(p_.stacks.at(s.stack).name, p_.stacks.at(s.from).name, s);
            case StmtKind::StackPushFront:
            case StmtKind::StackPopFront:
                return fmt::format("{}.{}({}){}", p_.stacks.at(s.stack).name,
                                   s.kind == StmtKind::StackPushFront ? "push_front" : "pop_front",
                                   s.count, scratch(s));
        }
        throw std::logic_error("dumpIr: unknown statement kind");
    }
    // Structured statements (before the expand-structured pass): what they copy, and the
    // temporaries that will hold the sources' validity.
    std::string copy(const std::string& dst, const std::string& src, const Stmt& s) {
        return fmt::format("copy {} = {}{}", dst, src, scratch(s));
    }
    std::string scratch(const Stmt& s) {
        std::string out;
        for (FieldId f : s.scratch) out += (out.empty() ? "" : ", ") + p_.fields.at(f).name;
        return out.empty() ? "" : " valid via " + out;
    }
    std::string assign(const Stmt& s, const Action* a) {
        return fmt::format("{} = {}", expr(s.dst, a), expr(s.src, a));
    }
    std::string extract(const Stmt& s, const Action* a) {
        std::string out = "extract " + (s.stack >= 0 ? p_.stacks.at(s.stack).name + ".next"
                                                     : p_.headers.at(s.header).name);
        if (s.stack >= 0 && s.member >= 0) {
            // The member's name as element 0 spells it, without the element: `.next.byte`.
            const HeaderUnion& u0 = p_.unions.at(p_.stacks.at(s.stack).unions.at(0));
            out += p_.headers.at(u0.members.at(s.member)).name.substr(u0.name.size());
        }
        if (s.length) out += " varbit(" + expr(s.length, a) + ")";
        return out;
    }
    std::string verify(const Stmt& s, const Action* a) {
        return fmt::format("verify({}, error.{})", expr(s.src, a), p_.errors.at(s.error));
    }
    std::string objectName(int object) { return p_.externs.at(object).name; }
    std::string count(const Stmt& s, const Action* a) {
        if (!s.src) return objectName(s.object) + ".count()";
        return fmt::format("{}.count({})", objectName(s.object), expr(s.src, a));
    }
    std::string regRead(const Stmt& s, const Action* a) {
        return fmt::format("{} = {}.read({})", expr(s.dst, a), objectName(s.object),
                           expr(s.src, a));
    }
    std::string regWrite(const Stmt& s, const Action* a) {
        return fmt::format("{}.write({}, {})", objectName(s.object), expr(s.src, a),
                           expr(s.src2, a));
    }
    std::string meterExec(const Stmt& s, const Action* a) {
        if (!s.src) return fmt::format("{} = {}.read()", expr(s.dst, a), objectName(s.object));
        return fmt::format("{} = {}.execute({})", expr(s.dst, a), objectName(s.object),
                           expr(s.src, a));
    }
    std::string hash(const Stmt& s, const Action* a) {
        std::string data;
        for (const auto& e : s.args) data += (data.empty() ? "" : ", ") + expr(e, a);
        return fmt::format("{} = hash({}, {}, {{{}}}, {})", expr(s.dst, a), toString(s.algorithm),
                           expr(s.src, a), data, expr(s.src2, a));
    }

    void layout(std::ostringstream& os);
    void parser(std::ostringstream& os);
    void checksums(std::ostringstream& os, const char* title, const std::vector<ChecksumUnit>& c);
    void control(std::ostringstream& os, const char* title, const Control& c);
    void tables(std::ostringstream& os);
    void actions(std::ostringstream& os);
    void externs(std::ostringstream& os);

    std::string stateName(StateId id) {
        if (id == kAccept) return "accept";
        if (id == kReject) return "reject";
        return p_.parser.states.at(id).name;
    }
    std::string call(const ActionCall& c) {
        std::string out = c.action >= 0 ? p_.actions.at(c.action).name : "<none>";
        out += "(";
        for (size_t i = 0; i < c.args.size(); ++i) out += (i ? ", " : "") + number(c.args[i]);
        return out + ")";
    }

    const Program& p_;
};

const char* headerKind(Header::Kind k) {
    switch (k) {
        case Header::Kind::Packet:
            return "header";
        case Header::Kind::Metadata:
            return "metadata";
        case Header::Kind::Temporary:
            return "temporaries";
    }
    throw std::logic_error("dumpIr: unknown header kind");
}

void Printer::layout(std::ostringstream& os) {
    os << fmt::format("layout ({} bits, {} validity bits)\n", p_.phvWidth, p_.validityBits.size());
    for (const auto& h : p_.headers) {
        os << fmt::format("  {} {}", headerKind(h.kind), h.name);
        if (!h.typeName.empty()) os << " : " << h.typeName;
        os << fmt::format(" ({} bits", h.width);
        if (h.validBit >= 0) os << fmt::format(", valid bit {}", h.validBit);
        os << ")";
        if (!h.controllerHeader.empty())
            os << fmt::format(" controller_header(\"{}\")", h.controllerHeader);
        os << "\n";
        for (FieldId id : h.fields) {
            const Field& f = p_.fields[id];
            os << fmt::format("    {} {} @{} phv@{}\n", typeString(f.width, f.isSigned, f.isBool),
                              f.name, f.offset, f.phvOffset);
        }
    }
    for (const auto& s : p_.stacks) {
        os << "  stack " << s.name << " [";
        for (size_t i = 0; i < s.elements.size(); ++i)
            os << (i ? ", " : "") << p_.headers[s.elements[i]].name;
        for (size_t i = 0; i < s.unions.size(); ++i)
            os << (i ? ", " : "") << p_.unions[s.unions[i]].name;
        os << "] next " << (s.nextIndex >= 0 ? p_.fields[s.nextIndex].name : "-") << "\n";
    }
    for (const auto& u : p_.unions) {
        os << "  union " << u.name << " {";
        for (size_t i = 0; i < u.members.size(); ++i)
            os << (i ? ", " : " ") << p_.headers[u.members[i]].name;
        os << " }\n";
    }
    for (const auto& c : p_.controllerHeaders) {
        os << fmt::format("  controller_header \"{}\" : {} {{", c.name, c.typeName);
        for (size_t i = 0; i < c.fields.size(); ++i)
            os << (i ? ", " : " ")
               << fmt::format("bit<{}> {}", c.fields[i].width, c.fields[i].name);
        os << " }\n";
    }
    os << fmt::format("errors (bit<{}>):", p_.errorWidth);
    for (size_t i = 0; i < p_.errors.size(); ++i) os << fmt::format(" {}={}", p_.errors[i], i);
    os << "\n";
}

void Printer::parser(std::ostringstream& os) {
    os << "\nparser " << p_.parser.name << "\n";
    for (const auto& st : p_.parser.states) {
        os << "  state " << st.name << "\n";
        for (const auto& s : st.stmts) os << "    " << stmt(s, nullptr) << "\n";
        if (st.selectKeys.empty()) {
            os << "    transition " << stateName(st.cases.empty() ? kReject : st.cases[0].next)
               << "\n";
            continue;
        }
        os << "    select (";
        for (size_t i = 0; i < st.selectKeys.size(); ++i) {
            const auto& k = st.selectKeys[i];
            os << (i ? ", " : "") << expr(k, nullptr) << " : "
               << typeString(k->width, k->isSigned, k->isBool);
        }
        os << ")\n";
        for (const auto& c : st.cases) {
            bool isDefault = true;
            for (const auto& m : c.keys) isDefault = isDefault && m.kind == Match::Kind::DontCare;
            std::string keys;
            if (isDefault) {
                keys = "default";
            } else {
                for (size_t i = 0; i < c.keys.size(); ++i)
                    keys += (i ? ", " : "") + matchString(c.keys[i]);
            }
            os << "      " << keys << " -> " << stateName(c.next) << "\n";
        }
    }
}

void Printer::checksums(std::ostringstream& os, const char* title,
                        const std::vector<ChecksumUnit>& units) {
    os << "\n" << title << "\n";
    for (const auto& c : units) {
        os << fmt::format("  [{}] {}{}({}) {{", expr(c.condition, nullptr),
                          c.verify ? "verify" : "update", c.withPayload ? "_with_payload" : "",
                          toString(c.algorithm));
        for (size_t i = 0; i < c.data.size(); ++i)
            os << (i ? ", " : " ") << expr(c.data[i], nullptr);
        os << " } " << (c.verify ? "== " : "-> ") << expr(c.checksum, nullptr) << "\n";
    }
}

void Printer::control(std::ostringstream& os, const char* title, const Control& c) {
    os << fmt::format("\n{} {}", title, c.name);
    if (c.exitFlag >= 0) os << " (exit flag " << p_.fields[c.exitFlag].name << ")";
    os << "\n";
    for (size_t i = 0; i < c.stmts.size(); ++i)
        os << fmt::format("  {}: {}\n", i, stmt(c.stmts[i], nullptr));
}

void Printer::tables(std::ostringstream& os) {
    for (const auto& t : p_.tables) {
        os << "\ntable " << t.name << annotationsString(t.annotations) << "\n";
        if (t.id) os << fmt::format("  id {}\n", *t.id);
        for (const auto& k : t.keys)
            os << fmt::format("  key {} : bit<{}> {} \"{}\"{}\n", expr(k.expr, nullptr), k.width,
                              toString(k.matchKind), k.name, annotationsString(k.annotations));
        for (const auto& r : t.actions) {
            os << "  action " << p_.actions.at(r.action).name;
            if (r.scope == ActionRef::Scope::TableOnly) os << " table-only";
            if (r.scope == ActionRef::Scope::DefaultOnly) os << " default-only";
            os << annotationsString(r.annotations) << "\n";
            if (r.bound)
                for (const auto& s : r.body)
                    os << "    " << stmt(s, &p_.actions.at(r.action)) << "\n";
        }
        os << "  default " << (t.defaultActionIsConst ? "const " : "") << call(t.defaultAction)
           << "\n";
        os << fmt::format("  size {}{}\n", t.size, t.hasSize ? "" : " (default)");
        for (int d : t.directExterns) os << "  direct " << p_.externs.at(d).name << "\n";
        for (const auto& [name, value] : t.properties)
            os << "  property " << name << " = " << value << "\n";
        if (!t.entries.empty()) os << (t.entriesConst ? "  const entries\n" : "  entries\n");
        for (const auto& e : t.entries) {
            os << "    (";
            for (size_t i = 0; i < e.keys.size(); ++i)
                os << (i ? ", " : "") << matchString(e.keys[i]);
            os << ") -> " << call(e.action);
            if (e.priority) os << " priority " << *e.priority;
            os << "\n";
        }
    }
}

void Printer::actions(std::ostringstream& os) {
    for (const auto& a : p_.actions) {
        os << "\naction " << a.name << "(";
        for (size_t i = 0; i < a.params.size(); ++i) {
            const auto& prm = a.params[i];
            os << (i ? ", " : "") << typeString(prm.width, prm.isSigned, prm.isBool) << " "
               << prm.name;
        }
        os << ")" << (a.controlPlane ? "" : " (inlined only)") << annotationsString(a.annotations)
           << "\n";
        for (const auto& s : a.body) os << "  " << stmt(s, &a) << "\n";
    }
}

const char* externKind(ExternObject::Kind k) {
    switch (k) {
        case ExternObject::Kind::Counter:
            return "counter";
        case ExternObject::Kind::DirectCounter:
            return "direct_counter";
        case ExternObject::Kind::Meter:
            return "meter";
        case ExternObject::Kind::DirectMeter:
            return "direct_meter";
        case ExternObject::Kind::Register:
            return "register";
    }
    throw std::logic_error("dumpIr: unknown extern kind");
}

const char* unitName(ExternObject::Unit u) {
    switch (u) {
        case ExternObject::Unit::Packets:
            return "packets";
        case ExternObject::Unit::Bytes:
            return "bytes";
        case ExternObject::Unit::Both:
            return "packets_and_bytes";
    }
    throw std::logic_error("dumpIr: unknown extern unit");
}

void Printer::externs(std::ostringstream& os) {
    if (p_.externs.empty()) return;
    os << "\nexterns\n";
    for (const auto& x : p_.externs) {
        os << fmt::format("  {} {}", externKind(x.kind), x.name);
        if (x.kind == ExternObject::Kind::Register) {
            os << fmt::format(" bit<{}>[{}]", x.width, x.size);
        } else {
            if (x.size) os << fmt::format("[{}]", x.size);
            os << " " << unitName(x.unit);
        }
        if (x.table >= 0) os << " table " << p_.tables.at(x.table).name;
        os << "\n";
    }
}

std::string Printer::program() {
    std::ostringstream os;
    os << "program " << p_.name << "\n";
    layout(os);
    parser(os);
    checksums(os, "verify_checksum", p_.verifyChecksums);
    control(os, "ingress", p_.ingress);
    control(os, "egress", p_.egress);
    checksums(os, "update_checksum", p_.updateChecksums);
    os << "\ndeparser\n";
    for (HeaderId h : p_.deparser) os << "  emit " << p_.headers.at(h).name << "\n";
    tables(os);
    actions(os);
    externs(os);
    // What clone / resubmit / recirculate keep (ir.hpp's FieldList); their requests refer to
    // these by 1 + index.
    if (!p_.fieldLists.empty()) os << "\nfield lists\n";
    for (size_t i = 0; i < p_.fieldLists.size(); ++i) {
        const FieldList& fl = p_.fieldLists[i];
        os << fmt::format("  {} {}:", i + 1,
                          fl.id >= 0 ? fmt::format("@field_list({})", fl.id) : "data");
        for (FieldId f : fl.fields) os << " " << p_.fields.at(f).name;
        os << "\n";
    }
    return os.str();
}

}  // namespace

std::string dumpIr(const Program& program) { return Printer(program).program(); }

std::string exprToString(const Program& program, const ExprPtr& expr, const Action* action) {
    return Printer(program).expr(expr, action);
}

}  // namespace hop::ir
