// SPDX-License-Identifier: Apache-2.0
#include "sim/board/linerate.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <set>

#include "runtime/common/progress.hpp"

namespace hop::board {

namespace {

uint16_t csum16(const uint8_t* p, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i]) << 8 | p[i + 1];
    if (n % 2) sum += static_cast<uint32_t>(p[n - 1]) << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

void put16(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

constexpr const char* kInRow =
    "  {:>7}  {:>9}  {:>9}  {:>9}  {:>10}  {:>9}  {:>9}  {:>9}  {:>6}  {:>9}\n";

std::string percent(uint64_t part, uint64_t whole) {
    if (whole == 0) return "-";
    return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

}  // namespace

std::vector<uint8_t> defaultTemplate(uint32_t port) {
    const uint8_t p = static_cast<uint8_t>(port);
    return {0x02, 0x00, 0x00, 0x00, 0x00, p,                             // dst MAC
            0x0a, 0x00, 0x00, 0x00, 0x00, 0x01,                          // src MAC
            0x08, 0x00,                                                  // IPv4
            0x45, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,  // v4, TTL 64, UDP
            0x00, 0x00,                                                  // checksum
            192,  0,    2,    1,                                         // src
            198,  51,   100,  p,                                         // dst
            0x04, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00};             // UDP 1024 -> 9
}

std::vector<uint8_t> frameFromTemplate(const std::vector<uint8_t>& tmpl, size_t bytes) {
    std::vector<uint8_t> f(bytes, 0);
    std::copy_n(tmpl.begin(), std::min(tmpl.size(), bytes), f.begin());
    if (bytes >= 34 && f[12] == 0x08 && f[13] == 0x00 && (f[14] >> 4) == 4) {
        const size_t ihl = (f[14] & 0xf) * 4u;
        if (ihl >= 20 && 14 + ihl <= bytes) {
            const size_t total = bytes - 14;
            put16(&f[16], static_cast<uint32_t>(std::min<size_t>(total, 0xffff)));
            put16(&f[24], 0);
            put16(&f[24], csum16(&f[14], ihl));
            if (f[23] == 17 && 14 + ihl + 8 <= bytes) {
                put16(&f[14 + ihl + 4],
                      static_cast<uint32_t>(std::min<size_t>(total - ihl, 0xffff)));
                put16(&f[14 + ihl + 6], 0);
            }
        }
    }
    return f;
}

bool parsePortList(const std::string& text, std::vector<uint32_t>& ports, std::string& error) {
    std::set<uint32_t> set;
    size_t pos = 0;
    auto number = [&](uint32_t& v) {
        const size_t start = pos;
        uint64_t n = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            n = std::min<uint64_t>(n * 10 + (text[pos] - '0'), 100000);
            ++pos;
        }
        if (pos == start || n > 510) return false;
        v = static_cast<uint32_t>(n);
        return true;
    };
    while (pos < text.size()) {
        uint32_t lo = 0, hi = 0;
        if (!number(lo)) {
            error = fmt::format("'{}': expected port numbers 0..510 like 1,2 or 1-4", text);
            return false;
        }
        hi = lo;
        if (pos < text.size() && text[pos] == '-') {
            ++pos;
            if (!number(hi) || hi < lo) {
                error = fmt::format("'{}': expected a range like 1-4", text);
                return false;
            }
        }
        for (uint32_t p = lo; p <= hi; ++p) set.insert(p);
        if (pos < text.size()) {
            if (text[pos] != ',') {
                error = fmt::format("'{}': expected port numbers 0..510 like 1,2 or 1-4", text);
                return false;
            }
            ++pos;
        }
    }
    if (set.empty()) {
        error = "no ports given";
        return false;
    }
    ports.assign(set.begin(), set.end());
    return true;
}

bool parseRate(const std::string& text, double& gbps, std::string& error) {
    std::string t = text;
    double scale = 1;
    if (!t.empty() && (t.back() == 'G' || t.back() == 'g')) {
        t.pop_back();
    } else if (!t.empty() && (t.back() == 'M' || t.back() == 'm')) {
        t.pop_back();
        scale = 1e-3;
    }
    try {
        size_t used = 0;
        const double v = std::stod(t, &used);
        if (used != t.size() || !(v > 0)) throw std::invalid_argument("rate");
        gbps = v * scale;
        return true;
    } catch (const std::exception&) {
        error = fmt::format("'{}': expected a line rate like 100G, 25G, 10G or 400M", text);
        return false;
    }
}

bool parseHexBytes(const std::string& text, std::vector<uint8_t>& bytes, std::string& error) {
    bytes.clear();
    int pending = -1;
    for (char c : text) {
        if (c == ' ' || c == ':' || c == '_') continue;
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) {
            error = fmt::format("'{}': not hex bytes", text);
            return false;
        }
        if (pending < 0) {
            pending = v;
        } else {
            bytes.push_back(static_cast<uint8_t>(pending << 4 | v));
            pending = -1;
        }
    }
    if (pending >= 0 || bytes.empty()) {
        error = fmt::format("'{}': expected an even number of hex digits", text);
        return false;
    }
    return true;
}

