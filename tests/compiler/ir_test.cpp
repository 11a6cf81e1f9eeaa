// SPDX-License-Identifier: Apache-2.0
// The pipeline IR: hand-built programs for the constructors and the dump, and end-to-end
// lowering of the examples (key facts plus golden dumps in tests/golden/).
#include "ir/ir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/compile.hpp"
#include "ir/dump.hpp"
#include "ir/lower.hpp"
#include "p4info/p4info.hpp"

namespace hop {
namespace {

using namespace ir;

TEST(IrExpr, WidthsFollowP4Rules) {
    auto a = fieldRef(0, 8);
    auto b = fieldRef(1, 8);
    EXPECT_EQ(binary(BinaryOp::Add, a, b)->width, 8);
    EXPECT_TRUE(binary(BinaryOp::Lt, a, b)->isBool);
    EXPECT_EQ(binary(BinaryOp::Concat, a, fieldRef(2, 4))->width, 12);
    EXPECT_EQ(slice(a, 6, 3)->width, 4);
    EXPECT_EQ(cast(a, 16, false)->width, 16);
    EXPECT_EQ(cast(a, 8, false), a);  // no-op casts vanish
    // Constants are stored as the bit pattern; signed ones sign-extend when widened.
    EXPECT_EQ(constant(-1, 8, true)->value, 255);
    EXPECT_EQ(cast(constant(-1, 8, true), 16, true)->value, 65535);
    EXPECT_EQ(constant(300, 8)->value, 44);
}

TEST(IrExpr, PredicateHelpersFoldTrueAndFalse) {
    auto v = validRef(0);
    EXPECT_EQ(andPred(nullptr, nullptr), nullptr);
    EXPECT_EQ(andPred(nullptr, v), v);
    EXPECT_EQ(andPred(v, boolConst(true)), v);
    EXPECT_TRUE(isFalse(andPred(v, boolConst(false))));
    EXPECT_TRUE(isFalse(notPred(nullptr)));
    EXPECT_EQ(notPred(notPred(v)), v);
    EXPECT_EQ(andPred(v, v)->binaryOp, BinaryOp::LAnd);
}

// A tiny program built by hand: one header, a parser with a select, a table applied under a
// validity predicate, and an action with a parameter.
Program handBuilt() {
    Program p;
    p.name = "tiny";
    p.errors = {"NoError", "PacketTooShort"};
    HeaderId eth = p.addHeader(Header::Kind::Packet, "hdr.eth", "eth_t");
    FieldId dst = p.addField(eth, "hdr.eth.dst", 48);
    FieldId type = p.addField(eth, "hdr.eth.type", 16);
    HeaderId sm = p.addHeader(Header::Kind::Metadata, "standard_metadata", "standard_metadata_t");
    FieldId spec = p.addField(sm, "standard_metadata.egress_spec", 9);
    p.computePhvOffsets();

    ParserState start;
    start.name = "start";
    Stmt ex;
    ex.kind = StmtKind::Extract;
    ex.header = eth;
    start.stmts.push_back(ex);
    start.selectKeys.push_back(fieldRef(type, 16));
    Match m;
    m.value = 0x800;
    m.mask = 0xffff;
    start.cases.push_back({{m}, kAccept, {}});
    Match any;
    any.kind = Match::Kind::DontCare;
    start.cases.push_back({{any}, kReject, {}});
    p.parser.name = "P";
    p.parser.states.push_back(start);

    Action fwd;
    fwd.name = "I.fwd";
    fwd.localName = "fwd";
    fwd.params = {{"port", 9}};
    Stmt as;
    as.kind = StmtKind::Assign;
    as.dst = fieldRef(spec, 9);
    as.src = paramRef(0, 9);
    fwd.body.push_back(as);
    fwd.controlPlane = true;
    p.actions.push_back(fwd);

    Table t;
    t.name = "I.l2";
    t.localName = "l2";
    t.keys.push_back({fieldRef(dst, 48), 48, MatchKind::Exact, "hdr.eth.dst", {}});
    t.actions.push_back({0, ActionRef::Scope::TableAndDefault, {}});
    t.defaultAction = {0, {511}};
    t.defaultActionIsConst = true;
    p.tables.push_back(t);

    p.ingress.name = "I";
    Stmt ap;
    ap.kind = StmtKind::ApplyTable;
    ap.table = 0;
    ap.pred = validRef(eth);
    p.ingress.stmts.push_back(ap);
    Stmt drop;
    drop.kind = StmtKind::MarkToDrop;
    drop.pred = andPred(validRef(eth), notPred(tableHit(0)));
    p.ingress.stmts.push_back(drop);
    p.egress.name = "E";
    p.deparser = {eth};
    return p;
}

TEST(IrDump, HandBuiltProgram) {
    Program p = handBuilt();
    EXPECT_EQ(p.phvWidth, 48 + 16 + 9);
    EXPECT_EQ(p.fields[1].offset, 48);
    EXPECT_EQ(p.fields[2].phvOffset, 64);
    std::string d = dumpIr(p);
    EXPECT_NE(d.find("header hdr.eth : eth_t (64 bits, valid bit 0)"), std::string::npos) << d;
    EXPECT_NE(d.find("bit<16> hdr.eth.type @48 phv@48"), std::string::npos) << d;
    EXPECT_NE(d.find("    extract hdr.eth\n"), std::string::npos) << d;
    EXPECT_NE(d.find("select (hdr.eth.type : bit<16>)"), std::string::npos) << d;
    EXPECT_NE(d.find("      0x800 -> accept\n      default -> reject\n"), std::string::npos) << d;
    EXPECT_NE(d.find("  0: [hdr.eth.isValid()] apply I.l2\n"), std::string::npos) << d;
    EXPECT_NE(d.find("  1: [(hdr.eth.isValid() && !I.l2.hit)] mark_to_drop()\n"), std::string::npos)
        << d;
    EXPECT_NE(d.find("  default const I.fwd(0x1ff)\n"), std::string::npos) << d;
    EXPECT_NE(d.find("  size 1024 (default)\n"), std::string::npos) << d;
    EXPECT_NE(d.find("action I.fwd(bit<9> port)\n  standard_metadata.egress_spec = $port\n"),
              std::string::npos)
        << d;
    EXPECT_NE(d.find("deparser\n  emit hdr.eth\n"), std::string::npos) << d;
    EXPECT_EQ(d, dumpIr(p));  // deterministic
}

TEST(IrDump, UnknownKindIsAnError) {
    Program p = handBuilt();
    auto bad = std::make_shared<Expr>();
    bad->kind = static_cast<ExprKind>(999);
    EXPECT_THROW(exprToString(p, bad), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// End to end: examples/*.p4 through the front end and the lowering.

struct Lowered {
    std::unique_ptr<Frontend> fe;
    std::optional<Program> program;
    std::string diagnostics;
};

Lowered lowerFile(const std::string& relPath) {
    Lowered out;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(std::string(HOP_SOURCE_DIR) + "/" + relPath, pp, error);
    if (!source) {
        out.diagnostics = error;
        return out;
    }
    out.fe = runFrontend(std::move(*source));
    if (out.fe->ok) out.program = lower(out.fe->checked, *out.fe->diags, programName(relPath));
    std::ostringstream os;
    out.fe->diags->print(os);
    out.diagnostics = os.str();
    return out;
}

Lowered lowerText(const std::string& text) {
    Lowered out;
    std::string path = ::testing::TempDir() + "/ir_test_input_" + std::to_string(getpid()) + ".p4";
    std::ofstream(path) << text;
    PreprocessOptions pp;
    pp.p4includeDir = std::string(HOP_SOURCE_DIR) + "/p4include";
    std::string error;
    auto source = preprocess(path, pp, error);
    if (!source) {
        out.diagnostics = error;
        return out;
    }
    out.fe = runFrontend(std::move(*source));
    if (out.fe->ok) out.program = lower(out.fe->checked, *out.fe->diags, "inline");
    std::ostringstream os;
    out.fe->diags->print(os);
    out.diagnostics = os.str();
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Compares with tests/golden/<name>.ir.txt; HOP_UPDATE_GOLDEN=1 rewrites the file instead.
void expectGolden(const std::string& name, const std::string& actual) {
    std::string path = std::string(HOP_SOURCE_DIR) + "/tests/golden/" + name;
    if (std::getenv("HOP_UPDATE_GOLDEN")) {
        std::ofstream(path) << actual;
        return;
    }
    EXPECT_EQ(readFile(path), actual)
        << "golden file " << path << " differs (HOP_UPDATE_GOLDEN=1 rewrites it)";
}

// The expression last assigned to the temporary `e` names (predicates are such temporaries).
std::string definition(const Program& p, const Control& c, const ExprPtr& e) {
    if (!e || e->kind != ExprKind::Field) return "<not a temporary>";
    std::string def = "<undefined>";
    for (const auto& s : c.stmts)
        if (s.kind == StmtKind::Assign && s.dst->kind == ExprKind::Field &&
            s.dst->index == e->index)
            def = exprToString(p, s.src);
    return def;
}

const Table* table(const Program& p, const std::string& name) {
    TableId t = p.findTable(name);
    return t >= 0 ? &p.tables[t] : nullptr;
}

TEST(IrLower, Basic) {
    Lowered l = lowerFile("examples/basic.p4");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    ASSERT_EQ(p.tables.size(), 1u);
    const Table* t = table(p, "MyIngress.ipv4_lpm");
    ASSERT_TRUE(t);
    ASSERT_EQ(t->keys.size(), 1u);
    EXPECT_EQ(t->keys[0].width, 32);
    EXPECT_EQ(t->keys[0].matchKind, MatchKind::Lpm);
    EXPECT_EQ(t->keys[0].name, "hdr.ipv4.dstAddr");
    EXPECT_EQ(t->size, 1024);
    EXPECT_EQ(p.actions[t->defaultAction.action].name, "MyIngress.drop");
    EXPECT_FALSE(t->defaultActionIsConst);
    ActionId fwd = p.findAction("MyIngress.ipv4_forward");
    ASSERT_GE(fwd, 0);
    ASSERT_EQ(p.actions[fwd].params.size(), 2u);
    EXPECT_EQ(p.actions[fwd].params[0].width, 48);
    EXPECT_EQ(p.actions[fwd].params[1].width, 9);
    EXPECT_EQ(p.actions[fwd].body.size(), 4u);
    // Parser: start, parse_ethernet, parse_ipv4.
    ASSERT_EQ(p.parser.states.size(), 3u);
    EXPECT_EQ(p.parser.states[0].name, "start");
    EXPECT_EQ(p.parser.states[1].selectKeys.size(), 1u);
    EXPECT_EQ(p.parser.states[1].cases[0].keys[0].value, 0x800);
    // The table runs only when IPv4 is valid (the condition is evaluated once, into a temporary).
    ASSERT_EQ(p.ingress.stmts.size(), 2u);
    EXPECT_EQ(p.ingress.stmts[1].kind, StmtKind::ApplyTable);
    EXPECT_EQ(definition(p, p.ingress, p.ingress.stmts[1].pred), "hdr.ipv4.isValid()");
    ASSERT_EQ(p.verifyChecksums.size(), 1u);
    EXPECT_EQ(p.verifyChecksums[0].data.size(), 11u);
    ASSERT_EQ(p.updateChecksums.size(), 1u);
    EXPECT_EQ(p.deparser.size(), 2u);
    // Layout: ethernet 112 bits, ipv4 160 bits.
    EXPECT_EQ(p.headers[p.findHeader("hdr.ethernet")].width, 112);
    EXPECT_EQ(p.headers[p.findHeader("hdr.ipv4")].width, 160);
    EXPECT_EQ(p.fields[p.findField("hdr.ipv4.ttl")].offset, 64);
    expectGolden("basic.ir.txt", dumpIr(p));

    nlohmann::json j = p4info::p4infoJson(p);
    EXPECT_EQ(j["tables"][0]["preamble"]["id"], 37375156u);
}

TEST(IrLower, RouterReturnsBecomePredicates) {
    Lowered l = lowerFile("examples/router.p4");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    EXPECT_EQ(p.tables.size(), 5u);
    ASSERT_EQ(p.controllerHeaders.size(), 2u);
    EXPECT_EQ(p.controllerHeaders[0].name, "packet_in");
    EXPECT_EQ(p.controllerHeaders[0].fields[0].width, 9);
    // The first statement after the packet_out branch runs only when packet_out is invalid.
    bool found = false;
    for (const auto& s : p.ingress.stmts) {
        if (s.kind == StmtKind::ApplyTable && p.tables[s.table].localName == "port_mac") {
            // $live = !$cond0 && $cond1, $cond0 = packet_out valid, $cond1 = ethernet valid.
            std::string live = definition(p, p.ingress, s.pred);
            EXPECT_EQ(live, "(!RouterIngress.$cond0 && RouterIngress.$cond1)");
            EXPECT_EQ(definition(p, p.ingress, fieldRef(p.findField("RouterIngress.$cond0"), 1)),
                      "hdr.packet_out.isValid()");
            EXPECT_EQ(definition(p, p.ingress, fieldRef(p.findField("RouterIngress.$cond1"), 1)),
                      "hdr.ethernet.isValid()");
            found = true;
        }
    }
    EXPECT_TRUE(found);
    expectGolden("router.ir.txt", dumpIr(p));
}

TEST(IrLower, TunnelPushAndPop) {
    Lowered l = lowerFile("examples/tunnel.p4");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    EXPECT_EQ(p.tables.size(), 2u);
    ActionId push = p.findAction("MyIngress.myTunnel_ingress");
    ASSERT_GE(push, 0);
    EXPECT_EQ(p.actions[push].body[0].kind, StmtKind::SetValid);
    EXPECT_EQ(p.actions[push].params[0].width, 16);
    ASSERT_EQ(p.parser.states.size(), 3u);
    EXPECT_EQ(p.parser.states[0].cases.size(), 3u);
    expectGolden("tunnel.ir.txt", dumpIr(p));
}

TEST(IrLower, IfElseAndSwitchPredicates) {
    Lowered l = lowerText(R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; }
struct H { h_t h; }
struct M { bit<8> x; }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.h); transition accept; }
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    action set(bit<8> v) { meta.x = v; }
    action other() { meta.x = 1; }
    table t { key = { hdr.h.a: ternary; } actions = { set; other; } }
    apply {
        if (hdr.h.a == 3) {
            hdr.h.a = 4;
            hdr.h.b = 1;
        } else {
            hdr.h.b = 2;
        }
        switch (t.apply().action_run) {
            set: { sm.egress_spec = 1; }
            default: { sm.egress_spec = 2; }
        }
    }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.h); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    std::vector<std::string> lines;
    for (const auto& s : p.ingress.stmts)
        lines.push_back((s.pred ? "[" + exprToString(p, s.pred) + "] " : "") +
                        (s.kind == StmtKind::ApplyTable ? "apply" : exprToString(p, s.dst)));
    ASSERT_EQ(lines.size(), 7u);
    // The condition is evaluated once, before the branches can change what it reads.
    EXPECT_EQ(lines[0], "I.$cond0");
    EXPECT_EQ(exprToString(p, p.ingress.stmts[0].src), "(hdr.h.a == 8w3)");
    EXPECT_EQ(lines[1], "[I.$cond0] hdr.h.a");
    EXPECT_EQ(lines[2], "[I.$cond0] hdr.h.b");
    EXPECT_EQ(lines[3], "[!I.$cond0] hdr.h.b");
    EXPECT_EQ(lines[4], "apply");
    EXPECT_EQ(lines[5], "[I.t.action_run == I.set] standard_metadata.egress_spec");
    EXPECT_EQ(lines[6], "[!I.t.action_run == I.set] standard_metadata.egress_spec");
    // The table has no default_action: NoAction, as in P4_16.
    EXPECT_EQ(p.actions[p.tables[0].defaultAction.action].name, "NoAction");
    EXPECT_EQ(p.tables[0].keys[0].matchKind, MatchKind::Ternary);
}

// An action that exits ends the whole control: statements after a switch on its table's
// action_run, and the branches of `if (t.apply().hit)`, must test the exit flag.
TEST(IrLower, ExitInATableActionGuardsEverythingAfter) {
    Lowered l = lowerText(R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; }
struct H { h_t h; }
struct M { bit<8> x; }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.h); transition accept; }
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    action stop() { exit; }
    action go() { }
    table t { key = { hdr.h.a: exact; } actions = { stop; go; } }
    table u { key = { hdr.h.b: exact; } actions = { stop; go; } }
    apply {
        switch (t.apply().action_run) {
            go: { hdr.h.b = 1; }
        }
        if (u.apply().hit) {
            hdr.h.b = 2;
        }
        hdr.h.a = 3;
    }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.h); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    ASSERT_GE(p.ingress.exitFlag, 0);
    int guarded = 0;
    for (const auto& s : p.ingress.stmts) {
        if (s.kind != StmtKind::Assign || s.dst->kind != ExprKind::Field) continue;
        const std::string dst = exprToString(p, s.dst);
        if (dst != "hdr.h.a" && dst != "hdr.h.b") continue;
        ASSERT_TRUE(s.pred) << dst << " runs unconditionally after an exiting action";
        EXPECT_NE(exprToString(p, s.pred).find("I.$exit"), std::string::npos)
            << dst << " is not guarded by the exit flag: " << exprToString(p, s.pred);
        ++guarded;
    }
    EXPECT_EQ(guarded, 3);
}

