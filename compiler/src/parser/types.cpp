// SPDX-License-Identifier: Apache-2.0
// Types as written, type arguments and parameters, value parameters, annotations and function
// prototypes.
//
// Types are often parsed speculatively (a statement may be a declaration `T x;` or an
// expression, `f<T>(x)` may be a call or two comparisons, `(T) e` may be a parenthesised
// expression), so nothing here commits with an expectation point before it is certain; and the
// result of `typeRef` is memoised per offset like `expression`.
#include "parser/grammar.hpp"

namespace hop::parser {

using ast::TypeRefPtr;

namespace {

x3::rule<class type_core_class, TypeRefPtr> const typeCore = "a type";
x3::rule<class width_class, ast::ExprPtr> const widthExpr = "a width";
x3::rule<class type_arg_class, TypeRefPtr> const typeArg = "a type";
x3::rule<class parameter_class, ast::ParamPtr> const parameter = "a parameter";
x3::rule<class annotation_class, ast::Annotation> const annotation = "an annotation";

struct MemoType : x3::parser<MemoType> {
    using attribute_type = TypeRefPtr;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        auto& memo = state().typeMemo;
        uint32_t off = offsetOf(first);
        if (auto it = memo.find(off); it != memo.end()) {
            if (!it->second.ok) return false;
            first = state().begin + it->second.end;
            x3::traits::move_to(TypeRefPtr(it->second.type), attr);
            return true;
        }
        TypeRefPtr t;
        It i = first;
        bool ok = typeCore.parse(i, last, ctx, x3::unused, t);
        memo[off] = MemoEntry{ok, offsetOf(i), nullptr, t};
        if (!ok) return false;
        first = i;
        x3::traits::move_to(std::move(t), attr);
        return true;
    }
};

auto const assign = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

struct MkBase {
    ast::BaseTypeRef::Kind kind;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto t = node<ast::BaseTypeRef>(x3::_attr(ctx));
        t->kind = kind;
        x3::_val(ctx) = t;
    }
};
struct MkSized {
    ast::SizedTypeRef::Kind kind;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto t = node<ast::SizedTypeRef>(at<0>(ctx));
        t->kind = kind;
        t->width = at<1>(ctx);
        x3::_val(ctx) = t;
    }
};
// Plain `bit` is bit<1>.
auto const mkBit = [](auto& ctx) {
    auto t = node<ast::SizedTypeRef>(at<0>(ctx));
    t->kind = ast::SizedTypeRef::Kind::Bit;
    if (auto& w = at<1>(ctx)) {
        t->width = *w;
    } else {
        auto one = node<ast::IntLiteral>(t->loc);
        one->value = 1;
        one->text = "1";
        t->width = one;
    }
    x3::_val(ctx) = t;
};
auto const mkTuple = [](auto& ctx) {
    auto t = node<ast::TupleTypeRef>(at<0>(ctx));
    t->elements = at<1>(ctx);
    x3::_val(ctx) = t;
};
auto const mkNamed = [](auto& ctx) {
    auto t = node<ast::NamedTypeRef>(at<0>(ctx));
    t->topLevel = at<1>(ctx);
    t->name = at<2>(ctx);
    if (auto& args = at<3>(ctx)) t->args = *args;
    x3::_val(ctx) = t;
};
auto const mkStack = [](auto& ctx) {
    TypeRefPtr element = x3::_val(ctx);
    auto s = node<ast::StackTypeRef>(element->loc);
    s->element = element;
    s->size = x3::_attr(ctx);
    x3::_val(ctx) = s;
};

using BK = ast::BaseTypeRef::Kind;
using SK = ast::SizedTypeRef::Kind;

auto const widthExpr_def = number[assign] | (op("(") > expression > op(")"))[assign];

auto const typeCore_def =
    ((loc >> kw("bool"))[MkBase{BK::Bool}] | (loc >> kw("error"))[MkBase{BK::Error}] |
     (loc >> kw("match_kind"))[MkBase{BK::MatchKind}] | (loc >> kw("string"))[MkBase{BK::String}] |
     (loc >> kw("void"))[MkBase{BK::Void}] | dontCare[MkBase{BK::DontCare}] |
     (loc >> kw("int") >> langle > widthExpr > rangle)[MkSized{SK::Int}] |
     (loc >> kw("int"))[MkBase{BK::Int}] |
     (loc >> kw("bit") >> -(langle > widthExpr > rangle))[mkBit] |
     (loc >> kw("varbit") > langle > widthExpr > rangle)[MkSized{SK::Varbit}] |
     (loc >> kw("tuple") > typeArguments)[mkTuple] |
     (loc >> x3::matches[op(".")] >> typeIdent >> -typeArguments)[mkNamed]) >>
    *(op("[") >> expression >> op("]"))[mkStack];

