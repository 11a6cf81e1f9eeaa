// SPDX-License-Identifier: Apache-2.0
// Internal to the parser: the Spirit X3 types shared by the grammar's translation units, the
// lexical primitives, and the rules each unit defines for the others.
//
// The grammar is split over several .cpp files (expressions, types, statements, blocks,
// declarations) so that no single translation unit instantiates all of it: each unit defines
// its rules with BOOST_SPIRIT_DEFINE and instantiates them for the one iterator/context pair
// below with BOOST_SPIRIT_INSTANTIATE; the others only see BOOST_SPIRIT_DECLARE.
//
// Lexing is done by small hand-written primitives (skipper, keywords, punctuation with
// longest-match, names, numbers, strings) rather than by X3 character parsers: they compile
// fast, give exact error texts through x3::what(), and make `&` never match the start of `&&`.
#pragma once

#include <boost/spirit/home/x3.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ast/ast.hpp"

namespace hop::parser {

namespace x3 = boost::spirit::x3;

using Iterator = std::string::const_iterator;

// ---------------------------------------------------------------------------------------------
// Per-parse state. The X3 context is fixed across translation units (see Context below), so
// the state that primitives and guards need travels through a thread-local pointer instead.

struct MemoEntry {
    bool ok = false;
    uint32_t end = 0;
    ast::ExprPtr expr;
    ast::TypeRefPtr type;
};

struct ParseState {
    Iterator begin;     // start of the whole buffer; offsets are relative to it
    const char* base;   // the same position as a pointer
    const char* limit;  // end of the buffer
    int depth = 0;      // active guarded constructs (see Guard)
    // Packrat memo for `expression` and `typeRef` keyed by start offset: casts, explicit type
    // arguments and declaration-vs-statement are decided by trying one reading and falling back
    // to another, and without the memo nested constructs would be re-parsed exponentially.
    std::unordered_map<uint32_t, MemoEntry> exprMemo, typeMemo;
};

// The state of the parse running on this thread; set by StateScope.
ParseState& state();

class StateScope {
  public:
    StateScope(ParseState& s);
    ~StateScope();
    StateScope(const StateScope&) = delete;
    StateScope& operator=(const StateScope&) = delete;

  private:
    ParseState* saved_;
};

inline uint32_t offsetOf(Iterator it) { return static_cast<uint32_t>(it - state().begin); }
inline const char* ptrOf(Iterator it) { return state().base + (it - state().begin); }
inline SourceLoc locOf(Iterator it) { return SourceLoc{offsetOf(it)}; }

// Nesting deeper than this is rejected with "nesting too deep": recursion in the grammar is
// bounded so that no input can overflow the stack.
constexpr int kMaxDepth = 400;

struct NestingTooDeep : std::runtime_error {
    explicit NestingTooDeep(Iterator w) : std::runtime_error("nesting too deep"), where(w) {}
    Iterator where;
};

// A construct of the language that hopline does not accept yet, recognised by its first token:
// reported as "<what> is not supported by hopline" at `where`.
struct UnsupportedSyntax : std::runtime_error {
    UnsupportedSyntax(Iterator w, const std::string& what) : std::runtime_error(what), where(w) {}
    Iterator where;
};

// ---------------------------------------------------------------------------------------------
// Lexical helpers on raw characters (lexer.cpp).

bool isIdentStart(char c);
bool isIdentChar(char c);
// Skips whitespace and comments; an unterminated block comment runs to the end.
const char* skipTrivia(const char* p, const char* end);
// End of the identifier-like word at p (p itself when there is none).
const char* scanWord(const char* p, const char* end);
enum class WordKind { Identifier, SoftKeyword, Keyword };
// Keywords never name anything; soft keywords (apply, key, actions, state, entries, type,
// priority, list, in, out, inout) name variables, members and properties but never types.
WordKind classifyWord(std::string_view word);
// Length of the operator or punctuation token at p by longest match (0 when none).
size_t operatorLength(const char* p, const char* end);
// An integer literal; returns the end, or p when there is none.
const char* scanNumber(const char* p, const char* end, ast::IntLiteral& out);
// A string literal with escapes; returns the end, or p when there is none or it is unterminated.
const char* scanString(const char* p, const char* end, std::string& value);
// How an error message shows the token at p: `'xyz'`, `end of file`.
std::string describeToken(const char* p, const char* end);

// ---------------------------------------------------------------------------------------------
// Primitives.

struct Skipper : x3::parser<Skipper> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const&, RCtx&, Attr&) const {
        const char* p = ptrOf(first);
        const char* q = skipTrivia(p, ptrOf(last));
        first += q - p;
        return q != p;
    }
};