// A control applied from another is inlined: one flat ingress, each instance's table and action
// named under it as p4c names them in P4Info.
TEST(IrLower, SubControlsAreInlinedPerInstance) {
    const char* kProgram = R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; bit<8> b; }
struct H { h_t h; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.h); transition accept; }
}
control V(inout H hdr, inout M meta) { apply { } }
control Inc(inout bit<8> v) {
    action set(bit<8> n) { v = n; }
    table t { key = { v: exact; } actions = { set; NoAction; } default_action = NoAction(); }
    apply { t.apply(); v = v + 1; }
}
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    Inc() x;
    Inc() y;
    apply { x.apply(hdr.h.a); y.apply(hdr.h.b); }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.h); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)";
    Lowered l = lowerText(kProgram);
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    std::vector<std::string> tables, actions;
    for (const auto& t : p.tables) tables.push_back(t.name);
    for (const auto& a : p.actions) actions.push_back(a.name);
    EXPECT_EQ(tables, (std::vector<std::string>{"I.x.t", "I.y.t"}));
    EXPECT_NE(std::find(actions.begin(), actions.end(), "I.x.set"), actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), "I.y.set"), actions.end());
    int applies = 0;
    for (const auto& s : p.ingress.stmts) applies += s.kind == StmtKind::ApplyTable;
    EXPECT_EQ(applies, 2);

    // A control type with constructor parameters is not inlined yet: a located error.
    std::string withCtor = kProgram;
    withCtor.replace(withCtor.find("control Inc(inout bit<8> v)"),
                     std::string("control Inc(inout bit<8> v)").size(),
                     "control Inc(inout bit<8> v)(bit<8> k)");
    withCtor.replace(withCtor.find("Inc() x;"), 8, "Inc(1) x;");
    withCtor.replace(withCtor.find("Inc() y;"), 8, "Inc(2) y;");
    Lowered bad = lowerText(withCtor);
    EXPECT_FALSE(bad.program);
    EXPECT_EQ(bad.diagnostics.find("x.apply"), std::string::npos) << bad.diagnostics;
    EXPECT_NE(bad.diagnostics.find(
                  ":17:5: error: a control with constructor parameters is not supported"),
              std::string::npos)
        << bad.diagnostics;
}

