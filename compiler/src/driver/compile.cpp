// SPDX-License-Identifier: Apache-2.0
#include "driver/compile.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "driver/summary.hpp"
#include "ir/dump.hpp"
#include "ir/lower.hpp"
#include "ir/passes.hpp"
#include "p4info/p4info.hpp"
#include "parser/parser.hpp"
#include "program/compiled.hpp"

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
    if (!fe->ir || fe->diags->hasErrors()) return fe;
    const std::string& want = options.dumpIrAfter;
    auto dump = [&](const char* stage, const ir::Program& p) {
        if (want == "all" || want == stage) fe->irDumps.emplace_back(stage, ir::dumpIr(p));
    };
    dump("lower", *fe->ir);
    fe->ok = ir::runPasses(*fe->ir, *fe->diags, dump) && !fe->diags->hasErrors();
    return fe;
}

std::string programName(const std::string& input) {
    return std::filesystem::path(input).stem().string();
}

int compile(const CompileOptions& options, std::ostream& out, std::ostream& err) {
    std::string ppError;
    auto source = preprocess(options.input, options.preprocess, ppError);
    if (!source) {
        err << ppError << "\n";
        return 1;
    }
    const std::string name = programName(options.input);
    auto fe =
        runFrontend(std::move(*source),
                    {.languageOnly = false, .name = name, .dumpIrAfter = options.dumpIrAfter});
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
    // The IR dumps first: they help most when a backend then fails.
    if (options.emitIr &&
        !program::writeDirectory({{name + ".ir.txt", ir::dumpIr(*fe->ir)}}, options.outDir, err))
        return 1;
    for (const auto& [stage, text] : fe->irDumps)
        if (!program::writeDirectory({{name + ".ir." + stage + ".txt", text}}, options.outDir, err))
            return 1;
    program::Options emitOptions;
    emitOptions.preprocess = options.preprocess;
    emitOptions.dataWidth = options.dataWidth;
    emitOptions.requireVerilog = options.requireVerilog;
    emitOptions.split = options.split;
    emitOptions.switchPorts = options.switchPorts;
    emitOptions.cpuPort = options.cpuPort;
    auto files = program::emit(*fe, options.input, emitOptions, err);
    if (!files) return 1;
    if (!program::writeDirectory(*files, options.outDir, err)) return 1;
    if (options.summary) out << summarizeP4Info(p4info::p4infoJson(*fe->ir));
    return 0;
}

}  // namespace hop
