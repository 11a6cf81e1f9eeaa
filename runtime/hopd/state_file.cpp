// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/state_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <ios>
#include <limits>
#include <sstream>

#include "regmap/regmap.hpp"
#include "runtime/hopd/failure.hpp"

namespace hop::hopd {

namespace {

// A value as the BMv2 CLI takes it, appended (a full table is a million lines: no temporary
// strings for values that fit 64 bits).
void appendHex(std::string& out, const tables::BigInt& value) {
    out += "0x";
    if (value >= 0 && value <= std::numeric_limits<uint64_t>::max()) {
        char digits[16];
        auto [end, ec] =
            std::to_chars(digits, digits + sizeof digits, value.convert_to<uint64_t>(), 16);
        out.append(digits, end);
        return;
    }
    out += value.str(0, std::ios_base::hex);
}

void appendNumber(std::string& out, int64_t value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    out.append(digits, end);
}

void appendKey(std::string& out, const ir::TableKey& key, const tables::KeyMatch& m) {
    using K = ir::Match::Kind;
    const auto all = [&] { return (tables::BigInt(1) << key.width) - 1; };
    switch (m.kind) {
        case K::Exact:
            appendHex(out, m.value);
            if (key.matchKind == ir::MatchKind::Lpm) {
                out += '/';
                appendNumber(out, key.width);
            } else if (key.matchKind == ir::MatchKind::Ternary) {
                out += "&&&";
                appendHex(out, all());
            } else if (key.matchKind == ir::MatchKind::Range) {
                out += "->";
                appendHex(out, m.value);
            }
            return;
        case K::Lpm:
            appendHex(out, m.value);
            out += '/';
            appendNumber(out, m.prefixLen);
            return;
        case K::Ternary:
            appendHex(out, m.value);
            out += "&&&";
            appendHex(out, m.mask);
            return;
        case K::Range:
            appendHex(out, m.value);
            out += "->";
            appendHex(out, m.high);
            return;
        case K::DontCare:
            switch (key.matchKind) {
                case ir::MatchKind::Lpm:
                    out += "0x0/0";
                    return;
                case ir::MatchKind::Range:
                    out += "0x0->";
                    appendHex(out, all());
                    return;
                case ir::MatchKind::Optional:
                    out += '*';
                    return;
                default:
                    out += "0x0&&&0x0";
                    return;
            }
    }
    out += '*';
}

void appendArgs(std::string& out, const tables::Entry& entry) {
    for (const auto& arg : entry.action.args) {
        out += ' ';
        appendHex(out, arg);
    }
}

std::optional<uint32_t> number(const std::string& text, uint32_t max) {
    uint32_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v > max) return std::nullopt;
    return v;
}

}  // namespace

void appendCommandLine(std::string& out, const ir::Program& program,
                       const tables::Command& command) {
    const ir::Table& table = program.tables.at(static_cast<size_t>(command.entry.table));
    const auto& entry = command.entry;
    const std::string& action =
        entry.action.action >= 0 ? program.actions.at(entry.action.action).name : table.name;
    using Kind = tables::Command::Kind;
    switch (command.kind) {
        case Kind::Add:
            out += "table_add ";
            out += table.name;
            out += ' ';
            out += action;
            for (size_t i = 0; i < entry.keys.size(); ++i) {
                out += ' ';
                appendKey(out, table.keys[i], entry.keys[i]);
            }
            out += " =>";
            appendArgs(out, entry);
            if (entry.priority) {
                out += ' ';
                appendNumber(out, -*entry.priority);
            }
            return;
        case Kind::Modify:
            out += fmt::format("table_modify {} {} {} =>", table.name, action,
                               command.handle.value_or(-1));
            appendArgs(out, entry);
            return;
        case Kind::Delete:
            out += fmt::format("table_delete {} {}", table.name, command.handle.value_or(-1));
            return;
        case Kind::SetDefault:
            out += fmt::format("table_set_default {} {}", table.name, action);
            appendArgs(out, entry);
            return;
        case Kind::Clear:
            out += fmt::format("table_clear {}", table.name);
            return;
    }
}

std::string commandLine(const ir::Program& program, const tables::Command& command) {
    std::string out;
    appendCommandLine(out, program, command);
    return out;
}

std::string stateHeader(const std::string& program, int dataWidth, const std::string& device) {
    return fmt::format("@hopd-state 1 {} {} {}", program, dataWidth, device);
}