// `actions = { a(hdr.h.x); }`: the table runs a's body with its inout parameter bound there; the
// action itself keeps only its control-plane parameter.
TEST(IrLower, ActionArgumentsBoundInATable) {
    Lowered l = lowerText(R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> k; bit<8> x; }
struct H { h_t h; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.h); transition accept; }
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    action add(inout bit<8> v, bit<8> n) { v = v + n; }
    table t {
        key = { hdr.h.k: exact; }
        actions = { add(hdr.h.x); }
        default_action = add(hdr.h.x, 3);
    }
    apply { t.apply(); }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.h); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    ASSERT_EQ(p.tables.size(), 1u);
    const Table& t = p.tables[0];
    ASSERT_EQ(t.actions.size(), 1u);
    EXPECT_TRUE(t.actions[0].bound);
    ASSERT_EQ(t.actions[0].body.size(), 1u);
    EXPECT_EQ(exprToString(p, t.actions[0].body[0].dst), "hdr.h.x");
    const Action& a = p.actions[t.actions[0].action];
    ASSERT_EQ(a.params.size(), 1u);
    EXPECT_EQ(a.params[0].name, "n");
    // The default action's arguments: the bound one skipped, the control-plane one kept.
    EXPECT_EQ(t.defaultAction.action, t.actions[0].action);
    ASSERT_EQ(t.defaultAction.args.size(), 1u);
    EXPECT_EQ(t.defaultAction.args[0], 3);
}

