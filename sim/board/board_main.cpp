// SPDX-License-Identifier: Apache-2.0
// hopsim-board: `hopsim board ...` (sim/board/board_command.hpp) as a program of its own, so the
// board model is built and tested on its own: `hopsim-board board stf|linerate|build ...`.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "sim/board/board_command.hpp"

int main(int argc, char** argv) {
    CLI::App app{"hopsim-board: a hopline program's pipeline in a SystemC board model"};
    app.require_subcommand(1);
    auto board = hop::board::addBoardCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return e.get_exit_code() == 0 ? rc : 2;
    }
    try {
        return board->run();
    } catch (const std::exception& e) {
        std::cerr << "hopsim: internal error: " << e.what() << "\n";
        return 3;
    }
}
