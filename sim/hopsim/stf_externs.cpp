// SPDX-License-Identifier: Apache-2.0
// The STF lines that read and write counters, registers and meters (simple_switch_CLI's
// counter_*, register_*, meter_* and p4c's check_counter), run on the model, and hopsim's
// --dump-state. stf.cpp has already checked each line's syntax.
#include <fmt/format.h>

#include <cctype>

#include "sim/hopsim/stf.hpp"

namespace hop::hopsim {

namespace {

struct Token {
    std::string text;
    int col = 0;  // 1-based, in the file's line
};

// The line's words; `(` and `)` separate words too (check_counter NAME(INDEX)).
std::vector<Token> tokens(const StfCommand& cmd) {
    std::vector<Token> out;
    const std::string& t = cmd.text;
    size_t i = 0;
    while (i < t.size()) {
        if (std::isspace(static_cast<unsigned char>(t[i])) || t[i] == '(' || t[i] == ')') {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < t.size() && !std::isspace(static_cast<unsigned char>(t[j])) && t[j] != '(' &&
               t[j] != ')')
            ++j;
        out.push_back({t.substr(i, j - i), cmd.col + static_cast<int>(i)});
        i = j;
    }
    return out;
}

bool compare(const std::string& op, const ir::BigInt& a, const ir::BigInt& b) {
    if (op == "==") return a == b;
    if (op == "!=") return a != b;
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    return a >= b;
}

class Runner {
  public:
    Runner(ExternAccess& model, const StfFile& file, const StfCommand& cmd, std::ostream& out,
           std::ostream& err, int& failures)
        : model_(model),
          file_(file),
          cmd_(cmd),
          args_(tokens(cmd)),
          out_(out),
          err_(err),
          failures_(failures) {}

    bool run() {
        const std::string& word = args_[0].text;
        if (!name(1)) return false;
        if (word == "counter_reset") return done(model_.resetCounters(ext_, error_), 1);
        if (word == "register_reset") return done(model_.resetRegisters(ext_, error_), 1);
        if (word == "meter_array_set_rates") return setRates(std::nullopt, 2);
        uint64_t index = 0;
        if (word == "check_counter" && !std::isdigit(static_cast<unsigned char>(args_[2].text[0])))
            return fail(2, fmt::format("'{}' is not an entry handle: entries named in `add ... = "
                                       "NAME` are not supported; give the handle (0, 1, ... in "
                                       "the order the entries were added)",
                                       args_[2].text));
        if (!number(2, 64, index)) return false;
        if (word == "counter_read" || word == "check_counter") return readCounter(index);
        if (word == "counter_write") {
            uint64_t packets = 0, bytes = 0;
            if (!number(3, 64, packets) || !number(4, 64, bytes)) return false;
            return done(model_.writeCounter(ext_, index, {packets, bytes}, error_), 2);
        }
        if (word == "register_read") return readRegister(index);
        if (word == "register_write") {
            const int width = model_.program().externs[ext_].width;
            std::string why;
            auto value = tables::parseValue(args_[3].text, width, why);
            if (!value) return fail(3, why);
            return done(model_.writeRegister(ext_, index, *value, error_), 3);
        }
        if (word == "meter_set_rates") return setRates(index, 3);
        if (word == "meter_get_rates") {
            std::vector<tables::MeterRate> rates;
            if (!model_.meterRates(ext_, index, rates, error_)) return fail(2, error_);
            std::string text;
            for (const auto& r : rates) text += fmt::format(" {}:{}", r.perMicrosecond, r.burst);
            out_ << fmt::format("{}[{}]:{}\n", externName(), index,
                                rates.empty() ? " rates not set (every packet GREEN)" : text);
            return true;
        }
        return fail(0, fmt::format("'{}' is not an extern command", word));
    }

  private:
    std::string externName() const { return model_.program().externs[ext_].name; }

    bool fail(size_t arg, const std::string& message) {
        err_ << fmt::format("{}:{}:{}: error: {}\n", file_.path, cmd_.line,
                            arg < args_.size() ? args_[arg].col : cmd_.col, message);
        return false;
    }
    // The outcome of a model call whose error is about argument `arg`.
    bool done(bool ok, size_t arg) { return ok || fail(arg, error_); }

    // The extern NAME at `arg`, of the kind the command word names.
    bool name(size_t arg) {
        ext_ = tables::findExtern(model_.program(), args_[arg].text, error_);
        if (ext_ < 0) return fail(arg, error_);
        using XK = ir::ExternObject::Kind;
        const ir::ExternObject& x = model_.program().externs[ext_];
        const std::string& word = args_[0].text;
        const bool counter = x.kind == XK::Counter || x.kind == XK::DirectCounter;
        const bool meter = x.kind == XK::Meter || x.kind == XK::DirectMeter;
        const char* wanted = word.rfind("register", 0) == 0 ? "register"
                             : word.rfind("meter", 0) == 0  ? "meter"
                                                            : "counter";
        const bool ok = wanted[0] == 'r'   ? x.kind == XK::Register
                        : wanted[0] == 'm' ? meter
                                           : counter;
        if (ok) return true;
        const char* kind = counter ? "counter" : meter ? "meter" : "register";
        return fail(arg, fmt::format("{} is a {}, not a {}", x.name, kind, wanted));
    }

    bool number(size_t arg, int width, uint64_t& value) {
        std::string why;
        auto v = tables::parseValue(args_[arg].text, width, why);
        if (!v) return fail(arg, why);
        value = static_cast<uint64_t>(*v);
        return true;
    }

