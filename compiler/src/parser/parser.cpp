// SPDX-License-Identifier: Apache-2.0
// The parser's entry point: runs the top-level `declaration` rule repeatedly, turns X3's
// expectation failures into located diagnostics and recovers at the next declaration.
#include "parser/parser.hpp"

#include <array>
#include <string_view>

#include "parser/grammar.hpp"

namespace hop {

namespace {

using parser::Iterator;
namespace x3 = boost::spirit::x3;

// x3::what() names rules and primitives by the text we gave them ("an expression", "';'").
// Anything else would be a mangled type name; say what was found instead.
bool isFriendly(const std::string& which) {
    return !which.empty() &&
           (which[0] == '\'' || which.rfind("a ", 0) == 0 || which.rfind("an ", 0) == 0);
}

// Words that start a top-level declaration at the beginning of a line.
bool startsDeclaration(const char* p, const char* end) {
    if (p >= end) return false;
    if (*p == '@') return true;
    const char* w = parser::scanWord(p, end);
    if (w == p) return false;
    std::string_view word(p, w - p);
    static constexpr std::array<std::string_view, 22> starters = {
        "header", "header_union", "struct", "control", "parser",     "const",   "typedef", "type",
        "extern", "action",       "enum",   "error",   "match_kind", "package", "bit",     "int",
        "bool",   "void",         "varbit", "tuple",   "string",     "function"};
    for (std::string_view s : starters)
        if (word == s) return true;
    if (parser::classifyWord(word) != parser::WordKind::Identifier) return false;
    // `V1Switch(...) main;`, `Register<bit<8>>(4) r;`, `T f(...) {...}`
    const char* q = parser::skipTrivia(w, end);
    return q < end && (*q == '(' || *q == '<' || parser::isIdentStart(*q));
}

// The next line after `from`'s line that starts (in column 1) with a declaration.
Iterator recover(Iterator from, Iterator last) {
    const char* p = parser::ptrOf(from);
    const char* end = parser::ptrOf(last);
    for (;;) {
        while (p < end && *p != '\n') ++p;
        if (p >= end) return last;
        ++p;
        if (startsDeclaration(p, end)) return from + (p - parser::ptrOf(from));
    }
}

// The skipper lets an unterminated `/*` run to the end of the file; find it to say so.
const char* unterminatedComment(const char* p, const char* end) {
    while (p < end) {
        if (*p == '"') {
            for (++p; p < end && *p != '"' && *p != '\n'; ++p)
                if (*p == '\\') ++p;
        } else if (*p == '/' && p + 1 < end && p[1] == '/') {
            while (p < end && *p != '\n') ++p;
        } else if (*p == '/' && p + 1 < end && p[1] == '*') {
            std::string_view rest(p + 2, end - p - 2);
            size_t close = rest.find("*/");
            if (close == std::string_view::npos) return p;
            p += close + 4;
            continue;
        }
        ++p;
    }
    return nullptr;
}

}  // namespace

ast::Program parseProgram(const SourceBuffer& source, Diagnostics& diags) {
    const std::string& text = source.text();
    parser::ParseState st;
    st.begin = text.begin();
    st.base = text.data();
    st.limit = text.data() + text.size();
    parser::StateScope scope(st);

    const parser::Skipper skipper{};
    auto ctx = x3::make_context<x3::skipper_tag>(skipper);
    static_assert(std::is_same_v<std::decay_t<decltype(ctx)>, parser::Context>);

    ast::Program program;
    Iterator it = text.begin();
    const Iterator end = text.end();
    // Errors point at the next token after where the parse stopped, like a C compiler's
    // "expected ';' before 'x'", and never inside whitespace or a comment.
    auto tokenAt = [&](Iterator where) {
        return where + (parser::skipTrivia(parser::ptrOf(where), st.limit) - parser::ptrOf(where));
    };
    for (;;) {
        x3::skip_over(it, end, ctx);
        if (it == end || diags.tooMany()) break;
        st.exprMemo.clear();
        st.typeMemo.clear();
        st.depth = 0;
        Iterator start = it;
        Iterator errorAt = it;
        try {
            ast::DeclPtr decl;
            if (parser::declaration.parse(it, end, ctx, x3::unused, decl) && it != start) {
                if (decl) program.decls.push_back(std::move(decl));
                continue;
            }
            it = start;
            Iterator at = tokenAt(start);
            diags.error(parser::locOf(at),
                        "unexpected " + parser::describeToken(parser::ptrOf(at), st.limit));
            errorAt = at;
        } catch (const x3::expectation_failure<Iterator>& e) {
            Iterator at = tokenAt(e.where());
            std::string which = e.which();
            const char* p = parser::ptrOf(at);
            if (isFriendly(which))
                diags.error(parser::locOf(at), "expected " + which);
            else
                diags.error(parser::locOf(at), "unexpected " + parser::describeToken(p, st.limit));
            errorAt = at;
        } catch (const parser::UnsupportedSyntax& e) {
            diags.unsupported(parser::locOf(tokenAt(e.where)), e.what());
            errorAt = e.where;
        } catch (const parser::NestingTooDeep& e) {
            diags.error(parser::locOf(tokenAt(e.where)), "nesting too deep");
            errorAt = e.where;
        }
        it = recover(errorAt, end);
    }
    if (const char* c = unterminatedComment(st.base, st.limit))
        diags.error(SourceLoc{static_cast<uint32_t>(c - st.base)}, "unterminated comment");
    return program;
}

}  // namespace hop
