// SPDX-License-Identifier: Apache-2.0
// Random traffic and random table contents for any program, for differential tests (model vs
// RTL). Frames are built by walking the program's parser graph: each extracted header gets
// field values, select fields are set so a chosen transition is taken, csum16 checksums the
// program verifies are made right most of the time, length-like fields are made consistent
// most of the time, and then a share of the frames is damaged (truncated, runts, bad
// checksums, wrong version / IHL / length, pure random bytes).
//
// Values come from small per-width pools shared by packet fields, table keys and action
// parameters, so lookups hit, exact keys chain (an LPM result feeding a next-hop table), and
// MAC admission checks pass often enough for frames to get far into the program. The frames
// are stimulus only: what happens to them is decided by the engines under test.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <vector>

#include "ir/ir.hpp"
#include "runtime/tables/entry.hpp"
#include "sim/model/model.hpp"

namespace hop::difftest {

using tables::BigInt;

struct TrafficMix {
    double truncated = 0.08;  // cut at a random byte
    double runt = 0.03;       // 1..13 bytes
    double random = 0.05;     // random bytes only
    double badChecksum = 0.1;
    double badLengths = 0.1;  // version / IHL / length fields left random
    int maxPayload = 200;
    uint32_t ports = 8;
};

class Traffic {
  public:
    Traffic(const ir::Program& program, uint64_t seed, TrafficMix mix = {});

    // Up to `perTable` random Add commands for every table the control plane can write (no
    // const entries), keys and action arguments from the pools; duplicates are skipped by the
    // caller's engine (the model reports them), so callers apply and ignore errors.
    std::vector<tables::Command> tableCommands(int perTable);
    // A random frame (port and bytes).
    sim::Packet packet();

  private:
    void takeDontCares(const ir::ParserState& st, size_t chosen,
                       std::map<ir::FieldId, BigInt>& values);
    BigInt poolValue(int width);
    BigInt randomBits(int width);
    std::vector<uint8_t> serialize(const std::vector<ir::HeaderId>& order,
                                   const std::map<ir::FieldId, BigInt>& values) const;

    const ir::Program& p_;
    std::mt19937_64 rng_;
    TrafficMix mix_;
    std::map<int, std::vector<BigInt>> pools_;
};

}  // namespace hop::difftest
