// SPDX-License-Identifier: Apache-2.0
// The Verilog backend's generator, shared by its stage files (internal to compiler/src/verilog).
// The pipeline carries one "bundle" per packet from stage to stage: the whole packet header
// vector (every field at its phvOffset), the validity bits, per table the applied / hit /
// action-id results, the bytes the parser consumed and the ingress drop flag. Each stage is one
// always_comb (x_d from the previous stage's x_q, statements in program order with blocking
// assignments, so later statements see earlier ones) and one always_ff; table lookups run
// beside a delay line of LATENCY cycles (rtl/hop_delay.sv), and the statements before a lookup
// run inside that latency (splitPending in bundle.cpp).
//
// One file per generated stage; run() in backend.cpp calls them in pipeline order:
//   bundle.cpp      bundle layout, expression leaves, delay lines, combinational joins
//   capture.cpp     header window capture
//   parser.cpp      parser stage
//   checksums.cpp   verify / update checksum units
//   statements.cpp  control statements and action bodies
//   hash.cpp        the hash extern
//   tables.cpp      table lookups
//   direct.cpp      a table's direct counters
//   registers.cpp   register stages: registers, counters, meters
//   meters.cpp      meter blocks, direct meters
//   assembly.cpp    header assembly and the descriptor register
//   output.cpp      admission, payload and descriptor FIFOs, the deparser
//   csr.cpp         the pipeline CSR block
//   top.cpp         the pipeline module's frame and the <name>_top module
//   split.cpp       the cut after ingress: <name>_ingress, <name>_egress, <name>_split
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "verilog/backend.hpp"
#include "verilog/code_builder.hpp"
#include "verilog/expr.hpp"
#include "verilog/names.hpp"

namespace hop::verilog {

inline std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
        s.replace(pos, from.size(), to);
    return s;
}

inline int clog2(int64_t n) {
    int l = 0;
    while ((int64_t{1} << l) < n) ++l;
    return l;
}

inline int64_t pow2AtLeast(int64_t n) { return int64_t{1} << clog2(std::max<int64_t>(n, 1)); }

inline std::string slice(const std::string& var, int off, int width) {
    if (width == 1) return fmt::format("{}[{}]", var, off);
    return fmt::format("{}[{}:{}]", var, off + width - 1, off);
}

// Store-and-forward programs (they read packet_length) take frames of at most this many bytes
// (jumbo frames); a longer frame is dropped and counted (pipeline word TOO_LONG).
constexpr int kMaxFrameBytes = 9216;

// The ports the generated modules share (top.cpp, split.cpp): the clock, reset and input
// stream; the output stream; the internal CSR bus (last, no comma after it).
constexpr const char* kClockAndStreamIn = R"(input  wire               clk,
input  wire               rst,
input  wire  [DATA_W-1:0] s_axis_tdata,
input  wire  [KEEP_W-1:0] s_axis_tkeep,
input  wire               s_axis_tvalid,
output wire               s_axis_tready,
input  wire               s_axis_tlast,
input  wire  [USER_W-1:0] s_axis_tuser,
input  wire  [      63:0] s_axis_ttime,
)";
constexpr const char* kStreamOut = R"(output wire  [DATA_W-1:0] m_axis_tdata,
output wire  [KEEP_W-1:0] m_axis_tkeep,
output wire               m_axis_tvalid,
input  wire               m_axis_tready,
output wire               m_axis_tlast,
output wire  [USER_W-1:0] m_axis_tuser,
)";
constexpr const char* kCsrPorts = R"(input  wire               csr_wr,
input  wire               csr_rd,
input  wire  [      31:0] csr_addr,
input  wire  [      31:0] csr_wdata,
output wire  [      31:0] csr_rdata)";

