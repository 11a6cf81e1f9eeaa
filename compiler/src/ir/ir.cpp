// SPDX-License-Identifier: Apache-2.0
#include "ir/ir.hpp"

namespace hop::ir {

namespace {

std::shared_ptr<Expr> make(ExprKind kind, int width, bool isSigned = false, bool isBool = false) {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->width = width;
    e->isSigned = isSigned;
    e->isBool = isBool;
    return e;
}

BigInt wrap(const BigInt& v, int width) {
    if (width <= 0) return 0;
    BigInt modulus = BigInt(1) << width;
    BigInt r = v % modulus;
    if (r < 0) r += modulus;
    return r;
}

}  // namespace

ExprPtr constant(const BigInt& value, int width, bool isSigned) {
    auto e = make(ExprKind::Constant, width, isSigned);
    // Stored as the unsigned bit pattern so every backend reads one representation.
    e->value = wrap(value, width);
    return e;
}

ExprPtr boolConst(bool value) {
    auto e = make(ExprKind::Constant, 1, false, true);
    e->value = value ? 1 : 0;
    return e;
}

ExprPtr fieldRef(FieldId id, int width, bool isSigned, bool isBool) {
    auto e = make(ExprKind::Field, width, isSigned, isBool);
    e->index = id;
    return e;
}

ExprPtr validRef(HeaderId header) {
    auto e = make(ExprKind::Valid, 1, false, true);
    e->index = header;
    return e;
}

ExprPtr paramRef(int index, int width, bool isSigned) {
    auto e = make(ExprKind::Param, width, isSigned);
    e->index = index;
    return e;
}

ExprPtr unary(UnaryOp op, ExprPtr a) {
    if (op == UnaryOp::LNot && a->kind == ExprKind::Constant && a->isBool)
        return boolConst(a->value == 0);
    auto e = op == UnaryOp::LNot ? make(ExprKind::Unary, 1, false, true)
                                 : make(ExprKind::Unary, a->width, a->isSigned);
    e->unaryOp = op;
    e->args = {std::move(a)};
    return e;
}

ExprPtr binary(BinaryOp op, ExprPtr a, ExprPtr b) {
    std::shared_ptr<Expr> e;
    switch (op) {
        case BinaryOp::Eq:
        case BinaryOp::Ne:
        case BinaryOp::Lt:
        case BinaryOp::Le:
        case BinaryOp::Gt:
        case BinaryOp::Ge:
        case BinaryOp::LAnd:
        case BinaryOp::LOr:
            e = make(ExprKind::Binary, 1, false, true);
            break;
        case BinaryOp::Concat:
            e = make(ExprKind::Binary, a->width + b->width, a->isSigned);
            break;
        default:
            e = make(ExprKind::Binary, a->width, a->isSigned);
            break;
    }
    e->binaryOp = op;
    e->args = {std::move(a), std::move(b)};
    return e;
}

ExprPtr ternary(ExprPtr c, ExprPtr a, ExprPtr b) {
    auto e = make(ExprKind::Ternary, a->width, a->isSigned, a->isBool);
    e->args = {std::move(c), std::move(a), std::move(b)};
    return e;
}

ExprPtr slice(ExprPtr a, int hi, int lo) {
    // x[h1:l1][h2:l2] is x[l1+h2 : l1+l2]: one slice of the field, so a nested slice is an
    // l-value like any other.
    if (a->kind == ExprKind::Slice) return slice(a->args[0], a->lo + hi, a->lo + lo);
    auto e = make(ExprKind::Slice, hi - lo + 1);
    e->hi = hi;
    e->lo = lo;
    e->args = {std::move(a)};
    return e;
}

ExprPtr cast(ExprPtr a, int width, bool isSigned) {
    if (a->width == width && a->isSigned == isSigned && !a->isBool) return a;
    if (a->kind == ExprKind::Constant) {
        BigInt v = a->value;
        // A signed constant keeps its value when widened: sign-extend the stored pattern.
        if (a->isSigned && a->width > 0 && bit_test(v, a->width - 1)) v -= BigInt(1) << a->width;
        return constant(v, width, isSigned);
    }
    auto e = make(ExprKind::Cast, width, isSigned);
    e->args = {std::move(a)};
    return e;
}

ExprPtr tableHit(TableId table) {
    auto e = make(ExprKind::TableHit, 1, false, true);
    e->index = table;
    return e;
}

ExprPtr actionRun(TableId table, ActionId action) {
    auto e = make(ExprKind::ActionRun, 1, false, true);
    e->index = table;
    e->action = action;
    return e;
}

ExprPtr lookahead(int width) { return make(ExprKind::Lookahead, width); }

ExprPtr varbitLength(FieldId field) {
    auto e = make(ExprKind::VarbitLength, 16);
    e->index = field;
    return e;
}

bool isTrue(const ExprPtr& e) {
    return !e || (e->kind == ExprKind::Constant && e->isBool && e->value != 0);
}

bool isFalse(const ExprPtr& e) {
    return e && e->kind == ExprKind::Constant && e->isBool && e->value == 0;
}

bool isStructured(StmtKind kind) {
    return kind == StmtKind::HeaderCopy || kind == StmtKind::StackCopy ||
           kind == StmtKind::StackPushFront || kind == StmtKind::StackPopFront;
}

ExprPtr andPred(const ExprPtr& a, const ExprPtr& b) {
    if (isTrue(a)) return isTrue(b) ? nullptr : b;
    if (isTrue(b)) return a;
    if (isFalse(a) || isFalse(b)) return boolConst(false);
    return binary(BinaryOp::LAnd, a, b);
}

ExprPtr notPred(const ExprPtr& a) {
    if (isTrue(a)) return boolConst(false);
    if (isFalse(a)) return nullptr;
    // !!x is x: keeps predicates of else-branches of negated conditions readable.
    if (a->kind == ExprKind::Unary && a->unaryOp == UnaryOp::LNot) return a->args[0];
    return unary(UnaryOp::LNot, a);
}

FieldId Program::findField(const std::string& n) const {
    for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == n) return static_cast<FieldId>(i);
    return -1;
}

