// SPDX-License-Identifier: Apache-2.0
#include "program/compiled.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "p4info/p4info.hpp"
#include "regmap/control_plane.hpp"
#include "verilog/backend.hpp"

namespace hop::program {

namespace fs = std::filesystem;

namespace {

std::string absolutePath(const std::string& path) {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    return ec ? path : abs.lexically_normal().string();
}

nlohmann::json programJson(const std::string& input, const PreprocessOptions& pp) {
    nlohmann::json includes = nlohmann::json::array();
    for (const auto& dir : pp.includeDirs) includes.push_back(absolutePath(dir));
    return {{"source", absolutePath(input)}, {"includes", includes}, {"defines", pp.defines}};
}

// The backend's files, or nullopt when it cannot build the program (diagnostics on `err`: as
// errors with requireVerilog, else as warnings).
std::optional<verilog::Output> backend(const Frontend& fe, const Options& options,
                                       std::ostream& err, bool& failed) {
    Diagnostics diags(fe.source.get());
    auto rtl = verilog::generate(*fe.ir,
                                 {.dataWidth = options.dataWidth,
                                  .split = options.split,
                                  .switchPorts = options.switchPorts,
                                  .cpuPort = options.cpuPort},
                                 diags);
    if (!rtl) {
        if (options.requireVerilog) {
            diags.print(err);
            failed = true;
            return std::nullopt;
        }
        Diagnostics warnings(fe.source.get());
        for (const auto& d : diags.all())
            if (d.severity == Severity::Error) warnings.warning(d.loc, d.message);
        warnings.warning({}, "no RTL written for " + fe.ir->name +
                                 " (use --emit verilog to make this an error)");
        warnings.print(err);
        return std::nullopt;
    }
    diags.print(err);
    return rtl;
}

struct Bad {
    std::string what;
};

const std::string& file(const Files& files, const std::string& origin, const std::string& name) {
    auto it = files.find(name);
    if (it == files.end())
        throw Bad{fmt::format("{}: error: {} is missing (not a complete hopc output directory)",
                              origin, name)};
    return it->second;
}

nlohmann::json parseJson(const Files& files, const std::string& origin, const std::string& name) {
    try {
        return nlohmann::json::parse(file(files, origin, name));
    } catch (const nlohmann::json::exception& e) {
        throw Bad{fmt::format("{}/{}: error: malformed JSON: {}", origin, name, e.what())};
    }
}

}  // namespace

std::string hashText(uint64_t hash) { return fmt::format("0x{:016x}", hash); }

std::optional<Files> emit(const Frontend& fe, const std::string& input, const Options& options,
                          std::ostream& err) {
    const std::string& name = fe.ir->name;
    Files files;
    files[name + ".p4info.json"] = p4info::p4infoJson(*fe.ir).dump(2) + "\n";
    files[name + ".p4i"] = fe.source->raw();
    files["program.json"] = programJson(input, options.preprocess).dump(2) + "\n";
    bool failed = false;
    auto rtl = backend(fe, options, err, failed);
    if (failed) return std::nullopt;
    nlohmann::json manifest = {{"format", kFormat},     {"program", name},
                               {"generator", "hopc"},   {"data_width", nullptr},
                               {"top_module", nullptr}, {"regmap_hash", nullptr}};
    if (rtl) {
        for (const auto& [f, text] : rtl->files) files["rtl/" + f] = text;
        files[kRegmapFile] = regmap::toJson(rtl->regmap).dump(2) + "\n";
        files["regmap.hpp"] = regmap::toHeader(rtl->regmap);
        manifest["data_width"] = rtl->regmap.dataWidth;
        manifest["top_module"] = rtl->topModule;
        manifest["regmap_hash"] = hashText(regmap::contentHash(rtl->regmap));
        // The switch top's parameters, for the runtime that drives it (hopsim --rtl-top switch).
        if (!rtl->switchParams.empty())
            files[kSwitchFile] = nlohmann::json(rtl->switchParams).dump(2) + "\n";
    }
    nlohmann::json hashes = nlohmann::json::object();
    for (const auto& [f, text] : files) hashes[f] = hashText(regmap::fnv1a64(text));
    manifest["files"] = hashes;
    files[kManifestFile] = manifest.dump(2) + "\n";
    return files;
}

std::optional<Compiled> fromFiles(Files files, std::string origin, std::string& error) {
    try {
        const nlohmann::json manifest = parseJson(files, origin, kManifestFile);
        const std::string where = origin + "/" + kManifestFile;
        Compiled c;
        try {
            if (manifest.at("format").get<int>() != kFormat)
                throw Bad{
                    fmt::format("{}: error: format {} (this hopline reads format {}; "
                                "compile the program again)",
                                where, manifest.at("format").dump(), kFormat)};
            c.name_ = manifest.at("program").get<std::string>();
            for (const auto& [f, h] : manifest.at("files").items()) {
                const std::string& text = file(files, origin, f);
                if (h.get<std::string>() != hashText(regmap::fnv1a64(text)))
                    throw Bad{fmt::format(
                        "{}/{}: error: differs from what hopc wrote ({} in "
                        "the manifest, {} now); compile the program again",
                        origin, f, h.get<std::string>(), hashText(regmap::fnv1a64(text)))};
            }
        } catch (const nlohmann::json::exception& e) {
            throw Bad{fmt::format("{}: error: malformed manifest: {}", where, e.what())};
        }
        c.origin_ = origin;
        const nlohmann::json program = parseJson(files, origin, "program.json");
        c.source_ = program.value("source", "");
        c.p4infoOrigin_ = origin + "/" + c.name_ + ".p4info.json";
        c.p4info_ = parseJson(files, origin, c.name_ + ".p4info.json");
        file(files, origin, c.name_ + ".p4i");
        if (!manifest.at("regmap_hash").is_null()) {
            std::string why;
            auto map = regmap::fromJson(parseJson(files, origin, kRegmapFile), why);
            if (!map) throw Bad{fmt::format("{}/{}: error: {}", origin, kRegmapFile, why)};
            c.hash_ = regmap::contentHash(*map);
            const std::string recorded = manifest.at("regmap_hash").get<std::string>();
            if (recorded != hashText(c.hash_))
                throw Bad{fmt::format("{}: error: regmap_hash {} is not the register map's ({})",
                                      where, recorded, hashText(c.hash_))};
            auto tables = regmap::controlPlaneProgram(map->controlPlane, c.name_, why);
            if (!tables) throw Bad{fmt::format("{}/{}: error: {}", origin, kRegmapFile, why)};
            c.tables_ = std::make_shared<const ir::Program>(std::move(*tables));
            try {
                c.topModule_ = manifest.at("top_module").get<std::string>();
                if (map->dataWidth != manifest.at("data_width").get<int>())
                    throw Bad{fmt::format("{}: error: data_width {} is not the register map's ({})",
                                          where, manifest.at("data_width").dump(), map->dataWidth)};
            } catch (const nlohmann::json::exception& e) {
                throw Bad{fmt::format("{}: error: malformed manifest: {}", where, e.what())};
            }
            if (!files.count("rtl/" + c.topModule_ + ".sv"))
                throw Bad{fmt::format("{}: error: the top module {} has no file rtl/{}.sv", where,
                                      c.topModule_, c.topModule_)};
            c.regmap_ = std::move(*map);
        }
        c.files_ = std::move(files);
        return c;
    } catch (const Bad& bad) {
        error = bad.what;
    }
    return std::nullopt;
}

std::map<std::string, std::string> Compiled::rtlFiles() const {
    std::map<std::string, std::string> out;
    for (const auto& [f, text] : files_)
        if (f.starts_with("rtl/")) out[f.substr(4)] = text;
    return out;
}

const Frontend* Compiled::frontend(std::ostream& err) const {
    if (frontend_) return frontend_.get();
    const std::string& text = files_.at(name_ + ".p4i");
    auto fe = runFrontend(SourceBuffer(source_.empty() ? name_ + ".p4" : source_, text),
                          {.languageOnly = false, .name = name_});
    fe->diags->print(err);
    if (!fe->ok || !fe->ir) return nullptr;
    frontend_ = std::move(fe);
    return frontend_.get();
}

std::optional<Compiled> readDirectory(const std::string& dir, std::ostream& err) {
    std::error_code ec;
    auto read = [&](const std::string& rel, std::string& text) {
        std::ifstream in(fs::path(dir) / rel, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        if (!in) return false;
        text = s.str();
        return true;
    };
    Files files;
    if (!fs::exists(fs::path(dir) / kManifestFile, ec) ||
        !read(kManifestFile, files[kManifestFile])) {
        err << dir << ": error: not a hopc output directory (no " << kManifestFile << ")\n";
        return std::nullopt;
    }
    // Only the files the manifest lists: whatever else is in the directory is not the program.
    try {
        const nlohmann::json manifest = nlohmann::json::parse(files[kManifestFile]);
        for (const auto& [rel, hash] : manifest.at("files").items()) {
            if (rel.find("..") != std::string::npos || rel.starts_with("/")) {
                err << dir << "/" << kManifestFile
                    << ": error: lists a file outside the directory (" << rel << ")\n";
                return std::nullopt;
            }
            if (!read(rel, files[rel])) files.erase(rel);  // fromFiles names what is missing
        }
    } catch (const nlohmann::json::exception& e) {
        err << dir << "/" << kManifestFile << ": error: malformed manifest: " << e.what() << "\n";
        return std::nullopt;
    }
    std::string error;
    auto c = fromFiles(std::move(files), dir, error);
    if (!c) err << error << "\n";
    return c;
}

std::optional<Compiled> load(const std::string& path, const Options& options, std::ostream& err) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return readDirectory(path, err);
    if (!fs::exists(path, ec)) {
        err << path << ": error: no such file or directory\n";
        return std::nullopt;
    }
    std::string ppError;
    auto buffer = preprocess(path, options.preprocess, ppError);
    if (!buffer) {
        err << ppError << "\n";
        return std::nullopt;
    }
    std::shared_ptr<Frontend> fe =
        runFrontend(std::move(*buffer), {.languageOnly = false, .name = programName(path)});
    fe->diags->print(err);
    if (!fe->ok || !fe->ir) return std::nullopt;
    auto files = emit(*fe, path, options, err);
    if (!files) return std::nullopt;
    std::string error;
    auto c = fromFiles(std::move(*files), path, error);
    if (!c) {
        err << error << "\n";
        return std::nullopt;
    }
    c->p4infoOrigin_ = path + " (P4Info compiled in process)";
    c->frontend_ = std::move(fe);
    return c;
}

std::string Compiled::splitTopModule() const {
    const std::string top =
        topModule_.ends_with("_top") ? topModule_.substr(0, topModule_.size() - 4) : topModule_;
    return top + "_split_top";
}

bool Compiled::hasSplit() const {
    return hasRtl() && files_.count("rtl/" + splitTopModule() + ".sv");
}

std::string Compiled::switchTopModule() const {
    const std::string top =
        topModule_.ends_with("_top") ? topModule_.substr(0, topModule_.size() - 4) : topModule_;
    return top + "_switch_top";
}

std::optional<SwitchInfo> Compiled::switchInfo() const {
    auto it = files_.find(kSwitchFile);
    if (!hasRtl() || it == files_.end() || !files_.count("rtl/" + switchTopModule() + ".sv"))
        return std::nullopt;
    try {
        const nlohmann::json j = nlohmann::json::parse(it->second);
        SwitchInfo info;
        info.ports = j.at("ports").get<int>();
        info.cpuPort = j.at("cpu_port").get<int>();
        info.base = j.at("base").get<uint32_t>();
        info.prios = j.at("prios").get<int>();
        info.cells = j.at("cells").get<int>();
        info.queueDepth = j.at("qdepth").get<int>();
        info.groups = j.at("groups").get<int>();
        info.nodes = j.at("nodes").get<int>();
        return info;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

std::optional<Compiled> atDataWidth(const Compiled& compiled, int dataWidth, std::ostream& err,
                                    bool split, int switchPorts, int cpuPort) {
    auto sw = compiled.switchInfo();
    const bool switchOk =
        switchPorts == 0 || (sw && sw->ports == switchPorts && sw->cpuPort == cpuPort);
    if (compiled.hasRtl() && compiled.dataWidth() == dataWidth && (!split || compiled.hasSplit()) &&
        switchOk)
        return compiled;
    const Frontend* fe = compiled.frontend(err);
    if (!fe) return std::nullopt;
    Options options;
    options.dataWidth = dataWidth;
    options.requireVerilog = true;
    options.split = split || switchPorts > 0;
    options.switchPorts = switchPorts;
    options.cpuPort = cpuPort;
    // The recorded include directories and defines, so program.json comes out as recorded.
    const nlohmann::json recorded = nlohmann::json::parse(compiled.files().at("program.json"));
    options.preprocess.includeDirs = recorded.value("includes", std::vector<std::string>{});
    options.preprocess.defines = recorded.value("defines", std::vector<std::string>{});
    const std::string source = compiled.source().empty() ? compiled.name() : compiled.source();
    auto files = emit(*fe, source, options, err);
    if (!files) return std::nullopt;
    std::string error;
    auto c = fromFiles(std::move(*files), compiled.origin(), error);
    if (!c) {
        err << error << "\n";
        return std::nullopt;
    }
    c->p4infoOrigin_ = compiled.p4infoOrigin_;
    c->frontend_ = compiled.frontend_;
    return c;
}

bool writeDirectory(const Files& files, const std::string& dir, std::ostream& err) {
    for (const auto& [rel, text] : files) {
        const fs::path path = fs::path(dir) / rel;
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec) {
            err << path.parent_path().string()
                << ": error: cannot create the directory: " << ec.message() << "\n";
            return false;
        }
        std::ofstream f(path, std::ios::binary);
        f << text;
        f.close();
        if (!f) {
            err << path.string() << ": error: cannot write the file\n";
            return false;
        }
    }
    return true;
}

}  // namespace hop::program