TEST(IrLower, UnsupportedIsReportedNotDropped) {
    Lowered l = lowerText(R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
struct H { h_t h; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start {
        pk.extract(hdr.h);
        error e = error.NoMatch;
        verify(hdr.h.a == 1, e);
        transition accept;
    }
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.h); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)");
    EXPECT_FALSE(l.program);
    EXPECT_NE(l.diagnostics.find("is not supported by hopline"), std::string::npos)
        << l.diagnostics;
}

// extract(s.next) stays a stack extract; a run-time index (signed too, as p4c takes it) is one
// predicated write per element the index can name.
TEST(IrLower, StackNextAndRunTimeIndex) {
    Lowered l = lowerText(R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<8> a; }
header i_t { int<8> i; }
struct H { i_t x; h_t[3] s; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.x); transition loop; }
    state loop { pk.extract(hdr.s.next); transition select(hdr.s.last.a) { 1: loop; default: accept; } }
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) {
    apply { hdr.s[hdr.x.i].a = 5; }
}
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.s); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)");
    ASSERT_TRUE(l.program) << l.diagnostics;
    const Program& p = *l.program;
    ASSERT_EQ(p.stacks.size(), 1u);
    ASSERT_GE(p.stacks[0].nextIndex, 0);
    int stackExtracts = 0;
    for (const auto& st : p.parser.states)
        for (const auto& s : st.stmts)
            if (s.kind == StmtKind::Extract && s.stack == 0) ++stackExtracts;
    EXPECT_EQ(stackExtracts, 1);
    int writes = 0;
    for (const auto& s : p.ingress.stmts) {
        if (s.kind != StmtKind::Assign || s.dst->kind != ExprKind::Field) continue;
        const std::string dst = exprToString(p, s.dst);
        if (dst.rfind("hdr.s[", 0) != 0) continue;
        EXPECT_TRUE(s.pred) << dst << " is written unconditionally";
        ++writes;
    }
    EXPECT_EQ(writes, 3);
}