// The AXI4-Lite slave of a generated top (top.cpp, switch.cpp): its ports (last, no comma),
// and the CSR bus wires with the hop_axil_csr that drives them.
constexpr const char* kAxilPorts = R"(input  wire  [ADDR_W-1:0] s_axil_awaddr,
input  wire  [       2:0] s_axil_awprot,
input  wire               s_axil_awvalid,
output wire               s_axil_awready,
input  wire  [      31:0] s_axil_wdata,
input  wire  [       3:0] s_axil_wstrb,
input  wire               s_axil_wvalid,
output wire               s_axil_wready,
output wire  [       1:0] s_axil_bresp,
output wire               s_axil_bvalid,
input  wire               s_axil_bready,
input  wire  [ADDR_W-1:0] s_axil_araddr,
input  wire  [       2:0] s_axil_arprot,
input  wire               s_axil_arvalid,
output wire               s_axil_arready,
output wire  [      31:0] s_axil_rdata,
output wire  [       1:0] s_axil_rresp,
output wire               s_axil_rvalid,
input  wire               s_axil_rready)";
constexpr const char* kAxilCsr = R"(    wire        csr_wr;
    wire        csr_rd;
    wire [31:0] csr_addr;
    wire [31:0] csr_wdata;
    wire [31:0] csr_rdata;

    hop_axil_csr #(
        .ADDR_W(ADDR_W)
    ) u_csr (
        .clk(clk),
        .rst(rst),
        .s_axil_awaddr(s_axil_awaddr),
        .s_axil_awprot(s_axil_awprot),
        .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata),
        .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid),
        .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot),
        .s_axil_arvalid(s_axil_arvalid),
        .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata),
        .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready),
        .csr_wr(csr_wr),
        .csr_rd(csr_rd),
        .csr_addr(csr_addr),
        .csr_wdata(csr_wdata),
        .csr_rdata(csr_rdata)
    );
)";

using Connections = std::vector<std::pair<std::string, std::string>>;
// `module #(.P(v), ...) name (.port(signal), ...);`, one connection a line (bundle.cpp).
void instance(CodeBuilder& b, const std::string& module, const Connections& params,
              const std::string& name, const Connections& ports);

// The ports of an instance of <name>_ingress and of <name>_egress (split.cpp), each stream or
// decision port to the signal of the same suffix after the given prefix; the counter strobes to
// cnt_rx / cnt_too_long (and `dropped`), the CSR read data to ig_rdata / eg_rdata.
Connections ingressConnections(const std::string& in, const std::string& frame,
                               const std::string& dec);
Connections egressConnections(const std::string& dec, const std::string& frame,
                              const std::string& out, const std::string& dropped);

// <name>_switch.sv and <name>_switch_top.sv into `out`, a split build's (switch.cpp).
bool addSwitch(Output& out, const Options& options, Diagnostics& diags);

// <name>_deparser.sv (output.cpp).
std::string deparserModule(const std::string& name);

// standard_metadata's fields the traffic manager writes, and the split egress's input for each
// (s_dec_<input>, split.cpp).
inline const std::vector<std::pair<const char*, const char*>> kTrafficManagerFields = {
    {"egress_port", "egress_port"},     {"egress_rid", "egress_rid"},
    {"instance_type", "instance_type"}, {"enq_timestamp", "enq_timestamp"},
    {"enq_qdepth", "enq_qdepth"},       {"deq_timedelta", "deq_timedelta"},
    {"deq_qdepth", "deq_qdepth"}};

struct TableSlots {
    int applied = 0, hit = 0, action = 0, actionWidth = 1;
};

// Which bundle bits each bundle variable (parse_b, s<N>_q, c<N>_b, <table>_b, fin_b) carries,
// from a first run of the generator (liveness.cpp). The bundle is cut into atoms (a field, a
// validity bit, a table slot, ...); a variable holds the atoms read after it, packed in bundle
// order, and a combinational bundle runs only the bodies whose writes are read later.
struct Liveness {
    struct Use {
        std::set<int> reads, writes, kills;  // kills: written whole under no condition
    };
    struct Var {
        std::string from;  // the variable it starts as (empty: the parser's bundle)
        bool comb = false;
        std::vector<Use> bodies;   // comb: its statements' bodies in order (the tail last)
        std::set<int> ext, later;  // atoms read of it outside bodies; needed by its consumers
        std::vector<int> layout;   // its atoms, in bundle order
        std::vector<int> pos;      // per atom: its first bit in the variable, -1 if absent
        std::vector<bool> kept;    // comb: per body, whether it is emitted
        // comb: per body, the atoms it writes: read after it, or read in it (an order inside a
        // body is not recorded, so what it reads it also writes)
        std::vector<std::set<int>> writes;
        int width = 0;
        // comb, read by no later bundle: holds only what its bodies write (reads of the rest
        // go to `from`)
        bool thin = false;
        std::set<int> in;  // the atoms it reads of `from` (live where it starts)
        int cycles = 0;    // a delay line's
        // comb, read only by the one-cycle register `foldInto`: computed in that register's
        // always_ff under the valid bit (a simulator runs its statements only for packets)
        std::string foldInto;
        bool operator==(const Var& o) const {
            return layout == o.layout && kept == o.kept && foldInto == o.foldInto;
        }
    };
    std::map<std::string, Var> vars;
    std::vector<std::string> order;  // creation order: every consumer after its source
    // The variable the header assembly reads, at stage endStage. The atoms that only the
    // parser writes and only it reads (`through`, e.g. a header no stage looks at) skip the
    // stages in between: one delay line from s1_q (byp_q, at throughPos) instead of a register
    // per stage.
    std::string end;
    int endStage = 0;
    std::vector<int> through, throughPos;
    int throughWidth = 0, throughAt = 0;  // throughAt: their first bit in s1_q
    // The register at the cut after ingress (split.cpp; empty in the whole pipeline): its atoms
    // take the lowest bits of every variable, so it holds them and nothing else, and no atom
    // skips the stages across it (`through` is empty).
    std::string cut;
    std::set<int> throughAtoms() const;
    // The layouts and kept bodies from what was recorded; `widths` per atom, `filler` the atom
    // a variable that would be empty carries.
    void compute(const std::vector<int>& widths, int filler);
};

