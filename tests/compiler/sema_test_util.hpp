// SPDX-License-Identifier: Apache-2.0
// What the semantic checker's tests share: a program text parsed and checked (the language
// rules only, or the whole check with core.p4 and v1model.p4), its diagnostics as
// `t.p4:LINE:COL` lines, and a minimal v1model program with a body and a main to fill in.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "parser/parser.hpp"
#include "sema/sema.hpp"
#include "source/preprocess.hpp"

namespace hop::sematest {

namespace fs = std::filesystem;

using namespace hop::ast;

struct Checked {
    std::unique_ptr<SourceBuffer> source;
    std::unique_ptr<Diagnostics> diags;
    Program program;
    sema::CheckedProgram checked;
    bool parsed = false;
    bool ok = false;

    // `t.p4:LINE:COL: error: MESSAGE` lines (directories stripped).
    std::vector<std::string> errors() const {
        std::vector<std::string> out;
        for (const auto& d : diags->all()) {
            if (d.severity != Severity::Error) continue;
            std::string h = diags->headline(d);
            auto pos = h.find("t.p4:");
            out.push_back(pos == std::string::npos ? h : h.substr(pos));
        }
        return out;
    }
    // `t.p4:LINE:COL: warning: MESSAGE` lines.
    std::vector<std::string> warnings() const {
        std::vector<std::string> out;
        for (const auto& d : diags->all())
            if (d.severity == Severity::Warning) out.push_back(diags->headline(d));
        return out;
    }
    const Decl* decl(const std::string& name) const {
        for (const auto& d : program.decls)
            if (d && d->name.text == name) return d.get();
        return nullptr;
    }
};

inline std::unique_ptr<Checked> run(std::unique_ptr<SourceBuffer> src, bool full) {
    auto c = std::make_unique<Checked>();
    c->source = std::move(src);
    c->diags = std::make_unique<Diagnostics>(c->source.get());
    c->program = parseProgram(*c->source, *c->diags);
    c->parsed = !c->diags->hasErrors();
    if (!c->parsed) return c;
    c->ok = full ? sema::check(c->program, *c->diags, c->checked)
                 : sema::checkLanguageOnly(c->program, *c->diags, c->checked);
    return c;
}

// The language rules only: no main needed, every extern accepted.
inline std::unique_ptr<Checked> lang(const std::string& text) {
    return run(std::make_unique<SourceBuffer>("t.p4", text), false);
}

// The whole check, with the real core.p4 and v1model.p4 included through the preprocessor.
inline std::unique_ptr<Checked> full(const std::string& text) {
    fs::path dir = fs::temp_directory_path() / ("hop_sema_test_" + std::to_string(getpid()));
    fs::create_directories(dir);
    fs::path file = dir / "t.p4";
    std::ofstream(file) << text;
    PreprocessOptions o;
    o.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string err;
    auto src = preprocess(file.string(), o, err);
    if (!src) {
        ADD_FAILURE() << err;
        return lang("");
    }
    return run(std::make_unique<SourceBuffer>(std::move(*src)), true);
}

#define EXPECT_ERRORS(c, ...)                                                \
    do {                                                                     \
        ASSERT_TRUE((c)->parsed) << ::testing::PrintToString((c)->errors()); \
        EXPECT_EQ((c)->errors(), (std::vector<std::string>{__VA_ARGS__}));   \
    } while (0)

#define EXPECT_CLEAN(c) EXPECT_ERRORS(c)

inline const std::string kHeaders = R"(header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
struct headers_t { eth_t eth; }
)";

// A minimal architecture for v1model-binding tests, kept with its own line count in mind.
inline const std::string kV1Program = R"(#include <core.p4>
#include <v1model.p4>
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
struct headers_t { eth_t eth; }
struct meta_t { bit<8> x; }
parser P(packet_in b, out headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    state start { b.extract(h.eth); transition accept; }
}
control VC(inout headers_t h, inout meta_t m) { apply { } }
control I(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) {
    BODY
}
control E(inout headers_t h, inout meta_t m, inout standard_metadata_t sm) { apply { } }
control CC(inout headers_t h, inout meta_t m) { apply { } }
control D(packet_out b, in headers_t h) { apply { b.emit(h.eth); } }
MAIN
)";

inline std::string v1(const std::string& body,
                      const std::string& main = "V1Switch(P(), VC(), I(), E(), CC(), D()) main;") {
    std::string s = kV1Program;
    s.replace(s.find("BODY"), 4, body);
    s.replace(s.find("MAIN"), 4, main);
    return s;
}

}  // namespace hop::sematest
