// SPDX-License-Identifier: Apache-2.0
#include "runtime/tables/extern_csr.hpp"

#include <fmt/format.h>

namespace hop::tables {

namespace {

using Unit = ir::ExternObject::Unit;

uint32_t wordAddr(const regmap::ExternBlock& b, uint32_t w) { return b.base + 4 * w; }

int dataWords(const regmap::ExternBlock& b) { return (b.width + 31) / 32; }

// A command finishes in a few cycles; a block that stays busy this long is broken.
constexpr int kBusyPolls = 200000;

}  // namespace

const regmap::ExternBlock* ExternCsr::block(int ext, std::string& error) const {
    const regmap::ExternBlock* b = map_.findExtern(ext);
    if (!b) {
        const ir::ExternObject& x = program_.externs.at(ext);
        error = fmt::format(
            "{} is not in this program's hardware (its register map has no block for it)", x.name);
    }
    return b;
}

const regmap::ExternBlock* ExternCsr::wholeBlock(int ext, const char* kind,
                                                 std::string& error) const {
    const regmap::ExternBlock* b = block(ext, error);
    if (b && b->kind != kind) {
        error = fmt::format("{} is a {}, not a {}", b->name, b->kind, kind);
        return nullptr;
    }
    return b;
}

const regmap::ExternBlock* ExternCsr::cellBlock(int ext, const char* kind, uint64_t index,
                                                std::string& error) const {
    const regmap::ExternBlock* b = wholeBlock(ext, kind, error);
    if (!b) return nullptr;
    const ir::ExternObject& x = program_.externs.at(ext);
    if (isDirectExtern(x) && directCell_ && !directCell_(ext, index)) {
        // The model's words (sim/model's checkIndex).
        error = fmt::format(
            "{} {} of table {}: the table has no entry with handle {}",
            x.kind == ir::ExternObject::Kind::DirectCounter ? "direct_counter" : "direct_meter",
            x.name, program_.tables.at(x.table).name, index);
        return nullptr;
    }
    if (index >= static_cast<uint64_t>(b->depth)) {
        error = fmt::format("index {} is past the end of {} (size {})", index, b->name, b->depth);
        return nullptr;
    }
    return b;
}

bool ExternCsr::idle(const regmap::ExternBlock& b, std::string& error) {
    for (int i = 0; i < kBusyPolls; ++i) {
        auto info = port_.read(wordAddr(b, regmap::kRegWordInfo), error);
        if (!info) return false;
        if (!(*info >> 31)) return true;
    }
    error = b.name + ": the CSR command did not finish";
    return false;
}

bool ExternCsr::command(const regmap::ExternBlock& b, uint32_t cmd, std::string& error) {
    return idle(b, error) && port_.write(wordAddr(b, regmap::kRegWordCmd), cmd, error) &&
           idle(b, error);
}

bool ExternCsr::readCell(const regmap::ExternBlock& b, uint64_t index, BigInt& value,
                         std::string& error) {
    if (!idle(b, error) ||
        !port_.write(wordAddr(b, regmap::kRegWordIndex), static_cast<uint32_t>(index), error) ||
        !command(b, regmap::kRegCmdRead, error))
        return false;
    value = 0;
    for (int w = dataWords(b) - 1; w >= 0; --w) {
        auto v = port_.read(wordAddr(b, regmap::kRegWordData + static_cast<uint32_t>(w)), error);
        if (!v) return false;
        value = (value << 32) | *v;
    }
    return true;
}

bool ExternCsr::writeCell(const regmap::ExternBlock& b, uint64_t index, const BigInt& value,
                          std::string& error) {
    if (!idle(b, error)) return false;
    for (int w = 0; w < dataWords(b); ++w)
        if (!port_.write(wordAddr(b, regmap::kRegWordData + static_cast<uint32_t>(w)),
                         static_cast<uint32_t>((value >> (32 * w)) & BigInt(0xffffffffu)), error))
            return false;
    return port_.write(wordAddr(b, regmap::kRegWordIndex), static_cast<uint32_t>(index), error) &&
           command(b, regmap::kRegCmdWrite, error);
}

// A 128-bit cell keeps both values (bytes above packets); a 64-bit cell the one its type
// counts.
bool ExternCsr::readCounter(int ext, uint64_t index, CounterValue& value, std::string& error) {
    const regmap::ExternBlock* b = cellBlock(ext, "counter", index, error);
    BigInt cell;
    if (!b || !readCell(*b, index, cell, error)) return false;
    const Unit unit = program_.externs.at(ext).unit;
    const BigInt ones(~uint64_t{0});
    const auto low = static_cast<uint64_t>(cell & ones);
    value = {};
    if (b->width > 64) {
        value.packets = low;
        value.bytes = static_cast<uint64_t>((cell >> 64) & ones);
    } else if (unit == Unit::Bytes) {
        value.bytes = low;
    } else {
        value.packets = low;
    }
    return true;
}

bool ExternCsr::writeCounter(int ext, uint64_t index, const CounterValue& value,
                             std::string& error) {
    const regmap::ExternBlock* b = cellBlock(ext, "counter", index, error);
    if (!b) return false;
    const Unit unit = program_.externs.at(ext).unit;
    BigInt cell =
        unit == Unit::Bytes && b->width <= 64 ? BigInt(value.bytes) : BigInt(value.packets);
    if (b->width > 64) cell |= BigInt(value.bytes) << 64;
    return writeCell(*b, index, cell, error);
}

bool ExternCsr::resetCounters(int ext, std::string& error) {
    const regmap::ExternBlock* b = wholeBlock(ext, "counter", error);
    return b && command(*b, regmap::kRegCmdReset, error);
}

bool ExternCsr::readRegister(int ext, uint64_t index, BigInt& value, std::string& error) {
    const regmap::ExternBlock* b = cellBlock(ext, "register", index, error);
    return b && readCell(*b, index, value, error);
}

bool ExternCsr::writeRegister(int ext, uint64_t index, const BigInt& value, std::string& error) {
    const regmap::ExternBlock* b = cellBlock(ext, "register", index, error);
    if (!b) return false;
    // As the model: the value as the register's width keeps it.
    const BigInt mask = (BigInt(1) << b->width) - 1;
    return writeCell(*b, index, value & mask, error);
}

bool ExternCsr::resetRegisters(int ext, std::string& error) {
    const regmap::ExternBlock* b = wholeBlock(ext, "register", error);
    return b && command(*b, regmap::kRegCmdReset, error);
}

// A meter's cell (regmap/meter_cell.hpp): setting rates writes it configured with both buckets
// full and nothing earned, as BMv2's set_rates does; meter_array_set_rates writes every cell
// (the DATA words staged once, then INDEX and WRITE per cell).
bool ExternCsr::setMeterRates(int ext, std::optional<uint64_t> index,
                              const std::vector<MeterRate>& rates, std::string& error) {
    const regmap::ExternBlock* b =
        index ? cellBlock(ext, "meter", *index, error) : wholeBlock(ext, "meter", error);
    if (!b || !checkMeterRates(program_.externs.at(ext), !index, rates, error)) return false;
    regmap::MeterCellState cell;
    cell.configured = true;
    auto bucket = [](const MeterRate& r) {
        const auto burst = static_cast<uint32_t>(r.burst);
        return regmap::MeterBucket{meterRateQ32(r.perMicrosecond), burst, burst, 0};
    };
    cell.committed = bucket(rates[0]);
    cell.peak = bucket(rates[1]);
    const BigInt value = regmap::packMeterCell(cell);
    if (index) return writeCell(*b, *index, value, error);
    if (!idle(*b, error)) return false;
    for (int w = 0; w < dataWords(*b); ++w)
        if (!port_.write(wordAddr(*b, regmap::kRegWordData + static_cast<uint32_t>(w)),
                         static_cast<uint32_t>((value >> (32 * w)) & BigInt(0xffffffffu)), error))
            return false;
    for (int c = 0; c < b->depth; ++c)
        if (!port_.write(wordAddr(*b, regmap::kRegWordIndex), static_cast<uint32_t>(c), error) ||
            !command(*b, regmap::kRegCmdWrite, error))
            return false;
    return true;
}

bool ExternCsr::meterRates(int ext, uint64_t index, std::vector<MeterRate>& rates,
                           std::string& error) {
    const regmap::ExternBlock* b = cellBlock(ext, "meter", index, error);
    BigInt value;
    if (!b || !readCell(*b, index, value, error)) return false;
    const regmap::MeterCellState cell = regmap::unpackMeterCell(value);
    rates.clear();
    if (cell.configured)
        for (const regmap::MeterBucket* k : {&cell.committed, &cell.peak})
            rates.push_back({meterRateOfQ32(k->rateQ32), k->burst});
    return true;
}

bool ExternCsr::readMeterCell(int ext, uint64_t index, regmap::MeterCellState& cell,
                              std::string& error) {
    const regmap::ExternBlock* b = cellBlock(ext, "meter", index, error);
    BigInt value;
    if (!b || !readCell(*b, index, value, error)) return false;
    cell = regmap::unpackMeterCell(value);
    return true;
}

}  // namespace hop::tables