class Generator {
  public:
    Generator(const ir::Program& p, const Options& o, Diagnostics& d, regmap::RegMap map,
              bool storeAndForward)
        : p_(p), opt_(o), diags_(d), map_(std::move(map)), sf_(storeAndForward) {
        for (const auto* units : {&p.verifyChecksums, &p.updateChecksums})
            for (const auto& u : *units) payloadCsum_ = payloadCsum_ || u.withPayload;
    }
    // A checksum over the payload needs the whole frame before the headers leave.
    static bool needsStoreAndForward(const ir::Program& p) {
        for (const auto* units : {&p.verifyChecksums, &p.updateChecksums})
            for (const auto& u : *units)
                if (u.withPayload) return true;
        return false;
    }

    // Statements after which the bundle is registered (runtime_modulo.hpp: division steps).
    void breakStagesAfter(const std::set<const ir::Stmt*>* stmts) { stageBreaks_ = stmts; }
    // The second run: the bundle narrowed by what the first run recorded (liveness()).
    void narrowWith(Liveness live) {
        live_ = std::move(live);
        narrowed_ = true;
    }
    // After a run: the layouts its emitted reads and writes imply (empty when the bundle
    // cannot be cut in atoms). A run narrowed by them reads fewer bits, so backend.cpp runs
    // again until they do not change: then every bit a variable carries is read.
    std::optional<Liveness> liveness() const;

    std::optional<Output> run();
    // With Options::split it emits the same stages cut after ingress, <name>_ingress and
    // <name>_egress (split.cpp) instead of <name>_pipeline; its `map` is then the whole
    // pipeline's final one, whose LATENCY and HASH the egress's CSR block gives, so the split
    // answers a runtime as the pipeline does.
    // The program read standard_metadata.packet_length (generate() then builds it again,
    // store-and-forward).
    bool readsPacketLength() const { return readsPacketLength_; }

  private:
    // --- bundle layout and leaves (bundle.cpp)
    void layout();
    void refuseTrafficManager();  // traffic_manager.cpp
    ExprLeaves leaves(const std::string& b, const std::string& paramVar = {},
                      const std::vector<int>* paramOffsets = nullptr);
    std::string fieldOf(const std::string& b, ir::FieldId f) {
        return rd(b, p_.fields[f].phvOffset, p_.fields[f].width);
    }
    std::string fieldLhs(const std::string& b, ir::FieldId f) {
        return wr(b, p_.fields[f].phvOffset, p_.fields[f].width);
    }

