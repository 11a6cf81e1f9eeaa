// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/program.hpp"

namespace hop::hopsim {

std::unique_ptr<LoadedProgram> loadProgram(const std::string& path, const ProgramOptions& given,
                                           std::ostream& err) {
    program::Options options;
    options.preprocess.includeDirs = given.includeDirs;
    options.preprocess.defines = given.defines;
    options.switchPorts = given.switchPorts;
    auto compiled = program::load(path, options, err);
    if (!compiled) return nullptr;
    const Frontend* frontend = compiled->frontend(err);
    if (!frontend) return nullptr;
    return std::make_unique<LoadedProgram>(std::move(*compiled), *frontend);
}

}  // namespace hop::hopsim
