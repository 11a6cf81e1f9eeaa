// SPDX-License-Identifier: Apache-2.0
// Counters and registers of the Verilated pipeline, read and written through their CSR blocks
// (rtl/hop_register.sv; addresses from the register map): a cell is read by writing INDEX and
// the READ command, waiting for INFO.busy to clear and reading the DATA words, which the block
// filled in one snapshot. A direct counter's cell is its entry's handle (or a const entry's
// position: regmap/direct_cells.hpp), and a handle the table does not use is an error, as on
// the model. Meters and direct meters are not in the pipeline yet: a clear error. A counter's cell
// is 128 bits, bytes above packets, whatever its type (BMv2 counts both).
#include <fmt/format.h>

#include "sim/hopsim/stf.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace hop::hopsim {

namespace {

namespace regmap = hop::regmap;
using XK = ir::ExternObject::Kind;

class RtlAccess : public ExternAccess {
  public:
    explicit RtlAccess(sim::rtl::RtlEngine& e) : e_(e) {}

    const ir::Program& program() const override { return e_.program(); }

    int findExtern(const std::string& name, std::string& error) const override {
        return sim::findExternByName(program(), name, error);
    }

    bool readCounter(int ext, uint64_t index, sim::CounterValue& value,
                     std::string& error) override {
        const regmap::ExternBlock* b = block(ext, "counter", index, error);
        ir::BigInt cell;
        if (!b || !readCell(*b, index, cell, error)) return false;
        const ir::BigInt ones(~uint64_t{0});
        value.packets = static_cast<uint64_t>(cell & ones);
        value.bytes = static_cast<uint64_t>((cell >> 64) & ones);
        return true;
    }
    bool writeCounter(int ext, uint64_t index, const sim::CounterValue& value,
                      std::string& error) override {
        const regmap::ExternBlock* b = block(ext, "counter", index, error);
        if (!b) return false;
        const ir::BigInt cell = ir::BigInt(value.packets) | (ir::BigInt(value.bytes) << 64);
        return writeCell(*b, index, cell, error);
    }
    bool resetCounters(int ext, std::string& error) override {
        const regmap::ExternBlock* b = block(ext, "counter", std::nullopt, error);
        return b && resetCells(*b, error);
    }
    bool readRegister(int ext, uint64_t index, ir::BigInt& value, std::string& error) override {
        const regmap::ExternBlock* b = block(ext, "register", index, error);
        return b && readCell(*b, index, value, error);
    }
    bool writeRegister(int ext, uint64_t index, const ir::BigInt& value,
                       std::string& error) override {
        const regmap::ExternBlock* b = block(ext, "register", index, error);
        if (!b) return false;
        // As the model: the value as the register's width keeps it.
        const ir::BigInt mask = (ir::BigInt(1) << b->width) - 1;
        return writeCell(*b, index, value & mask, error);
    }
    bool resetRegisters(int ext, std::string& error) override {
        const regmap::ExternBlock* b = block(ext, "register", std::nullopt, error);
        return b && resetCells(*b, error);
    }
    bool setMeterRates(int ext, std::optional<uint64_t>, const std::vector<sim::MeterRate>&,
                       std::string& error) override {
        error = program().externs[ext].name + ": meters are not built in hardware yet";
        return false;
    }
    bool meterRates(int ext, uint64_t, std::vector<sim::MeterRate>&, std::string& error) override {
        error = program().externs[ext].name + ": meters are not built in hardware yet";
        return false;
    }

    // The model's format (Model::dumpState): every register and counter cell that is not 0.
    std::optional<std::string> dumpState(std::string& error) override {
        std::string out;
        const ir::Program& p = program();
        for (size_t i = 0; i < p.externs.size(); ++i) {
            const ir::ExternObject& x = p.externs[i];
            const regmap::ExternBlock* b = e_.built().regmap.findExtern(static_cast<int>(i));
            if (!b) {
                error = x.name + ": not built in hardware yet (meters, direct meters)";
                return std::nullopt;
            }
            out += sim::externHeading(p, static_cast<int>(i));
            for (int64_t c = 0; c < b->depth; ++c) {
                const auto cell = static_cast<uint64_t>(c);
                // A direct counter's unused cells are 0 (the loader clears a freed one).
                if (x.kind == XK::DirectCounter && !usedCell(x, cell)) continue;
                if (x.kind == XK::Register) {
                    ir::BigInt v;
                    if (!readCell(*b, cell, v, error)) return std::nullopt;
                    if (v != 0) out += fmt::format("  [{}] {}\n", c, v.str());
                    continue;
                }
                sim::CounterValue v;
                if (!readCounter(static_cast<int>(i), cell, v, error)) return std::nullopt;
                out += sim::counterCellLine(x, cell, v);
            }
        }
        return out;
    }

