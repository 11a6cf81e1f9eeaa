// SPDX-License-Identifier: Apache-2.0
// `hopsim serve`: the board's statistics, as text (printed at the end, the STATS request) and as
// JSON (the STATS request).
#include <fmt/format.h>

#include "sim/hopsim/serve_board.hpp"

namespace hop::hopsim::serving {

std::string Board::statsText() {
    const auto& st = engine_.stats();
    const double up = std::chrono::duration<double>(Clock::now() - started_).count();
    std::string text = fmt::format("{} (DATA_W={}), up {:.1f} s, {} cycles, {} frames in, {} out\n",
                                   engine_.program().name, engine_.dataWidth(), up, st.cycles,
                                   st.framesIn, st.framesOut);
    text += fmt::format("{:<16} {:>12} {:>14} {:>12} {:>14} {:>10}\n", "port", "rx packets",
                        "rx bytes", "tx packets", "tx bytes", "tx errors");
    for (const auto& [p, ps] : ports_) {
        std::string label = std::to_string(p);
        if (const Tap* t = tapOf(p)) {
            label += " (" + t->name + (t->gone ? ", gone)" : ")");
        } else if (engine_.cpuPort() != 0 && p == engine_.cpuPort()) {
            label += " (cpu)";
        } else {
            label += " (none)";
        }
        text += fmt::format("{:<16} {:>12} {:>14} {:>12} {:>14} {:>10}\n", label, ps.rxPackets,
                            ps.rxBytes, ps.txPackets, ps.txBytes, ps.txErrors);
    }
    const nlohmann::json pipeline = statsJson()["pipeline"];
    if (pipeline.contains("error")) {
        text += "pipeline counters: " + pipeline["error"].get<std::string>() + "\n";
    } else {
        text += fmt::format(
            "pipeline counters: {} frames in, {} out, {} dropped ({} by the program, {} too "
            "long)\n",
            pipeline["rx"].get<uint32_t>(), pipeline["tx"].get<uint32_t>(),
            pipeline["dropped"].get<uint32_t>(), pipeline["dropped_by_program"].get<uint32_t>(),
            pipeline["too_long"].get<uint32_t>());
    }
    if (!puntReasons_.empty()) {
        text += "punts by packet_in reason:";
        for (const auto& [reason, n] : puntReasons_)
            text += fmt::format(" {} x {}", n, reason.empty() ? "(no reason field)" : reason);
        text += "\n";
    }
    if (latSamples_)
        text += fmt::format(
            "latency (cycles, first beat in to first beat out, frames alone in the pipeline): "
            "min {}, mean {:.1f}, max {} over {} frames\n",
            latMin_, double(latSum_) / double(latSamples_), latMax_, latSamples_);
    if (st.firstIn >= 0 && st.lastOut >= st.firstIn)
        text += fmt::format(
            "packets per clock: {:.4f} (frames in over cycles from the first beat "
            "in to the last beat out)\n",
            double(st.framesIn) / double(st.lastOut - st.firstIn + 1));
    text += fmt::format(
        "not delivered: {} to unattached ports, {} punts with no client, {} punts while the "
        "client was not reading, {} oversize frames from TAPs\n",
        unattached_, puntNoClient_, puntBacklog_, oversize_);
    text += fmt::format(
        "clients: {} served, {} refused (busy), {} CSR reads, {} CSR writes ({} write lists), {} "
        "request errors\n",
        clients_, refused_, csrReads_, csrWrites_, writeLists_, requestErrors_);
    return text;
}

nlohmann::json Board::statsJson() {
    const auto& st = engine_.stats();
    nlohmann::json j;
    j["program"] = engine_.program().name;
    j["data_width"] = engine_.dataWidth();
    j["cpu_port"] = engine_.cpuPort();
    j["uptime_s"] = std::chrono::duration<double>(Clock::now() - started_).count();
    j["cycles"] = st.cycles;
    j["frames_in"] = st.framesIn;
    j["frames_out"] = st.framesOut;
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& [p, ps] : ports_) {
        const Tap* t = tapOf(p);
        ports.push_back(
            {{"port", p},
             {"attached",
              t ? t->name : (engine_.cpuPort() != 0 && p == engine_.cpuPort() ? "cpu" : "")},
             {"rx_packets", ps.rxPackets},
             {"rx_bytes", ps.rxBytes},
             {"tx_packets", ps.txPackets},
             {"tx_bytes", ps.txBytes},
             {"tx_errors", ps.txErrors}});
    }
    j["ports"] = ports;
    nlohmann::json punts = nlohmann::json::object();
    for (const auto& [reason, n] : puntReasons_) punts[reason.empty() ? "none" : reason] = n;
    j["punts_by_reason"] = punts;
    if (latSamples_)
        j["latency_cycles"] = {{"min", latMin_},
                               {"mean", double(latSum_) / double(latSamples_)},
                               {"max", latMax_},
                               {"samples", latSamples_}};
    if (st.firstIn >= 0 && st.lastOut >= st.firstIn)
        j["packets_per_clock"] = double(st.framesIn) / double(st.lastOut - st.firstIn + 1);
    // The pipeline's own counters (32 bits, wrapping), read over its CSR bus now.
    const regmap::RegMap& map = engine_.built().regmap;
    std::string error;
    auto word = [&](regmap::PipelineWord w) {
        return engine_.read(map.pipelineBase + 4 * static_cast<uint32_t>(w), error);
    };
    auto rx = word(regmap::kWordRxPackets);
    auto tx = rx ? word(regmap::kWordTxPackets) : std::nullopt;
    auto dropped = tx ? word(regmap::kWordDropped) : std::nullopt;
    auto tooLong = dropped ? word(regmap::kWordTooLong) : std::nullopt;
    if (tooLong) {
        j["pipeline"] = {{"rx", *rx},
                         {"tx", *tx},
                         {"dropped", *dropped},
                         {"too_long", *tooLong},
                         {"dropped_by_program", static_cast<uint32_t>(*dropped - *tooLong)}};
    } else {
        j["pipeline"] = {{"error", error}};
    }
    j["undelivered"] = {{"unattached_port", unattached_},
                        {"punt_no_client", puntNoClient_},
                        {"punt_client_backlog", puntBacklog_},
                        {"tap_oversize", oversize_}};
    j["clients"] = {{"served", clients_},          {"refused", refused_},
                    {"csr_reads", csrReads_},      {"csr_writes", csrWrites_},
                    {"write_lists", writeLists_},  {"request_errors", requestErrors_},
                    {"connected", client_.fd >= 0}};
    return j;
}

}  // namespace hop::hopsim::serving
