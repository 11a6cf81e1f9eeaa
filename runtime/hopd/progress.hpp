// SPDX-License-Identifier: Apache-2.0
// Progress of a long step on stderr: one line rewritten in place on a tty (5 times a second at
// most), else a line every 5 seconds; and a bar to put in it.
#pragma once

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>

namespace hop::hopd {

class Progress {
  public:
    using Clock = std::chrono::steady_clock;
    explicit Progress(bool tty) : tty_(tty) {}
    ~Progress() { finish(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    void show(const std::string& line) {
        const auto now = Clock::now();
        if (now - last_ < (tty_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5))) {
            return;
        }
        last_ = now;
        if (tty_) {
            std::cerr << "\r\033[K" << line << std::flush;
            open_ = true;
        } else {
            std::cerr << line << "\n";
        }
    }
    void finish() {
        if (open_) std::cerr << "\n";
        open_ = false;
    }

    // `[#########.....................]`
    static std::string bar(double fraction) {
        const int n = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 30 + 0.5);
        return "[" + std::string(static_cast<size_t>(n), '#') + std::string(30 - n, '.') + "]";
    }

  private:
    bool tty_;
    bool open_ = false;
    Clock::time_point last_ = Clock::now();
};

}  // namespace hop::hopd