int runLineRate(BoardEngine& engine, const LineRateOptions& options, std::ostream& out,
                std::ostream& err, nlohmann::json* json) {
    Board& board = engine.board();
    const BoardConfig& config = board.config();
    const size_t frameBytes = options.frameSize - kFcsBytes;
    const uint64_t wire = wireBytes(frameBytes);
    std::map<uint32_t, double> rate;
    for (const auto& p : config.ports) rate[p.port] = p.gbps;

    std::string error;
    auto before = engine.pipelineCounters(error);
    if (!before) {
        err << "hopsim: error: board: " << error << "\n";
        return 3;
    }
    board.resetCounters();

    std::vector<std::pair<uint32_t, Generator>> generators;
    double window = 0;  // seconds the slowest port takes to offer its frames
    for (uint32_t port : options.offerPorts) {
        auto it = options.templates.find(port);
        const std::vector<uint8_t> base = frameFromTemplate(
            it != options.templates.end() ? it->second : defaultTemplate(port), frameBytes);
        Generator g;
        g.count = options.frames;
        g.make = [base, port](uint64_t i) {
            Frame f{port, base};
            writeTag(f.bytes, port, static_cast<uint32_t>(i));
            return f;
        };
        generators.emplace_back(port, std::move(g));
        window = std::max(
            window, static_cast<double>(options.frames) * wireTime(wire, rate[port]).to_seconds());
    }

    const double start = engine.now();
    common::Progress progress(
        err, options.progress ? common::Progress::modeFor(2) : common::Progress::Mode::Off);
    auto offered = [&](double share) {
        if (!progress.due()) return;
        progress.show(fmt::format("  offered {:3d}% of {} frames", static_cast<int>(share * 100),
                                  options.frames * options.offerPorts.size()));
    };
    const auto wallStart = std::chrono::steady_clock::now();
    const bool ran = engine.runTraffic(std::move(generators), error, offered);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    progress.clear();
    if (!ran) {
        err << "hopsim: error: board: " << error << "\n";
        return 3;
    }
    const double elapsed = engine.now() - start;
    auto after = engine.pipelineCounters(error);
    if (!after) {
        err << "hopsim: error: board: " << error << "\n";
        return 3;
    }
    const uint32_t dRx = after->rx - before->rx, dTx = after->tx - before->tx;
    const uint32_t dDropped = after->dropped - before->dropped;
    const uint32_t dTooLong = after->tooLong - before->tooLong;

    const Counters& c = board.counters();
    const double clockHz = config.clockMhz * 1e6;
    const int lanes = engine.dataWidth() / 8;
    const int beatsPerFrame = static_cast<int>((frameBytes + lanes - 1) / lanes);

    // Per ingress port: offered = FIFO drops + entered; entered = pipeline drops + left; left =
    // forwarded + to host + queue drops + no port.
    bool perPortOk = true;
    uint64_t sumEntered = 0, sumPipelineDrops = 0, sumLeft = 0, sumForwarded = 0;
    nlohmann::json jin = nlohmann::json::array();
    std::string inRows;
    for (const auto& [port, in] : c.ingress) {
        if (in.offered == 0 && in.entered == 0) continue;
        const uint64_t pipelineDrops = in.entered >= in.left ? in.entered - in.left : 0;
        const bool ok = in.entered >= in.left && in.offered == in.fifoDrops + in.entered &&
                        in.left == in.forwarded + in.toHost + in.queueDrops + in.noPortDrops;
        perPortOk = perPortOk && ok;
        sumEntered += in.entered;
        sumPipelineDrops += pipelineDrops;
        sumLeft += in.left;
        sumForwarded += in.forwarded;
        inRows +=
            fmt::format(kInRow, port, in.offered, in.fifoDrops, pipelineDrops, in.queueDrops,
                        in.noPortDrops, in.toHost, in.forwarded, percent(in.forwarded, in.offered),
                        fmt::format("{}/{}", in.fifoHighWater, config.inputFifoBeats));
        jin.push_back({{"port", port},
                       {"rate_gbps", rate.count(port) ? rate[port] : 0.0},
                       {"offered", in.offered},
                       {"fifo_drops", in.fifoDrops},
                       {"entered", in.entered},
                       {"pipeline_drops", pipelineDrops},
                       {"queue_drops", in.queueDrops},
                       {"no_port_drops", in.noPortDrops},
                       {"to_host", in.toHost},
                       {"forwarded", in.forwarded},
                       {"fifo_high_water", in.fifoHighWater},
                       {"fifo_depth", config.inputFifoBeats},
                       {"conserved", ok}});
    }
    nlohmann::json jout = nlohmann::json::array();
    std::string outRows;
    uint64_t sumSent = 0;
    for (const auto& [port, e] : c.egress) {
        sumSent += e.frames;
        // Over the time the port was sending: its first frame's start to its last frame's gap.
        double busy = 0, mpps = 0, gbps = 0;
        if (e.frames > 0) {
            busy = e.lastEnd - e.firstStart + wireTime(kGapBytes, rate[port]).to_seconds();
            mpps = static_cast<double>(e.frames) / busy / 1e6;
            gbps = static_cast<double>(e.frames * wire * 8) / busy / 1e9;
        }
        outRows += fmt::format("  {:>7}  {:>9}  {:>8.2f}  {:>7.1f}  {:>10}  {:>9}\n", port,
                               e.frames, mpps, gbps, e.queueDrops,
                               fmt::format("{}/{}", e.queueHighWater, config.queueBeats));
        jout.push_back({{"port", port},
                        {"rate_gbps", rate[port]},
                        {"frames", e.frames},
                        {"bytes", e.bytes},
                        {"mpps", mpps},
                        {"wire_gbps", gbps},
                        {"queue_drops", e.queueDrops},
                        {"queue_high_water", e.queueHighWater},
                        {"queue_depth", config.queueBeats}});
    }
    // The pipeline's pace while frames went in: from the first frame's first beat to the last
    // frame's last beat.
    double perClock = 0;
    if (c.enteredPipeline > 0) {
        const double cycles = (c.lastEntered - c.firstEntered) * clockHz + beatsPerFrame;
        perClock = static_cast<double>(c.enteredPipeline) / cycles;
    }
    // The board's counts against the pipeline's own.
    const bool countersOk = c.untagged == 0 && sumEntered == dRx && sumPipelineDrops == dDropped &&
                            sumLeft == dTx && sumForwarded == sumSent;
    const bool ok = perPortOk && countersOk;

    std::string ports;
    for (uint32_t p : options.offerPorts) ports += (ports.empty() ? "" : ", ") + std::to_string(p);
    std::string rates;
    std::set<double> distinct;
    for (uint32_t p : options.offerPorts) distinct.insert(rate[p]);
    for (double r : distinct) rates += (rates.empty() ? "" : "/") + fmt::format("{:g}", r);
    const double mppsPerPort =
        options.offerPorts.empty() ? 0 : 1e3 * rate[options.offerPorts[0]] / (wire * 8.0);
    out << fmt::format(
        "board: {} (DATA_W={}), pipeline clock {:g} MHz, input FIFOs {} beats, output queues {} "
        "beats ({} bytes a beat)\n",
        engine.built().program, engine.dataWidth(), config.clockMhz, config.inputFifoBeats,
        config.queueBeats, lanes);
    out << fmt::format(
        "traffic: {} frames of {} bytes (FCS included; {} bytes on the wire) on port{} {} at {} "
        "Gb/s: {:.2f} Mpps per port, {} beat{} a frame; offered in {:.1f} us, {:.1f} us "
        "simulated\n",
        options.frames, options.frameSize, wire, options.offerPorts.size() > 1 ? "s" : "", ports,
        rates, mppsPerPort, beatsPerFrame, beatsPerFrame > 1 ? "s" : "", window * 1e6,
        elapsed * 1e6);
    out << fmt::format(
        "pipeline: {} frames in, {:.3f} frames and {:.3f} beats per clock while they went in (at "
        "most 1 beat)\n",
        c.enteredPipeline, perClock, perClock * beatsPerFrame);
    const uint64_t offeredFrames = options.frames * options.offerPorts.size();
    out << fmt::format(
        "simulation: {:.2f} s of wall time for the traffic, {:.0f} offered frames and {:.0f} "
        "pipeline clocks a wall second\n",
        wall, wall > 0 ? static_cast<double>(offeredFrames) / wall : 0.0,
        wall > 0 ? elapsed * clockHz / wall : 0.0);
    out << "\n"
        << fmt::format(kInRow, "ingress", "offered", "FIFO drop", "pipe drop", "queue drop",
                       "no port", "to host", "forwarded", "fwd %", "FIFO HWM")
        << inRows;
    out << "\n"
        << fmt::format("  {:>7}  {:>9}  {:>8}  {:>7}  {:>10}  {:>9}\n", "egress", "sent", "Mpps",
                       "Gb/s", "queue drop", "queue HWM")
        << outRows;
    out << fmt::format(
        "\npipeline counters (CSR): RX {}, TX {}, DROPPED {} (TOO_LONG {}, by the program {})\n",
        dRx, dTx, dDropped, dTooLong, dDropped - dTooLong);
    out << fmt::format(
        "conservation: offered = forwarded + to host + drops, per port: {}; board counts agree "
        "with the pipeline's counters: {}{}\n",
        perPortOk ? "yes" : "NO", countersOk ? "yes" : "NO",
        c.untagged ? fmt::format(" ({} frames came out without their tag)", c.untagged) : "");

    if (json) {
        *json = {
            {"program", engine.built().program},
            {"data_width", engine.dataWidth()},
            {"clock_mhz", config.clockMhz},
            {"frame_size", options.frameSize},
            {"wire_bytes", wire},
            {"frames_per_port", options.frames},
            {"beats_per_frame", beatsPerFrame},
            {"offered_window_us", window * 1e6},
            {"simulated_us", elapsed * 1e6},
            {"wall_seconds", wall},
            {"pipeline_frames_per_clock", perClock},
            {"ingress", jin},
            {"egress", jout},
            {"pipeline", {{"rx", dRx}, {"tx", dTx}, {"dropped", dDropped}, {"too_long", dTooLong}}},
            {"to_host", c.toHost},
            {"no_port", c.noPort},
            {"untagged", c.untagged},
            {"conservation", {{"per_port", perPortOk}, {"pipeline_counters", countersOk}}},
            {"ok", ok}};
    }
    return ok ? 0 : 1;
}

}  // namespace hop::board