// For loops unroll only with loop variables known in every iteration, and at most 131072
// iterations: anything else is a located refusal naming the loop and the reason.
TEST(IrLower, ForLoopsThatCannotUnroll) {
    auto program = [](const std::string& body) {
        return R"(
#include <core.p4>
#include <v1model.p4>
header h_t { bit<32> a; bit<8> b; }
struct H { h_t h; }
struct M { }
parser P(packet_in pk, out H hdr, inout M meta, inout standard_metadata_t sm) {
    state start { pk.extract(hdr.h); transition accept; }
}
control V(inout H hdr, inout M meta) { apply { } }
control I(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { )" +
               body + R"( } }
control E(inout H hdr, inout M meta, inout standard_metadata_t sm) { apply { } }
control C(inout H hdr, inout M meta) { apply { } }
control D(packet_out pk, in H hdr) { apply { pk.emit(hdr.h); } }
V1Switch(P(), V(), I(), E(), C(), D()) main;
)";
    };
    struct Case {
        const char* body;
        const char* error;
    };
    for (const Case& c : {
             Case{"for (bit<8> i = hdr.h.b; i < 4; i = i + 1) { }",
                  "a for loop variable that does not start at a compile-time constant"},
             Case{"for (bit<8> i = 0; i < 4; i = i + 1) { i = 3; }",
                  "a for loop whose body assigns its loop variable 'i'"},
             Case{"for (bit<32> i = 0; i < hdr.h.a; i = i + 1) { hdr.h.b = hdr.h.b + 1; }",
                  "a for loop of more than 131072 iterations"},
             Case{"for (bit<8> i = 0; i < 4; i = i + hdr.h.b) { }",
                  "a for loop update that does not compute a compile-time constant"},
             Case{"for (bit<8> i in hdr.h.b .. 4) { }",
                  "a for loop range that does not start at a compile-time constant"},
         }) {
        Lowered l = lowerText(program(c.body));
        EXPECT_FALSE(l.program) << c.body;
        EXPECT_NE(l.diagnostics.find(c.error), std::string::npos) << l.diagnostics;
        EXPECT_NE(l.diagnostics.find("not supported by hopline"), std::string::npos)
            << l.diagnostics;
    }
    Lowered ok = lowerText(program("for (bit<8> i in 1 .. hdr.h.b) { hdr.h.a = hdr.h.a + 1; }"));
    EXPECT_TRUE(ok.program) << ok.diagnostics;
}

}  // namespace
}  // namespace hop
