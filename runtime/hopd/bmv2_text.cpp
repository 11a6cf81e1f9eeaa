// SPDX-License-Identifier: Apache-2.0
#include "runtime/hopd/bmv2_text.hpp"

#include <fmt/format.h>

#include <ios>

namespace hop::hopd {

std::string hex(const tables::BigInt& value) { return "0x" + value.str(0, std::ios_base::hex); }

namespace {

std::string keyText(const ir::TableKey& key, const tables::KeyMatch& m) {
    using K = ir::Match::Kind;
    const tables::BigInt all = (tables::BigInt(1) << key.width) - 1;
    switch (m.kind) {
        case K::Exact:
            if (key.matchKind == ir::MatchKind::Lpm) {
                return fmt::format("{}/{}", hex(m.value), key.width);
            }
            if (key.matchKind == ir::MatchKind::Ternary) {
                return hex(m.value) + "&&&" + hex(all);
            }
            if (key.matchKind == ir::MatchKind::Range) return hex(m.value) + "->" + hex(m.value);
            return hex(m.value);
        case K::Lpm:
            return fmt::format("{}/{}", hex(m.value), m.prefixLen);
        case K::Ternary:
            return hex(m.value) + "&&&" + hex(m.mask);
        case K::Range:
            return hex(m.value) + "->" + hex(m.high);
        case K::DontCare:
            switch (key.matchKind) {
                case ir::MatchKind::Lpm:
                    return "0x0/0";
                case ir::MatchKind::Range:
                    return "0x0->" + hex(all);
                case ir::MatchKind::Optional:
                    return "*";
                default:
                    return "0x0&&&0x0";
            }
    }
    return "*";
}

std::string actionArgs(const tables::Entry& entry) {
    std::string text;
    for (const auto& arg : entry.action.args) text += " " + hex(arg);
    return text;
}

}  // namespace

std::string toBmv2(const ir::Program& program, const tables::Command& command) {
    const ir::Table& table = program.tables.at(static_cast<size_t>(command.entry.table));
    const auto& entry = command.entry;
    const std::string action =
        entry.action.action >= 0 ? program.actions.at(entry.action.action).name : "";
    using Kind = tables::Command::Kind;
    switch (command.kind) {
        case Kind::Add: {
            std::string text = fmt::format("table_add {} {}", table.name, action);
            for (size_t i = 0; i < entry.keys.size(); ++i) {
                text += " " + keyText(table.keys[i], entry.keys[i]);
            }
            text += " =>" + actionArgs(entry);
            if (entry.priority) text += fmt::format(" {}", -*entry.priority);
            return text;
        }
        case Kind::Modify:
            return fmt::format("table_modify {} {} {} =>{}", table.name, action,
                               command.handle.value_or(-1), actionArgs(entry));
        case Kind::Delete:
            return fmt::format("table_delete {} {}", table.name, command.handle.value_or(-1));
        case Kind::SetDefault:
            return fmt::format("table_set_default {} {}{}", table.name, action, actionArgs(entry));
        case Kind::Clear:
            return fmt::format("table_clear {}", table.name);
    }
    return {};
}

}  // namespace hop::hopd
