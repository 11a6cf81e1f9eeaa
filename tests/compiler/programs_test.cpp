// SPDX-License-Identifier: Apache-2.0
// Runs the real hopc binary over the program corpora:
//  - examples/ must compile (exit 0, no error, P4Info and IR written);
//  - tests/programs/valid/ (BMv2-style programs, unmodified) must pass the language check;
//  - tests/programs/{syntax_errors,invalid}/ must fail (exit 1) with exactly the diagnostics
//    listed in their `// expect: ` comment lines, in order.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"

namespace fs = std::filesystem;

namespace {

struct RunResult {
    int exitCode = -1;
    std::string output;
};

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

RunResult runIn(const fs::path& dir, const std::string& args) {
    std::string cmd =
        "cd " + shellQuote(dir.string()) + " && " + shellQuote(HOP_HOPC) + " " + args + " 2>&1";
    RunResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
    int status = pclose(pipe);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::vector<std::string> programsIn(const std::string& relDir) {
    std::vector<std::string> out;
    fs::path dir = fs::path(HOP_SOURCE_DIR) / relDir;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().extension() == ".p4")
            out.push_back(relDir + "/" + e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string testName(const testing::TestParamInfo<std::string>& info) {
    std::string s = info.param;
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

fs::path scratchDir() {
    fs::path dir = fs::temp_directory_path() / ("hopc_programs_" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir;
}

std::vector<std::string> errorLines(const std::string& output) {
    std::vector<std::string> out;
    std::istringstream in(output);
    std::string line;
    static const std::regex headline(R"(^\S+:\d+:\d+: error: .*$|^\S+: error: .*$)");
    while (std::getline(in, line))
        if (std::regex_match(line, headline)) out.push_back(line);
    return out;
}

class Example : public testing::TestWithParam<std::string> {};

TEST_P(Example, Compiles) {
    fs::path file = fs::path(HOP_SOURCE_DIR) / GetParam();
    fs::path out = scratchDir() / file.stem();
    RunResult r = runIn(file.parent_path(), shellQuote(file.filename().string()) + " -o " +
                                                shellQuote(out.string()) + " --emit ir");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_EQ(errorLines(r.output).size(), 0u) << r.output;
    EXPECT_TRUE(fs::exists(out / (file.stem().string() + ".p4info.json")));
    EXPECT_TRUE(fs::exists(out / (file.stem().string() + ".ir.txt")));
}

class ValidProgram : public testing::TestWithParam<std::string> {};

TEST_P(ValidProgram, PassesTheLanguageCheck) {
    fs::path file = fs::path(HOP_SOURCE_DIR) / GetParam();
    hop::PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = hop::preprocess(file.string(), pp, error);
    ASSERT_TRUE(source) << error;
    auto fe = hop::runFrontend(std::move(*source), {.languageOnly = true});
    std::string diags;
    for (const auto& d : fe->diags->all()) diags += fe->diags->format(d);
    EXPECT_TRUE(fe->ok) << diags;
    EXPECT_EQ(fe->diags->errorCount(), 0) << diags;
}

class InvalidProgram : public testing::TestWithParam<std::string> {};

TEST_P(InvalidProgram, GivesExpectedDiagnostics) {
    fs::path file = fs::path(HOP_SOURCE_DIR) / GetParam();
    std::ifstream in(file);
    std::vector<std::string> expected;
    std::string line;
    const std::string marker = "// expect: ";
    while (std::getline(in, line))
        if (line.rfind(marker, 0) == 0) expected.push_back(line.substr(marker.size()));
    ASSERT_FALSE(expected.empty()) << file << " has no `// expect: ` line";
    fs::path out = scratchDir() / file.stem();
    RunResult r = runIn(file.parent_path(),
                        shellQuote(file.filename().string()) + " -o " + shellQuote(out.string()));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_EQ(errorLines(r.output), expected) << r.output;
    // Every error comes with its source line and a caret.
    EXPECT_NE(r.output.find("^"), std::string::npos) << r.output;
}

std::vector<std::string> validPrograms() { return programsIn("tests/programs/valid"); }
std::vector<std::string> invalidPrograms() {
    auto v = programsIn("tests/programs/syntax_errors");
    auto w = programsIn("tests/programs/invalid");
    v.insert(v.end(), w.begin(), w.end());
    return v;
}

INSTANTIATE_TEST_SUITE_P(Corpus, Example, testing::ValuesIn(programsIn("examples")), testName);
INSTANTIATE_TEST_SUITE_P(Corpus, ValidProgram, testing::ValuesIn(validPrograms()), testName);
INSTANTIATE_TEST_SUITE_P(Corpus, InvalidProgram, testing::ValuesIn(invalidPrograms()), testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ValidProgram);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Example);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(InvalidProgram);

// The command line: usage errors exit 2, compile errors exit 1, diagnostics in included files
// point at the included file, and -I / -D reach the preprocessor.
class HopcCli : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = scratchDir() / "cli";
        fs::create_directories(dir_ / "inc");
    }
    void write(const std::string& rel, const std::string& text) {
        std::ofstream(dir_ / rel) << text;
    }
    fs::path dir_;
};

TEST_F(HopcCli, MissingOutputIsUsageError) {
    write("a.p4", "");
    EXPECT_EQ(runIn(dir_, "a.p4").exitCode, 2);
}

TEST_F(HopcCli, UnknownOptionIsUsageError) {
    write("a.p4", "");
    EXPECT_EQ(runIn(dir_, "a.p4 -o out --frobnicate").exitCode, 2);
}

TEST_F(HopcCli, MissingFileIsCompileError) {
    RunResult r = runIn(dir_, "nosuch.p4 -o out");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("nosuch.p4: error: cannot open file"), std::string::npos) << r.output;
}

TEST_F(HopcCli, PreprocessorErrorIsLocated) {
    write("pp.p4", "#include \"missing.p4\"\n");
    RunResult r = runIn(dir_, "pp.p4 -o out");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("pp.p4:1:"), std::string::npos) << r.output;
}

TEST_F(HopcCli, DiagnosticInIncludedFileNamesThatFile) {
    write("inc/bad.p4", "const bit<8> a = 1;\nconst bit<8> b = ;\n");
    write("main.p4", "// main\n#include <bad.p4>\n");
    RunResult r = runIn(dir_, "-I inc main.p4 -o out");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.output.find("inc/bad.p4:2:18: error:"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("const bit<8> b = ;\n                 ^"), std::string::npos)
        << r.output;
}

TEST_F(HopcCli, DefineReachesThePreprocessor) {
    write("d.p4", "#ifndef GOOD\nconst bit<8> x = ;\n#endif\n");
    EXPECT_EQ(runIn(dir_, "d.p4 -o out").exitCode, 1);
    RunResult r = runIn(dir_, "-D GOOD d.p4 -o out");
    EXPECT_EQ(errorLines(r.output).size(), 1u) << r.output;  // only "no main" remains
}

}  // namespace