std::string StateRecord::str() const {
    switch (kind) {
        case Kind::Link:
            return fmt::format("@link {} {}", port, id);
        case Kind::Nexthop:
            return fmt::format("@nexthop {} {}", ip.str(), id);
        case Kind::Host:
            return fmt::format("@host {} {}", ip.str(), id);
        case Kind::NexthopFree:
            return fmt::format("@nexthop-free {}", ip.str());
        case Kind::Route:
            return "@route " + route.str();
        case Kind::RouteDel:
            return fmt::format("@route-del {}/{}", route.prefix.str(), route.length);
    }
    return {};
}

std::optional<StateRecord> StateRecord::parse(const std::vector<Word>& words, std::string& error) {
    StateRecord r;
    const std::string kind = words.empty() ? "" : words[0].text;
    auto address = [&](const std::string& text) {
        auto ip = router::Ipv4Addr::parse(text);
        if (!ip) error = "invalid address";
        return ip;
    };
    auto id = [&](const std::string& text) {
        auto v = number(text, 65535);
        if (!v) error = fmt::format("invalid id '{}'", text);
        return v;
    };
    if ((kind == "@nexthop" || kind == "@host") && words.size() == 3) {
        r.kind = kind == "@host" ? Kind::Host : Kind::Nexthop;
        auto ip = address(words[1].text);
        auto v = ip ? id(words[2].text) : std::nullopt;
        if (!v) return std::nullopt;
        r.ip = *ip;
        r.id = static_cast<uint16_t>(*v);
        return r;
    }
    if (kind == "@nexthop-free" && words.size() == 2) {
        r.kind = Kind::NexthopFree;
        auto ip = address(words[1].text);
        if (!ip) return std::nullopt;
        r.ip = *ip;
        return r;
    }
    if (kind == "@link" && words.size() == 3) {
        r.kind = Kind::Link;
        auto port = number(words[1].text, 65535);
        auto v = id(words[2].text);
        if (!port || !v) {
            if (!port) error = fmt::format("invalid port '{}'", words[1].text);
            return std::nullopt;
        }
        r.port = static_cast<router::Port>(*port);
        r.id = static_cast<uint16_t>(*v);
        return r;
    }
    if (kind == "@route" && words.size() >= 2) {
        r.kind = Kind::Route;
        auto spec = parseRouteWords({words.begin() + 1, words.end()}, error);
        if (!spec) return std::nullopt;
        r.route = *spec;
        return r;
    }
    if (kind == "@route-del" && words.size() == 2) {
        r.kind = Kind::RouteDel;
        if (!parsePrefix(words[1].text, r.route.prefix, r.route.length, error)) {
            return std::nullopt;
        }
        return r;
    }
    error = fmt::format("unknown record '{}'", kind);
    return std::nullopt;
}

void StateJournal::create(const std::string& path, const std::string& header) {
    out_.open(path, std::ios::trunc);
    if (!out_) throw Failure(1, path + ": error: cannot write the state file");
    write(header + "\n", 0);
}

void StateJournal::append(const std::string& path) {
    out_.open(path, std::ios::app);
    if (!out_) throw Failure(1, path + ": error: cannot write the state file");
}

void StateJournal::write(const std::string& text, uint64_t lines) {
    if (!out_.is_open()) return;
    lines_ += lines;
    out_ << text;
    out_.flush();  // before the CSR writes: a crash in between replays the command
}

void StateJournal::record(const StateRecord& record) { write(record.str() + "\n"); }

void StateJournal::command(const ir::Program& program, const tables::Command& command) {
    write(commandLine(program, command) + "\n");
}

void StateJournal::bulk(const ir::Program& program, ir::TableId table,
                        const tables::EntrySource& source) {
    if (!out_.is_open()) return;
    // In pieces of about 1 MiB: a full table's 70 MB of lines never sit in memory at once.
    constexpr size_t kPiece = 1 << 20;
    std::string lines = fmt::format("@bulk {}\n", source.count);
    lines.reserve(kPiece + 4096);
    tables::Command c;
    for (size_t i = 0; i < source.count; ++i) {
        source.at(i, c.entry);
        c.entry.table = table;
        appendCommandLine(lines, program, c);
        lines += '\n';
        if (lines.size() >= kPiece) {
            out_ << lines;
            lines.clear();
        }
    }
    write(lines, source.count + 1);
}

namespace {

// `bytes` into `path`, synced to the disk before it returns; throws Failure(1).
void writeSynced(const std::string& path, const std::string& bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Failure(1, path + ": error: cannot write the state file's snapshot");
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            ::close(fd);
            throw Failure(1, path + ": error: cannot write the state file's snapshot");
        }
        done += static_cast<size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    if (::close(fd) != 0 || !synced) {
        throw Failure(1, path + ": error: cannot write the state file's snapshot");
    }
}

