// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/stf.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/hopsim/trace.hpp"

namespace hop::hopsim {

namespace {

constexpr uint32_t kMaxPort = 511;

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Reads one STF line; positions are 0-based indices into `line`, reported 1-based.
class LineParser {
  public:
    LineParser(const std::string& path, int lineNo, std::string line)
        : path_(path), lineNo_(lineNo), line_(std::move(line)) {}

    bool fail(size_t pos, const std::string& message) {
        error_ = fmt::format("{}:{}:{}: error: {}", path_, lineNo_, pos + 1, message);
        return false;
    }
    const std::string& error() const { return error_; }

    void skipSpace() {
        while (pos_ < line_.size() && std::isspace(static_cast<unsigned char>(line_[pos_]))) {
            ++pos_;
        }
    }
    bool atEnd() {
        skipSpace();
        return pos_ >= line_.size();
    }
    size_t pos() const { return pos_; }

    std::string word() {
        skipSpace();
        size_t start = pos_;
        while (pos_ < line_.size() &&
               (std::isalnum(static_cast<unsigned char>(line_[pos_])) || line_[pos_] == '_')) {
            ++pos_;
        }
        return line_.substr(start, pos_ - start);
    }

    bool port(const std::string& command, uint32_t& port) {
        skipSpace();
        size_t start = pos_;
        uint64_t value = 0;
        while (pos_ < line_.size() && std::isdigit(static_cast<unsigned char>(line_[pos_]))) {
            value = std::min<uint64_t>(value * 10 + (line_[pos_] - '0'), 1u << 30);
            ++pos_;
        }
        if (pos_ == start)
            return fail(start, fmt::format("expected a port number after '{}'", command));
        if (pos_ < line_.size() && !std::isspace(static_cast<unsigned char>(line_[pos_]))) {
            return fail(start, fmt::format("expected a port number after '{}'", command));
        }
        if (value > kMaxPort) {
            return fail(start, fmt::format("port {} is out of range (0..{})",
                                           line_.substr(start, pos_ - start), kMaxPort));
        }
        port = static_cast<uint32_t>(value);
        return true;
    }

    // HEX with spaces; `*` and a final `$` only when `wildcards`.
    bool data(bool wildcards, std::vector<int>& nibbles, bool& exactLength) {
        size_t firstDigit = std::string::npos;
        for (; pos_ < line_.size(); ++pos_) {
            char c = line_[pos_];
            if (std::isspace(static_cast<unsigned char>(c))) continue;
            if (firstDigit == std::string::npos) firstDigit = pos_;
            int v = hexValue(c);
            if (v >= 0) {
                nibbles.push_back(v);
            } else if (c == '*' && wildcards) {
                nibbles.push_back(-1);
            } else if (c == '$' && wildcards) {
                size_t dollar = pos_;
                ++pos_;
                if (!atEnd()) return fail(pos_, "unexpected text after '$'");
                if (nibbles.empty()) return fail(dollar, "'$' without packet data");
                exactLength = true;
                break;
            } else if ((c == '*' || c == '$') && !wildcards) {
                return fail(pos_, fmt::format("'{}' is only allowed in expected packets", c));
            } else {
                return fail(pos_, fmt::format("unexpected character '{}' in packet data", c));
            }
        }
        if (nibbles.size() % 2 != 0) {
            return fail(firstDigit, fmt::format("odd number of hex digits ({}) in packet data",
                                                nibbles.size()));
        }
        return true;
    }

