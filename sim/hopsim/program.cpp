// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/program.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "source/preprocess.hpp"

namespace hop::hopsim {

namespace fs = std::filesystem;

namespace {

// Reads DIR/program.json into `source` and `options`; false with a message on `err`.
bool readProgramJson(const fs::path& dir, std::string& source, ProgramOptions& options,
                     std::ostream& err) {
    const fs::path file = dir / "program.json";
    std::ifstream in(file);
    if (!in) {
        bool hasP4Info = false;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (entry.path().string().ends_with(".p4info.json")) hasP4Info = true;
        }
        err << dir.string() << ": error: "
            << (hasP4Info ? "this hopc output directory has no program.json (written by newer "
                            "hopc versions); compile the program again or pass the .p4 file"
                          : "not a hopc output directory (no program.json)")
            << "\n";
        return false;
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(in);
        source = doc.at("source").get<std::string>();
        std::vector<std::string> includes = doc.value("includes", std::vector<std::string>{});
        std::vector<std::string> defines = doc.value("defines", std::vector<std::string>{});
        // The recorded options first: the directory was compiled with them.
        includes.insert(includes.end(), options.includeDirs.begin(), options.includeDirs.end());
        defines.insert(defines.end(), options.defines.begin(), options.defines.end());
        options.includeDirs = std::move(includes);
        options.defines = std::move(defines);
    } catch (const nlohmann::json::exception& e) {
        err << file.string() << ": error: malformed program.json: " << e.what() << "\n";
        return false;
    }
    return true;
}

}  // namespace

std::unique_ptr<LoadedProgram> loadProgram(const std::string& path, const ProgramOptions& given,
                                           std::ostream& err) {
    std::error_code ec;
    std::string source = path;
    ProgramOptions options = given;
    if (fs::is_directory(path, ec)) {
        if (!readProgramJson(path, source, options, err)) return nullptr;
    } else if (!fs::exists(path, ec)) {
        err << path << ": error: no such file or directory\n";
        return nullptr;
    }
    PreprocessOptions pp;
    pp.includeDirs = options.includeDirs;
    pp.defines = options.defines;
    std::string ppError;
    auto buffer = preprocess(source, pp, ppError);
    if (!buffer) {
        err << ppError << "\n";
        return nullptr;
    }
    auto frontend =
        runFrontend(std::move(*buffer), {.languageOnly = false, .name = programName(source)});
    frontend->diags->print(err);
    if (!frontend->ok || !frontend->ir) return nullptr;
    auto loaded = std::make_unique<LoadedProgram>(std::move(frontend));
    loaded->setSourcePath(source);
    return loaded;
}

}  // namespace hop::hopsim
