// SPDX-License-Identifier: Apache-2.0
// The program hopsim runs: a hopc output directory, or a .p4 file compiled in process into the
// same form (program::load). The RTL engine builds the directory's RTL; the reference model runs
// the front end's IR (of the directory's preprocessed source, so the .p4 need not exist).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "program/compiled.hpp"

namespace hop::hopsim {

struct ProgramOptions {
    std::vector<std::string> includeDirs;  // for a .p4 file
    std::vector<std::string> defines;
    // A .p4 compiled for the switch top (--rtl-top switch): its ports, so the backend takes
    // what only the switch can run (multicast) without a warning that it cannot.
    int switchPorts = 0;
};

class LoadedProgram {
  public:
    LoadedProgram(program::Compiled compiled, const Frontend& frontend)
        : compiled_(std::move(compiled)), frontend_(&frontend) {}
    const program::Compiled& compiled() const { return compiled_; }
    const ir::Program& ir() const { return *frontend_->ir; }
    // The preprocessed source, for diagnostics of later phases.
    const SourceBuffer* source() const { return frontend_->source.get(); }
    const std::string& sourcePath() const { return compiled_.source(); }

  private:
    program::Compiled compiled_;
    const Frontend* frontend_;  // owned by compiled_
};

// Loads PROGRAM (a .p4 file or a hopc output directory). On failure prints the reason
// (compiler diagnostics, or `PATH: error: ...`) to `err` and returns null.
std::unique_ptr<LoadedProgram> loadProgram(const std::string& path, const ProgramOptions& options,
                                           std::ostream& err);

}  // namespace hop::hopsim
