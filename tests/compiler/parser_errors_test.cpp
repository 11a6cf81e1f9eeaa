// SPDX-License-Identifier: Apache-2.0
// The P4_16 parser, continued (parser_test.cpp): syntax errors with their exact headlines,
// recovery, pathological inputs (no crash, no hang), and the real programs in the tree.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "source/preprocess.hpp"
#include "tests/compiler/parser_test_util.hpp"

namespace hop {
namespace {

using namespace ast;
using namespace parsertest;

// ---- errors

TEST(ParserErrors, MissingSemicolon) {
    EXPECT_EQ(errorsOf("header h_t {\n    bit<8> a\n    bit<8> b;\n}\n"),
              std::vector<std::string>{"t.p4:3:5: error: expected ';'"});
}

TEST(ParserErrors, ExpectedAType) {
    EXPECT_EQ(errorsOf("typedef 5 t;\n"),
              std::vector<std::string>{"t.p4:1:9: error: expected a type"});
}

TEST(ParserErrors, UnclosedTable) {
    EXPECT_EQ(errorsOf("control C() {\n  table t {\n    key = { a : exact; }\n    sizee 4;\n  }\n"
                       "  apply {}\n}\n"),
              std::vector<std::string>{"t.p4:4:5: error: expected '}' to close the table"});
}

TEST(ParserErrors, ExpectedAnExpression) {
    EXPECT_EQ(errorsOf("const bit<8> c = 1 + ;\n"),
              std::vector<std::string>{"t.p4:1:22: error: expected an expression"});
    EXPECT_EQ(errorsOf("control C() { apply { x = ; } }\n"),
              std::vector<std::string>{"t.p4:1:27: error: expected an expression"});
}

TEST(ParserErrors, UnexpectedToken) {
    EXPECT_EQ(errorsOf("header h { }\nxyz;\n"),
              std::vector<std::string>{"t.p4:2:1: error: unexpected 'xyz'"});
    EXPECT_EQ(errorsOf("}"), std::vector<std::string>{"t.p4:1:1: error: unexpected '}'"});
}

TEST(ParserErrors, StatementThatIsNotAnAssignmentOrCall) {
    EXPECT_EQ(errorsOf("control C() { apply { a.b; } }"),
              std::vector<std::string>{"t.p4:1:26: error: expected '=' or '('"});
}

TEST(ParserErrors, MissingTransitionTarget) {
    EXPECT_EQ(errorsOf("parser P() { state start { transition 5; } }"),
              std::vector<std::string>{"t.p4:1:39: error: expected a state name or 'select'"});
}

TEST(ParserErrors, UnterminatedComment) {
    EXPECT_EQ(errorsOf("const bit<8> c = 1;\n/* no end\n"),
              std::vector<std::string>{"t.p4:2:1: error: unterminated comment"});
}

TEST(ParserErrors, UnterminatedBlockAtEndOfFile) {
    EXPECT_EQ(errorsOf("control C() {\n  apply {\n"),
              std::vector<std::string>{"t.p4:3:1: error: expected '}'"});
}

TEST(ParserErrors, RecoversAtTheNextDeclaration) {
    Parsed p = parse(R"(header h_t {
    bit<8> a
}
struct ok_t { bit<8> x; }
control C() {
    apply { x = (; }
}
const bit<8> K = 1;
)");
    EXPECT_EQ(p.errors(), (std::vector<std::string>{"t.p4:3:1: error: expected ';'",
                                                    "t.p4:6:18: error: expected an expression"}));
    ASSERT_EQ(p.program.decls.size(), 2u);
    EXPECT_EQ(declAt<StructLikeDecl>(p, 0).name.text, "ok_t");
    EXPECT_EQ(declAt<ConstDecl>(p, 1).name.text, "K");
}

// ---- pathological inputs: no crash, no hang, bounded recursion

double secondsToParse(const std::string& text, std::vector<std::string>* errors = nullptr) {
    auto start = std::chrono::steady_clock::now();
    Parsed p = parse(text);
    if (errors) *errors = p.errors();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(ParserPathological, DeepParenthesesAreRejected) {
    std::vector<std::string> errors;
    EXPECT_LT(secondsToParse("const bit<8> c = " + std::string(10000, '(') + "1;", &errors), 2.0);
    ASSERT_FALSE(errors.empty());
    EXPECT_NE(errors[0].find("nesting too deep"), std::string::npos);
    // Moderate nesting is fine.
    EXPECT_EQ(expr(std::string(50, '(') + "a" + std::string(50, ')')), "a");
}

TEST(ParserPathological, DeepBracesAndBlocks) {
    std::vector<std::string> errors;
    EXPECT_LT(secondsToParse("control C() { apply " + std::string(10000, '{'), &errors), 2.0);
    EXPECT_FALSE(errors.empty());
    EXPECT_LT(secondsToParse("const T c = " + std::string(10000, '{'), &errors), 2.0);
    EXPECT_FALSE(errors.empty());
    EXPECT_LT(secondsToParse(std::string(10000, '{')), 2.0);
}

TEST(ParserPathological, LongChainsStayLinear) {
    std::string sum = "const bit<8> c = a";
    for (int i = 0; i < 20000; ++i) sum += " + a";
    std::vector<std::string> errors;
    EXPECT_LT(secondsToParse(sum + ";", &errors), 2.0);
    EXPECT_TRUE(errors.empty());
    std::string neg = "const bit<8> c = " + std::string(10000, '-') + "1;";
    EXPECT_LT(secondsToParse(neg, &errors), 2.0);
    EXPECT_FALSE(errors.empty());
    std::string lt = "const bool c = a";
    for (int i = 0; i < 3000; ++i) lt += " < a";
    EXPECT_LT(secondsToParse(lt + ";"), 2.0);
    std::string ifs = "control C() { apply { ";
    for (int i = 0; i < 2000; ++i) ifs += "if (a) x = 1; else ";
    EXPECT_LT(secondsToParse(ifs + "x = 2; } }"), 2.0);
}

TEST(ParserPathological, BacktrackingDoesNotExplode) {
    // Each level could be a cast, a stack type or an index: memoisation keeps this linear.
    std::string nested;
    for (int i = 0; i < 100; ++i) nested += "(x[(bit<(a<b[";
    EXPECT_LT(secondsToParse("const bit<8> c = " + nested + ";"), 2.0);
    std::string calls = "control C() { apply { ";
    for (int i = 0; i < 100; ++i) calls += "f(g<h<(";
    EXPECT_LT(secondsToParse(calls), 2.0);
    std::string stmtsText = "control C() { apply { ";
    for (int i = 0; i < 2000; ++i) stmtsText += "a[i](b, c)[3] = f<T>(x);\n";
    EXPECT_LT(secondsToParse(stmtsText + "} }"), 2.0);
}

TEST(ParserPathological, GarbageBytes) {
    std::string garbage;
    for (int i = 0; i < 20000; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
    std::vector<std::string> errors;
    EXPECT_LT(secondsToParse(garbage, &errors), 2.0);
    EXPECT_FALSE(errors.empty());
    std::string withNul("header h { bit<8> a; }\n", 23);
    withNul += std::string("\0\xff\n", 3);
    withNul += "struct s { bit<8> b; }\n";
    Parsed p = parse(withNul);
    EXPECT_EQ(p.errors(), std::vector<std::string>{"t.p4:2:1: error: unexpected '\\x00'"});
    for (const char* text :
         {"\"unterminated", "/* unterminated", "@", "@a(", "header", "control C(", "8w", "0x",
          "const bit<8> c = 8w;", "parser P() { state s { transition select(a) { (1 : x; } } }",
          "extern E { E(; }", "table t {}"}) {
        secondsToParse(text, &errors);
        EXPECT_FALSE(errors.empty()) << text;
    }
}

// ---- the programs in the tree parse without errors

TEST(ParserPrograms, RealProgramsParseCleanly) {
    namespace fs = std::filesystem;
    fs::path root(HOP_SOURCE_DIR);
    int checked = 0;
    for (const char* dir : {"p4include", "examples", "tests/programs/valid"}) {
        if (!fs::is_directory(root / dir)) continue;
        for (const auto& entry : fs::directory_iterator(root / dir)) {
            if (entry.path().extension() != ".p4") continue;
            PreprocessOptions options;
            options.p4includeDir = (root / "p4include").string();
            std::string error;
            auto source = preprocess(entry.path().string(), options, error);
            if (!source) continue;  // preprocessing problems are not the parser's
            Diagnostics diags(&*source);
            Program program = parseProgram(*source, diags);
            std::string all;
            for (const auto& d : diags.all()) all += diags.headline(d) + "\n";
            EXPECT_EQ(all, "") << entry.path();
            EXPECT_FALSE(program.decls.empty()) << entry.path();
            ++checked;
        }
    }
    if (checked == 0) GTEST_SKIP() << "no programs in the tree yet";
}

}  // namespace
}  // namespace hop