    // --- liveness.cpp: bundle bits through each variable's layout
    void atoms();
    // Bits [off, off+width) of the bundle in `var`, read.
    std::string rd(const std::string& var, int off, int width);
    // The same as a write target; empty when nothing reads them later (the write is dropped).
    std::string wr(const std::string& var, int off, int width);
    // The comb bundle `var` is folded into the register after it (Liveness::Var::foldInto).
    const std::string* folded(const std::string& var) const {
        if (!narrowed_) return nullptr;
        const auto it = live_.vars.find(var);
        return it == live_.vars.end() || it->second.foldInto.empty() ? nullptr
                                                                     : &it->second.foldInto;
    }
    // A new bundle variable: its declaration, and its record for the liveness.
    void bundleVar(const std::string& var, const std::string& from, bool comb);
    int bundleWidth(const std::string& var) const;
    // `from`'s bits that `var` carries (a concatenation of `from`'s runs).
    std::string project(const std::string& from, const std::string& var) const;
    // The delay line of the atoms that skip the stages (Liveness::through), before the assembly.
    void bypass();
    // A comb variable's body `i` is emitted (always, in the first run).
    bool keeps(const std::string& var, size_t i) const;
    void enterBody(const std::string& var, size_t i);
    void leaveBody();
    Liveness::Use* use_ = nullptr;           // the body being emitted, recorded
    const std::set<int>* writes_ = nullptr;  // the atoms it may write (narrowed)
    bool uncond_ = false;                    // its write being emitted is under no condition
    std::string emitExpr(const ir::ExprPtr& e, const std::string& b, const SourceLoc& loc,
                         const std::string& paramVar = {},
                         const std::vector<int>* paramOffsets = nullptr);

    // --- stages (bundle.cpp)
    using Body = std::function<void(CodeBuilder&, const std::string&)>;
    void delay(int cycles, const std::string& what);
    void flushPending(const std::string& what);
    // A combinational bundle: `from` with `bodies` (then `tail`) applied; its name.
    std::string combBundle(const std::vector<Body>& bodies, const std::string& from,
                           const std::string& what, const Body& tail = {},
                           const std::string& name = {});
    // Block results a body reads: a narrowed run may drop what reads them, so they have a sink.
    void sinkResults(const std::vector<std::pair<std::string, int>>& results,
                     const std::string& suffix);
    // The pending statements across a block of `latency` >= 2 cycles (bundle.cpp).
    struct Issue {
        std::string bundle, valid;
    };
    Issue splitPending(int latency, const std::string& what, const Body& tail);