using Context =
    std::decay_t<decltype(x3::make_context<x3::skipper_tag>(std::declval<Skipper const&>()))>;

// Consumes nothing; yields the location of the next token.
struct LocParser : x3::parser<LocParser> {
    using attribute_type = SourceLoc;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        x3::traits::move_to(locOf(first), attr);
        return true;
    }
};

// A keyword: the word itself, not followed by an identifier character.
struct KeywordParser : x3::parser<KeywordParser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    const char* word;
    constexpr KeywordParser(const char* w) : word(w) {}
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        const char* e = scanWord(p, ptrOf(last));
        if (std::string_view(p, e - p) != word) return false;
        first += e - p;
        return true;
    }
};

// Punctuation or an operator, matched as a whole token: `&` does not match the start of `&&`,
// `.` not the start of `..`. `raw` matches the single character regardless of what follows; it
// is used for the angle brackets of type arguments so that `bit<8>>` closes two lists.
struct PunctParser : x3::parser<PunctParser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    const char* tok;
    const char* desc;  // what "expected ..." says; null means the quoted token
    bool raw;
    constexpr PunctParser(const char* t, const char* d = nullptr, bool r = false)
        : tok(t), desc(d), raw(r) {}
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        const char* e = ptrOf(last);
        size_t n = std::char_traits<char>::length(tok);
        if (static_cast<size_t>(e - p) < n || std::string_view(p, n) != tok) return false;
        if (!raw && operatorLength(p, e) != n) return false;
        first += n;
        return true;
    }
};

// Identifiers. Mode Name: identifiers and soft keywords (variables, members, declarations).
// Mode TypeName: identifiers only (types; so that `state`, `apply` end local declarations).
// Mode AnyWord: any word including keywords (annotation names).
struct NameParser : x3::parser<NameParser> {
    enum Mode { Name, TypeName, AnyWord };
    using attribute_type = ast::Name;
    Mode mode;
    constexpr NameParser(Mode m) : mode(m) {}
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        const char* e = scanWord(p, ptrOf(last));
        if (e == p) return false;
        std::string_view w(p, e - p);
        if (mode != AnyWord) {
            if (w == "_") return false;  // don't-care, not a name
            WordKind k = classifyWord(w);
            if (k == WordKind::Keyword) return false;
            if (k == WordKind::SoftKeyword && mode == TypeName) return false;
        }
        x3::traits::move_to(ast::Name{std::string(w), locOf(first)}, attr);
        first += e - p;
        return true;
    }
};

// `_` on its own.
struct DontCareParser : x3::parser<DontCareParser> {
    using attribute_type = SourceLoc;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        if (scanWord(p, ptrOf(last)) != p + 1 || *p != '_') return false;
        x3::traits::move_to(locOf(first), attr);
        ++first;
        return true;
    }
};

struct NumberParser : x3::parser<NumberParser> {
    using attribute_type = ast::ExprPtr;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        auto lit = std::make_shared<ast::IntLiteral>();
        const char* e = scanNumber(p, ptrOf(last), *lit);
        if (e == p) return false;
        lit->loc = locOf(first);
        x3::traits::move_to(ast::ExprPtr(std::move(lit)), attr);
        first += e - p;
        return true;
    }
};