    // A number as p4c's STF lexer reads one: decimal, 0x hex or 0b binary.
    bool number(const std::string& what, const std::string& command) {
        skipSpace();
        const size_t start = pos_;
        int base = 10;
        if (line_.compare(pos_, 2, "0x") == 0 || line_.compare(pos_, 2, "0X") == 0) base = 16;
        if (line_.compare(pos_, 2, "0b") == 0 || line_.compare(pos_, 2, "0B") == 0) base = 2;
        const size_t digits = base == 10 ? pos_ : pos_ + 2;
        size_t end = digits;
        while (end < line_.size() && hexValue(line_[end]) >= 0 && hexValue(line_[end]) < base)
            ++end;
        const bool delimited = end == line_.size() || line_[end] == ':' || line_[end] == ')' ||
                               line_[end] == '.' ||
                               std::isspace(static_cast<unsigned char>(line_[end]));
        if (end == digits || !delimited)
            return fail(start, fmt::format("expected {} (a number) in '{}'", what, command));
        pos_ = end;
        return true;
    }

    // NAME or NAME.NAME... (a table, counter, register or meter).
    bool qualifiedName(const std::string& command) {
        skipSpace();
        const size_t start = pos_;
        while (true) {
            if (pos_ >= line_.size() || std::isdigit(static_cast<unsigned char>(line_[pos_])) ||
                word().empty())
                break;
            if (pos_ < line_.size() && line_[pos_] == '.') {
                ++pos_;
                continue;
            }
            return true;
        }
        return fail(start, fmt::format("expected a name in '{}'", command));
    }

    bool literal(const std::string& text, const std::string& command) {
        skipSpace();
        if (line_.compare(pos_, text.size(), text) != 0)
            return fail(pos_, fmt::format("expected '{}' in '{}'", text, command));
        pos_ += text.size();
        return true;
    }

    bool peekText(const char* text) {
        skipSpace();
        return line_.compare(pos_, std::strlen(text), text) == 0;
    }

    bool peek(char c) {
        skipSpace();
        return pos_ < line_.size() && line_[pos_] == c;
    }

    bool end(const std::string& command) {
        if (atEnd()) return true;
        return fail(pos_, fmt::format("unexpected text after '{}'", command));
    }