    // --- capture.cpp
    void capture();
    // --- parser.cpp
    void parser();
    void parserStage();
    // The parser's cursor: a constant number of bits plus, after a varbit, a run-time part
    // (a 16-bit Verilog expression, at most dynMax bits).
    struct Cursor {
        int bits = 0;
        std::string dyn;
        int dynMax = 0;
        std::string text() const { return dyn.empty() ? std::to_string(bits) : plus(0); }
        std::string plus(int k) const {
            if (dyn.empty()) return std::to_string(bits + k);
            return fmt::format("16'(16'd{} + {})", bits + k, dyn);
        }
        // A bit index into the window (32 bits, as 8*WIN_BYTES-1 is).
        std::string index(int k) const {
            if (dyn.empty()) return std::to_string(bits + k);
            return fmt::format("32'({})", plus(k));
        }
    };
    bool parseState(CodeBuilder& cb, ir::StateId s, const Cursor& at, int depth,
                    std::vector<ir::StateId>& path);
    void parseEnd(CodeBuilder& cb, const Cursor& at, int error);
    // Opens the guard that the packet reaches `end`; rejects with `error` at `at` otherwise.
    void lengthGuard(CodeBuilder& cb, const Cursor& at, const Cursor& end, int error,
                     std::vector<std::pair<Cursor, int>>& guards);
    // Opens the guard that the widest lookahead in `exprs` has its bits in the packet; false
    // when they hold none.
    bool lookaheadGuard(CodeBuilder& cb, const Cursor& at, const std::vector<ir::ExprPtr>& exprs,
                        std::vector<std::pair<Cursor, int>>& guards);
    const Cursor* lookCursor_ = nullptr;  // where the parser's lookahead reads, while emitting it
    // --- checksums.cpp
    void checksums(const std::vector<ir::ChecksumUnit>& units, bool verify);
    // --- statements.cpp
    void control(const ir::Control& c);
    void v1modelIngressEnd();
    void statement(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                   const std::string& paramVar = {},
                   const std::vector<int>* paramOffsets = nullptr);
    // --- hash.cpp: the hash extern's value (SystemVerilog functions it declares once per
    // statement, hashIds_) and base + (value % max)
    std::string hashValue(const ir::Stmt& s, const std::string& b, const std::string& paramVar,
                          const std::vector<int>* paramOffsets);
    std::string hashOffset(const ir::Stmt& s, const std::string& h, const std::string& b,
                           const std::string& paramVar, const std::vector<int>* paramOffsets);
    std::map<const ir::Stmt*, int> hashIds_;
    const std::set<const ir::Stmt*>* stageBreaks_ = nullptr;
    // The function of `bits` bits modulo the constant m (declared once per m and width).
    std::string constantModulo(const ir::BigInt& m, int bits);
    std::map<std::pair<std::string, int>, std::string> modIds_;
    // Declares a function `fn` of `a` over `bits` (padded as BMv2 pads); returns `fn`.
    std::string hashFunction(const std::string& fn, ir::HashAlgorithm a, int bits);
    // A crc16 / crc32 checksum unit named `un`, `stages` cycles; returns `un`.
    std::string crcChecksum(const ir::ChecksumUnit& u, const std::string& un, int stages);
    // --- tables.cpp
    void applyTable(const ir::Stmt& s);
    // --- direct.cpp: the table's direct counters, at the lookup's result (the bundle `cur_`);
    // meters.cpp: meter blocks, a table's direct meter
    void directCounters(const ir::Table& t, const regmap::TableBlock& blk, const std::string& tn,
                        const TableSlots& ts);
    // The table's direct meter (if any), executed at the lookup's result: the table's results
    // wait the block's latency beside the bundle, as `<tn>_m_hit/_action/_data`, with the
    // colour (directMeter_). Returns the prefix the action reads its results from (tn or
    // tn_m).
    std::string directMeter(const ir::Table& t, ir::TableId table, const regmap::TableBlock& blk,
                            const std::string& tn, const TableSlots& ts);
    struct DirectMeterPort {
        std::string colour, hit;  // the colour and the table's hit, in the action's cycle
    };
    std::map<ir::TableId, DirectMeterPort> directMeter_;
    // A meter's block inputs besides the index: `<n>_units` (1, or the frame's length for a
    // bytes meter) and `<n>_time` (the arrival time in us), read from bundle `b`.
    void meterInputs(const std::string& n, const ir::ExternObject& x, const std::string& b,
                     const SourceLoc& loc);
    // The hop_meter instance `u_<n>` on the `<n>_*` signals, its write-back under `commit`.
    void meterBlock(const std::string& n, const regmap::ExternBlock& blk,
                    const std::string& commit);
    ir::TableId actionTable_ = -1;  // the table whose action body is being emitted
    // direct_meter.read(dst) in an action: dst = the entry's colour on a hit (`pred`: the
    // statement's predicate followed by " && ", or empty).
    void directMeterRead(CodeBuilder& cb, const std::string& b, const ir::Stmt& s,
                         const std::string& pred);
    // --- registers.cpp
    // A register, counter or meter statement (RegRead, RegWrite, Count, MeterExec) into its
    // register stage (a meter's: the block's latency between its read and its write-back).
    void externAccess(const ir::Stmt& s);
    int registerStageLatency(const regmap::ExternBlock& blk) const;
    void openRegisterStage(const std::string& first, int latency);
    // The open stage's statements are in the comb bundle `comb`: the blocks and write-backs.
    void closeRegisterStage(const std::string& comb);
    // What a statement writes, for the independence of later registers' indices.
    void noteWrites(const ir::Stmt& s);
    struct RegSlots {
        int wen = 0, widx = 0, wdata = 0, width = 1;  // the packet's pending write, in the bundle
        int idxWidth = 32;  // 0 for a meter: the block keeps the index it read, wen commits
    };
    std::map<int, RegSlots> rslots_;  // per extern object with a block
    struct RegPort {
        std::string name, index;  // signal prefix; the index expression of every access
        int stage = 0;
    };
    std::map<int, RegPort> regPorts_;
    struct RegStage {
        std::string look, lookValid;  // the bundle the blocks read their index from
        int latency = 1;              // cycles from the read to the write-back
        std::vector<int> objects;
        std::set<int> written;  // fields (id) and validity bits (-(header + 1)) written since
    };
    std::optional<RegStage> regStage_;
    int regStageId_ = 0;
    // --- assembly.cpp
    void headerAssembly();
    // --- digest.cpp: the digest FIFO, fed at the header assembly's cycle
    void digestFifo();
    void placeAtFixedOffset(const std::vector<std::pair<std::string, int>>& before, int bytes,
                            const std::string& lanes);
    // --- output.cpp
    void fifosAndDeparser();
    // --- csr.cpp
    void pipelineCsr();
    // A block on the CSR bus: `instance` with `ports` and then csr_wr, csr_rd, csr_addr,
    // csr_wdata and csr_rdata (the wire `rdata`, declared here), whose value joins the read-data
    // OR of every block.
    void csrInstance(const std::string& module, const Connections& params, const std::string& name,
                     Connections ports, const std::string& rdata);
    // --- top.cpp
    std::string pipelineModule() const;
    // <name>_top around <name>_pipeline, or <name>_split_top around <name>_split.
    std::string topModule(bool split = false) const;
    // --- split.cpp: the cut after ingress (Options::split)
    void cutAfterIngress();
    // Ingress's outputs: admission, the frame passthrough, the decision FIFO, its counters.
    void ingressOutputs();
    std::string ingressModule() const;
    std::string egressModule() const;
    std::string splitModule() const;
    std::vector<CutAtom> cutLayout() const;
    std::string atomName(int atom) const;
    // The stages before the cut, set aside when the cut is made (decl_, body_, csrRdata_).
    CodeBuilder ingDecl_, ingBody_;
    std::vector<std::string> ingRdata_;
    std::string cutVar_, cutValid_;  // the cut register and its valid (empty: not split)
    int cutLatency_ = 0;             // latency_ at the cut

