// SPDX-License-Identifier: Apache-2.0
#include "sim/hopsim/trace.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace hop::hopsim {

namespace {

// Enough of an output packet to recognise it; the pcap or STF comparison has the rest.
constexpr size_t kTraceBytes = 64;

}  // namespace

std::string describeDecision(const sim::Decision& decision) {
    using K = sim::Decision::Kind;
    switch (decision.kind) {
        case K::Forward:
            return fmt::format("forwarded to port {}", decision.egressPort);
        case K::Drop:
            return decision.reason.empty() ? std::string("dropped")
                                           : fmt::format("dropped ({})", decision.reason);
        case K::Punt:
            return decision.reason.empty()
                       ? fmt::format("punted to the CPU port {}", decision.egressPort)
                       : fmt::format("punted to the CPU port {} (reason {})", decision.egressPort,
                                     decision.reason);
    }
    return "?";
}

std::string hexBytes(const std::vector<uint8_t>& bytes) {
    std::string text;
    text.reserve(bytes.size() * 3);
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (i) text += ' ';
        text += fmt::format("{:02x}", bytes[i]);
    }
    return text;
}

void printTrace(std::ostream& out, const std::string& label, const sim::Packet& in,
                const sim::Result& result) {
    out << fmt::format("{}: in port {}, {} bytes\n", label, in.port, in.bytes.size());
    // The model's event texts name their own kind ("parser state ...", "table ..."), so they
    // are printed as they are, one per line; multi-line texts stay indented.
    for (const auto& event : result.trace) {
        std::string text;
        for (char c : event.text) {
            text += c;
            if (c == '\n') text += "    ";
        }
        while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
        out << "  " << text << "\n";
    }
    out << fmt::format("  decision: {}\n", describeDecision(result.decision));
    for (const auto& packet : result.outputs) {
        std::vector<uint8_t> shown(
            packet.bytes.begin(),
            packet.bytes.begin() + static_cast<long>(std::min(packet.bytes.size(), kTraceBytes)));
        out << fmt::format("  out port {}, {} bytes: {}{}\n", packet.port, packet.bytes.size(),
                           hexBytes(shown), packet.bytes.size() > kTraceBytes ? " ..." : "");
    }
}

void printTrace(std::ostream& out, const std::string& label, const sim::Packet& in,
                const sim::Completed& done, uint32_t cpuPort) {
    if (done.decision) {
        sim::Result r;
        r.outputs = done.outputs;
        r.decision = *done.decision;
        r.trace = done.trace;
        r.error = done.error;
        printTrace(out, label, in, r);
        return;
    }
    out << fmt::format("{}: in port {}, {} bytes\n", label, in.port, in.bytes.size());
    if (done.inFirst >= 0) {
        out << fmt::format("  rtl: in at cycles {}..{}\n", done.inFirst, done.inLast);
    }
    if (!done.error.empty()) out << fmt::format("  error: {}\n", done.error);
    if (done.outputs.empty()) {
        out << "  decision: dropped (the RTL does not say why; --engine model --trace-packets "
               "does)\n";
    }
    for (const auto& packet : done.outputs) {
        std::vector<uint8_t> shown(
            packet.bytes.begin(),
            packet.bytes.begin() + static_cast<long>(std::min(packet.bytes.size(), kTraceBytes)));
        out << fmt::format("  rtl: out at cycles {}..{} (latency {} cycles)\n", done.outFirst,
                           done.outLast, done.outFirst - done.inFirst);
        out << fmt::format(
            "  decision: {} port {}\n",
            cpuPort != 0 && packet.port == cpuPort ? "punted to the CPU" : "forwarded to",
            packet.port);
        out << fmt::format("  out port {}, {} bytes: {}{}\n", packet.port, packet.bytes.size(),
                           hexBytes(shown), packet.bytes.size() > kTraceBytes ? " ..." : "");
    }
}

}  // namespace hop::hopsim
