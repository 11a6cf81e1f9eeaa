// SPDX-License-Identifier: Apache-2.0
#include "driver/compile.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "driver/summary.hpp"
#include "ir/dump.hpp"
#include "ir/lower.hpp"
#include "p4info/p4info.hpp"
#include "parser/parser.hpp"
#include "regmap/regmap.hpp"
#include "verilog/backend.hpp"

namespace hop {

std::unique_ptr<Frontend> runFrontend(SourceBuffer source, const FrontendOptions& options) {
    auto fe = std::make_unique<Frontend>();
    fe->source = std::make_unique<SourceBuffer>(std::move(source));
    fe->diags = std::make_unique<Diagnostics>(fe->source.get());
    fe->program = parseProgram(*fe->source, *fe->diags);
    if (fe->diags->hasErrors()) return fe;
    if (options.languageOnly) {
        fe->ok = sema::checkLanguageOnly(fe->program, *fe->diags, fe->checked);
        return fe;
    }
    if (!sema::check(fe->program, *fe->diags, fe->checked)) return fe;
    fe->ir = ir::lower(fe->checked, *fe->diags, options.name);
    fe->ok = fe->ir.has_value() && !fe->diags->hasErrors();
    return fe;
}

std::string programName(const std::string& input) {
    return std::filesystem::path(input).stem().string();
}

namespace {

bool writeFile(const std::filesystem::path& path, const std::string& text, std::ostream& err) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    f.close();
    if (!f) {
        err << path.string() << ": error: cannot write the file\n";
        return false;
    }
    return true;
}

nlohmann::json programJson(const CompileOptions& options) {
    namespace fs = std::filesystem;
    auto absolute = [](const std::string& path) {
        std::error_code ec;
        fs::path abs = fs::absolute(path, ec);
        return ec ? path : abs.lexically_normal().string();
    };
    nlohmann::json includes = nlohmann::json::array();
    for (const auto& dir : options.preprocess.includeDirs) includes.push_back(absolute(dir));
    return {{"source", absolute(options.input)},
            {"includes", includes},
            {"defines", options.preprocess.defines}};
}

// The Verilog backend's outputs. Its diagnostics go to a Diagnostics of their own so that, by
// default, what it cannot handle is reported as warnings without failing hopc.
int emitVerilog(const Frontend& fe, const CompileOptions& options, const std::filesystem::path& dir,
                std::ostream& err) {
    Diagnostics diags(fe.source.get());
    auto rtl = verilog::generate(*fe.ir, {.dataWidth = options.dataWidth}, diags);
    if (!rtl) {
        if (options.requireVerilog) {
            diags.print(err);
            return 1;
        }
        Diagnostics warnings(fe.source.get());
        for (const auto& d : diags.all())
            if (d.severity == Severity::Error) warnings.warning(d.loc, d.message);
        warnings.warning({}, "no RTL written for " + fe.ir->name +
                                 " (use --emit verilog to make this an error)");
        warnings.print(err);
        return 0;
    }
    diags.print(err);
    std::error_code ec;
    std::filesystem::create_directories(dir / "rtl", ec);
    if (ec) {
        err << (dir / "rtl").string() << ": error: cannot create the directory: " << ec.message()
            << "\n";
        return 1;
    }
    for (const auto& [file, text] : rtl->files)
        if (!writeFile(dir / "rtl" / file, text, err)) return 1;
    if (!writeFile(dir / "regmap.json", regmap::toJson(rtl->regmap).dump(2) + "\n", err)) return 1;
    if (!writeFile(dir / "regmap.hpp", regmap::toHeader(rtl->regmap), err)) return 1;
    return 0;
}

}  // namespace

int compile(const CompileOptions& options, std::ostream& out, std::ostream& err) {
    std::string ppError;
    auto source = preprocess(options.input, options.preprocess, ppError);
    if (!source) {
        err << ppError << "\n";
        return 1;
    }
    const std::string name = programName(options.input);
    auto fe = runFrontend(std::move(*source), {.languageOnly = false, .name = name});
    fe->diags->print(err);
    if (!fe->ok) return 1;

    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    if (ec) {
        err << options.outDir << ": error: cannot create the output directory: " << ec.message()
            << "\n";
        return 1;
    }
    const fs::path dir(options.outDir);
    const nlohmann::json p4info = p4info::p4infoJson(*fe->ir);
    if (!writeFile(dir / (name + ".p4info.json"), p4info.dump(2) + "\n", err)) return 1;
    if (options.emitIr && !writeFile(dir / (name + ".ir.txt"), ir::dumpIr(*fe->ir), err)) return 1;
    // There is no IR reader: `hopsim DIR` recompiles the source this records, with the same
    // preprocessor options, so a hopc output directory names the program it was built from.
    if (!writeFile(dir / "program.json", programJson(options).dump(2) + "\n", err)) return 1;
    if (options.summary) out << summarizeP4Info(p4info);
    return emitVerilog(*fe, options, dir, err);
}

}  // namespace hop
