// SPDX-License-Identifier: Apache-2.0
// The random traffic generator reaches deep into every example: on the reference model, a
// random table load and random frames must produce forwarded, dropped and (for router.p4)
// punted frames of every reason, and table hits as well as misses, or the differential test
// would compare mostly drops.
#include "tests/diff/traffic.hpp"

#include <gtest/gtest.h>

#include <map>

#include "driver/compile.hpp"
#include "source/preprocess.hpp"
#include "tests/diff/common.hpp"

namespace hop {
namespace {

using difftest::compileExample;

struct Coverage {
    int forwarded = 0, dropped = 0, punted = 0, hits = 0, misses = 0;
    std::map<std::string, int> reasons;
};

Coverage run(const std::string& name, int frames) {
    Coverage c;
    auto fe = compileExample(name);
    if (!fe) return c;
    sim::Model model(*fe->ir);
    difftest::Traffic traffic(*fe->ir, 1234);
    int applied = 0;
    for (const auto& cmd : traffic.tableCommands(64)) {
        std::string error;
        if (model.apply(cmd, error)) ++applied;
    }
    EXPECT_GT(applied, 0) << name;
    for (int i = 0; i < frames; ++i) {
        auto r = model.process(traffic.packet(), true);
        EXPECT_TRUE(r.error.empty()) << r.error;
        switch (r.decision.kind) {
            case sim::Decision::Kind::Forward:
                ++c.forwarded;
                break;
            case sim::Decision::Kind::Drop:
                ++c.dropped;
                break;
            case sim::Decision::Kind::Punt:
                ++c.punted;
                ++c.reasons[r.decision.reason];
                break;
        }
        for (const auto& ev : r.trace) {
            if (ev.kind != sim::TraceEvent::Kind::Table) continue;
            if (ev.text.find("hit") != std::string::npos) ++c.hits;
            if (ev.text.find("miss") != std::string::npos) ++c.misses;
        }
    }
    std::cout << "[ traffic ] " << name << ": " << c.forwarded << " forwarded, " << c.dropped
              << " dropped, " << c.punted << " punted";
    for (const auto& [r, n] : c.reasons) std::cout << " [" << r << ": " << n << "]";
    std::cout << "; " << c.hits << " hits, " << c.misses << " misses\n";
    return c;
}

TEST(Traffic, ReachesEveryOutcomeOfEachExample) {
    for (const char* name : {"basic", "tunnel", "acl", "router"}) {
        const Coverage c = run(name, 4000);
        EXPECT_GT(c.forwarded, 100) << name;
        EXPECT_GT(c.dropped, 100) << name;
        EXPECT_GT(c.hits, 100) << name;
        EXPECT_GT(c.misses, 40) << name;
        if (std::string(name) == "router") {
            EXPECT_GE(c.reasons.size(), 4u) << "punt reasons";
        }
    }
}

}  // namespace
}  // namespace hop
