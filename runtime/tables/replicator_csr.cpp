// SPDX-License-Identifier: Apache-2.0
// The replication engine's driver (replicator_csr.hpp).
#include "runtime/tables/replicator_csr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <limits>

#include "regmap/replicator_words.hpp"

namespace hop::tables {

namespace {

constexpr uint32_t kInfoBusy = 1u << 23;

}  // namespace

struct ReplicatorCsr::Plan {
    std::vector<Write> writes;  // the free node entries, then the group words
    struct Change {
        uint32_t group = 0;
        ReplicatorGroup before, after;
        std::vector<uint32_t> freed;  // entries of the old run the new run does not keep
    };
    std::vector<Change> changes;  // in the order of their group words in `writes`
    uint32_t rover = 0;
};

ReplicatorCsr::ReplicatorCsr(ReplicatorGeometry geometry, CsrPort port)
    : geo_(geometry),
      port_(std::move(port)),
      groups_(geometry.groups),
      nodes_(geometry.nodes),
      owner_(geometry.nodes, 0) {}

uint32_t ReplicatorCsr::freeNodes() const {
    return static_cast<uint32_t>(std::count(owner_.begin(), owner_.end(), 0u));
}

bool ReplicatorCsr::checkGroupId(uint32_t group, std::string& error) const {
    if (group < geo_.groups) return true;
    error = fmt::format("multicast group {} is past the replication engine's {} groups (1 to {})",
                        group, geo_.groups, geo_.groups - 1);
    return false;
}

bool ReplicatorCsr::portMask(const std::vector<uint32_t>& ports, uint32_t& mask,
                             std::string& error) const {
    mask = 0;
    const uint32_t front = geo_.cpuPort ? geo_.ports - 1 : geo_.ports;
    for (uint32_t p : ports) {
        if (geo_.cpuPort && p == geo_.cpuPort) {
            mask |= 1u << front;
            continue;
        }
        if (p >= front) {
            error = geo_.cpuPort ? fmt::format(
                                       "port {} is not a port of the switch (0 to {}, and the CPU "
                                       "port {})",
                                       p, front - 1, geo_.cpuPort)
                                 : fmt::format(
                                       "port {} is past the replication engine's {} ports (0 to "
                                       "{})",
                                       p, geo_.ports, geo_.ports - 1);
            return false;
        }
        mask |= 1u << p;
    }
    return true;
}

// Finds where each group's new list goes; `plan` gets the writes. Works on a copy of the
// ownership so that one group's new run is not given to the next; the entries a group frees
// stay taken until its group word is written, after the whole plan.
bool ReplicatorCsr::planGroups(const TrafficManager& tm, const std::vector<uint32_t>& groups,
                               Plan& plan, std::string& error) const {
    std::vector<uint32_t> owner = owner_;
    plan.rover = rover_;
    const uint32_t nodes = geo_.nodes;
    std::vector<Write> groupWrites;
    std::vector<uint32_t> ids = groups;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (uint32_t g : ids) {
        std::vector<ReplicatorNode> want;
        uint64_t copies = 0;
        if (tm.hasGroup(g)) {
            if (!checkGroupId(g, error)) return false;
            for (int h : tm.groups().at(g)) {
                const TrafficManager::Node& n = tm.nodes().at(h);
                uint32_t mask = 0;
                if (!portMask(n.ports, mask, error)) {
                    error = fmt::format("multicast group {}, node {}: {}", g, h, error);
                    return false;
                }
                want.push_back({n.rid, mask});
                copies += static_cast<uint64_t>(std::popcount(mask));
            }
        } else if (g >= geo_.groups) {
            continue;  // neither in the TrafficManager nor in the block
        }
        if (copies > kReplMaxCopies) {
            error = fmt::format(
                "multicast group {} would make {} copies of a packet; the replication engine "
                "counts at most {}",
                g, copies, kReplMaxCopies);
            return false;
        }
        const ReplicatorGroup old = groups_[g];
        const uint32_t n = static_cast<uint32_t>(want.size());
        if (n == old.count && std::equal(want.begin(), want.end(), nodes_.begin() + old.base))
            continue;  // unchanged: not written
        ReplicatorGroup next;
        next.count = n;
        next.copies = static_cast<uint32_t>(copies);
        if (n > 0) {
            // The run that writes the fewest entries: a free run, or one that keeps entries of
            // the old run holding the right nodes. Those start where the old run holds the new
            // first node (appending a node or removing the first or last writes no kept
            // entry); an entry outside the old run must be free (any other is read by packets).
            constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
            uint32_t best = kNone, bestCost = kNone;
            for (uint32_t b = old.base; b < old.base + old.count && b + n <= nodes; ++b) {
                if (nodes_[b] != want[0]) continue;
                uint32_t cost = 0;
                bool fits = true;
                for (uint32_t i = 1; i < n && fits && cost < bestCost; ++i) {
                    const uint32_t e = b + i;
                    if (owner[e] == g && nodes_[e] == want[i]) continue;
                    fits = owner[e] == 0;
                    ++cost;
                }
                if (fits && cost < bestCost) best = b, bestCost = cost;
            }
            if (bestCost > n) {
                // Next-fit: from the rover to the end, then from the start.
                auto firstFree = [&](uint32_t from) {
                    uint32_t run = 0;
                    for (uint32_t e = from; e < nodes; ++e) {
                        run = owner[e] == 0 ? run + 1 : 0;
                        if (run == n) return e + 1 - n;
                    }
                    return kNone;
                };
                best = firstFree(plan.rover);
                if (best == kNone) best = firstFree(0);
                if (best == kNone) {
                    uint32_t run = 0, longest = 0, freeCount = 0, held = 0;
                    for (uint32_t e = 0; e < nodes; ++e) {
                        run = owner[e] == 0 ? run + 1 : 0;
                        freeCount += owner[e] == 0;
                        held += owner[e] == kHeld;
                        longest = std::max(longest, run);
                    }
                    error = fmt::format(
                        "node table full: multicast group {} needs {} consecutive node entries "
                        "of the replication engine's {}; {} are free, the longest free run is {}",
                        g, n, nodes, freeCount, longest);
                    if (held)
                        error += fmt::format(
                            "; {} more were freed by changes that packets may still be "
                            "reading (free once the engine has no packet left that read the "
                            "old group words)",
                            held);
                    return false;
                }
                plan.rover = (best + n) % nodes;
            }
            next.base = best;
            for (uint32_t i = 0; i < n; ++i) {
                const uint32_t e = best + i;
                if (owner[e] == g) continue;  // kept from the old run
                owner[e] = g;
                plan.writes.push_back({false, e, want[i], {}});
            }
        }
        Plan::Change change{g, old, next, {}};
        for (uint32_t e = old.base; e < old.base + old.count; ++e)
            if (e < next.base || e >= next.base + next.count) change.freed.push_back(e);
        groupWrites.push_back({true, g, {}, next});
        plan.changes.push_back(std::move(change));
    }
    plan.writes.insert(plan.writes.end(), groupWrites.begin(), groupWrites.end());
    return true;
}

bool ReplicatorCsr::command(uint32_t index, uint32_t op, uint32_t data0, uint32_t data1,
                            std::string& error) const {
    auto at = [&](uint32_t word) { return geo_.base + 4 * word; };
    const bool write = op == regmap::kReplWriteGroup || op == regmap::kReplWriteNode;
    if (!port_.write(at(regmap::kReplWordIndex), index, error) ||
        (write && !port_.write(at(regmap::kReplWordData0), data0, error)) ||
        (write && !port_.write(at(regmap::kReplWordData1), data1, error)) ||
        !port_.write(at(regmap::kReplWordCmd), op, error))
        return false;
    auto status = port_.read(at(regmap::kReplWordCmd), error);
    if (!status) return false;
    if (*status & 1) {
        static const char* const kNames[] = {"", "WRITE_GROUP", "WRITE_NODE", "READ_GROUP",
                                             "READ_NODE"};
        error = fmt::format("the replication engine refused {} {}", kNames[op], index);
        return false;
    }
    return true;
}

bool ReplicatorCsr::writeEntry(const Write& w, std::string& error) const {
    if (w.group)
        return command(w.index, regmap::kReplWriteGroup,
                       w.word.base | w.word.copies << kReplCopiesShift, w.word.count, error);
    return command(w.index, regmap::kReplWriteNode, w.node.rid, w.node.ports, error);
}

bool ReplicatorCsr::sync(const TrafficManager& tm, const std::vector<uint32_t>& groups,
                         std::string& error) {
    release();
    Plan p;
    if (!planGroups(tm, groups, p, error)) return false;
    if (p.writes.empty()) return true;
    auto info = port_.read(geo_.base + 4 * regmap::kReplWordInfo, error);
    if (!info) return false;
    if (*info & kInfoBusy) {
        error = "the replication engine is busy (clearing its groups after a reset); try again";
        return false;
    }
    size_t done = 0;
    for (; done < p.writes.size(); ++done)
        if (!writeEntry(p.writes[done], error)) break;
    if (done < p.writes.size()) {
        // The node writes went to free entries, which no packet reads; put back the group words
        // already switched, so every group replicates as before. Packets may have read those
        // words meanwhile: their runs are held like freed ones.
        const size_t firstGroup = p.writes.size() - p.changes.size();
        std::string ignored;
        std::vector<uint32_t> walked;
        for (size_t i = firstGroup; i < done; ++i) {
            const Plan::Change& c = p.changes[i - firstGroup];
            writeEntry({true, c.group, {}, c.before}, ignored);
            for (uint32_t e = c.after.base; e < c.after.base + c.after.count; ++e)
                if (owner_[e] == 0) walked.push_back(e);
        }
        hold(walked);
        return false;
    }
    for (const Write& w : p.writes) {
        if (w.group) {
            groups_[w.index] = w.word;
        } else {
            nodes_[w.index] = w.node;
        }
    }
    std::vector<uint32_t> freed;
    for (const Plan::Change& c : p.changes) {
        for (uint32_t e = c.after.base; e < c.after.base + c.after.count; ++e) owner_[e] = c.group;
        freed.insert(freed.end(), c.freed.begin(), c.freed.end());
    }
    hold(freed);
    rover_ = p.rover;
    return true;
}

// A packet's group word is read when it enters the block, and its nodes while it is walked,
// which output backpressure can hold up for any time. INFO's draining bit is set while a packet
// that read its group word before the last WRITE_GROUP has nodes left to read: once it reads
// clear, no packet holding an old word is left, and every run freed so far may be written
// again (a later WRITE_GROUP sets it again, so entries may wait longer, never too little).
void ReplicatorCsr::hold(const std::vector<uint32_t>& entries) {
    if (entries.empty()) return;
    for (uint32_t e : entries) owner_[e] = kHeld;
    held_.insert(held_.end(), entries.begin(), entries.end());
    release();
}

void ReplicatorCsr::release() {
    if (held_.empty()) return;
    std::string ignored;
    const auto info = port_.read(geo_.base + 4 * regmap::kReplWordInfo, ignored);
    if (!info || (*info >> regmap::kReplInfoDrainingBit & 1)) return;
    for (uint32_t e : held_) owner_[e] = 0;
    held_.clear();
}

uint32_t ReplicatorCsr::heldNodes() const {
    return static_cast<uint32_t>(std::count(owner_.begin(), owner_.end(), kHeld));
}

bool ReplicatorCsr::run(TrafficManager& tm, const TmCommand& command, std::vector<std::string>& out,
                        std::string& error) {
    using Kind = TmCommand::Kind;
    // The groups the command can change (a node is in one group at most).
    std::vector<uint32_t> groups;
    switch (command.kind) {
        case Kind::GroupCreate:
        case Kind::GroupDestroy:
        case Kind::GroupOf:
        case Kind::NodeAssociate:
        case Kind::NodeDissociate:
            groups.push_back(command.group);
            break;
        case Kind::NodeUpdate:
        case Kind::NodeDestroy: {
            auto it = tm.nodes().find(command.handle);
            if (it != tm.nodes().end() && it->second.group) groups.push_back(*it->second.group);
            break;
        }
        default:
            break;
    }
    TrafficManager next = tm;
    std::vector<std::string> printed;
    if (!runTmCommand(next, command, printed, error)) return false;
    // Ports the block cannot hold are refused when a node gets them, in a group or not; a
    // clone session's group replicates through the block too.
    uint32_t mask = 0;
    if ((command.kind == Kind::NodeCreate || command.kind == Kind::NodeUpdate) &&
        !portMask(command.ports, mask, error))
        return false;
    if (command.kind == Kind::MirrorAddMc && !checkGroupId(command.group, error)) return false;
    if (!groups.empty() && !sync(next, groups, error)) return false;
    tm = std::move(next);
    out.insert(out.end(), printed.begin(), printed.end());
    return true;
}

bool ReplicatorCsr::sync(const TrafficManager& tm, std::string& error) {
    std::vector<uint32_t> groups;
    for (const auto& [g, handles] : tm.groups()) groups.push_back(g);
    for (uint32_t g = 0; g < geo_.groups; ++g)
        if (!tm.hasGroup(g) && groups_[g] != ReplicatorGroup{}) groups.push_back(g);
    return sync(tm, groups, error);
}

std::optional<ReplicatorGroup> ReplicatorCsr::readGroup(uint32_t group, std::string& error) const {
    if (!checkGroupId(group, error) || !command(group, regmap::kReplReadGroup, 0, 0, error))
        return std::nullopt;
    auto d0 = port_.read(geo_.base + 4 * regmap::kReplWordData0, error);
    auto d1 = d0 ? port_.read(geo_.base + 4 * regmap::kReplWordData1, error) : std::nullopt;
    if (!d1) return std::nullopt;
    return ReplicatorGroup{*d0 & 0xffff, *d1, *d0 >> kReplCopiesShift};
}

std::optional<ReplicatorNode> ReplicatorCsr::readNode(uint32_t node, std::string& error) const {
    if (node >= geo_.nodes) {
        error = fmt::format("node entry {} is past the replication engine's {}", node, geo_.nodes);
        return std::nullopt;
    }
    if (!command(node, regmap::kReplReadNode, 0, 0, error)) return std::nullopt;
    auto d0 = port_.read(geo_.base + 4 * regmap::kReplWordData0, error);
    auto d1 = d0 ? port_.read(geo_.base + 4 * regmap::kReplWordData1, error) : std::nullopt;
    if (!d1) return std::nullopt;
    return ReplicatorNode{*d0, *d1};
}

bool ReplicatorCsr::checkInfo(std::string& error) const {
    auto info = port_.read(geo_.base + 4 * regmap::kReplWordInfo, error);
    if (!info) return false;
    const uint32_t nodes = 1u << (*info & 0xff), groups = 1u << (*info >> 8 & 0xff);
    const uint32_t ports = *info >> 16 & 0x7f;
    if (nodes == geo_.nodes && groups == geo_.groups && ports == geo_.ports) return true;
    error = fmt::format(
        "the replication engine at 0x{:x} has {} ports, {} groups and {} nodes; the driver was "
        "given {}, {} and {}",
        geo_.base, ports, groups, nodes, geo_.ports, geo_.groups, geo_.nodes);
    return false;
}

}  // namespace hop::tables
