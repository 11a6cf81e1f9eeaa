// SPDX-License-Identifier: Apache-2.0
// Building a program's Verilated pipeline once and reusing it: the compiled program's RTL
// (program::Compiled; compiled again in process only for another DATA_W), Verilator builds it with
// sim/rtl/harness.cpp into a shared object in a cache directory keyed by a hash of everything that
// goes into it, and the model is dlopen()ed from there.
//
// Cache: --rtl-cache DIR, else $HOPSIM_RTL_CACHE, else $XDG_CACHE_HOME/hopline/rtl, else
// ~/.cache/hopline/rtl. One directory per model, `<program>-w<DATA_W>-<key>`, holding model.so,
// build.log, the sources it was built from and a lock file. Concurrent hopsim processes take an
// exclusive flock on the lock file before building, so a model is built once; model.so appears
// by an atomic rename, so nobody loads a half-written one.
// Key: a hash of the generated files, the rtl/*.sv files they can use (every library file whose
// name they, or a file so taken, mention), the harness source, `verilator --version` and the
// flags: a change to a block the program does not use keeps its model.
// Where things come from at run time: the rtl/ library from $HOPLINE_RTL_DIR, else the source
// tree hopsim was built from (HOP_SOURCE_DIR/rtl); the harness is compiled into hopsim (so it
// always matches the hopsim that loads it); Verilator is $HOPSIM_VERILATOR, else `verilator`
// on PATH; ccache is used through Verilator's OBJCACHE when it is on PATH.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "program/compiled.hpp"
#include "regmap/regmap.hpp"
#include "regmap/tm_words.hpp"
#include "runtime/tables/switch_tm_csr.hpp"
#include "sim/rtl/harness.h"

namespace hop::sim::rtl {

struct BuildOptions {
    int dataWidth = 512;
    std::string cacheDir;  // empty: the default above
    // Waveforms: "" (none, the fast model), "fst" (--trace-fst) or "vcd" (--trace). A traced
    // model is a cache entry of its own (`-fst` / `-vcd` after the width) and only writes waves
    // while hop_rtl_trace_open has a file open.
    std::string trace;
    // The module the model is built from: "pipeline" (<name>_top), "split" (<name>_split_top,
    // the pipeline cut after ingress and joined again by rtl/hop_tm_direct.sv; hopc --emit
    // split). A split model is a cache entry of its own (`-split` after the width).
    std::string top = "pipeline";
    // "switch": <name>_switch_top (hopc --ports), `ports` front-panel ports and the CPU port
    // `cpuPort`; a cache entry of its own (`-switch<ports>`).
    int ports = 8;
    int cpuPort = 510;
    // The model's code compiled without optimisation (-O0): about half the build time, several
    // times slower per cycle; for models that run a few packets (the STF corpus at DATA_W=64). A
    // cache entry of its own (`-quick` at the end of the tags).
    bool quick = false;
};

// A loaded model: the shared object and the functions of harness.h.
class Library {
  public:
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    hop_rtl_create_fn create = nullptr;
    hop_rtl_destroy_fn destroy = nullptr;
    hop_rtl_cycle_fn cycle = nullptr;
    hop_rtl_trace_open_fn traceOpen = nullptr;    // optional
    hop_rtl_trace_close_fn traceClose = nullptr;  // optional
    int dataWidth = 0;
    int streams = 1;  // 1: a pipeline top; PORTS + 1: a switch top (harness.h)

  private:
    friend std::unique_ptr<Library> openLibrary(const std::string&, int, std::string&);
    Library() = default;
    void* handle_ = nullptr;
};

// What every flavor of model gives: where it is and how it came to be.
struct BuiltEntry {
    std::string program;  // the program's name
    regmap::RegMap regmap;
    std::optional<program::SwitchInfo> switchInfo;  // a switch top's parameters
    std::string dir;                                // the model's cache directory
    std::string library;                            // DIR/model.so
    bool built = false;                             // false when it came from the cache
    double seconds = 0;                             // generating, building and loading
};

struct Built : BuiltEntry {
    std::unique_ptr<Library> lib;
};

// The library files (rtl/*.sv paths) a model of the `generated` files (name -> text) can use,
// name (the file's stem) -> text: each whose name the generated files or a file so taken mention
// (`hop_...`, comments included: a superset of what Verilator's -y search reads). The cache key
// hashes these only. False with `error` when a file cannot be read.
bool usedLibraryFiles(const std::map<std::string, std::string>& generated,
                      const std::vector<std::filesystem::path>& library,
                      std::map<std::string, std::string>& used, std::string& error);

// The cache directory options and the environment give (empty with `error` when there is none).
std::string cacheDirectory(const std::string& option, std::string& error);

// Builds (unless cached) and loads the model of `program` at options.dataWidth. Errors (the
// backend cannot build the program at that width, Verilator missing or failing, an unloadable
// object) are printed to `err` as `hopsim: error: ...` lines, after the backend's located
// diagnostics; returns nullopt then, with `exitCode` 1 when the program is the problem and 3 when
// the environment is (no Verilator, a failed build, an unwritable cache).
std::optional<Built> buildModel(const program::Compiled& program, const BuildOptions& options,
                                std::ostream& err, int& exitCode);

// Opens a built model and checks its ABI and DATA_W.
std::unique_ptr<Library> openLibrary(const std::string& path, int dataWidth, std::string& error);

}  // namespace hop::sim::rtl
