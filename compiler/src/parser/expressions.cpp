// SPDX-License-Identifier: Apache-2.0
// Expressions, arguments and keysets.
//
// Binary operators are parsed by precedence climbing (BinaryParser) instead of one X3 rule per
// level: it is linear, gives `expected an expression` right after a dangling operator, and keeps
// this translation unit small. Precedence follows the P4_16 grammar's table, loosest first:
//   ?:   ||   &&   == !=   < > <= >=   |   ^   &   << >>   ++ + - |+| |-|   * / %   prefix
// (comparisons bind looser than the bitwise operators, unlike C; `++` binds like `+`).
//
// Casts: `(T) e` and `(e)` start alike. The cast reading is tried first and kept when T is a
// base, tuple or specialised type and any operand follows, or when T is a plain name and what
// follows can only start an operand (a name, literal, `(`, `{`, `!`, `~`). So `(a) - b` and
// `(a) + b` are subtractions/additions and `(T)(-1)` must be written for a negative cast operand
// of a named type, while `(bit<8>) -1` is a cast.
#include "parser/grammar.hpp"

namespace hop::parser {

using ast::ExprPtr;

namespace {

// Binary operators by precedence (higher binds tighter); false when the token at p is not one.
bool binaryOperator(const char* p, const char* end, ast::BinaryOp& op, int& prec, size_t& len) {
    using B = ast::BinaryOp;
    len = operatorLength(p, end);
    std::string_view t(p, len);
    struct Entry {
        std::string_view tok;
        B op;
        int prec;
    };
    static constexpr Entry table[] = {
        {"||", B::LOr, 1},     {"&&", B::LAnd, 2},    {"==", B::Eq, 3},    {"!=", B::Ne, 3},
        {"<", B::Lt, 4},       {">", B::Gt, 4},       {"<=", B::Le, 4},    {">=", B::Ge, 4},
        {"|", B::BitOr, 5},    {"^", B::BitXor, 6},   {"&", B::BitAnd, 7}, {"<<", B::Shl, 8},
        {">>", B::Shr, 8},     {"++", B::Concat, 9},  {"+", B::Add, 9},    {"-", B::Sub, 9},
        {"|+|", B::AddSat, 9}, {"|-|", B::SubSat, 9}, {"*", B::Mul, 10},   {"/", B::Div, 10},
        {"%", B::Mod, 10}};
    if (len == 0) return false;
    // `x += e`, `x <<= e`, ...: the operator of a compound assignment, not of an expression.
    if (p + len < end && p[len] == '=' && t != "==" && t != "!=" && t != "<=" && t != ">=")
        return false;
    for (const Entry& e : table) {
        if (e.tok == t) {
            op = e.op;
            prec = e.prec;
            return true;
        }
    }
    return false;
}

// Whether the text at p may be the operand of a cast whose target type is `type`.
bool castOperandFollows(const ast::TypeRef& type, const char* p, const char* end) {
    if (p >= end) return false;
    char c = *p;
    if (isIdentStart(c) || (c >= '0' && c <= '9') || c == '"' || c == '(' || c == '{' || c == '~' ||
        (c == '!' && operatorLength(p, end) == 1))
        return true;
    bool plainName = false;
    if (auto* n = ast::as<const ast::NamedTypeRef>(&type)) plainName = n->args.empty();
    if (ast::as<const ast::StackTypeRef>(&type)) plainName = true;
    if (auto* b = ast::as<const ast::BaseTypeRef>(&type))
        plainName = b->kind == ast::BaseTypeRef::Kind::Error;
    return !plainName && (c == '-' || c == '+') && operatorLength(p, end) == 1;
}

}  // namespace

bool compoundAssignOperator(const char* p, const char* end, ast::BinaryOp& op, size_t& len) {
    int prec = 0;
    size_t n = operatorLength(p, end);
    if (n == 0 || p + n >= end || p[n] != '=') return false;
    static constexpr std::string_view kCompound[] = {"+", "-", "*",  "/",  "%",   "&",
                                                     "|", "^", "<<", ">>", "|+|", "|-|"};
    std::string_view t(p, n);
    if (std::find(std::begin(kCompound), std::end(kCompound), t) == std::end(kCompound))
        return false;
    // binaryOperator declines a token followed by '=': look it up as if it were alone.
    const std::string alone(t);
    if (!binaryOperator(alone.data(), alone.data() + alone.size(), op, prec, len)) return false;
    len = n + 1;
    return true;
}

namespace {

ExprPtr makeBinary(ast::BinaryOp op, ExprPtr lhs, ExprPtr rhs) {
    auto b = node<ast::BinaryExpr>(lhs->loc);
    b->op = op;
    b->lhs = std::move(lhs);
    b->rhs = std::move(rhs);
    return b;
}

x3::rule<class unary_class, ExprPtr> const unaryExpr = "an expression";

struct BinaryParser : x3::parser<BinaryParser> {
    using attribute_type = ExprPtr;

