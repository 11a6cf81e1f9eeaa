// SPDX-License-Identifier: Apache-2.0
// What stops hopd: a message and the exit code run() returns (1 bad configuration or files,
// 3 the device failed). Every part of hopd throws it; run() prints it.
#pragma once

#include <stdexcept>
#include <string>

namespace hop::hopd {

class Failure : public std::runtime_error {
  public:
    Failure(int code, const std::string& what) : std::runtime_error(what), code(code) {}
    int code;
};

}  // namespace hop::hopd