  private:
    // The extern's block, when it is of the kind wanted and `index` is one of its cells.
    // `index` absent: the whole block (a reset).
    const regmap::ExternBlock* block(int ext, const char* kind, std::optional<uint64_t> at,
                                     std::string& error) const {
        const ir::ExternObject& x = program().externs.at(ext);
        const regmap::ExternBlock* b = e_.built().regmap.findExtern(ext);
        if (!b) {
            error = x.name +
                    " is not built in hardware yet (meters and direct meters have no "
                    "block)";
            return nullptr;
        }
        if (b->kind != kind) {
            error = x.name + " is a " + b->kind + ", not a " + kind;
            return nullptr;
        }
        if (!at) return b;
        const uint64_t index = *at;
        if (x.kind == XK::DirectCounter && !usedCell(x, index)) {
            // The model's words (checkIndex).
            error = fmt::format(
                "direct_counter {} of table {}: the table has no entry with "
                "handle {}",
                x.name, program().tables[x.table].name, index);
            return nullptr;
        }
        if (index >= static_cast<uint64_t>(b->depth)) {
            error =
                fmt::format("index {} is past the end of {} (size {})", index, x.name, b->depth);
            return nullptr;
        }
        return b;
    }

    // Is `cell` a direct extern's entry: a const entry's position, or a handle in use?
    bool usedCell(const ir::ExternObject& x, uint64_t cell) const {
        const ir::Table& t = program().tables[x.table];
        if (t.entriesConst) return cell < t.entries.size();
        const tables::LogicalTable* lt = e_.loader().logicalTable(x.table);
        return lt && cell <= static_cast<uint64_t>(INT32_MAX) &&
               lt->contains(static_cast<int>(cell));
    }

    uint32_t word(const regmap::ExternBlock& b, uint32_t w) const { return b.base + 4 * w; }

    // Waits (bounded) until the block has no command pending.
    bool idle(const regmap::ExternBlock& b, std::string& error) {
        for (int i = 0; i < 200000; ++i) {
            auto info = e_.read(word(b, regmap::kRegWordInfo), error);
            if (!info) return false;
            if (!(*info >> 31)) return true;
        }
        error = b.name + ": the CSR command did not finish";
        return false;
    }
    bool command(const regmap::ExternBlock& b, uint32_t cmd, std::string& error) {
        return idle(b, error) && e_.write(word(b, regmap::kRegWordCmd), cmd, error) &&
               idle(b, error);
    }
    bool readCell(const regmap::ExternBlock& b, uint64_t index, ir::BigInt& value,
                  std::string& error) {
        if (!idle(b, error) ||
            !e_.write(word(b, regmap::kRegWordIndex), static_cast<uint32_t>(index), error) ||
            !command(b, regmap::kRegCmdRead, error))
            return false;
        value = 0;
        for (int w = (b.width + 31) / 32 - 1; w >= 0; --w) {
            auto v = e_.read(word(b, regmap::kRegWordData + static_cast<uint32_t>(w)), error);
            if (!v) return false;
            value = (value << 32) | *v;
        }
        return true;
    }
    bool writeCell(const regmap::ExternBlock& b, uint64_t index, const ir::BigInt& value,
                   std::string& error) {
        if (!idle(b, error)) return false;
        for (int w = 0; w < (b.width + 31) / 32; ++w)
            if (!e_.write(word(b, regmap::kRegWordData + static_cast<uint32_t>(w)),
                          static_cast<uint32_t>((value >> (32 * w)) & ir::BigInt(0xffffffffu)),
                          error))
                return false;
        return e_.write(word(b, regmap::kRegWordIndex), static_cast<uint32_t>(index), error) &&
               command(b, regmap::kRegCmdWrite, error);
    }
    bool resetCells(const regmap::ExternBlock& b, std::string& error) {
        return command(b, regmap::kRegCmdReset, error);
    }

    sim::rtl::RtlEngine& e_;
};

}  // namespace

std::unique_ptr<ExternAccess> rtlExternAccess(sim::Engine& engine) {
    if (auto* rtl = dynamic_cast<sim::rtl::RtlEngine*>(&engine))
        return std::make_unique<RtlAccess>(*rtl);
    return nullptr;
}

}  // namespace hop::hopsim