struct StringParser : x3::parser<StringParser> {
    using attribute_type = ast::ExprPtr;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        auto lit = std::make_shared<ast::StringLiteral>();
        const char* e = scanString(p, ptrOf(last), lit->value);
        if (e == p) return false;
        lit->loc = locOf(first);
        x3::traits::move_to(ast::ExprPtr(std::move(lit)), attr);
        first += e - p;
        return true;
    }
};

// Counts nesting around its subject and throws NestingTooDeep past kMaxDepth.
template <typename Subject>
struct Guard : x3::unary_parser<Subject, Guard<Subject>> {
    using base_type = x3::unary_parser<Subject, Guard<Subject>>;
    static bool const is_pass_through_unary = true;
    constexpr Guard(Subject const& s) : base_type(s) {}
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
        struct Depth {
            int& d;
            ~Depth() { --d; }
        } depth{++state().depth};
        if (depth.d > kMaxDepth) throw NestingTooDeep(first);
        return this->subject.parse(first, last, ctx, rctx, attr);
    }
};
struct GuardGen {
    template <typename Subject>
    constexpr Guard<typename x3::extension::as_parser<Subject>::value_type> operator[](
        Subject const& s) const {
        return {x3::as_parser(s)};
    }
};
inline constexpr GuardGen guard{};

inline constexpr LocParser loc{};
inline constexpr NameParser name{NameParser::Name};
inline constexpr NameParser typeIdent{NameParser::TypeName};
inline constexpr NameParser anyWord{NameParser::AnyWord};
inline constexpr DontCareParser dontCare{};
inline constexpr NumberParser number{};
inline constexpr StringParser stringLit{};
constexpr KeywordParser kw(const char* w) { return KeywordParser(w); }
constexpr PunctParser op(const char* t, const char* desc = nullptr) { return PunctParser(t, desc); }
// Angle brackets of type arguments and parameters, matched character by character.
inline constexpr PunctParser langle("<", nullptr, true);
inline constexpr PunctParser rangle(">", nullptr, true);

// ---------------------------------------------------------------------------------------------
// Semantic-action helpers.

template <int N, typename Ctx>
decltype(auto) at(Ctx& ctx) {
    return boost::fusion::at_c<N>(x3::_attr(ctx));
}

