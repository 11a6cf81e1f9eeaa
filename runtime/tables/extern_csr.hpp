// SPDX-License-Identifier: Apache-2.0
// The counters and registers of a board, read and written through their register-map blocks
// (rtl/hop_register.sv; addresses from the compiled program's map only). One implementation of
// the block's CSR protocol for every client: hopd and `hopsim load` over a runtime/device
// Device, hopsim's RTL engine over its bus.
//   - a cell is read by writing INDEX and the READ command, waiting for INFO.busy to clear and
//     reading the DATA words, which the block latched in one snapshot (a 64-bit counter is never
//     half old and half new);
//   - a write stages the DATA words, then INDEX and the WRITE command; a reset is one command.
// A counter's cell of 128 bits keeps bytes above packets; one of 64 bits keeps what its type
// counts (packets or bytes), and the other value reads 0. A meter's cell (rtl/hop_meter.sv) is
// regmap/meter_cell.hpp's; setting rates writes it whole. An extern without a block gives an
// error naming the extern. A direct counter's or meter's cell is its entry's handle; which
// handles are in use only the table's owner knows (setDirectCellCheck).
//
//   tables::ExternCsr csr(program, map, {read, write});
//   tables::CounterValue v;
//   if (!csr.readCounter(ext, 3, v, error)) fail(error);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "regmap/meter_cell.hpp"
#include "regmap/regmap.hpp"
#include "runtime/tables/externs.hpp"

namespace hop::tables {

// 32-bit CSR access at absolute addresses of the map.
struct CsrPort {
    std::function<std::optional<uint32_t>(uint32_t addr, std::string& error)> read;
    std::function<bool(uint32_t addr, uint32_t value, std::string& error)> write;
};

class ExternCsr : public ExternAccess {
  public:
    // `program` and `map` (the program's, at the board's DATA_W) must outlive this.
    ExternCsr(const ir::Program& program, const regmap::RegMap& map, CsrPort port)
        : program_(program), map_(map), port_(std::move(port)) {}

    const ir::Program& program() const override { return program_; }
    bool readCounter(int ext, uint64_t index, CounterValue& value, std::string& error) override;
    bool writeCounter(int ext, uint64_t index, const CounterValue& value,
                      std::string& error) override;
    bool resetCounters(int ext, std::string& error) override;
    bool readRegister(int ext, uint64_t index, BigInt& value, std::string& error) override;
    bool writeRegister(int ext, uint64_t index, const BigInt& value, std::string& error) override;
    bool resetRegisters(int ext, std::string& error) override;
    bool setMeterRates(int ext, std::optional<uint64_t> index, const std::vector<MeterRate>& rates,
                       std::string& error) override;
    bool meterRates(int ext, uint64_t index, std::vector<MeterRate>& rates,
                    std::string& error) override;
    // A meter cell's whole state (buckets' tokens and tokens earned too), read in one snapshot.
    bool readMeterCell(int ext, uint64_t index, regmap::MeterCellState& cell, std::string& error);

    // The extern's block, or null with `error` saying the hardware has none.
    const regmap::ExternBlock* block(int ext, std::string& error) const;

    // Is `cell` (an entry handle) one of the direct extern `ext`'s table's entries? Without a
    // check every cell of the block is readable.
    using DirectCellCheck = std::function<bool(int ext, uint64_t cell)>;
    void setDirectCellCheck(DirectCellCheck check) { directCell_ = std::move(check); }

  private:
    const regmap::ExternBlock* wholeBlock(int ext, const char* kind, std::string& error) const;
    // The block, when it is of the kind wanted and `index` is one of its cells.
    const regmap::ExternBlock* cellBlock(int ext, const char* kind, uint64_t index,
                                         std::string& error) const;
    bool idle(const regmap::ExternBlock& b, std::string& error);
    bool command(const regmap::ExternBlock& b, uint32_t cmd, std::string& error);
    bool readCell(const regmap::ExternBlock& b, uint64_t index, BigInt& value, std::string& error);
    bool writeCell(const regmap::ExternBlock& b, uint64_t index, const BigInt& value,
                   std::string& error);

    const ir::Program& program_;
    const regmap::RegMap& map_;
    CsrPort port_;
    DirectCellCheck directCell_;
};

}  // namespace hop::tables
