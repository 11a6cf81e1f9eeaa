// SPDX-License-Identifier: Apache-2.0
// Name legalisation, a pass of its own before printing: every identifier the Verilog backend
// derives from the program (module, instance and signal names built from P4 names) is made a
// legal SystemVerilog identifier that is not a keyword and does not collide with another.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace hop::verilog {

// Is `word` a Verilog-2005 / SystemVerilog-2017 keyword?
bool isKeyword(std::string_view word);

// `text` as an identifier: characters outside [A-Za-z0-9_] become `_`, runs of `_` collapse, a
// leading digit gets a `_` prefix, an empty result becomes `_`, a keyword gets a `_` suffix.
std::string sanitize(std::string_view text);

// Hands out unique legal names. `reserve` marks names the emitter writes itself (fixed ports,
// helper signals) so derived names never take them.
class NameTable {
  public:
    void reserve(const std::string& name);
    // A unique legal name for `key` (the same key always gets the same name): sanitize(hint),
    // and on a collision `_2`, `_3`, ...
    const std::string& get(const std::string& key, std::string_view hint);
    const std::string& get(const std::string& key) { return get(key, key); }
    bool taken(const std::string& name) const { return used_.count(name) != 0; }

  private:
    std::set<std::string> used_;
    std::map<std::string, std::string> byKey_;
};

}  // namespace hop::verilog
