// SPDX-License-Identifier: Apache-2.0
// hopd's digests (v1model's digest, README "Digests"): the board's digest FIFO polled through
// runtime/tables/digest_csr.hpp, the digests kept for `hopctl digests`, and the command lines
// `--on-digest TEMPLATE` makes of each one.
//
// A template is a BMv2 CLI line (or a counter/register line) with `{member}` placeholders:
//     table_add dmac forward {srcAddr} => {ingress_port}
// Each digest whose type has every member a template names gives one line, the placeholders
// replaced by the digest's values in hex (0x...), run as a command file's line would be (an
// add of an entry already there with the same action does nothing). A template naming a member
// no digest has, a `{` without its `}`, or one whose line does not parse is an error at
// start-up, located as `--on-digest:N:COLUMN` (N: the template's number, from 1).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "regmap/digest_block.hpp"
#include "runtime/tables/digest_csr.hpp"

namespace hop::hopd {

class DigestTemplate {
  public:
    // Throws Failure(1) with the located error. `program` checks the line parses.
    DigestTemplate(const std::string& text, int number, const regmap::DigestBlock& block,
                   const ir::Program& program);
    // The line for `entry`, or empty when its type lacks a member the template names.
    std::string expand(const regmap::DigestBlock& block, const regmap::DigestEntry& entry) const;
    const std::string& text() const { return text_; }

  private:
    struct Piece {
        std::string literal;  // text before the placeholder
        std::string member;   // empty: the literal ends the template
    };
    std::string text_;
    std::vector<Piece> pieces_;
};

class DigestLog {
  public:
    // Digests kept for `hopctl digests` (the oldest go first).
    static constexpr size_t kKept = 1024;

    explicit DigestLog(const regmap::DigestBlock& block) : block_(block) {}
    // Pops what the board holds; the new digests are appended to `fresh` (and kept). false with
    // `error` on a CSR error.
    bool poll(const tables::CsrPort& port, std::vector<regmap::DigestEntry>& fresh,
              std::string& error);
    // `hopctl digests`: one line per digest kept, in order, then the totals.
    void show(std::vector<std::string>& out) const;
    const regmap::DigestBlock& block() const { return block_; }

  private:
    const regmap::DigestBlock& block_;
    std::deque<std::pair<uint64_t, regmap::DigestEntry>> kept_;  // (sequence number, digest)
    uint64_t received_ = 0;
    uint32_t drops_ = 0;  // the board's DROPS word
};

}  // namespace hop::hopd
