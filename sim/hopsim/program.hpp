// SPDX-License-Identifier: Apache-2.0
// Finds the program hopsim runs: a .p4 file compiled on the fly, or a hopc output directory.
// There is no IR reader, so a hopc directory is recognised by the `program.json` hopc writes
// there ({"source", "includes", "defines"}) and the recorded source is compiled again.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "driver/compile.hpp"
#include "ir/ir.hpp"

namespace hop::hopsim {

struct ProgramOptions {
    std::vector<std::string> includeDirs;  // added after the ones a hopc directory records
    std::vector<std::string> defines;
};

class LoadedProgram {
  public:
    explicit LoadedProgram(std::unique_ptr<Frontend> frontend) : frontend_(std::move(frontend)) {}
    const ir::Program& ir() const { return *frontend_->ir; }
    // The preprocessed source, for diagnostics of later phases (the Verilog backend).
    const SourceBuffer* source() const { return frontend_->source.get(); }
    const std::string& sourcePath() const { return sourcePath_; }
    void setSourcePath(std::string path) { sourcePath_ = std::move(path); }

  private:
    std::unique_ptr<Frontend> frontend_;
    std::string sourcePath_;
};

// Compiles PROGRAM (a .p4 file or a hopc output directory). On failure prints the reason
// (compiler diagnostics, or `PATH: error: ...`) to `err` and returns null.
std::unique_ptr<LoadedProgram> loadProgram(const std::string& path, const ProgramOptions& options,
                                           std::ostream& err);

}  // namespace hop::hopsim