    template <typename It, typename Ctx>
    bool climb(It& first, It const& last, Ctx const& ctx, int minPrec, ExprPtr& lhs) const {
        if (!unaryExpr.parse(first, last, ctx, x3::unused, lhs)) return false;
        for (;;) {
            It save = first;
            x3::skip_over(first, last, ctx);
            ast::BinaryOp op;
            int prec = 0;
            size_t len = 0;
            if (!binaryOperator(ptrOf(first), ptrOf(last), op, prec, len) || prec < minPrec) {
                first = save;
                return true;
            }
            first += len;
            ExprPtr rhs;
            if (!climb(first, last, ctx, prec + 1, rhs))
                throw x3::expectation_failure<It>(first, "an expression");
            lhs = makeBinary(op, std::move(lhs), std::move(rhs));
        }
    }

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        ExprPtr e;
        if (!climb(first, last, ctx, 1, e)) return false;
        // `c ? a : b`; the branches are whole expressions, so it nests to the right.
        if (op("?").parse(first, last, ctx, x3::unused, x3::unused)) {
            auto t = node<ast::TernaryExpr>(e->loc);
            t->cond = std::move(e);
            if (!expression.parse(first, last, ctx, x3::unused, t->then))
                throw x3::expectation_failure<It>(first, "an expression");
            if (!op(":").parse(first, last, ctx, x3::unused, x3::unused))
                throw x3::expectation_failure<It>(first, "':'");
            if (!expression.parse(first, last, ctx, x3::unused, t->otherwise))
                throw x3::expectation_failure<It>(first, "an expression");
            e = std::move(t);
        }
        x3::traits::move_to(std::move(e), attr);
        return true;
    }
};

// Looks the start offset up before parsing (see ParseState::exprMemo).
struct MemoExpression : x3::parser<MemoExpression> {
    using attribute_type = ExprPtr;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        auto& memo = state().exprMemo;
        uint32_t off = offsetOf(first);
        if (auto it = memo.find(off); it != memo.end()) {
            if (!it->second.ok) return false;
            first = state().begin + it->second.end;
            x3::traits::move_to(ExprPtr(it->second.expr), attr);
            return true;
        }
        ExprPtr e;
        It i = first;
        bool ok = BinaryParser{}.parse(i, last, ctx, x3::unused, e);
        memo[off] = MemoEntry{ok, offsetOf(i), e, nullptr};
        if (!ok) return false;
        first = i;
        x3::traits::move_to(std::move(e), attr);
        return true;
    }
};

struct PrefixOpParser : x3::parser<PrefixOpParser> {
    using attribute_type = ast::UnaryOp;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        if (operatorLength(p, ptrOf(last)) != 1) return false;
        ast::UnaryOp op;
        switch (*p) {
            case '!':
                op = ast::UnaryOp::LNot;
                break;
            case '~':
                op = ast::UnaryOp::BitNot;
                break;
            case '-':
                op = ast::UnaryOp::Neg;
                break;
            case '+':
                op = ast::UnaryOp::Plus;
                break;
            default:
                return false;
        }
        x3::traits::move_to(op, attr);
        ++first;
        return true;
    }
};

x3::rule<class cast_head_class, ExprPtr> const castHead = "an expression";
x3::rule<class cast_class, ExprPtr> const castExpr = "an expression";
x3::rule<class postfix_class, ExprPtr> const postfixExpr = "an expression";
x3::rule<class primary_class, ExprPtr> const primaryExpr = "an expression";
x3::rule<class brace_class, ExprPtr> const braceExpr = "an expression";
x3::rule<class argument_class, ast::Argument> const argument = "an argument";
x3::rule<class simple_keyset_class, ExprPtr> const simpleKeyset = "a keyset expression";
x3::rule<class tuple_keyset_class, ExprPtr> const tupleKeyset = "a keyset expression";

auto const assign = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

// ---- unary and casts

auto const mkUnary = [](auto& ctx) {
    auto u = node<ast::UnaryExpr>(at<0>(ctx));
    u->op = at<1>(ctx);
    u->operand = at<2>(ctx);
    x3::_val(ctx) = u;
};
auto const unaryExpr_def =
    guard[(loc >> PrefixOpParser{} >> unaryExpr)[mkUnary] | castExpr[assign] | postfixExpr[assign]];

