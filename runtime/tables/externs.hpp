// SPDX-License-Identifier: Apache-2.0
// Counters, meters and registers from the control plane: BMv2 runtime-CLI lines on them, parsed
// against the program, and run on whatever holds the state (the reference model, the Verilated
// RTL, a board behind hopd) through one interface, ExternAccess.
//   externs.cpp       names, CLI lines and their output
//   extern_csr.cpp    ExternCsr: the state of a board, through its register-map blocks
//
// Lines (simple_switch_CLI's spelling; names as the CLI resolves them: the full name
// `MyIngress.c` or a unique suffix on a dot boundary, `c`):
//   counter_read NAME INDEX             NAME[INDEX]=  BmCounterValue(bytes=B, packets=P)
//   counter_reset NAME                  every cell to 0
//   register_read NAME [INDEX]          NAME[INDEX]= V, or without INDEX NAME= V0, V1, ...
//   register_write NAME INDEX VALUE     VALUE must fit the register's width
//   register_reset NAME                 every cell to 0
//   meter_array_set_rates NAME RATE:BURST RATE:BURST       every cell of an indexed meter
//   meter_set_rates NAME INDEX RATE:BURST RATE:BURST       one cell
// A direct counter or meter is addressed by the entry handle of its table's entry in place of
// INDEX, as BMv2's CLI does (`counter_read MyIngress.dc 0`); BMv2 then first prints `this is
// the direct counter for table T`. RATE is units (packets or bytes) per microsecond, BURST units;
// the first pair is the committed rate, the second the peak rate (v1model meters are two-rate
// three-colour markers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/tables/entry.hpp"

namespace hop::tables {

struct CounterValue {
    uint64_t packets = 0;
    uint64_t bytes = 0;
};

struct MeterRate {
    double perMicrosecond = 0;
    uint64_t burst = 0;
};

// The state of a running program's counters, meters and registers. `ext` indexes
// program().externs; `index` is a cell, or the entry handle for direct counters and meters.
// Each call returns false with `error` set (one line naming the extern) when the index is not
// valid or the target cannot do it; the state is then unchanged.
class ExternAccess {
  public:
    virtual ~ExternAccess() = default;
    virtual const ir::Program& program() const = 0;
    virtual bool readCounter(int ext, uint64_t index, CounterValue& value, std::string& error) = 0;
    virtual bool writeCounter(int ext, uint64_t index, const CounterValue& value,
                              std::string& error) = 0;
    virtual bool resetCounters(int ext, std::string& error) = 0;
    virtual bool readRegister(int ext, uint64_t index, BigInt& value, std::string& error) = 0;
    virtual bool writeRegister(int ext, uint64_t index, const BigInt& value,
                               std::string& error) = 0;
    virtual bool resetRegisters(int ext, std::string& error) = 0;
    // `index` none: every cell of the array (meter_array_set_rates).
    virtual bool setMeterRates(int ext, std::optional<uint64_t> index,
                               const std::vector<MeterRate>& rates, std::string& error) = 0;
    // Empty when the meter is not configured (it then marks every packet GREEN).
    virtual bool meterRates(int ext, uint64_t index, std::vector<MeterRate>& rates,
                            std::string& error) = 0;
};

// The extern named `name` (full name or unique dotted suffix); -1 with `error` when unknown or
// ambiguous.
int findExtern(const ir::Program& program, const std::string& name, std::string& error);

bool isDirectExtern(const ir::ExternObject& x);

// A checked BMv2 CLI line on a counter, meter or register.
struct ExternCommand {
    enum class Kind {
        CounterRead,
        CounterReset,
        RegisterRead,
        RegisterWrite,
        RegisterReset,
        MeterArraySetRates,
        MeterSetRates,
    } kind = Kind::CounterRead;
    int ext = -1;
    std::string name;               // as the line spells it: BMv2 prints it so
    std::optional<uint64_t> index;  // the cell or entry handle; none: every cell
    BigInt value;                   // RegisterWrite
    std::vector<MeterRate> rates;   // the Meter kinds: committed, then peak
};

// `RATE:BURST`: RATE a number from 0 (units per microsecond), BURST an integer from 0 to 2^31-1
// (BMv2 keeps it in an i32). nullopt with `error`; `at` (when given) is the offset in `text` the
// error is about.
std::optional<MeterRate> parseMeterRate(const std::string& text, std::string& error,
                                        size_t* at = nullptr);

// Rates as a meter takes them, on every target (the model and rtl/hop_meter.sv alike): two
// (committed, then peak; BMv2 refuses a committed rate above the peak one), each from 0 to below
// 2^32 units per microsecond, bursts up to 2^31-1; a direct meter's per entry only
// (`wholeArray` false). False with `error` naming the meter.
bool checkMeterRates(const ir::ExternObject& x, bool wholeArray,
                     const std::vector<MeterRate>& rates, std::string& error);
// A rate as the hardware keeps it: unsigned Q32.32 units per microsecond, rounded to nearest.
uint64_t meterRateQ32(double perMicrosecond);
double meterRateOfQ32(uint64_t rateQ32);

// Is the line's first word one of the lines above?
bool isExternCommand(const std::string& line);

// The line, checked against the program: a known name of the kind the verb wants, an index
// inside an indexed extern, a value that fits the register, two well-formed RATE:BURST pairs.
// nullopt with a located `error` otherwise (an empty message for a blank or comment line).
std::optional<ExternCommand> parseExternCommand(const ir::Program& program, const std::string& line,
                                                const Origin& origin, ParseError& error);

// Runs `command` on `access`; the lines BMv2's CLI prints go to `out`. False with `error`.
bool runExternCommand(ExternAccess& access, const ExternCommand& command,
                      std::vector<std::string>& out, std::string& error);

// BMv2's text for a counter cell: `NAME[INDEX]=  BmCounterValue(bytes=B, packets=P)`.
std::string counterReadLine(const std::string& name, uint64_t index, const CounterValue& value);

}  // namespace hop::tables
