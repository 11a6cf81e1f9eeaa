// SPDX-License-Identifier: Apache-2.0
// BMv2 CLI lines on counters, meters and registers: parsing and running (externs.hpp).
#include "runtime/tables/externs.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "runtime/tables/entry_parse.hpp"

namespace hop::tables {

namespace {

using namespace parse;
using XK = ir::ExternObject::Kind;
using Kind = ExternCommand::Kind;

struct Verb {
    const char* word;
    Kind kind;
    const char* wants;  // "counter", "register" or "meter"
    const char* usage;
};

constexpr Verb kVerbs[] = {
    {"counter_read", Kind::CounterRead, "counter", "counter_read NAME INDEX"},
    {"counter_reset", Kind::CounterReset, "counter", "counter_reset NAME"},
    {"register_read", Kind::RegisterRead, "register", "register_read NAME [INDEX]"},
    {"register_write", Kind::RegisterWrite, "register", "register_write NAME INDEX VALUE"},
    {"register_reset", Kind::RegisterReset, "register", "register_reset NAME"},
    {"meter_array_set_rates", Kind::MeterArraySetRates, "meter",
     "meter_array_set_rates NAME RATE:BURST RATE:BURST"},
    {"meter_set_rates", Kind::MeterSetRates, "meter",
     "meter_set_rates NAME INDEX RATE:BURST RATE:BURST"},
};

const Verb* findVerb(const std::string& word) {
    for (const Verb& v : kVerbs)
        if (word == v.word) return &v;
    return nullptr;
}

const char* kindWord(const ir::ExternObject& x) {
    switch (x.kind) {
        case XK::Counter:
            return "counter";
        case XK::DirectCounter:
            return "direct counter";
        case XK::Meter:
            return "meter";
        case XK::DirectMeter:
            return "direct meter";
        case XK::Register:
            return "register";
    }
    return "extern";
}

bool isKind(const ir::ExternObject& x, const std::string& wants) {
    if (wants == "counter") return x.kind == XK::Counter || x.kind == XK::DirectCounter;
    if (wants == "meter") return x.kind == XK::Meter || x.kind == XK::DirectMeter;
    return x.kind == XK::Register;
}

// An index (a cell of an indexed extern, checked against its size) or an entry handle (a direct
// extern: which entries exist is the target's business).
std::optional<uint64_t> index(Parser& ps, const ir::ExternObject& x, const Token& w) {
    BigInt v;
    if (!parseDigits(w.text, 10, v) || w.text.find('_') != std::string::npos) {
        ps.fail(w.offset, fmt::format("invalid {} '{}'",
                                      isDirectExtern(x) ? "entry handle" : "index", w.text));
        return std::nullopt;
    }
    if (isDirectExtern(x)) {
        if (v > INT32_MAX) {
            ps.fail(w.offset, fmt::format("invalid entry handle '{}'", w.text));
            return std::nullopt;
        }
        return static_cast<uint64_t>(v);
    }
    if (v >= x.size) {
        ps.fail(w.offset, fmt::format("index {} is past the end of {} {} (size {})", w.text,
                                      kindWord(x), x.name, x.size));
        return std::nullopt;
    }
    return static_cast<uint64_t>(v);
}

std::optional<MeterRate> rate(Parser& ps, const Token& w) {
    std::string why;
    size_t at = 0;
    auto r = parseMeterRate(w.text, why, &at);
    if (!r) ps.fail(w.offset + static_cast<int>(at), why);
    return r;
}

}  // namespace

bool isDirectExtern(const ir::ExternObject& x) {
    return x.kind == XK::DirectCounter || x.kind == XK::DirectMeter;
}

int findExtern(const ir::Program& program, const std::string& name, std::string& error) {
    std::vector<std::string> names;
    for (const auto& x : program.externs) names.push_back(x.name);
    std::vector<std::string> ambiguous;
    const int i = resolveName(names, name, &ambiguous);
    if (i == -2) {
        error = "'" + name + "' is ambiguous:";
        for (const auto& a : ambiguous) error += " " + a;
    } else if (i < 0) {
        error = "the program has no counter, meter or register named '" + name + "'";
    }
    return i;
}

std::optional<MeterRate> parseMeterRate(const std::string& text, std::string& error, size_t* at) {
    const size_t colon = text.find(':');
    if (at) *at = 0;
    if (colon == std::string::npos || colon == 0) {
        error = fmt::format("'{}' is not RATE:BURST", text);
        return std::nullopt;
    }
    const std::string rateText = text.substr(0, colon);
    char* end = nullptr;
    const double r = std::strtod(rateText.c_str(), &end);
    if (end != rateText.c_str() + rateText.size() || !std::isfinite(r) || r < 0 ||
        rateText.find_first_of("xXnN") != std::string::npos) {
        error = fmt::format("invalid rate '{}' in '{}' (units per microsecond, a number from 0)",
                            rateText, text);
        return std::nullopt;
    }
    BigInt burst;
    const std::string burstText = text.substr(colon + 1);
    if (!parseDigits(burstText, 10, burst) || burstText.find('_') != std::string::npos ||
        burst > INT32_MAX) {
        if (at) *at = colon + 1;
        error = fmt::format("invalid burst '{}' in '{}' (units, an integer from 0 to {})",
                            burstText, text, INT32_MAX);
        return std::nullopt;
    }
    return MeterRate{r, static_cast<uint64_t>(burst)};
}

bool checkMeterRates(const ir::ExternObject& x, bool wholeArray,
                     const std::vector<MeterRate>& rates, std::string& error) {
    auto text = [](const MeterRate& r) {
        std::ostringstream os;
        os << r.perMicrosecond << ":" << r.burst;
        return os.str();
    };
    if (wholeArray && x.kind == ir::ExternObject::Kind::DirectMeter) {
        error = "direct_meter " + x.name + ": rates are set per table entry (meter_set_rates " +
                x.name + " HANDLE ...)";
        return false;
    }
    if (rates.size() != 2) {
        error = "meter " + x.name + ": expected 2 rates (committed, then peak), got " +
                std::to_string(rates.size());
        return false;
    }
    if (rates[0].perMicrosecond > rates[1].perMicrosecond) {
        error = "meter " + x.name + ": the committed rate " + text(rates[0]) +
                " is above the peak rate " + text(rates[1]);
        return false;
    }
    for (const MeterRate& r : rates) {
        if (!(r.perMicrosecond >= 0) || r.perMicrosecond >= 4294967296.0) {
            error = "meter " + x.name + ": the rate " + text(r) +
                    " is not between 0 and 4294967296 units per microsecond";
            return false;
        }
        if (r.burst > INT32_MAX) {
            error = "meter " + x.name + ": the burst " + text(r) + " is above " +
                    std::to_string(INT32_MAX);
            return false;
        }
    }
    return true;
}

uint64_t meterRateQ32(double perMicrosecond) {
    return static_cast<uint64_t>(std::round(std::ldexp(perMicrosecond, 32)));
}

double meterRateOfQ32(uint64_t rateQ32) { return std::ldexp(static_cast<double>(rateQ32), -32); }

bool isExternCommand(const std::string& line) {
    const std::vector<Token> words = splitWords(line);
    return !words.empty() && findVerb(words[0].text) != nullptr;
}

std::optional<ExternCommand> parseExternCommand(const ir::Program& program, const std::string& line,
                                                const Origin& origin, ParseError& error) {
    error = ParseError{origin, {}};
    if (isBlankOrComment(line)) return std::nullopt;
    Parser ps(program, origin, error);
    const std::vector<Token> words = splitWords(line);
    const int lineEnd = static_cast<int>(line.find_last_not_of(" \t\r\n") + 1);
    const Verb* verb = findVerb(words[0].text);
    if (!verb) {
        ps.fail(words[0].offset, "'" + words[0].text +
                                     "' is not a counter, meter or register "
                                     "command");
        return std::nullopt;
    }
    if (words.size() < 2) {
        ps.fail(lineEnd, std::string("usage: ") + verb->usage);
        return std::nullopt;
    }
    ExternCommand cmd;
    cmd.kind = verb->kind;
    cmd.name = words[1].text;
    // As BMv2's CLI: the name among the externs of the verb's kind (a counter and a register
    // may share a suffix).
    std::vector<std::string> names;
    std::vector<int> ids;
    for (size_t i = 0; i < program.externs.size(); ++i) {
        if (!isKind(program.externs[i], verb->wants)) continue;
        names.push_back(program.externs[i].name);
        ids.push_back(static_cast<int>(i));
    }
    std::vector<std::string> ambiguous;
    const int found = resolveName(names, cmd.name, &ambiguous);
    std::string why;
    if (found == -2) {
        ps.fail(words[1].offset, "'" + cmd.name + "' is ambiguous: " + Parser::join(ambiguous));
        return std::nullopt;
    }
    if (found < 0) {
        const int other = findExtern(program, cmd.name, why);
        if (other >= 0) {
            const ir::ExternObject& o = program.externs[other];
            ps.fail(words[1].offset,
                    fmt::format("{} is a {}, not a {}", o.name, kindWord(o), verb->wants));
        } else {
            ps.fail(words[1].offset,
                    fmt::format("the program has no {} named '{}'", verb->wants, cmd.name));
        }
        return std::nullopt;
    }
    cmd.ext = ids[found];
    const ir::ExternObject& x = program.externs[cmd.ext];
    // Words after the name: how many the verb takes (a meter's rates are counted below).
    const bool meter = cmd.kind == Kind::MeterArraySetRates || cmd.kind == Kind::MeterSetRates;
    size_t want = 0, optional = 0;
    switch (cmd.kind) {
        case Kind::CounterReset:
        case Kind::RegisterReset:
        case Kind::MeterArraySetRates:
            break;
        case Kind::CounterRead:
        case Kind::MeterSetRates:
            want = 1;
            break;
        case Kind::RegisterRead:
            optional = 1;
            break;
        case Kind::RegisterWrite:
            want = 2;
            break;
    }
    const size_t got = words.size() - 2;
    if (!meter && got > want + optional) {
        const Token& extra = words[2 + want + optional];
        ps.fail(extra.offset, fmt::format("unexpected '{}' (usage: {})", extra.text, verb->usage));
        return std::nullopt;
    }
    if (got < want) {
        ps.fail(lineEnd, std::string("usage: ") + verb->usage);
        return std::nullopt;
    }
    size_t next = 2;
    const bool indexed = cmd.kind == Kind::CounterRead || cmd.kind == Kind::RegisterWrite ||
                         cmd.kind == Kind::MeterSetRates ||
                         (cmd.kind == Kind::RegisterRead && got == 1);
    if (indexed) {
        cmd.index = index(ps, x, words[next]);
        if (!cmd.index) return std::nullopt;
        ++next;
    }
    if (cmd.kind == Kind::RegisterWrite) {
        auto v = parseValue(words[next].text, x.width, why);
        if (!v) {
            ps.fail(words[next].offset,
                    fmt::format("{} (register {} is bit<{}>)", why, x.name, x.width));
            return std::nullopt;
        }
        cmd.value = *v;
    }
    if (meter) {
        if (cmd.kind == Kind::MeterArraySetRates && isDirectExtern(x)) {
            ps.fail(words[1].offset,
                    fmt::format("{} is a direct meter: set its rates per entry with "
                                "meter_set_rates NAME HANDLE RATE:BURST RATE:BURST",
                                x.name));
            return std::nullopt;
        }
        // v1model's meters are two-rate three-colour markers: BMv2's rate_count is 2.
        const size_t rates = words.size() - next;
        if (rates != 2) {
            ps.fail(rates > 2 ? words[next + 2].offset : lineEnd,
                    fmt::format("{} takes 2 rates (committed, then peak: RATE:BURST "
                                "RATE:BURST), got {}",
                                x.name, rates));
            return std::nullopt;
        }
        for (; next < words.size(); ++next) {
            auto r = rate(ps, words[next]);
            if (!r) return std::nullopt;
            cmd.rates.push_back(*r);
        }
    }
    return cmd;
}

std::string counterReadLine(const std::string& name, uint64_t index, const CounterValue& value) {
    // runtime_CLI.py: print("%s[%d]= " % (name, index), value) with the Thrift struct's repr.
    return fmt::format("{}[{}]=  BmCounterValue(bytes={}, packets={})", name, index, value.bytes,
                       value.packets);
}

bool runExternCommand(ExternAccess& access, const ExternCommand& command,
                      std::vector<std::string>& out, std::string& error) {
    const ir::Program& p = access.program();
    const ir::ExternObject& x = p.externs.at(command.ext);
    if (x.kind == XK::DirectCounter &&
        (command.kind == Kind::CounterRead || command.kind == Kind::CounterReset))
        out.push_back("this is the direct counter for table " + p.tables.at(x.table).name);
    switch (command.kind) {
        case Kind::CounterRead: {
            CounterValue v;
            if (!access.readCounter(command.ext, *command.index, v, error)) return false;
            out.push_back(counterReadLine(command.name, *command.index, v));
            return true;
        }
        case Kind::CounterReset:
            return access.resetCounters(command.ext, error);
        case Kind::RegisterRead: {
            BigInt v;
            if (command.index) {
                if (!access.readRegister(command.ext, *command.index, v, error)) return false;
                out.push_back(fmt::format("{}[{}]= {}", command.name, *command.index, v.str()));
                return true;
            }
            std::string line = command.name + "=";
            for (int64_t i = 0; i < x.size; ++i) {
                if (!access.readRegister(command.ext, static_cast<uint64_t>(i), v, error))
                    return false;
                line += (i ? ", " : " ") + v.str();
            }
            out.push_back(line);
            return true;
        }
        case Kind::RegisterWrite:
            return access.writeRegister(command.ext, *command.index, command.value, error);
        case Kind::RegisterReset:
            return access.resetRegisters(command.ext, error);
        case Kind::MeterArraySetRates:
        case Kind::MeterSetRates:
            return access.setMeterRates(command.ext, command.index, command.rates, error);
    }
    return false;
}

}  // namespace hop::tables
