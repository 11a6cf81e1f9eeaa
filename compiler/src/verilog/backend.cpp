// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's entry: the stages of the generated pipeline in order (run()), each
// emitted by its own file (generator.hpp lists them), and the choice between cut-through and
// store-and-forward (generate()).
#include "verilog/backend.hpp"

#include "ir/passes.hpp"
#include "verilog/generator.hpp"
#include "verilog/runtime_modulo.hpp"

namespace hop::verilog {

std::optional<Output> Generator::run() {
    if (opt_.dataWidth != 64 && opt_.dataWidth != 128 && opt_.dataWidth != 256 &&
        opt_.dataWidth != 512) {
        diags_.error(
            {}, fmt::format("--data-width must be 64, 128, 256 or 512 (not {})", opt_.dataWidth));
        return std::nullopt;
    }
    keepW_ = opt_.dataWidth / 8;
    name_ = sanitize(p_.name);
    // Every iteration of an unrolled loop is logic in the stage that runs it, chained after
    // the one before: past this many, one stage cannot finish in a clock.
    constexpr int kMaxLoopIterations = 4096;
    for (const auto& [loc, n] : p_.unrolledLoops)
        if (n > kMaxLoopIterations) {
            diags_.unsupported(loc, fmt::format("a for loop of {} iterations in the Verilog "
                                                "backend (each iteration is logic chained in "
                                                "one pipeline stage; at most {} run at one "
                                                "packet per clock)",
                                                n, kMaxLoopIterations));
            failed_ = true;
        }
    refuseTrafficManager();
    if (failed_) return std::nullopt;
    layout();
    // The parse graph first: the window's size (the deepest parse) sizes the capture.
    parser();
    if (failed_) return std::nullopt;
    // The stages, in pipeline order.
    capture();
    parserStage();
    checksums(p_.verifyChecksums, true);
    control(p_.ingress);
    if (opt_.split) cutAfterIngress();
    v1modelIngressEnd();
    control(p_.egress);
    checksums(p_.updateChecksums, false);
    headerAssembly();
    if (failed_) return std::nullopt;
    fifosAndDeparser();
    pipelineCsr();
    if (failed_) return std::nullopt;

    Output out;
    out.regmap = map_;
    out.latency = latency_;
    out.windowBytes = windowBytes_;
    out.emitBytes = emitBytes_;
    out.pipelineModule = name_ + "_pipeline";
    out.topModule = name_ + "_top";
    out.files[name_ + "_deparser.sv"] = deparserModule(name_);
    if (opt_.split) {
        out.cutWidth = bundleWidth(cutVar_);
        out.cutLayout = cutLayout();
        out.ingressModule = name_ + "_ingress";
        out.egressModule = name_ + "_egress";
        out.splitModule = name_ + "_split";
        out.splitTopModule = name_ + "_split_top";
        out.files[name_ + "_ingress.sv"] = ingressModule();
        out.files[name_ + "_egress.sv"] = egressModule();
        out.files[name_ + "_split.sv"] = splitModule();
        out.files[name_ + "_split_top.sv"] = topModule(true) + "\n";
        return out;
    }
    out.files[name_ + "_pipeline.sv"] = pipelineModule();
    out.files[name_ + "_top.sv"] = topModule() + "\n";
    return out;
}

namespace {

// One build in two runs: the first records which bundle bits every stage reads, the second
// carries only those (liveness.cpp). The first run's diagnostics are reported by the second.
std::optional<Output> build(const RuntimeModulo& prepared, const Options& options,
                            Diagnostics& diags, const regmap::RegMap& map, bool storeAndForward,
                            bool* readsPacketLength = nullptr) {
    const ir::Program& program = prepared.program;
    const Diagnostics before = diags;
    Generator first(program, options, diags, map, storeAndForward);
    first.breakStagesAfter(&prepared.stageBreaks);
    auto out = first.run();
    if (readsPacketLength) *readsPacketLength = first.readsPacketLength();
    if (!out || (readsPacketLength && *readsPacketLength)) return out;
    auto live = first.liveness();
    // A narrowed run drops what only dead writes read, so the next reads fewer bits again:
    // a few runs until nothing changes (then every bit a stage carries is read after it).
    for (int run = 0; live && run < 8; ++run) {
        diags = before;
        Generator next(program, options, diags, map, storeAndForward);
        next.breakStagesAfter(&prepared.stageBreaks);
        next.narrowWith(*live);
        out = next.run();
        if (!out) return out;
        auto again = next.liveness();
        if (!again || again->vars == live->vars) return out;
        live = std::move(again);
    }
    return out;
}

// log_msg, assert and assume are left out of the hardware: a warning for each, once (the
// builds above may run several times, and liveness skips statements that write nothing).
void warnLeftOut(const ir::Program& p, Diagnostics& diags) {
    auto warn = [&](const std::vector<ir::Stmt>& body) {
        for (const ir::Stmt& s : body) {
            if (s.kind == ir::StmtKind::Log)
                diags.warning(s.loc,
                              "log_msg is left out of the hardware (the model prints it "
                              "with --trace-packets)");
            else if (s.kind == ir::StmtKind::Check)
                diags.warning(s.loc, s.text.substr(0, s.text.find(' ')) +
                                         " is compiled out of the hardware (the model checks it)");
        }
    };
    for (const auto& st : p.parser.states) warn(st.stmts);
    warn(p.ingress.stmts);
    warn(p.egress.stmts);
    for (const auto& a : p.actions) warn(a.body);
    for (const auto& t : p.tables)
        for (const auto& r : t.actions)
            if (r.bound) warn(r.body);
}

}  // namespace

std::optional<Output> generate(const ir::Program& program, const Options& options,
                               Diagnostics& diags) {
    if (const ir::Stmt* s = ir::findStructured(program)) {
        diags.error(s->loc, ir::unexpandedError(*s, "the Verilog backend"));
        return std::nullopt;
    }
    warnLeftOut(program, diags);
    bool failed = false;
    const RuntimeModulo prepared = splitRuntimeModulo(program, diags, failed);
    if (failed) return std::nullopt;
    auto map = regmap::build(prepared.program, options.dataWidth, diags);
    if (!map) return std::nullopt;
    Options whole = options;
    whole.split = false;
    bool storeAndForward = Generator::needsStoreAndForward(prepared.program);
    std::optional<Output> out;
    if (storeAndForward) {
        out = build(prepared, whole, diags, *map, /*storeAndForward=*/true);
    } else {
        out = build(prepared, whole, diags, *map, /*storeAndForward=*/false, &storeAndForward);
        // The program reads packet_length: build it again, store-and-forward.
        if (out && storeAndForward)
            out = build(prepared, whole, diags, *map, /*storeAndForward=*/true);
    }
    if (!out || (!options.split && options.switchPorts == 0)) return out;
    // The same stages cut after ingress, built with the whole pipeline's final register map.
    Options cutOptions = options;
    cutOptions.split = true;  // the switch is built on the cut
    auto cut = build(prepared, cutOptions, diags, out->regmap, storeAndForward);
    if (!cut) return std::nullopt;
    for (auto& [file, text] : cut->files) out->files.emplace(file, std::move(text));
    out->cutWidth = cut->cutWidth;
    out->cutLayout = std::move(cut->cutLayout);
    out->ingressModule = cut->ingressModule;
    out->egressModule = cut->egressModule;
    out->splitModule = cut->splitModule;
    out->splitTopModule = cut->splitTopModule;
    if (options.switchPorts > 0 && !addSwitch(*out, options, diags)) return std::nullopt;
    return out;
}

}  // namespace hop::verilog
