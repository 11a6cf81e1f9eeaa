// SPDX-License-Identifier: Apache-2.0
// The line-marker source map and the diagnostic format.
#include "source/source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "source/diagnostics.hpp"
#include "source/preprocess.hpp"

namespace hop {
namespace {

TEST(SourceBuffer, MapsOffsetsThroughLineMarkers) {
    std::string text =
        "# 1 \"main.p4\"\n"
        "line one\n"
        "# 1 \"inc.p4\" 1\n"
        "inc one\n"
        "inc two\n"
        "# 3 \"main.p4\" 2\n"
        "line three\n";
    SourceBuffer buf("main.p4", text);
    auto at = [&](const std::string& needle) {
        return buf.resolve(SourceLoc{static_cast<uint32_t>(buf.text().find(needle))});
    };
    EXPECT_EQ(at("one").file, "main.p4");
    EXPECT_EQ(at("one").line, 1);
    EXPECT_EQ(at("one").col, 6);
    EXPECT_EQ(at("two").file, "inc.p4");
    EXPECT_EQ(at("two").line, 2);
    EXPECT_EQ(at("two").lineText, "inc two");
    EXPECT_EQ(at("three").file, "main.p4");
    EXPECT_EQ(at("three").line, 3);
    // Markers are blanked so the parser never sees them.
    EXPECT_EQ(buf.text().find("# 1"), std::string::npos);
}

TEST(SourceBuffer, WithoutMarkersLinesCountFromOne) {
    SourceBuffer buf("t.p4", "a\nbb\n\tccc");
    OriginalLoc o = buf.resolve(SourceLoc{static_cast<uint32_t>(buf.text().find("ccc"))});
    EXPECT_EQ(o.file, "t.p4");
    EXPECT_EQ(o.line, 3);
    EXPECT_EQ(o.col, 2);
}

TEST(SourceBuffer, OutOfRangeAndInvalidLocationsDoNotCrash) {
    SourceBuffer buf("t.p4", "x");
    EXPECT_EQ(buf.resolve(SourceLoc{1000}).line, 1);
    EXPECT_EQ(buf.resolve(SourceLoc{}).file, "t.p4");
    SourceBuffer empty("e.p4", "");
    EXPECT_EQ(empty.resolve(SourceLoc{0}).line, 1);
}

TEST(Diagnostics, FormatsLikeACCompiler) {
    SourceBuffer buf("t.p4", "const bit<8> x = 8w1;\n\tconst bool y = 1;\n");
    Diagnostics d(&buf);
    d.error(SourceLoc{static_cast<uint32_t>(buf.text().rfind("1;\n"))}, "cannot convert");
    ASSERT_EQ(d.all().size(), 1u);
    EXPECT_EQ(d.format(d.all()[0]),
              "t.p4:2:17: error: cannot convert\n\tconst bool y = 1;\n\t               ^\n");
    EXPECT_EQ(d.errorCount(), 1);
}

TEST(Diagnostics, UnsupportedWording) {
    SourceBuffer buf("t.p4", "register");
    Diagnostics d(&buf);
    d.unsupported(SourceLoc{0}, "extern 'register'");
    EXPECT_EQ(d.headline(d.all()[0]),
              "t.p4:1:1: error: extern 'register' is not supported by hopline");
}

TEST(Diagnostics, StopsCountingAfterTheLimit) {
    SourceBuffer buf("t.p4", std::string(200, 'x'));
    Diagnostics d(&buf);
    for (uint32_t i = 0; i < 200; ++i) d.error(SourceLoc{i}, "bad");
    EXPECT_EQ(d.errorCount(), Diagnostics::kMaxErrors);
    EXPECT_TRUE(d.tooMany());
}

TEST(Preprocess, RunsCppWithIncludesAndDefines) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("hop_pp_test_" + std::to_string(getpid()));
    fs::create_directories(dir / "inc");
    std::ofstream(dir / "inc" / "h.p4") << "const bit<8> FROM_HEADER = 1;\n";
    std::ofstream(dir / "m.p4")
        << "#include <h.p4>\n#ifdef WIDE\nconst bit<8> W = VALUE;\n#endif\n";
    PreprocessOptions opt;
    opt.includeDirs.push_back((dir / "inc").string());
    opt.defines = {"WIDE", "VALUE=7"};
    std::string err;
    auto buf = preprocess((dir / "m.p4").string(), opt, err);
    ASSERT_TRUE(buf) << err;
    size_t pos = buf->text().find("W = 7");
    ASSERT_NE(pos, std::string::npos) << buf->text();
    OriginalLoc o = buf->resolve(SourceLoc{static_cast<uint32_t>(pos)});
    EXPECT_EQ(o.line, 3);
    EXPECT_NE(o.file.find("m.p4"), std::string::npos);
    pos = buf->text().find("FROM_HEADER");
    EXPECT_NE(buf->resolve(SourceLoc{static_cast<uint32_t>(pos)}).file.find("inc/h.p4"),
              std::string::npos);
}

TEST(Preprocess, ReportsCppErrors) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("hop_pp_test2_" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "bad.p4") << "#if\n";
    std::string err;
    EXPECT_FALSE(preprocess((dir / "bad.p4").string(), {}, err));
    EXPECT_NE(err.find("bad.p4:1:"), std::string::npos) << err;
    EXPECT_FALSE(preprocess((dir / "none.p4").string(), {}, err));
    EXPECT_NE(err.find("cannot open file"), std::string::npos);
}

}  // namespace
}  // namespace hop
