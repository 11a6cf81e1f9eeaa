// SPDX-License-Identifier: Apache-2.0
// `hopsim board ...`: the SystemC board model (board.hpp) from the command line.
//   board stf PROGRAM FILE.stf       an STF test through the board: tables through the TLM CSR
//                                    socket, packets through the MACs (the CPU port through DMA)
//   board linerate PROGRAM --ports LIST --rate 100G --frame-size S --frames K [--commands F]
//                                    back-to-back frames at line rate and a report (linerate.hpp)
//   board build PROGRAM              only build (or find in the cache) the Verilated model, the
//                                    RTL engine's (`hopsim build`)
// Exit codes as hopsim's: 0 success, 1 test failure, bad input or counts that do not add up,
// 2 usage, 3 the board or its build failed.
//
// In a program: call addBoardCommand() before parsing, then, after parsing, run() when parsed().
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace hop::board {

class BoardCommand {
  public:
    virtual ~BoardCommand() = default;
    virtual bool parsed() const = 0;
    virtual int run() = 0;
};

std::unique_ptr<BoardCommand> addBoardCommand(CLI::App& app);

}  // namespace hop::board
