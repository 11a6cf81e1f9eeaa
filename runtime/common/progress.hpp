// SPDX-License-Identifier: Apache-2.0
// Progress of a long operation (loading a full table, a long simulation): on a terminal one
// line rewritten in place at most 5 times a second; in a log, if asked, a line every 5 seconds;
// otherwise nothing. The caller prints its summary at the end (seconds() says how long it took).
//
//   common::Progress progress(std::cerr, common::Progress::modeFor(2));
//   for (size_t i = 0; i < n; ++i) {
//       work(i);
//       if (progress.due())
//           progress.show(fmt::format("{} {} of {}", common::progressBar(i, n), i, n));
//   }
//   progress.clear();                        // or finish() to keep the last line
//   out << fmt::format("{} items in {:.2f} s\n", n, progress.seconds());
//
// Every call that depends on time takes `now` (defaulting to the steady clock's), so that tests
// decide what time it is.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace hop::common {

class Progress {
  public:
    using Clock = std::chrono::steady_clock;
    enum class Mode {
        Off,       // nothing (a pipe, a test)
        Terminal,  // one line rewritten in place ("\r", the line, erase to its end)
        Lines,     // a line at a time, for logs
    };
    static constexpr auto kTerminalInterval = std::chrono::milliseconds(200);
    static constexpr auto kLinesInterval = std::chrono::seconds(5);

    // Terminal when `fd` is a terminal, else `otherwise`.
    static Mode modeFor(int fd, Mode otherwise = Mode::Off);

    Progress(std::ostream& out, Mode mode, Clock::time_point now = Clock::now());
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress() { finish(); }

    bool enabled() const { return mode_ != Mode::Off; }
    // Would show() print now? (Check it before formatting a line in a hot loop.)
    bool due(Clock::time_point now = Clock::now()) const;
    // Prints `line` if due(now).
    void show(const std::string& line, Clock::time_point now = Clock::now());
    // The terminal line stays and the cursor goes to the next line (before an error message or
    // a summary that should follow the last progress line).
    void finish();
    // The terminal line is erased (the summary takes its place).
    void clear();
    double seconds(Clock::time_point now = Clock::now()) const;

  private:
    std::ostream& out_;
    Mode mode_;
    Clock::time_point start_, last_;
    bool open_ = false;  // a terminal line is shown and not ended
};

// `[##########....................]`: `fraction` (clamped to 0..1) of `width` characters, rounded
// down.
std::string progressBar(double fraction, int width = 30);
inline std::string progressBar(size_t done, size_t total, int width = 30) {
    return progressBar(total ? double(done) / double(total) : 1.0, width);
}

}  // namespace hop::common