    // `OP VALUE` at `arg`: true when absent or when `actual` compares so; a failed check is
    // reported and counted, not an error.
    bool check(size_t arg, const ir::BigInt& actual, const std::string& what) {
        if (arg + 1 >= args_.size()) return true;
        const std::string& op = args_[arg].text;
        std::string why;
        auto expected = tables::parseValue(args_[arg + 1].text, 128, why);
        if (!expected) return fail(arg + 1, why);
        if (compare(op, actual, *expected)) return true;
        ++failures_;
        out_ << fmt::format("{}:{}:{}: error: {} is {}, expected {} {}\n", file_.path, cmd_.line,
                            cmd_.col, what, actual.str(), op, args_[arg + 1].text);
        return true;
    }

    bool readCounter(uint64_t index) {
        tables::CounterValue value;
        if (!model_.readCounter(ext_, index, value, error_)) return fail(2, error_);
        if (args_[0].text == "check_counter" && args_.size() > 3) {
            const bool bytes = args_[3].text == "bytes";
            return check(4, bytes ? value.bytes : value.packets,
                         fmt::format("{}({}) {}", externName(), index, args_[3].text));
        }
        out_ << fmt::format("{}[{}]= packets={} bytes={}\n", externName(), index, value.packets,
                            value.bytes);
        return true;
    }

    bool readRegister(uint64_t index) {
        ir::BigInt value;
        if (!model_.readRegister(ext_, index, value, error_)) return fail(2, error_);
        if (args_.size() > 3) return check(3, value, fmt::format("{}[{}]", externName(), index));
        out_ << fmt::format("{}[{}]= {}\n", externName(), index, value.str());
        return true;
    }

    bool setRates(std::optional<uint64_t> index, size_t first) {
        std::vector<tables::MeterRate> rates;
        for (size_t i = first; i < args_.size(); ++i) {
            std::string why;
            auto rate = tables::parseMeterRate(args_[i].text, why);  // as the CLI lines
            if (!rate) return fail(i, why);
            rates.push_back(*rate);
        }
        return done(model_.setMeterRates(ext_, index, rates, error_), index ? 2 : 1);
    }

    ExternAccess& model_;
    const StfFile& file_;
    const StfCommand& cmd_;
    std::vector<Token> args_;
    std::ostream& out_;
    std::ostream& err_;
    int& failures_;
    int ext_ = -1;
    std::string error_;
};

// The model's state, through its own calls (sim::Model keeps its own value types).
class ModelAccess : public ExternAccess {
  public:
    explicit ModelAccess(sim::Model& m) : m_(m) {}
    const ir::Program& program() const override { return m_.program(); }
    bool readCounter(int ext, uint64_t index, tables::CounterValue& value,
                     std::string& error) override {
        sim::CounterValue v;
        if (!m_.readCounter(ext, index, v, error)) return false;
        value = {v.packets, v.bytes};
        return true;
    }
    bool writeCounter(int ext, uint64_t index, const tables::CounterValue& value,
                      std::string& error) override {
        return m_.writeCounter(ext, index, {value.packets, value.bytes}, error);
    }
    bool resetCounters(int ext, std::string& error) override {
        return m_.resetCounters(ext, error);
    }
    bool readRegister(int ext, uint64_t index, ir::BigInt& value, std::string& error) override {
        return m_.readRegister(ext, index, value, error);
    }
    bool writeRegister(int ext, uint64_t index, const ir::BigInt& value,
                       std::string& error) override {
        return m_.writeRegister(ext, index, value, error);
    }
    bool resetRegisters(int ext, std::string& error) override {
        return m_.resetRegisters(ext, error);
    }
    bool setMeterRates(int ext, std::optional<uint64_t> index,
                       const std::vector<tables::MeterRate>& rates, std::string& error) override {
        std::vector<sim::MeterRate> r;
        for (const auto& x : rates) r.push_back({x.perMicrosecond, x.burst});
        return m_.setMeterRates(ext, index, r, error);
    }
    bool meterRates(int ext, uint64_t index, std::vector<tables::MeterRate>& rates,
                    std::string& error) override {
        std::vector<sim::MeterRate> r;
        if (!m_.meterRates(ext, index, r, error)) return false;
        rates.clear();
        for (const auto& x : r) rates.push_back({x.perMicrosecond, x.burst});
        return true;
    }
    std::optional<std::string> dumpState(std::string&) override { return m_.dumpState(); }

  private:
    sim::Model& m_;
};

}  // namespace

std::unique_ptr<ExternAccess> externAccess(sim::Engine& engine) {
    if (auto* model = dynamic_cast<sim::ModelEngine*>(&engine))
        return std::make_unique<ModelAccess>(model->model());
    return rtlExternAccess(engine);
}

bool runStfExtern(ExternAccess* access, const StfFile& file, const StfCommand& cmd,
                  std::ostream& out, std::ostream& err, int& failures) {
    const std::vector<Token> args = tokens(cmd);
    if (!access) {
        err << fmt::format(
            "{}:{}:{}: error: '{}' needs the model or the rtl engine to read or write "
            "counters, registers and meters\n",
            file.path, cmd.line, cmd.col, args.empty() ? "" : args[0].text);
        return false;
    }
    return Runner(*access, file, cmd, out, err, failures).run();
}

bool dumpState(sim::Engine& engine, std::ostream& out, std::ostream& err) {
    const std::unique_ptr<ExternAccess> access = externAccess(engine);
    std::string error;
    std::optional<std::string> state;
    if (access) state = access->dumpState(error);
    if (!state) {
        err << "hopsim: error: --dump-state: "
            << (access ? error
                       : "the " + engine.name() +
                             " engine does not read counters, registers and meters back")
            << "\n";
        return false;
    }
    out << "extern state:\n" << *state;
    return true;
}

}  // namespace hop::hopsim
