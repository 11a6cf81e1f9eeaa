// SPDX-License-Identifier: Apache-2.0
#include "source/preprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace hop {
namespace {

struct ProcessResult {
    int status = -1;
    std::string out, err;
};

// Runs argv[0] without a shell and collects stdout and stderr (polling both, so neither pipe
// fills up and blocks the child).
bool runProcess(const std::vector<std::string>& argv, ProcessResult& result, std::string& error) {
    int outPipe[2], errPipe[2];
    if (pipe(outPipe) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    if (pipe(errPipe) != 0) {
        close(outPipe[0]);
        close(outPipe[1]);
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
    posix_spawn_file_actions_addclose(&actions, outPipe[0]);
    posix_spawn_file_actions_addclose(&actions, errPipe[0]);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    close(errPipe[1]);
    if (rc != 0) {
        close(outPipe[0]);
        close(errPipe[0]);
        error = "cannot run the C preprocessor '" + argv[0] + "': " + std::strerror(rc);
        return false;
    }
    std::array<pollfd, 2> fds{{{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}}};
    std::array<std::string*, 2> sinks{&result.out, &result.err};
    int open = 2;
    char buf[65536];
    while (open > 0) {
        if (poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                sinks[i]->append(buf, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
    }
    return true;
}

}  // namespace

std::string defaultP4IncludeDir() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("HOP_P4INCLUDE"); env && *env) return env;
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const char* rel : {"../p4include", "../../p4include", "../share/hopline/p4include"}) {
            fs::path candidate = exe.parent_path() / rel;
            if (fs::exists(candidate / "core.p4", ec))
                return fs::weakly_canonical(candidate).string();
        }
    }
#ifdef HOP_SOURCE_P4INCLUDE
    return HOP_SOURCE_P4INCLUDE;
#else
    return "p4include";
#endif
}

std::optional<SourceBuffer> preprocess(const std::string& path, const PreprocessOptions& options,
                                       std::string& error) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        error = path + ": error: cannot open file";
        return std::nullopt;
    }
    // As p4c: no predefined C macros, no system headers, comments kept for the P4 lexer, and the
    // assembler dialect so that apostrophes and other non-C tokens pass through untouched.
    std::vector<std::string> argv = {"cpp",       "-C", "-undef",
                                     "-nostdinc", "-x", "assembler-with-cpp"};
    for (const auto& dir : options.includeDirs) argv.push_back("-I" + dir);
    std::string p4include =
        options.p4includeDir.empty() ? defaultP4IncludeDir() : options.p4includeDir;
    argv.push_back("-I" + p4include);
    for (const auto& d : options.defines) argv.push_back("-D" + d);
    argv.push_back(path);
    ProcessResult result;
    if (!runProcess(argv, result, error)) return std::nullopt;
    if (!WIFEXITED(result.status) || WEXITSTATUS(result.status) != 0) {
        // cpp already prints `file:line:col: error: message`; keep its lines.
        error = result.err.empty() ? path + ": error: the C preprocessor failed" : result.err;
        while (!error.empty() && error.back() == '\n') error.pop_back();
        return std::nullopt;
    }
    return SourceBuffer(path, std::move(result.out));
}

}  // namespace hop