auto const checkCastHead = [](auto& ctx) {
    auto c = node<ast::CastExpr>(at<0>(ctx));
    c->target = at<1>(ctx);
    const char* p = skipTrivia(ptrOf(x3::_where(ctx).begin()), state().limit);
    x3::_pass(ctx) = castOperandFollows(*c->target, p, state().limit);
    x3::_val(ctx) = c;
};
auto const castHead_def = (loc >> op("(") >> typeRef >> op(")"))[checkCastHead];

auto const mkCast = [](auto& ctx) {
    ExprPtr c = at<0>(ctx);
    static_cast<ast::CastExpr&>(*c).operand = at<1>(ctx);
    x3::_val(ctx) = c;
};
auto const castExpr_def = (castHead >> unaryExpr)[mkCast];

// ---- postfix: member, index/slice, call, call with type arguments

auto const mkMember = [](auto& ctx) {
    ExprPtr base = x3::_val(ctx);
    auto m = node<ast::MemberExpr>(base->loc);
    m->base = base;
    m->member = x3::_attr(ctx);
    x3::_val(ctx) = m;
};
auto const mkIndex = [](auto& ctx) {
    ExprPtr base = x3::_val(ctx);
    auto& hi = at<0>(ctx);
    auto& lo = at<1>(ctx);
    if (lo) {
        auto s = node<ast::SliceExpr>(base->loc);
        s->base = base;
        s->hi = hi;
        s->lo = *lo;
        x3::_val(ctx) = s;
    } else {
        auto i = node<ast::IndexExpr>(base->loc);
        i->base = base;
        i->index = hi;
        x3::_val(ctx) = i;
    }
};
auto const mkCall = [](auto& ctx) {
    ExprPtr callee = x3::_val(ctx);
    auto c = node<ast::CallExpr>(callee->loc);
    c->callee = callee;
    c->args = x3::_attr(ctx);
    x3::_val(ctx) = c;
};
auto const mkCallTyped = [](auto& ctx) {
    ExprPtr callee = x3::_val(ctx);
    auto c = node<ast::CallExpr>(callee->loc);
    c->callee = callee;
    c->typeArgs = at<0>(ctx);
    c->args = at<1>(ctx);
    x3::_val(ctx) = c;
};
auto const postfixExpr_def = primaryExpr[assign] >>
                             *((op(".") >> name)[mkMember] |
                               (op("[") > expression > -(op(":") > expression) > op("]"))[mkIndex] |
                               (op("(") >> argumentList > op(")"))[mkCall] |
                               (typeArguments >> op("(") >> argumentList > op(")"))[mkCallTyped]);

// ---- primary

template <bool V>
struct MkBool {
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto b = node<ast::BoolLiteral>(x3::_attr(ctx));
        b->value = V;
        x3::_val(ctx) = b;
    }
};
struct MkPath {
    const char* text;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto p = node<ast::PathExpr>(x3::_attr(ctx));
        p->name = ast::Name{text, p->loc};
        x3::_val(ctx) = p;
    }
};
auto const mkPath = [](auto& ctx) {
    ast::Name& n = x3::_attr(ctx);
    auto p = node<ast::PathExpr>(n.loc);
    p->name = n;
    x3::_val(ctx) = p;
};
auto const mkTopPath = [](auto& ctx) {
    auto p = node<ast::PathExpr>(at<0>(ctx));
    p->name = at<1>(ctx);
    p->topLevel = true;
    x3::_val(ctx) = p;
};
auto const primaryExpr_def =
    number[assign] | stringLit[assign] | (loc >> kw("true"))[MkBool<true>{}] |
    (loc >> kw("false"))[MkBool<false>{}] | (loc >> kw("this"))[MkPath{"this"}] |
    (loc >> kw("error"))[MkPath{"error"}] | braceExpr[assign] |
    (op("(") > expression > op(")"))[assign] | (loc >> op(".") >> name)[mkTopPath] | name[mkPath];

auto const mkInvalid = [](auto& ctx) {
    x3::_val(ctx) = node<ast::InvalidHeaderExpr>(x3::_attr(ctx));
};
auto const mkStruct = [](auto& ctx) {
    auto s = node<ast::StructExpr>(at<0>(ctx));
    for (auto& kv : at<1>(ctx))
        s->fields.emplace_back(boost::fusion::at_c<0>(kv), boost::fusion::at_c<1>(kv));
    x3::_val(ctx) = s;
};
auto const mkList = [](auto& ctx) {
    auto l = node<ast::ListExpr>(at<0>(ctx));
    l->elements = at<1>(ctx);
    x3::_val(ctx) = l;
};
auto const kvPair = name >> op("=") >> expression;
auto const braceExpr_def = (loc >> op("{") >> op("#") >> op("}"))[mkInvalid] |
                           (loc >> op("{") >> (kvPair % op(",")) >> -op(",") > op("}"))[mkStruct] |
                           (loc >> op("{") >> expressionList >> -op(",") > op("}"))[mkList];

