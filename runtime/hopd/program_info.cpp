// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/program_info.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hop::hopd {

namespace fs = std::filesystem;

namespace {

uint64_t getBits(router::ByteView bytes, int offset, int width) {
    uint64_t value = 0;
    for (int i = 0; i < width; ++i) {
        const int bit = offset + i;
        value = value << 1 | ((bytes[static_cast<size_t>(bit / 8)] >> (7 - bit % 8)) & 1);
    }
    return value;
}

void setBits(uint8_t* bytes, int offset, int width, uint64_t value) {
    for (int i = 0; i < width; ++i) {
        const int bit = offset + i;
        const uint8_t mask = static_cast<uint8_t>(1u << (7 - bit % 8));
        if ((value >> (width - 1 - i)) & 1) {
            bytes[bit / 8] |= mask;
        } else {
            bytes[bit / 8] &= static_cast<uint8_t>(~mask);
        }
    }
}

// One controllerPacketMetadata entry; nullopt with `why` (without the file).
std::optional<ControllerHeaderLayout> parseLayout(const nlohmann::json& entry,
                                                  const std::string& name, std::string& why) {
    ControllerHeaderLayout layout;
    layout.name = name;
    const auto metadata = entry.find("metadata");
    if (metadata == entry.end() || !metadata->is_array() || metadata->empty()) {
        why = fmt::format("controllerPacketMetadata '{}' has no metadata fields", name);
        return std::nullopt;
    }
    int offset = 0;
    for (size_t i = 0; i < metadata->size(); ++i) {
        const auto& f = (*metadata)[i];
        const auto fieldName = f.is_object() ? f.find("name") : f.end();
        const auto bits = f.is_object() ? f.find("bitwidth") : f.end();
        if (fieldName == f.end() || !fieldName->is_string() ||
            fieldName->get<std::string>().empty()) {
            why = fmt::format("controllerPacketMetadata '{}' field {} has no name", name, i + 1);
            return std::nullopt;
        }
        if (bits == f.end() || !bits->is_number_integer() || bits->get<int64_t>() < 1 ||
            bits->get<int64_t>() > 4096) {
            why = fmt::format(
                "controllerPacketMetadata '{}' field '{}' has no valid bitwidth "
                "(a positive integer)",
                name, fieldName->get<std::string>());
            return std::nullopt;
        }
        const int width = static_cast<int>(bits->get<int64_t>());
        layout.fields.push_back({fieldName->get<std::string>(), width, offset});
        offset += width;
    }
    if (offset % 8 != 0) {
        why = fmt::format("controllerPacketMetadata {} is {} bits, not a whole number of bytes",
                          layout.str(), offset);
        return std::nullopt;
    }
    layout.bytes = offset / 8;
    return layout;
}

bool needField(const ControllerHeaderLayout& layout, const char* field, int maxBits,
               std::string& why) {
    const auto* f = layout.field(field);
    if (!f) {
        why = fmt::format("controllerPacketMetadata {} has no field '{}'", layout.str(), field);
        return false;
    }
    if (f->bits > maxBits) {
        why = fmt::format("controllerPacketMetadata {}: '{}' is {} bits, hopd takes at most {}",
                          layout.str(), field, f->bits, maxBits);
        return false;
    }
    return true;
}

}  // namespace

const ControllerHeaderLayout::Field* ControllerHeaderLayout::field(
    const std::string& fieldName) const {
    for (const auto& f : fields) {
        if (f.name == fieldName) return &f;
    }
    return nullptr;
}

std::string ControllerHeaderLayout::str() const {
    std::string s = name + " {";
    for (size_t i = 0; i < fields.size(); ++i) {
        s += fmt::format("{}{}:{}", i ? ", " : "", fields[i].name, fields[i].bits);
    }
    return s + "}";
}

std::optional<PacketIn> ProgramInfo::decodePacketIn(router::ByteView message) const {
    const size_t size = static_cast<size_t>(packetIn.bytes);
    if (message.size() < size) return std::nullopt;
    const auto* port = packetIn.field("ingress_port");
    const auto* reason = packetIn.field("reason");
    PacketIn in;
    in.ingressPort = static_cast<router::Port>(getBits(message, port->offset, port->bits));
    in.reason = static_cast<uint8_t>(getBits(message, reason->offset, reason->bits));
    in.frame = message.subspan(size);
    return in;
}

