// SPDX-License-Identifier: Apache-2.0
// Counters and registers of the Verilated pipeline, read and written through their CSR blocks
// by tables::ExternCsr (the protocol hopd uses on a board, runtime/tables/extern_csr.hpp), on
// the engine's bus; and --dump-state from them. A direct counter's cell is its entry's handle (or
// a const entry's position: regmap/direct_cells.hpp), and a handle the table does not use is an
// error, as on the model. A counter's cell is 128 bits, bytes above packets, whatever its type; a
// meter's is rtl/hop_meter.sv's (regmap/meter_cell.hpp).
#include <fmt/format.h>

#include <map>
#include <sstream>
#include <tuple>

#include "runtime/tables/extern_csr.hpp"
#include "sim/hopsim/stf.hpp"
#include "sim/rtl/rtl_engine.hpp"

namespace hop::hopsim {

namespace {

namespace regmap = hop::regmap;
using XK = ir::ExternObject::Kind;

class RtlAccess : public ExternAccess {
  public:
    explicit RtlAccess(sim::rtl::RtlEngine& e)
        : e_(e),
          csr_(e.program(), e.built().regmap,
               {[&e](uint32_t addr, std::string& error) { return e.read(addr, error); },
                [&e](uint32_t addr, uint32_t value, std::string& error) {
                    return e.write(addr, value, error);
                }}) {
        csr_.setDirectCellCheck(
            [this](int ext, uint64_t cell) { return usedCell(program().externs.at(ext), cell); });
    }

    const ir::Program& program() const override { return e_.program(); }
    bool readCounter(int ext, uint64_t index, tables::CounterValue& value,
                     std::string& error) override {
        return csr_.readCounter(ext, index, value, error);
    }
    bool writeCounter(int ext, uint64_t index, const tables::CounterValue& value,
                      std::string& error) override {
        return csr_.writeCounter(ext, index, value, error);
    }
    bool resetCounters(int ext, std::string& error) override {
        return csr_.resetCounters(ext, error);
    }
    bool readRegister(int ext, uint64_t index, ir::BigInt& value, std::string& error) override {
        return csr_.readRegister(ext, index, value, error);
    }
    bool writeRegister(int ext, uint64_t index, const ir::BigInt& value,
                       std::string& error) override {
        return csr_.writeRegister(ext, index, value, error);
    }
    bool resetRegisters(int ext, std::string& error) override {
        return csr_.resetRegisters(ext, error);
    }
    bool setMeterRates(int ext, std::optional<uint64_t> index,
                       const std::vector<tables::MeterRate>& rates, std::string& error) override {
        return csr_.setMeterRates(ext, index, rates, error);
    }
    bool meterRates(int ext, uint64_t index, std::vector<tables::MeterRate>& rates,
                    std::string& error) override {
        return csr_.meterRates(ext, index, rates, error);
    }

    // The model's format (Model::dumpState): every register and counter cell that is not 0.
    std::optional<std::string> dumpState(std::string& error) override {
        std::string out;
        const ir::Program& p = program();
        for (size_t i = 0; i < p.externs.size(); ++i) {
            const int ext = static_cast<int>(i);
            const ir::ExternObject& x = p.externs[i];
            const regmap::ExternBlock* b = csr_.block(ext, error);
            if (!b) return std::nullopt;
            out += sim::externHeading(p, ext);
            for (int64_t c = 0; c < b->depth; ++c) {
                const auto cell = static_cast<uint64_t>(c);
                // A direct counter's unused cells are 0 (the loader clears a freed one).
                if (x.kind == XK::DirectCounter && !usedCell(x, cell)) continue;
                if (x.kind == XK::Meter || x.kind == XK::DirectMeter) continue;  // below
                if (x.kind == XK::Register) {
                    ir::BigInt v;
                    if (!csr_.readRegister(ext, cell, v, error)) return std::nullopt;
                    if (v != 0) out += fmt::format("  [{}] {}\n", c, v.str());
                    continue;
                }
                tables::CounterValue v;
                if (!csr_.readCounter(ext, cell, v, error)) return std::nullopt;
                out += sim::counterCellLine(x, cell, {v.packets, v.bytes});
            }
            if ((x.kind == XK::Meter || x.kind == XK::DirectMeter) &&
                !dumpMeter(ext, *b, out, error))
                return std::nullopt;
        }
        return out;
    }

  private:
    // A meter's configured cells as the model lists them: `[i] CIR:CBS PIR:PBS`. The hardware
    // keeps no record of meter_array_set_rates; an indexed meter whose every cell is configured
    // lists the rates most cells have as `[*]`, as the model lists the array's rates, and then
    // the cells with others.
    bool dumpMeter(int ext, const regmap::ExternBlock& b, std::string& out, std::string& error) {
        const ir::ExternObject& x = program().externs.at(ext);
        std::vector<std::pair<uint64_t, std::string>> cells;
        std::map<std::string, int> seen;
        for (int64_t c = 0; c < b.depth; ++c) {
            const auto cell = static_cast<uint64_t>(c);
            if (x.kind == XK::DirectMeter && !usedCell(x, cell)) continue;
            std::vector<tables::MeterRate> rates;
            if (!csr_.meterRates(ext, cell, rates, error)) return false;
            if (rates.empty()) continue;
            std::ostringstream os;
            for (const auto& r : rates) os << " " << r.perMicrosecond << ":" << r.burst;
            cells.emplace_back(cell, os.str());
            ++seen[os.str()];
        }
        std::string common;
        if (x.kind == XK::Meter && static_cast<int64_t>(cells.size()) == b.depth) {
            int most = 0;
            for (const auto& [text, n] : seen)
                if (n > most) std::tie(common, most) = std::tie(text, n);
            out += "  [*]" + common + "\n";
        }
        for (const auto& [cell, text] : cells)
            if (text != common) out += fmt::format("  [{}]{}\n", cell, text);
        return true;
    }

    // Is `cell` a direct extern's entry: a const entry's position, or a handle in use?
    bool usedCell(const ir::ExternObject& x, uint64_t cell) const {
        const ir::Table& t = program().tables[x.table];
        if (t.entriesConst) return cell < t.entries.size();
        const tables::LogicalTable* lt = e_.loader().logicalTable(x.table);
        return lt && cell <= static_cast<uint64_t>(INT32_MAX) &&
               lt->contains(static_cast<int>(cell));
    }

    sim::rtl::RtlEngine& e_;
    tables::ExternCsr csr_;
};

}  // namespace

std::unique_ptr<ExternAccess> rtlExternAccess(sim::Engine& engine) {
    if (auto* rtl = dynamic_cast<sim::rtl::RtlEngine*>(&engine))
        return std::make_unique<RtlAccess>(*rtl);
    return nullptr;
}

}  // namespace hop::hopsim
