// SPDX-License-Identifier: Apache-2.0
// hopctl: the command line of a running hopd (runtime/hopctl/command.hpp lists the commands,
// runtime/hopd/control_protocol.hpp the protocol). Exit codes: 0 success, 1 the command failed
// in hopd, 2 usage, 3 hopd cannot be reached.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "runtime/hopctl/command.hpp"
#include "runtime/hopd/control_protocol.hpp"

int main(int argc, char** argv) {
    CLI::App app{"hopctl: the command line of a running hopd"};
    app.footer(hop::hopctl::commandHelp());
    std::string socketPath = hop::hopd::defaultControlPath();
    std::vector<std::string> args;
    app.add_option("--socket", socketPath, "hopd's control socket")->capture_default_str();
    app.add_option("command", args, "the command and its words")->required();
    app.prefix_command();  // everything after the first positional belongs to the command
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    for (const auto& extra : app.remaining()) args.push_back(extra);

    std::string error;
    auto request = hop::hopctl::buildRequest(args, error);
    if (!request) {
        std::cerr << "hopctl: error: " << error << "\n";
        return 2;
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socketPath.size() >= sizeof(addr.sun_path)) {
        std::cerr << "hopctl: error: socket path too long: " << socketPath << "\n";
        return 2;
    }
    std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        std::cerr << "hopctl: error: cannot reach hopd at " << socketPath << ": "
                  << std::strerror(errno) << "\n";
        return 3;
    }
    const std::string line = *request + "\n";
    for (size_t sent = 0; sent < line.size();) {
        const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            std::cerr << "hopctl: error: " << socketPath << ": " << std::strerror(errno) << "\n";
            return 3;
        }
        sent += static_cast<size_t>(n);
    }
    std::string buffer;
    char chunk[65536];
    for (;;) {
        size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
            const std::string reply = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            if (reply.empty()) continue;
            if (reply[0] == '-') {
                std::cout << reply.substr(1) << "\n";
            } else if (reply[0] == '=') {
                return 0;
            } else if (reply[0] == '!') {
                std::cout << std::flush;
                std::cerr << "hopctl: error: " << reply.substr(1) << "\n";
                return 1;
            }
        }
        const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::cerr << "hopctl: error: hopd closed the connection without a status line\n";
            return 3;
        }
        buffer.append(chunk, static_cast<size_t>(n));
    }
}