router::Bytes ProgramInfo::encodePacketOut(router::Port port, router::ByteView frame) const {
    const size_t size = static_cast<size_t>(packetOut.bytes);
    router::Bytes out(size + frame.size(), 0);
    const auto* f = packetOut.field("egress_port");
    setBits(out.data(), f->offset, f->bits, port & ((1u << f->bits) - 1));
    std::copy(frame.begin(), frame.end(), out.begin() + static_cast<std::ptrdiff_t>(size));
    return out;
}

std::optional<ProgramInfo> parseP4Info(const nlohmann::json& doc, const std::string& file,
                                       std::string& error, bool controllerHeaders) {
    std::string why;
    auto fail = [&]() -> std::optional<ProgramInfo> {
        error = fmt::format("{}: error: {}", file, why);
        return std::nullopt;
    };
    if (!doc.is_object()) {
        why = "not a P4Info JSON object";
        return fail();
    }
    ProgramInfo info;
    info.file = file;
    std::map<std::string, ControllerHeaderLayout> layouts;
    if (auto list = doc.find("controllerPacketMetadata"); list != doc.end()) {
        if (!list->is_array()) {
            why = "controllerPacketMetadata is not a list";
            return fail();
        }
        for (const auto& entry : *list) {
            const auto preamble = entry.is_object() ? entry.find("preamble") : entry.end();
            if (preamble == entry.end() || !preamble->is_object() || !preamble->contains("name") ||
                !(*preamble)["name"].is_string()) {
                why = "a controllerPacketMetadata entry has no preamble name";
                return fail();
            }
            const std::string name = (*preamble)["name"].get<std::string>();
            if (name != "packet_in" && name != "packet_out") continue;
            auto layout = parseLayout(entry, name, why);
            if (!layout) return fail();
            layouts[name] = *layout;
        }
    }
    const bool none = layouts.empty() && !controllerHeaders;
    for (const char* name : {"packet_in", "packet_out"}) {
        if (!layouts.count(name) && !none) {
            why = fmt::format(
                "no controllerPacketMetadata '{}' (hopd needs a header annotated "
                "@controller_header(\"{}\"); router.p4's are packet_in {{ingress_port:9, "
                "reason:7}} and packet_out {{egress_port:9, _pad:7}})",
                name, name);
            return fail();
        }
    }
    info.packetIn = layouts["packet_in"];
    info.packetOut = layouts["packet_out"];
    if (!none && (!needField(info.packetIn, "ingress_port", 16, why) ||
                  !needField(info.packetIn, "reason", 8, why) ||
                  !needField(info.packetOut, "egress_port", 16, why))) {
        return fail();
    }
    if (auto tables = doc.find("tables"); tables != doc.end() && tables->is_array()) {
        for (const auto& t : *tables) {
            const auto preamble = t.is_object() ? t.find("preamble") : t.end();
            if (preamble == t.end() || !preamble->is_object()) continue;
            const std::string name = preamble->value("name", "");
            const std::string alias = preamble->value("alias", name);
            if (!name.empty()) info.tables[alias] = name;
        }
    }
    return info;
}

std::optional<ProgramInfo> readP4InfoFile(const std::string& path, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = path + ": error: cannot read the file";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded()) {
        error = path + ": error: malformed JSON";
        return std::nullopt;
    }
    return parseP4Info(doc, path, error);
}

std::optional<std::string> findP4InfoFile(const std::string& directory,
                                          const std::string& sourcePath, std::string& error) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.ends_with(".p4info.json") && entry.is_regular_file(ec)) {
            found.push_back(entry.path().string());
        }
    }
    std::sort(found.begin(), found.end());
    if (found.size() == 1) return found[0];
    if (found.size() > 1) {
        const fs::path wanted =
            fs::path(directory) / (fs::path(sourcePath).stem().string() + ".p4info.json");
        for (const auto& f : found) {
            if (fs::path(f) == wanted) return f;
        }
        error = fmt::format("{}: error: {} P4Info files and none named {}", directory, found.size(),
                            wanted.filename().string());
        return std::nullopt;
    }
    error = fmt::format(
        "{}: error: no PROGRAM.p4info.json in this hopc output directory (hopd "
        "reads the packet_in / packet_out layout from it); compile the program "
        "again with hopc",
        directory);
    return std::nullopt;
}

}  // namespace hop::hopd