HeaderId Program::findHeader(const std::string& n) const {
    for (size_t i = 0; i < headers.size(); ++i)
        if (headers[i].name == n) return static_cast<HeaderId>(i);
    return -1;
}

TableId Program::findTable(const std::string& n) const {
    for (size_t i = 0; i < tables.size(); ++i)
        if (tables[i].name == n) return static_cast<TableId>(i);
    return -1;
}

ActionId Program::findAction(const std::string& n) const {
    for (size_t i = 0; i < actions.size(); ++i)
        if (actions[i].name == n) return static_cast<ActionId>(i);
    return -1;
}

HeaderId Program::nextTarget(const Stmt& extract, size_t index) const {
    const HeaderStack& st = stacks[extract.stack];
    if (st.unions.empty()) return st.elements[index];
    return unions[st.unions[index]].members[extract.member];
}

std::vector<HeaderId> Program::unionSiblings(HeaderId header) const {
    std::vector<HeaderId> out;
    if (int u = headers[header].headerUnion; u >= 0)
        for (HeaderId m : unions[u].members)
            if (m != header) out.push_back(m);
    return out;
}

HeaderId Program::addHeader(Header::Kind kind, std::string n, std::string typeName) {
    Header h;
    h.kind = kind;
    h.name = std::move(n);
    h.typeName = std::move(typeName);
    if (kind == Header::Kind::Packet) {
        h.validBit = static_cast<int>(validityBits.size());
        validityBits.push_back(static_cast<HeaderId>(headers.size()));
    }
    headers.push_back(std::move(h));
    return static_cast<HeaderId>(headers.size() - 1);
}

FieldId Program::addField(HeaderId header, std::string n, int width, bool isSigned, bool isBool) {
    Field f;
    f.name = std::move(n);
    f.width = width;
    f.isSigned = isSigned;
    f.isBool = isBool;
    f.header = header;
    Header& h = headers[header];
    f.offset = h.width;
    h.width += width;
    fields.push_back(std::move(f));
    auto id = static_cast<FieldId>(fields.size() - 1);
    h.fields.push_back(id);
    return id;
}

void Program::computePhvOffsets() {
    // Instance by instance, so that a header's fields are contiguous in the vector.
    int offset = 0;
    for (const auto& h : headers) {
        for (FieldId id : h.fields) {
            fields[id].phvOffset = offset;
            offset += fields[id].width;
        }
    }
    phvWidth = offset;
}

const char* toString(UnaryOp op) {
    switch (op) {
        case UnaryOp::LNot:
            return "!";
        case UnaryOp::BitNot:
            return "~";
        case UnaryOp::Neg:
            return "-";
    }
    return "?";
}

const char* toString(BinaryOp op) {
    switch (op) {
        case BinaryOp::Add:
            return "+";
        case BinaryOp::Sub:
            return "-";
        case BinaryOp::Mul:
            return "*";
        case BinaryOp::Div:
            return "/";
        case BinaryOp::Mod:
            return "%";
        case BinaryOp::AddSat:
            return "|+|";
        case BinaryOp::SubSat:
            return "|-|";
        case BinaryOp::Shl:
            return "<<";
        case BinaryOp::Shr:
            return ">>";
        case BinaryOp::Eq:
            return "==";
        case BinaryOp::Ne:
            return "!=";
        case BinaryOp::Lt:
            return "<";
        case BinaryOp::Le:
            return "<=";
        case BinaryOp::Gt:
            return ">";
        case BinaryOp::Ge:
            return ">=";
        case BinaryOp::BitAnd:
            return "&";
        case BinaryOp::BitOr:
            return "|";
        case BinaryOp::BitXor:
            return "^";
        case BinaryOp::Concat:
            return "++";
        case BinaryOp::LAnd:
            return "&&";
        case BinaryOp::LOr:
            return "||";
    }
    return "?";
}

const char* toString(MatchKind kind) {
    switch (kind) {
        case MatchKind::Exact:
            return "exact";
        case MatchKind::Lpm:
            return "lpm";
        case MatchKind::Ternary:
            return "ternary";
        case MatchKind::Range:
            return "range";
        case MatchKind::Optional:
            return "optional";
        case MatchKind::Selector:
            return "selector";
    }
    return "?";
}

const char* toString(HashAlgorithm algorithm) {
    switch (algorithm) {
        case ChecksumAlgorithm::Csum16:
            return "csum16";
        case ChecksumAlgorithm::Crc16:
            return "crc16";
        case ChecksumAlgorithm::Crc32:
            return "crc32";
        case ChecksumAlgorithm::Identity:
            return "identity";
        case ChecksumAlgorithm::Xor16:
            return "xor16";
        case ChecksumAlgorithm::Random:
            return "random";
        case ChecksumAlgorithm::Crc16Custom:
            return "crc16_custom";
        case ChecksumAlgorithm::Crc32Custom:
            return "crc32_custom";
    }
    return "?";
}

}  // namespace hop::ir