// A type argument may also be a name that is not a type name (a type variable named like a
// soft keyword); it reads as a named type.
auto const mkNameArg = [](auto& ctx) {
    auto t = node<ast::NamedTypeRef>(x3::_attr(ctx).loc);
    t->name = x3::_attr(ctx);
    x3::_val(ctx) = t;
};
auto const typeArg_def = typeRef[assign] | name[mkNameArg];

auto const mkTypeParams = [](auto& ctx) { x3::_val(ctx).names = x3::_attr(ctx); };

struct MkDirection {
    ast::Direction dir;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        x3::_val(ctx)->direction = dir;
    }
};
auto const startParam = [](auto& ctx) {
    auto p = node<ast::Param>(at<0>(ctx));
    p->annotations = at<1>(ctx);
    x3::_val(ctx) = p;
};
auto const finishParam = [](auto& ctx) {
    auto& p = *x3::_val(ctx);
    p.type = at<0>(ctx);
    p.name = at<1>(ctx);
    if (auto& d = at<2>(ctx)) p.defaultValue = *d;
};
auto const parameter_def = (loc >> annotations)[startParam] >>
                           -(kw("inout")[MkDirection{ast::Direction::InOut}] |
                             kw("in")[MkDirection{ast::Direction::In}] |
                             kw("out")[MkDirection{ast::Direction::Out}]) >>
                           (typeRef > name > -(op("=") > expression))[finishParam];

// Unstructured annotation body: balanced parentheses (string literals may hold any of them);
// yields the offsets just inside the outer pair.
struct AnnotationBodyParser : x3::parser<AnnotationBodyParser> {
    using attribute_type = std::pair<uint32_t, uint32_t>;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        const char* end = ptrOf(last);
        if (p >= end || *p != '(') return false;
        int depth = 0;
        const char* q = p;
        for (; q < end; ++q) {
            if (*q == '"') {
                std::string ignored;
                const char* s = scanString(q, end, ignored);
                if (s == q) return false;
                q = s - 1;
            } else if (*q == '(') {
                ++depth;
            } else if (*q == ')' && --depth == 0) {
                break;
            }
        }
        if (q >= end) return false;
        uint32_t open = offsetOf(first);
        x3::traits::move_to(std::make_pair(open + 1, open + static_cast<uint32_t>(q - p)), attr);
        first += q - p + 1;
        return true;
    }
};

auto const startAnnotation = [](auto& ctx) {
    ast::Annotation& a = x3::_val(ctx);
    a.loc = at<0>(ctx);
    a.name = at<1>(ctx);
};
auto const setBody = [](auto& ctx) {
    ast::Annotation& a = x3::_val(ctx);
    auto [b, e] = x3::_attr(ctx);
    a.body.assign(state().base + b, state().base + e);
    std::vector<ast::ExprPtr> args;
    if (parseExpressionListText(state().begin + b, state().begin + e, args)) a.args = args;
};
auto const setKvs = [](auto& ctx) {
    for (auto& kv : x3::_attr(ctx))
        x3::_val(ctx).kvs.emplace_back(boost::fusion::at_c<0>(kv), boost::fusion::at_c<1>(kv));
};
auto const setArgs = [](auto& ctx) { x3::_val(ctx).args = x3::_attr(ctx); };
auto const kvPair = name >> op("=") >> expression;
auto const annotation_def = (loc >> op("@") >> anyWord)[startAnnotation] >>
                            -(AnnotationBodyParser{}[setBody] |
                              (op("[") >> ((kvPair % op(","))[setKvs] | expressionList[setArgs]) >>
                               -op(",") > op("]")));

auto const mkProto = [](auto& ctx) {
    ast::MethodProto m;
    m.loc = at<0>(ctx);
    m.returnType = at<1>(ctx);
    m.name = at<2>(ctx);
    if (auto& tp = at<3>(ctx)) m.typeParams = *tp;
    m.params = at<4>(ctx);
    x3::_val(ctx) = m;
};

}  // namespace

auto const typeRef_def = guard[MemoType{}];
auto const typeArguments_def = langle >> -(typeArg % op(",")) >> rangle;
auto const typeParameters_def = (langle >> (name % op(",")) >> rangle)[mkTypeParams];
auto const parameterList_def = -(parameter % op(","));
auto const annotations_def = *annotation;
auto const functionPrototype_def =
    (loc >> typeRef >> name >> -typeParameters >> op("(") > parameterList > op(")"))[mkProto];

BOOST_SPIRIT_DEFINE(typeRef, typeArguments, typeParameters, parameterList, annotations,
                    functionPrototype)
BOOST_SPIRIT_INSTANTIATE(TypeRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(TypeArgsRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(TypeParamsRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(ParamsRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(AnnotationsRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(FunctionProtoRule, Iterator, Context)

namespace {
BOOST_SPIRIT_DEFINE(typeCore, widthExpr, typeArg, parameter, annotation)
}  // namespace

}  // namespace hop::parser