  private:
    const std::string& path_;
    int lineNo_;
    std::string line_;
    size_t pos_ = 0;
    std::string error_;
};

// Commands of p4c's STF dialect that hopline's engines have no use for or cannot model yet.
bool isUnsupportedStfCommand(const std::string& word) {
    static const char* const kWords[] = {"remove", "no_packet", "packet_in", "expect_in"};
    return std::find(std::begin(kWords), std::end(kWords), word) != std::end(kWords);
}

// p4c's BMv2 STF runner passes these to simple_switch_CLI unchanged (bmv2stf.py's direct_cmd).
// Each is parsed in full; one that cannot run yet (`needs` set) is reported with what it needs.
struct DirectArg {
    char kind;  // 'n' number, 'l' one or more numbers, 'q' a name, 'r' meter rates
    const char* name;
};
struct DirectCommand {
    const char* word;
    std::vector<DirectArg> args;
    const char* needs;
};

// Counters, registers and meters: run in file order (stf_externs.cpp).
const char* const kExternAccess = nullptr;

const DirectCommand* directCommand(const std::string& word) {
    static const std::vector<DirectCommand> kCommands = {
        {"counter_read", {{'q', ""}, {'n', "an index"}}, kExternAccess},
        {"counter_reset", {{'q', ""}}, kExternAccess},
        {"counter_write",
         {{'q', ""}, {'n', "an index"}, {'n', "a packet count"}, {'n', "a byte count"}},
         kExternAccess},
        {"register_read", {{'q', ""}, {'n', "an index"}, {'c', ""}}, kExternAccess},
        {"register_write", {{'q', ""}, {'n', "an index"}, {'n', "a value"}}, kExternAccess},
        {"register_reset", {{'q', ""}}, kExternAccess},
        {"meter_get_rates", {{'q', ""}, {'n', "an index"}}, kExternAccess},
        {"meter_set_rates", {{'q', ""}, {'n', "an index"}, {'r', ""}}, kExternAccess},
        {"meter_array_set_rates", {{'q', ""}, {'r', ""}}, kExternAccess},
        {"check_counter", {}, kExternAccess},
    };
    for (const auto& c : kCommands)
        if (word == c.word) return &c;
    return nullptr;
}

// meter_rate: RATE:BURST ... where RATE may have a fraction.
bool meterRates(LineParser& p, const std::string& command) {
    do {
        if (!p.number("a rate", command)) return false;
        if (p.peek('.')) {
            p.literal(".", command);
            if (!p.number("the rate's fraction", command)) return false;
        }
        if (!p.literal(":", command) || !p.number("a burst size", command)) return false;
    } while (!p.atEnd());
    return true;
}

// OP NUMBER, where OP is one of == != <= >= < >.
bool comparison(LineParser& p, const std::string& command) {
    p.skipSpace();
    static const char* const kOps[] = {"==", "!=", "<=", ">=", "<", ">"};
    bool op = false;
    for (const char* o : kOps)
        if (!op && p.peekText(o)) op = p.literal(o, command);
    if (!op)
        return p.fail(p.pos(),
                      fmt::format("expected a comparison (== != < <= > >=) in '{}'", command));
    return p.number("a value", command) && p.end(command);
}

// check_counter NAME(ID_OR_INDEX) [bytes|packets OP NUMBER]
bool checkCounter(LineParser& p, const std::string& command) {
    if (!p.qualifiedName(command) || !p.literal("(", command)) return false;
    p.skipSpace();
    const size_t at = p.pos();
    if (p.word().empty()) return p.fail(at, "expected an entry name or index in 'check_counter'");
    if (!p.literal(")", command)) return false;
    if (p.atEnd()) return true;
    const size_t typeAt = p.pos();
    const std::string type = p.word();
    if (type != "bytes" && type != "packets")
        return p.fail(typeAt, "expected 'bytes' or 'packets' in 'check_counter'");
    return comparison(p, command);
}

bool directArgs(LineParser& p, const DirectCommand& c) {
    const std::string command = c.word;
    if (command == "check_counter") return checkCounter(p, command);
    for (const DirectArg& a : c.args) {
        bool ok = true;
        switch (a.kind) {
            case 'n':
                ok = p.number(a.name, command);
                break;
            case 'l':
                ok = p.number(a.name, command);
                while (ok && !p.atEnd()) ok = p.number(a.name, command);
                break;
            case 'q':
                ok = p.qualifiedName(command);
                break;
            case 'c':  // hopline's addition: an expected value, checked when the line runs
                if (!p.atEnd()) return comparison(p, command);
                break;
            default:
                ok = meterRates(p, command);
                break;
        }
        if (!ok) return false;
    }
    return p.end(command);
}

std::string rtrim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

}  // namespace

bool parseStf(const std::string& text, const std::string& path, StfFile& file, std::string& error) {
    file.path = path;
    file.commands.clear();
    file.note.clear();
    std::string unsupported, unsupportedNote;  // the first well-formed command that cannot run
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    while (std::getline(in, raw)) {
        ++lineNo;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        std::string line = raw.substr(0, raw.find('#'));
        LineParser p(path, lineNo, line);
        if (p.atEnd()) continue;
        StfCommand cmd;
        cmd.line = lineNo;
        cmd.col = static_cast<int>(p.pos()) + 1;
        const size_t wordPos = p.pos();
        const std::string word = p.word();
        if (word.empty()) {
            p.fail(wordPos, fmt::format("expected an STF command, found '{}'", line[wordPos]));
            error = p.error();
            return false;
        }
        if (word == "packet") {
            cmd.kind = StfCommand::Kind::Packet;
            bool exact = false;
            if (!p.port(word, cmd.port) || !p.data(false, cmd.nibbles, exact)) {
                error = p.error();
                return false;
            }
            if (cmd.nibbles.empty()) {
                p.fail(p.pos(), "a packet needs data");
                error = p.error();
                return false;
            }
            for (size_t i = 0; i + 1 < cmd.nibbles.size(); i += 2) {
                cmd.bytes.push_back(static_cast<uint8_t>(cmd.nibbles[i] << 4 | cmd.nibbles[i + 1]));
            }
            cmd.nibbles.clear();
        } else if (word == "expect") {
            cmd.kind = StfCommand::Kind::Expect;
            if (!p.port(word, cmd.port) || !p.data(true, cmd.nibbles, cmd.exactLength)) {
                error = p.error();
                return false;
            }
            cmd.anyContent = cmd.nibbles.empty();
        } else if (word == "add" || word == "setdefault") {
            cmd.kind = StfCommand::Kind::Table;
            if (p.atEnd()) {
                p.fail(p.pos(), fmt::format("expected a table name after '{}'", word));
                error = p.error();
                return false;
            }
            cmd.text = rtrim(line.substr(wordPos));
        } else if (word == "wait") {
            cmd.kind = StfCommand::Kind::Wait;
            if (!p.atEnd()) {
                p.fail(p.pos(), "unexpected text after 'wait'");
                error = p.error();
                return false;
            }
        } else if (tables::isTmCommand(word)) {
            tables::ParseError pe;
            cmd.kind = StfCommand::Kind::Tm;
            cmd.text = rtrim(line.substr(wordPos));
            cmd.tm = tables::parseTmCommand(line, tables::Origin{path, lineNo, 0}, pe);
            if (!cmd.tm) {
                error = pe.str();
                return false;
            }
        } else if (const DirectCommand* direct = directCommand(word)) {
            if (!directArgs(p, *direct)) {
                error = p.error();
                return false;
            }
            if (!direct->needs) {
                cmd.kind = StfCommand::Kind::Extern;
                cmd.text = rtrim(line.substr(wordPos));
                file.commands.push_back(std::move(cmd));
                continue;
            }
            // Well-formed: the rest of the file is still checked for malformed lines first.
            if (unsupported.empty()) {
                p.fail(wordPos, fmt::format("STF command '{}' is not supported by hopline", word));
                unsupported = p.error();
                unsupportedNote = fmt::format("{}:{}:{}: note: '{}' needs {}", path, lineNo,
                                              wordPos + 1, word, direct->needs);
            }
            continue;
        } else if (isUnsupportedStfCommand(word)) {
            p.fail(wordPos, fmt::format("STF command '{}' is not supported by hopline", word));
            error = p.error();
            return false;
        } else {
            p.fail(wordPos, fmt::format("unknown STF command '{}'", word));
            error = p.error();
            return false;
        }
        file.commands.push_back(std::move(cmd));
    }
    if (!unsupported.empty()) {
        error = unsupported;
        file.note = unsupportedNote;
        return false;
    }
    return true;
}

bool readStf(const std::string& path, StfFile& file, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path + ": error: cannot read the file";
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parseStf(text.str(), path, file, error);
}

bool expectationMatches(const StfCommand& expect, const std::vector<uint8_t>& received) {
    if (expect.anyContent) return true;
    const size_t receivedNibbles = received.size() * 2;
    if (receivedNibbles < expect.nibbles.size()) return false;
    if (expect.exactLength && receivedNibbles != expect.nibbles.size()) return false;
    for (size_t i = 0; i < expect.nibbles.size(); ++i) {
        const int want = expect.nibbles[i];
        const int got = (i % 2 == 0) ? received[i / 2] >> 4 : received[i / 2] & 0xf;
        if (want >= 0 && want != got) return false;
    }
    return true;
}

std::string formatComparison(const StfCommand& expect, const std::vector<uint8_t>& received) {
    const size_t expectedBytes = expect.anyContent ? 0 : expect.nibbles.size() / 2;
    // Without `$` the received packet may be longer: its tail is shown but not marked.
    const size_t rows = (std::max(expectedBytes, received.size()) + 15) / 16;
    std::string text;
    for (size_t row = 0; row < rows; ++row) {
        std::string exp, got, marks;
        bool differs = false;
        for (size_t i = row * 16;
             i < std::min((row + 1) * 16, std::max(expectedBytes, received.size())); ++i) {
            std::string e = "..", g = "..";
            bool bad = false;
            if (i < expectedBytes) {
                e.clear();
                for (int k = 0; k < 2; ++k) {
                    int n = expect.nibbles[2 * i + k];
                    e += n < 0 ? '*' : "0123456789abcdef"[n];
                }
            } else if (!expect.exactLength) {
                e = "  ";
            }
            if (i < received.size()) g = fmt::format("{:02x}", received[i]);
            if (i < expectedBytes && i >= received.size()) {
                bad = true;
            } else if (i >= expectedBytes) {
                bad = expect.exactLength;
            } else {
                for (int k = 0; k < 2; ++k) {
                    int n = expect.nibbles[2 * i + k];
                    int r = k == 0 ? received[i] >> 4 : received[i] & 0xf;
                    if (n >= 0 && n != r) bad = true;
                }
            }
            const char* sep = i % 16 == 0 ? "" : " ";
            exp += sep + e;
            got += sep + g;
            marks += std::string(sep) + (bad ? "^^" : "  ");
            differs = differs || bad;
        }
        text += fmt::format("    {:04x}  expected  {}\n", row * 16, rtrim(exp));
        text += fmt::format("          received  {}\n", rtrim(got));
        if (differs) text += fmt::format("                    {}\n", rtrim(marks));
    }
    return text;
}

namespace {

struct Sent {
    const StfCommand* command;
    sim::Decision decision;
    std::vector<std::pair<uint32_t, size_t>> outputs;  // port, length
    bool released = false;  // a port_resume line: what left the queues it released
};

struct Received {
    std::vector<uint8_t> bytes;
    size_t sentIndex;  // which Sent produced it
};

std::string location(const StfFile& file, const StfCommand& cmd) {
    return fmt::format("{}:{}:{}", file.path, cmd.line, cmd.col);
}

// Drains the engine after `cmd`; false after saying that the engine failed.
bool drainOrSay(sim::Engine& engine, const StfFile& file, const StfCommand& cmd,
                sim::Drained& drained, std::ostream& out) {
    std::string engineError;
    if (engine.drain(drained, engineError)) return true;
    out << fmt::format("{}: error: {} engine: {}\n", location(file, cmd), engine.name(),
                       engineError);
    out << fmt::format("FAIL: {} (the {} engine failed)\n", file.path, engine.name());
    return false;
}

}  // namespace

bool runTmLine(sim::Engine& engine, const tables::TmCommand& command, const std::string& where,
               std::ostream& out, std::string& error) {
    tables::TrafficManager* tm = engine.trafficManager();
    if (!tm) {
        error = fmt::format(
            "{}: error: the {} engine has no traffic manager: multicast groups, mirroring "
            "sessions and queues need the switch top's (--rtl-top switch) or the model "
            "(--engine model)",
            where, engine.name());
        return false;
    }
    std::vector<std::string> lines;
    std::string message;
    const bool ok = engine.runTm(command, lines, message);
    for (const auto& l : lines) out << l << "\n";
    if (!ok) error = fmt::format("{}: error: {}", where, message);
    return ok;
}

int runStf(sim::Engine& engine, const StfFile& file, const StfOptions& options, std::ostream& out,
           std::ostream& err) {
    const ir::Program& program = engine.program();

    // Every table line is checked against the program before any packet runs, so a typo late
    // in the file is reported at once rather than after a misleading run.
    std::vector<std::optional<tables::Command>> tableCommands(file.commands.size());
    for (size_t i = 0; i < file.commands.size(); ++i) {
        const StfCommand& cmd = file.commands[i];
        if (cmd.kind != StfCommand::Kind::Table) continue;
        tables::ParseError parseError;
        tableCommands[i] = tables::parseStfTableCommand(
            program, cmd.text, tables::Origin{file.path, cmd.line, cmd.col}, parseError);
        if (!tableCommands[i]) {
            err << parseError.str() << "\n";
            return 1;
        }
    }

    // Counters, registers and meters are read and written on the model, or through the RTL's
    // CSRs; an engine with neither is said once, at the first such line, before any packet.
    const std::unique_ptr<ExternAccess> access = externAccess(engine);
    ExternAccess* model = access.get();
    for (const StfCommand& cmd : file.commands) {
        if (cmd.kind == StfCommand::Kind::Extern && !model) {
            int ignored = 0;
            runStfExtern(nullptr, file, cmd, out, err, ignored);
            return 1;
        }
    }

    // The traffic manager's lines need an engine that has one: said once, before any packet.
    for (const StfCommand& cmd : file.commands) {
        if (cmd.kind == StfCommand::Kind::Tm && !engine.trafficManager()) {
            std::string message;
            runTmLine(engine, *cmd.tm, location(file, cmd), out, message);
            err << message << "\n";
            return 1;
        }
    }

    std::vector<Sent> sent;
    int modelErrors = 0;
    int checkFailures = 0;
    std::map<uint32_t, std::vector<Received>> received;
    std::map<uint32_t, std::vector<const StfCommand*>> expected;
    for (size_t i = 0; i < file.commands.size(); ++i) {
        const StfCommand& cmd = file.commands[i];
        switch (cmd.kind) {
            case StfCommand::Kind::Packet: {
                sim::Packet packet{cmd.port, cmd.bytes, sent.size() * kStfPacketGapNs};
                engine.send(packet);
                sim::Drained drained;
                if (!drainOrSay(engine, file, cmd, drained, out)) return 1;
                sim::Completed done;
                if (!drained.completed.empty()) done = std::move(drained.completed.front());
                if (options.tracePackets) {
                    printTrace(
                        out, fmt::format("packet {} ({}:{})", sent.size() + 1, file.path, cmd.line),
                        packet, done, engine.cpuPort());
                }
                if (!done.error.empty()) {
                    // Not a verdict on the program: the engine could not run it. Say so rather
                    // than report a confusing missing packet.
                    ++modelErrors;
                    out << fmt::format("{}: error: {}\n", location(file, cmd), done.error);
                }
                sim::Decision decision;
                if (done.decision) {
                    decision = *done.decision;
                } else if (done.outputs.empty()) {
                    decision.kind = sim::Decision::Kind::Drop;
                } else {
                    decision.egressPort = done.outputs.front().port;
                    if (engine.cpuPort() != 0 && decision.egressPort == engine.cpuPort())
                        decision.kind = sim::Decision::Kind::Punt;
                }
                Sent s{&cmd, decision, {}};
                for (auto& output : done.outputs) {
                    s.outputs.emplace_back(output.port, output.bytes.size());
                    received[output.port].push_back({std::move(output.bytes), sent.size()});
                }
                sent.push_back(std::move(s));
                break;
            }
            case StfCommand::Kind::Expect:
                expected[cmd.port].push_back(&cmd);
                break;
            case StfCommand::Kind::Table: {
                std::string message;
                if (!engine.apply(*tableCommands[i], message)) {
                    err << fmt::format("{}: error: {}\n", location(file, cmd), message);
                    return 1;
                }
                break;
            }
            case StfCommand::Kind::Wait:
                break;
            case StfCommand::Kind::Extern:
                if (!runStfExtern(model, file, cmd, out, err, checkFailures)) return 1;
                break;
            case StfCommand::Kind::Tm: {
                std::string message;
                if (!runTmLine(engine, *cmd.tm, location(file, cmd), out, message)) {
                    err << message << "\n";
                    return 1;
                }
                if (cmd.tm->kind != tables::TmCommand::Kind::PortResume) break;
                // What waited for the port leaves now: the resume line's outputs.
                sim::Drained drained;
                if (!drainOrSay(engine, file, cmd, drained, out)) return 1;
                Sent s{&cmd, {}, {}, true};
                auto take = [&](sim::Packet& output) {
                    s.outputs.emplace_back(output.port, output.bytes.size());
                    received[output.port].push_back({std::move(output.bytes), sent.size()});
                };
                for (auto& c : drained.completed)
                    for (auto& output : c.outputs) take(output);
                for (auto& o : drained.unattributed) take(o.packet);
                sent.push_back(std::move(s));
                break;
            }
        }
    }

    std::map<uint32_t, bool> ports;
    for (const auto& [port, list] : expected) ports[port] = true;
    for (const auto& [port, list] : received) ports[port] = true;
    int failures = modelErrors + checkFailures;
    int matched = 0;
    for (const auto& [port, unused] : ports) {
        const auto& want = expected[port];
        const auto& got = received[port];
        for (size_t k = 0; k < std::max(want.size(), got.size()); ++k) {
            if (k < want.size() && k < got.size()) {
                if (expectationMatches(*want[k], got[k].bytes)) {
                    ++matched;
                    continue;
                }
                ++failures;
                out << fmt::format(
                    "{}: error: port {}, packet {}: the received packet differs from the "
                    "expected one (sent by the packet at line {})\n",
                    location(file, *want[k]), port, k + 1, sent[got[k].sentIndex].command->line);
                out << formatComparison(*want[k], got[k].bytes);
            } else if (k < want.size()) {
                ++failures;
                out << fmt::format(
                    "{}: error: port {}, packet {}: expected packet did not "
                    "arrive\n",
                    location(file, *want[k]), port, k + 1);
                if (!want[k]->anyContent) out << formatComparison(*want[k], {});
            } else {
                ++failures;
                const Sent& s = sent[got[k].sentIndex];
                out << fmt::format(
                    "{}: error: port {}, packet {}: unexpected packet (sent by "
                    "the packet at line {})\n",
                    location(file, *s.command), port, k + 1, s.command->line);
                StfCommand none;
                none.kind = StfCommand::Kind::Expect;
                out << formatComparison(none, got[k].bytes);
            }
        }
    }

    if (failures == 0) {
        const auto packets =
            std::count_if(sent.begin(), sent.end(), [](const Sent& s) { return !s.released; });
        out << fmt::format("PASS: {} ({} packets sent, {} expected)\n", file.path, packets,
                           matched);
        return 0;
    }
    // Where every packet went: the quickest way to see which one was dropped, and why.
    out << "packets sent:\n";
    for (const Sent& s : sent) {
        std::string where = describeDecision(s.decision);
        if (s.decision.kind != sim::Decision::Kind::Drop && !s.outputs.empty()) {
            where.clear();
            for (const auto& [port, length] : s.outputs) {
                if (!where.empty()) where += ", ";
                where += fmt::format("port {} ({} bytes)", port, length);
            }
            if (s.decision.kind == sim::Decision::Kind::Punt) {
                where += " [" + describeDecision(s.decision) + "]";
            }
        }
        if (s.released)
            out << fmt::format("  line {:<4} port_resume           -> {}\n", s.command->line,
                               s.outputs.empty() ? "nothing" : where);
        else
            out << fmt::format("  line {:<4} port {:<3} {:>4} bytes -> {}\n", s.command->line,
                               s.command->port, s.command->bytes.size(), where);
    }
    out << fmt::format(
        "FAIL: {} ({} of {} expected packets matched, {} errors)\n", file.path, matched,
        [&] {
            size_t n = 0;
            for (const auto& [p, l] : expected) n += l.size();
            return n;
        }(),
        failures);
    return 1;
}

}  // namespace hop::hopsim
