// SPDX-License-Identifier: Apache-2.0
// hopc compile time: the whole of `hopc EXAMPLE.p4 -o DIR` (preprocess, parse, check, lower,
// P4Info, Verilog backend at DATA_W=512, regmap) for every example. Target: router.p4 under 1 s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "driver/compile.hpp"

namespace {

void compileExample(benchmark::State& state, const std::string& name) {
    hop::CompileOptions o;
    o.input = std::string(HOP_SOURCE_DIR) + "/examples/" + name + ".p4";
    o.outDir = std::filesystem::temp_directory_path() /
               ("hopc_bench_" + name + "_" + std::to_string(getpid()));
    o.preprocess.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    o.requireVerilog = true;
    for (auto _ : state) {
        std::ostringstream out, err;
        if (hop::compile(o, out, err) != 0) {
            state.SkipWithError(("hopc failed: " + err.str()).c_str());
            break;
        }
    }
    std::filesystem::remove_all(o.outDir);
}

}  // namespace

BENCHMARK_CAPTURE(compileExample, basic, std::string("basic"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compileExample, tunnel, std::string("tunnel"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compileExample, acl, std::string("acl"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(compileExample, router, std::string("router"))->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
