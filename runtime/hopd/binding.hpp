// SPDX-License-Identifier: Apache-2.0
// The program binding: the compiled program hopd runs (a hopc output directory, or a .p4
// compiled in process into the same form), what hopd takes from it (the tables' control-plane
// view, the P4Info's controller headers and table aliases, the register map at the board's
// DATA_W), and the board, checked to run exactly that program (runtime/device/identity.hpp:
// ID, DATA_W and the register map's hash).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.hpp"
#include "program/compiled.hpp"
#include "regmap/regmap.hpp"
#include "runtime/device/device.hpp"
#include "runtime/hopd/program_info.hpp"

namespace hop::hopd {

class Binding {
  public:
    struct Options {
        std::string program;  // a hopc output directory or a .p4
        std::vector<std::string> includeDirs, defines;
        bool controllerHeaders = true;  // false: --no-router (parseP4Info)
        // The board is the switch top with this many front-panel ports (hopc --ports N; its
        // CPU port is the board's): 0 for the pipeline top.
        int switchPorts = 0;
    };
    // Loads the program and its P4Info (touching no device). Throws Failure(1).
    explicit Binding(const Options& options);
    ~Binding();
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;

    // Opens `spec` (sim:PATH or pcie:...), checks it runs this program, and takes the
    // program's register map at the board's DATA_W. Throws Failure(1 or 3).
    void openBoard(const std::string& spec);

    const std::string& name() const;
    // The tables and actions (what the table writer drives).
    const ir::Program& tables() const;
    const ProgramInfo& info() const { return info_; }
    // The program's digests as its register map gives them (types and members do not depend
    // on DATA_W; the block's address does: map() has the board's).
    const std::optional<regmap::DigestBlock>& digests() const;
    // After openBoard():
    const regmap::RegMap& map() const { return map_; }
    // The switch top's parameters (Options::switchPorts), else nullopt.
    std::optional<program::SwitchInfo> switchInfo() const;
    device::Device& device() const { return *device_; }

  private:
    struct Loaded;  // the compiled program
    Options options_;
    std::unique_ptr<Loaded> loaded_;
    ProgramInfo info_;
    regmap::RegMap map_;
    std::unique_ptr<device::Device> device_;
};

}  // namespace hop::hopd