std::string snapshotPrefix(const std::string& statePath) {
    return std::filesystem::path(statePath).filename().string() + ".snap.";
}

}  // namespace

std::string StateJournal::compact(const std::string& path, const std::string& header,
                                  const std::string& snapshot,
                                  const std::vector<StateRecord>& records) {
    namespace fs = std::filesystem;
    const uint64_t hash = regmap::fnv1a64(snapshot);
    const std::string name = fmt::format("{}{:016x}", snapshotPrefix(path), hash);
    const fs::path dir = fs::path(path).parent_path();
    const std::string file = (dir / name).string();
    writeSynced(file, snapshot);
    std::string text =
        fmt::format("{}\n@snapshot {} {} {:016x}\n", header, name, snapshot.size(), hash);
    for (const auto& r : records) text += r.str() + "\n";
    writeSynced(path + ".new", text);
    out_.close();
    std::error_code ec;
    fs::rename(path + ".new", path, ec);
    if (ec) throw Failure(1, path + ": error: cannot replace the state file: " + ec.message());
    if (!snapshotFile_.empty() && snapshotFile_ != file) fs::remove(snapshotFile_, ec);
    snapshotFile_ = file;
    lines_ = 0;
    append(path);
    return file;
}

void StateJournal::removeSnapshots(const std::string& path) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(path).parent_path();
    const std::string prefix = snapshotPrefix(path);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
        if (e.path().filename().string().starts_with(prefix)) fs::remove(e.path(), ec);
    }
}

uint64_t readState(std::istream& in, const std::string& path, const ir::Program& program,
                   const StateVisitor& visitor) {
    std::string line, why;
    int lineNo = 1;
    uint64_t commands = 0;
    auto bad = [&](int at, const std::string& message) {
        return Failure(1, fmt::format("{}:{}: error: {}", path, at, message));
    };
    auto parse = [&](int at) {
        tables::ParseError parseError;
        auto cmd = tables::parseBmv2Command(program, line, {path, at, 1}, parseError);
        if (!cmd) {
            if (parseError.message.empty()) parseError.message = "empty command";
            throw Failure(1, parseError.str());
        }
        return std::move(*cmd);
    };
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        if (line[0] != '@') {
            if (!visitor.command(parse(lineNo), why)) throw bad(lineNo, why);
            ++commands;
            continue;
        }
        const auto words = splitWords(line);
        if (words[0].text == "@snapshot") {
            if (lineNo != 2) throw bad(lineNo, "a @snapshot record belongs on line 2");
            if (words.size() != 4) throw bad(lineNo, "@snapshot needs FILE BYTES HASH");
            const std::string& name = words[1].text;
            if (name.find('/') != std::string::npos) {
                throw bad(lineNo, fmt::format("snapshot '{}' is not a file name", name));
            }
            const std::string file = (std::filesystem::path(path).parent_path() / name).string();
            std::ifstream snap(file, std::ios::binary);
            if (!snap) throw bad(lineNo, fmt::format("cannot read the snapshot {}", file));
            std::ostringstream bytes;
            bytes << snap.rdbuf();
            const std::string data = std::move(bytes).str();
            const std::string size = std::to_string(data.size());
            const std::string hash = fmt::format("{:016x}", regmap::fnv1a64(data));
            if (size != words[2].text || hash != words[3].text) {
                throw bad(lineNo, fmt::format("the snapshot {} is {} bytes with hash {}, the "
                                              "state file says {} bytes with hash {}",
                                              file, size, hash, words[2].text, words[3].text));
            }
            if (!visitor.snapshot || !visitor.snapshot(data, file, why)) {
                throw bad(lineNo, fmt::format("snapshot {}: {}", file, why));
            }
            continue;
        }
        if (words[0].text == "@bulk" && words.size() == 2) {
            const int first = lineNo;
            const auto count = number(words[1].text, UINT32_MAX);
            if (!count) throw bad(lineNo, fmt::format("invalid count '{}'", words[1].text));
            std::vector<tables::Command> adds;
            adds.reserve(*count);
            for (size_t i = 0; i < *count; ++i) {
                if (!std::getline(in, line)) {
                    throw bad(first, fmt::format("the @bulk record announces {} commands, the "
                                                 "file ends after {}",
                                                 *count, i));
                }
                adds.push_back(parse(++lineNo));
            }
            if (!visitor.bulk(std::move(adds), why)) throw bad(first, why);
            commands += *count;
            continue;
        }
        auto record = StateRecord::parse(words, why);
        if (!record || !visitor.record(*record, why)) throw bad(lineNo, why);
    }
    return commands;
}

}  // namespace hop::hopd
