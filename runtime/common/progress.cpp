// SPDX-License-Identifier: Apache-2.0
#include "runtime/common/progress.hpp"

#include <unistd.h>

#include <algorithm>

namespace hop::common {

Progress::Mode Progress::modeFor(int fd, Mode otherwise) {
    return ::isatty(fd) ? Mode::Terminal : otherwise;
}

Progress::Progress(std::ostream& out, Mode mode, Clock::time_point now)
    : out_(out), mode_(mode), start_(now), last_(now) {}

bool Progress::due(Clock::time_point now) const {
    switch (mode_) {
        case Mode::Off:
            return false;
        case Mode::Terminal:
            return now - last_ >= kTerminalInterval;
        case Mode::Lines:
            return now - last_ >= kLinesInterval;
    }
    return false;
}

void Progress::show(const std::string& line, Clock::time_point now) {
    if (!due(now)) return;
    last_ = now;
    if (mode_ == Mode::Terminal) {
        out_ << "\r" << line << "\033[K" << std::flush;
        open_ = true;
    } else {
        out_ << line << "\n" << std::flush;
    }
}

void Progress::finish() {
    if (open_) out_ << "\n" << std::flush;
    open_ = false;
}

void Progress::clear() {
    if (open_) out_ << "\r\033[K" << std::flush;
    open_ = false;
}

double Progress::seconds(Clock::time_point now) const {
    return std::chrono::duration<double>(now - start_).count();
}

std::string progressBar(double fraction, int width) {
    // Rounded down: the bar is full only when the work is done.
    const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * width);
    return "[" + std::string(static_cast<size_t>(filled), '#') +
           std::string(static_cast<size_t>(width - filled), '.') + "]";
}

}  // namespace hop::common
