// SPDX-License-Identifier: Apache-2.0
// The compiled program: what `hopc PROG.p4 -o DIR` writes, complete and final, and what
// everything that runs a program (hopsim, hopd) reads instead of running the compiler again.
//
//   DIR/manifest.json        the format, the program's name, DATA_W, the content hash of the
//                            register map (= the pipeline's HASH_LO/HI words) and a hash of
//                            every other file, so an edited or mixed-up directory is refused
//   DIR/<name>.p4info.json   P4Runtime's P4Info
//   DIR/<name>.p4i           the preprocessed source (line markers included): what the
//                            reference model runs, so a directory works without its .p4
//   DIR/regmap.json          every CSR block, address and parameter, the table encodings
//   DIR/regmap.hpp           the same for C++ that is compiled against one program
//   DIR/rtl/*.sv             the generated SystemVerilog
//   DIR/program.json         the .p4 it came from, with the include directories and defines
// Without RTL (a program the backend cannot build yet) there is no regmap.json, regmap.hpp or
// rtl/; the model still runs it.
//
// A `.p4` given to hopd or hopsim is compiled in process into the same files (load()), so both
// paths read the same JSON through the same readers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "driver/compile.hpp"
#include "ir/ir.hpp"
#include "regmap/regmap.hpp"
#include "source/preprocess.hpp"

namespace hop::program {

inline constexpr const char* kManifestFile = "manifest.json";
inline constexpr const char* kRegmapFile = "regmap.json";
inline constexpr const char* kSwitchFile = "switch.json";
inline constexpr int kFormat = 1;

// A compiled directory's files: path relative to DIR -> contents.
using Files = std::map<std::string, std::string>;

struct Options {
    PreprocessOptions preprocess;  // for a .p4 (a directory records its own)
    int dataWidth = 512;           // for a .p4, and atDataWidth()
    // The backend's problems are errors (hopc --emit verilog); else warnings and no RTL.
    bool requireVerilog = false;
    // Also the pipeline cut after ingress (hopc --emit split): rtl/<name>_split_top.sv and the
    // modules under it.
    bool split = false;
    // Also the switch top for this many front-panel ports (hopc --ports; 0: none) and its CPU
    // port: rtl/<name>_switch_top.sv and <name>_switch.sv.
    int switchPorts = 0;
    int cpuPort = 510;
};

// The files of a lowered program (`frontend.ok`) compiled from `input` with `options`. The
// backend's diagnostics go to `err` (as warnings unless requireVerilog). nullopt only with
// requireVerilog when the backend cannot build the program.
std::optional<Files> emit(const Frontend& frontend, const std::string& input,
                          const Options& options, std::ostream& err);

// The switch top's parameters (switch.json, written with hopc --ports): what drives it needs
// them beside regmap.json, whose addresses keep their meaning in the switch top.
struct SwitchInfo {
    int ports = 0;      // front-panel ports 0..ports-1
    int cpuPort = 510;  // the CPU port's number
    uint32_t base = 0;  // byte address of rtl/hop_switch.sv's CSR window
    int prios = 0, cells = 0, queueDepth = 0, groups = 0, nodes = 0;
};

class Compiled {
  public:
    const std::string& name() const { return name_; }
    // Where it came from: the directory, or the .p4 compiled in process.
    const std::string& origin() const { return origin_; }
    // The .p4 it was compiled from, as recorded (it may no longer exist).
    const std::string& source() const { return source_; }
    const Files& files() const { return files_; }

    const nlohmann::json& p4info() const { return p4info_; }
    // DIR/<name>.p4info.json, or "<source> (compiled in process)": for messages.
    const std::string& p4infoOrigin() const { return p4infoOrigin_; }

    bool hasRtl() const { return regmap_.has_value(); }
    // Only with hasRtl():
    const regmap::RegMap& regmap() const { return *regmap_; }
    uint64_t hash() const { return hash_; }
    int dataWidth() const { return regmap_->dataWidth; }
    // The control-plane view (name, tables, actions without bodies) read from regmap.json:
    // what the table loader and hopd need.
    const ir::Program& tables() const { return *tables_; }
    // DIR/rtl/: file name -> text; the module at the top of it.
    std::map<std::string, std::string> rtlFiles() const;
    const std::string& topModule() const { return topModule_; }
    // <name>_split_top, the same top around the pipeline cut after ingress (Options::split);
    // whether the RTL holds it.
    std::string splitTopModule() const;
    bool hasSplit() const;
    // <name>_switch_top, and its parameters when the files have it (hopc --ports).
    std::string switchTopModule() const;
    std::optional<SwitchInfo> switchInfo() const;

    // The whole IR, for the reference model: the in-process compile's, or the front end run once
    // on DIR/<name>.p4i. Null after printing the diagnostics to `err`.
    const Frontend* frontend(std::ostream& err) const;

  private:
    friend std::optional<Compiled> fromFiles(Files files, std::string origin, std::string& error);
    friend std::optional<Compiled> load(const std::string& path, const Options& options,
                                        std::ostream& err);
    friend std::optional<Compiled> atDataWidth(const Compiled& compiled, int dataWidth,
                                               std::ostream& err, bool split, int switchPorts,
                                               int cpuPort);
    std::string name_, origin_, source_, p4infoOrigin_, topModule_;
    Files files_;
    nlohmann::json p4info_;
    std::optional<regmap::RegMap> regmap_;
    std::shared_ptr<const ir::Program> tables_;
    uint64_t hash_ = 0;
    mutable std::shared_ptr<Frontend> frontend_;
};

// Reads compiled files (`origin` names them in messages): checks the manifest's format, file
// hashes and register-map hash, parses the P4Info and regmap.json.
std::optional<Compiled> fromFiles(Files files, std::string origin, std::string& error);

// A hopc output directory (errors as `DIR/FILE: error: ...` lines on `err`).
std::optional<Compiled> readDirectory(const std::string& dir, std::ostream& err);

// A .p4 file (compiled in process at options.dataWidth) or a hopc output directory. Compiler
// diagnostics and reading errors go to `err`.
std::optional<Compiled> load(const std::string& path, const Options& options, std::ostream& err);

// The same program with its RTL at another DATA_W: `compiled` itself when it has RTL at that
// width, else compiled again in process from its preprocessed source.
// With `split`, also with the pipeline cut after ingress (compiled again when it has none);
// with switchPorts > 0, also with the switch top of that many ports and that CPU port.
std::optional<Compiled> atDataWidth(const Compiled& compiled, int dataWidth, std::ostream& err,
                                    bool split = false, int switchPorts = 0, int cpuPort = 510);

// Writes the files under `dir` (created as needed).
bool writeDirectory(const Files& files, const std::string& dir, std::ostream& err);

// "0x" and 16 hex digits, as the manifest and messages print a hash.
std::string hashText(uint64_t hash);

}  // namespace hop::program