// ---- arguments

auto const mkNamedDontCare = [](auto& ctx) {
    ast::Argument a;
    a.loc = at<0>(ctx);
    a.name = at<1>(ctx);
    x3::_val(ctx) = a;
};
auto const mkNamed = [](auto& ctx) {
    ast::Argument a;
    a.loc = at<0>(ctx);
    a.name = at<1>(ctx);
    a.value = at<2>(ctx);
    x3::_val(ctx) = a;
};
auto const mkDontCareArg = [](auto& ctx) {
    ast::Argument a;
    a.loc = x3::_attr(ctx);
    x3::_val(ctx) = a;
};
auto const mkPositional = [](auto& ctx) {
    ast::Argument a;
    a.value = x3::_attr(ctx);
    a.loc = a.value->loc;
    x3::_val(ctx) = a;
};
auto const argument_def = (loc >> name >> op("=") >> dontCare)[mkNamedDontCare] |
                          (loc >> name >> op("=") >> expression)[mkNamed] |
                          dontCare[mkDontCareArg] | expression[mkPositional];

// ---- keysets

auto const mkDefault = [](auto& ctx) { x3::_val(ctx) = node<ast::DefaultExpr>(x3::_attr(ctx)); };
auto const mkDontCare = [](auto& ctx) { x3::_val(ctx) = node<ast::DontCareExpr>(x3::_attr(ctx)); };
auto const mkKeyset = [](auto& ctx) {
    x3::_val(ctx) = makeBinary(at<0>(ctx), x3::_val(ctx), at<1>(ctx));
};
struct SetOp {
    ast::BinaryOp op;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        x3::_val(ctx) = op;
    }
};
x3::rule<class mask_or_range_class, ast::BinaryOp> const maskOrRange = "'&&&' or '..'";
auto const maskOrRange_def =
    op("&&&")[SetOp{ast::BinaryOp::Mask}] | op("..")[SetOp{ast::BinaryOp::Range}];
auto const simpleKeyset_def = (loc >> kw("default"))[mkDefault] | dontCare[mkDontCare] |
                              expression[assign] >> -(maskOrRange > expression)[mkKeyset];

// A parenthesised tuple of keysets. One plain expression in parentheses is not a tuple but a
// parenthesised expression (it fails here and is read by simpleKeyset).
auto const mkTuple = [](auto& ctx) {
    auto& elems = at<1>(ctx);
    if (elems.size() == 1) {
        const ExprPtr& e = elems.front();
        auto* b = ast::as<ast::BinaryExpr>(e);
        bool reduced = ast::as<ast::DefaultExpr>(e) || ast::as<ast::DontCareExpr>(e) ||
                       (b && (b->op == ast::BinaryOp::Mask || b->op == ast::BinaryOp::Range));
        if (!reduced) {
            x3::_pass(ctx) = false;
            return;
        }
    }
    auto l = node<ast::ListExpr>(at<0>(ctx));
    l->elements = elems;
    x3::_val(ctx) = l;
};
auto const tupleKeyset_def = (loc >> op("(") >> (simpleKeyset % op(",")) >> op(")"))[mkTuple];

}  // namespace

// ---- shared rules

auto const expression_def = guard[MemoExpression{}];
auto const keysetExpression_def = tupleKeyset[assign] | simpleKeyset[assign];
auto const argumentList_def = -(argument % op(","));
auto const expressionList_def = -(expression % op(","));

BOOST_SPIRIT_DEFINE(expression, keysetExpression, argumentList, expressionList)
BOOST_SPIRIT_INSTANTIATE(ExprRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(KeysetRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(ArgsRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(ExprListRule, Iterator, Context)

namespace {
BOOST_SPIRIT_DEFINE(maskOrRange, unaryExpr, castHead, castExpr, postfixExpr, primaryExpr, braceExpr,
                    argument, simpleKeyset, tupleKeyset)
}  // namespace

bool parseExpressionListText(Iterator begin, Iterator end, std::vector<ExprPtr>& out) {
    ParseState sub;
    sub.begin = state().begin;
    sub.base = state().base;
    sub.limit = ptrOf(end);
    sub.depth = state().depth;
    StateScope scope(sub);
    const Skipper skipper{};
    auto ctx = x3::make_context<x3::skipper_tag>(skipper);
    Iterator it = begin;
    try {
        if (!expressionList.parse(it, end, ctx, x3::unused, out)) return false;
        x3::skip_over(it, end, ctx);
        return it == end;
    } catch (const x3::expectation_failure<Iterator>&) {
        return false;
    } catch (const NestingTooDeep&) {
        return false;
    }
}

}  // namespace hop::parser
