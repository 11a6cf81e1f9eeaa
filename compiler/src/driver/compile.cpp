// SPDX-License-Identifier: Apache-2.0
#include "driver/compile.hpp"

#include <filesystem>
#include <fstream>

#include "parser/parser.hpp"

namespace hop {

std::unique_ptr<Frontend> runFrontend(SourceBuffer source) {
    auto fe = std::make_unique<Frontend>();
    fe->source = std::make_unique<SourceBuffer>(std::move(source));
    fe->diags = std::make_unique<Diagnostics>(fe->source.get());
    fe->program = parseProgram(*fe->source, *fe->diags);
    if (fe->diags->hasErrors()) return fe;
    sema::check(fe->program, *fe->diags, fe->checked);
    fe->ok = !fe->diags->hasErrors();
    return fe;
}

std::string programName(const std::string& input) {
    return std::filesystem::path(input).stem().string();
}

int compile(const CompileOptions& options, std::ostream& err) {
    std::string ppError;
    auto source = preprocess(options.input, options.preprocess, ppError);
    if (!source) {
        err << ppError << "\n";
        return 1;
    }
    auto fe = runFrontend(std::move(*source));
    fe->diags->print(err);
    if (!fe->ok) return 1;
    std::error_code ec;
    std::filesystem::create_directories(options.outDir, ec);
    if (ec) {
        err << options.outDir << ": error: cannot create the output directory: " << ec.message()
            << "\n";
        return 1;
    }
    return 0;
}

}  // namespace hop
