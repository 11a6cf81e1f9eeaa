// SPDX-License-Identifier: Apache-2.0
// The RTL model cache key's library files (sim/rtl/rtl_build.hpp usedLibraryFiles): a model
// depends on the library blocks its generated files instantiate, the blocks those instantiate,
// and nothing else, so a change to another block keeps its cache entry.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/rtl/rtl_build.hpp"

namespace fs = std::filesystem;

namespace {

struct Library {
    fs::path dir;
    std::vector<fs::path> files;
    Library() {
        dir = fs::temp_directory_path() / ("hop_cache_key_" + std::to_string(::getpid()));
        fs::create_directories(dir);
    }
    ~Library() { fs::remove_all(dir); }
    void add(const std::string& name, const std::string& text) {
        std::ofstream(dir / (name + ".sv")) << text;
        files.push_back(dir / (name + ".sv"));
    }
};

TEST(RtlCacheKey, TheBlocksTheProgramUsesAndTheirsOnly) {
    Library lib;
    lib.add("hop_a", "module hop_a; hop_b u_b (); endmodule\n");
    lib.add("hop_b", "module hop_b; // like hop_c's, but not it\nendmodule\n");
    lib.add("hop_c", "module hop_c; endmodule\n");
    lib.add("hop_d", "module hop_d; hop_a u_a (); endmodule\n");  // uses hop_a; nobody uses it
    lib.add("hop_b_wide", "module hop_b_wide; endmodule\n");      // a longer name, unused
    const std::map<std::string, std::string> generated = {
        {"p_top.sv", "module p_top; hop_a u_a (); endmodule\n"}};
    std::map<std::string, std::string> used;
    std::string error;
    ASSERT_TRUE(hop::sim::rtl::usedLibraryFiles(generated, lib.files, used, error)) << error;
    std::vector<std::string> names;
    for (const auto& [name, text] : used) names.push_back(name);
    // hop_b's comment names hop_c: a superset is safe (a comment change rebuilds too).
    EXPECT_EQ(names, (std::vector<std::string>{"hop_a", "hop_b", "hop_c"}));
    EXPECT_EQ(used["hop_a"], "module hop_a; hop_b u_b (); endmodule\n");

    // A file that cannot be read is an error, not a silently shorter key.
    fs::remove(lib.dir / "hop_b.sv");
    used.clear();
    EXPECT_FALSE(hop::sim::rtl::usedLibraryFiles(generated, lib.files, used, error));
    EXPECT_NE(error.find("hop_b.sv"), std::string::npos) << error;
}

}  // namespace