template <typename T>
std::shared_ptr<T> node(SourceLoc l) {
    auto n = std::make_shared<T>();
    n->loc = l;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Rules shared between translation units.

using ExprRule = x3::rule<class expression_class, ast::ExprPtr>;
using KeysetRule = x3::rule<class keyset_class, ast::ExprPtr>;
using ArgsRule = x3::rule<class arguments_class, std::vector<ast::Argument>>;
using ExprListRule = x3::rule<class expression_list_class, std::vector<ast::ExprPtr>>;
using TypeRule = x3::rule<class type_class, ast::TypeRefPtr>;
using TypeArgsRule = x3::rule<class type_args_class, std::vector<ast::TypeRefPtr>>;
using TypeParamsRule = x3::rule<class type_params_class, ast::TypeParams>;
using ParamsRule = x3::rule<class params_class, std::vector<ast::ParamPtr>>;
using AnnotationsRule = x3::rule<class annotations_class, ast::Annotations>;
using FunctionProtoRule = x3::rule<class function_proto_class, ast::MethodProto>;
using StmtRule = x3::rule<class statement_class, ast::StmtPtr>;
using BlockRule = x3::rule<class block_class, ast::Ptr<ast::BlockStmt>>;
using LocalDeclRule = x3::rule<class local_decl_class, ast::DeclPtr>;
using ConstDeclRule = x3::rule<class const_decl_class, ast::DeclPtr>;
using InstantiationRule = x3::rule<class instantiation_class, ast::DeclPtr>;
using FunctionDeclRule = x3::rule<class function_decl_class, ast::DeclPtr>;
using BlockDeclRule = x3::rule<class block_decl_class, ast::DeclPtr>;
using TopDeclRule = x3::rule<class declaration_class, ast::DeclPtr>;

// expressions.cpp
inline constexpr ExprRule expression{"an expression"};
inline constexpr KeysetRule keysetExpression{"a keyset expression"};
inline constexpr ArgsRule argumentList{"an argument"};
inline constexpr ExprListRule expressionList{"an expression"};
// types.cpp
inline constexpr TypeRule typeRef{"a type"};
inline constexpr TypeArgsRule typeArguments{"'<'"};
inline constexpr TypeParamsRule typeParameters{"'<'"};
inline constexpr ParamsRule parameterList{"a parameter"};
inline constexpr AnnotationsRule annotations{"an annotation"};
inline constexpr FunctionProtoRule functionPrototype{"a function prototype"};
// statements.cpp
inline constexpr StmtRule statement{"a statement"};
inline constexpr BlockRule blockStatement{"'{'"};
// const, variable and instantiation with their annotations (block locals and statements)
inline constexpr LocalDeclRule localDeclaration{"a declaration"};
// the following three without annotations (the caller parses them)
inline constexpr ConstDeclRule constantDeclaration{"a constant declaration"};
inline constexpr InstantiationRule instantiation{"an instantiation"};
inline constexpr FunctionDeclRule functionDeclaration{"a function declaration"};
// blocks.cpp: parser, control and action declarations, without annotations
inline constexpr BlockDeclRule blockDeclaration{"a declaration"};
// declarations.cpp: one top-level declaration with annotations; null for an empty `;`
inline constexpr TopDeclRule declaration{"a declaration"};

BOOST_SPIRIT_DECLARE(ExprRule, KeysetRule, ArgsRule, ExprListRule)
BOOST_SPIRIT_DECLARE(TypeRule, TypeArgsRule, TypeParamsRule, ParamsRule, AnnotationsRule,
                     FunctionProtoRule)
BOOST_SPIRIT_DECLARE(StmtRule, BlockRule, LocalDeclRule, ConstDeclRule, InstantiationRule,
                     FunctionDeclRule)
BOOST_SPIRIT_DECLARE(BlockDeclRule, TopDeclRule)

// Sets the annotations of a declaration parsed by a rule that does not parse them itself.
inline ast::DeclPtr withAnnotations(ast::DeclPtr d, ast::Annotations a, SourceLoc l) {
    if (d) {
        if (!a.empty()) d->loc = l;
        d->annotations = std::move(a);
    }
    return d;
}

// Parses [begin, end) (a sub-range of the buffer) as a whole expression list; used for the
// bodies of unstructured annotations. Never throws; false when the text is not one.
bool parseExpressionListText(Iterator begin, Iterator end, std::vector<ast::ExprPtr>& out);

}  // namespace hop::parser

namespace boost::spirit::x3 {
template <>
struct get_info<hop::parser::PunctParser> {
    using result_type = std::string;
    std::string operator()(hop::parser::PunctParser const& p) const {
        return p.desc ? p.desc : std::string("'") + p.tok + "'";
    }
};
template <>
struct get_info<hop::parser::KeywordParser> {
    using result_type = std::string;
    std::string operator()(hop::parser::KeywordParser const& p) const {
        return std::string("'") + p.word + "'";
    }
};
template <>
struct get_info<hop::parser::NameParser> {
    using result_type = std::string;
    std::string operator()(hop::parser::NameParser const&) const { return "an identifier"; }
};
template <>
struct get_info<hop::parser::NumberParser> {
    using result_type = std::string;
    std::string operator()(hop::parser::NumberParser const&) const { return "an integer"; }
};
template <>
struct get_info<hop::parser::StringParser> {
    using result_type = std::string;
    std::string operator()(hop::parser::StringParser const&) const { return "a string"; }
};
}  // namespace boost::spirit::x3