    const ir::Program& p_;
    Options opt_;
    Diagnostics& diags_;
    regmap::RegMap map_;
    bool sf_ = false;  // store-and-forward: the window fires at the frame's last beat
    // A checksum covers the payload (*_with_payload; store-and-forward): the capture sums the
    // bytes past the window, the parser stage the window's bytes past the headers, and the
    // bundle carries that payload sum (psumOff_, 16 bits, aligned to the payload's first byte).
    bool payloadCsum_ = false;
    int psumOff_ = -1;
    bool readsPacketLength_ = false;
    ir::FieldId fPacketLength_ = -1;
    // truncate(): the frame leaves through hop_axis_truncate with its limit in the descriptor.
    ir::FieldId fTruncate_ = -1, fTruncateLength_ = -1;
    ir::FieldId fIngressTimestamp_ = -1, fEgressTimestamp_ = -1, fEnqTimestamp_ = -1;
    std::vector<ir::FieldId> queueZero_;  // enq_qdepth, deq_timedelta, deq_qdepth
    int longOff_ = -1;  // bundle bit: the frame was longer than kMaxFrameBytes (sf_ only)
    NameTable names_;
    CodeBuilder decl_, body_;
    bool failed_ = false;
    Liveness live_;  // the layouts this run uses (narrowed_)
    Liveness rec_;   // what this run reads and writes
    bool narrowed_ = false;
    std::vector<int> atomOf_;                 // per bundle bit: its atom, -1 outside every atom
    std::vector<std::pair<int, int>> atoms_;  // (first bit, width)
    bool atomsOk_ = true;                     // fields do not overlap: the bundle can be cut

    int bw_ = 0, validBase_ = 0, consumedOff_ = 0, dropOff_ = 0;
    std::map<ir::TableId, TableSlots> tslots_;
    ir::FieldId fEgressSpec_ = -1, fEgressPort_ = -1, fIngressPort_ = -1, fMcastGrp_ = -1,
                fParserError_ = -1, fChecksumError_ = -1;
    SourceLoc loc_;

    int stage_ = 0, comb_ = 0;
    std::string cur_, curValid_;
    int latency_ = 0;
    std::vector<Body> pending_;
    // Block results the pending bodies read (name, width), and the suffix the bodies put on
    // those names ("_q": the copies registered beside the bundle, see splitPending).
    std::vector<std::pair<std::string, int>> pendingResults_;
    std::string resultSuffix_;

    int windowBytes_ = 1, maxParseBits_ = 0, emitBytes_ = 1;
    int keepW_ = 64;
    std::vector<std::string> csrRdata_;
    std::string name_;
    std::string parserText_;
    ir::FieldId exitFlag_ = -1;         // the flag statement() sets for Exit
    ir::FieldId controlExitFlag_ = -1;  // the control being generated (captured by stages)
    std::set<ir::TableId> applied_;
    std::vector<std::string> varLens_;     // parser variables holding an extracted varbit length
    std::map<ir::HeaderId, int> varSlot_;  // bundle slot (16 bits): a varbit header's length
};

}  // namespace hop::verilog
