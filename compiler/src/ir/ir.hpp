// SPDX-License-Identifier: Apache-2.0
// The pipeline IR: what every backend (Verilog, the reference interpreter, P4Info) reads.
//
// The IR is a flat, index-based description of one v1model program after lowering:
//   - a layout of every header instance, metadata struct and temporary as named fixed-width
//     fields with bit offsets (the "packet header vector"), and one validity bit per header;
//   - the parser as a graph of states, each a list of statements and one select transition;
//   - each control as one ordered list of predicated statements: control flow is gone, every
//     statement carries the boolean condition under which it runs, so each one can become a
//     pipeline stage without a program counter;
//   - tables, actions, checksum units, the deparser's emit order, extern instances and the
//     controller (packet_in/packet_out) headers.
// Everything refers to everything else by index into the vectors of `Program`, so a backend can
// size arrays once and the dump is deterministic. Expressions are immutable and shared.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "source/source.hpp"

namespace hop::ir {

using BigInt = boost::multiprecision::cpp_int;

// Indices into Program's vectors. -1 means "none" where a field says so.
using FieldId = int;
using HeaderId = int;
using TableId = int;
using ActionId = int;
using StateId = int;
using ErrorCode = int;

// ---------------------------------------------------------------------------------------------
// Layout.

// One scalar field of the packet header vector, e.g. `hdr.ipv4.ttl`, `meta.nexthop_id`,
// `standard_metadata.egress_spec` or the temporary `MyIngress.tmp`.
struct Field {
    std::string name;       // fully qualified, canonical roots: hdr, meta, standard_metadata
    int width = 0;          // bits; 1 for bool
    bool isSigned = false;  // int<W>
    bool isBool = false;    // declared bool (still one bit wide)
    HeaderId header = -1;   // the instance that holds it
    int offset = 0;         // bit offset inside the instance, 0 = first bit on the wire (MSB)
    int phvOffset = 0;      // bit offset in the whole packet header vector
};

// One header instance, one metadata struct (flattened), or the block of temporaries of one
// control. Struct nesting is flattened into dotted field names; a header stack contributes one
// instance per element (`hdr.vlan[0]`, `hdr.vlan[1]`).
struct Header {
    enum class Kind {
        Packet,     // a P4 header: has a validity bit and can be extracted / emitted
        Metadata,   // user metadata (M) or standard_metadata: always valid, never emitted
        Temporary,  // locals of a control or parser, inlined function results, flags
    } kind = Kind::Packet;
    std::string name;              // `hdr.ipv4`, `meta`, `standard_metadata`, `MyIngress` (locals)
    std::string typeName;          // `ipv4_t`, `metadata`, ... (empty for temporaries)
    std::vector<FieldId> fields;   // in declaration (wire) order
    int width = 0;                 // sum of field widths
    int validBit = -1;             // index into Program::validityBits for Packet; -1 otherwise
    int stack = -1;                // index into Program::stacks when a stack element
    int stackIndex = -1;           // element index in that stack
    int headerUnion = -1;          // index into Program::unions when a union member
    std::string controllerHeader;  // "packet_in" / "packet_out" from @controller_header
    std::vector<std::string> annotations;  // source annotations of the header type, as written
};

struct HeaderStack {
    std::string name;                // `hdr.vlan`
    std::vector<HeaderId> elements;  // element 0 first; empty for a stack of header unions
    std::vector<int> unions;         // a stack of header unions: its elements (Program::unions)
    FieldId nextIndex = -1;          // a 32-bit temporary counting extracted elements (`.next`)
    size_t size() const { return unions.empty() ? elements.size() : unions.size(); }
};

struct HeaderUnion {
    std::string name;               // `hdr.l4`, `hdr.u[1]` (an element of a stack of unions)
    std::vector<HeaderId> members;  // at most one valid at a time
    int stack = -1;                 // index into Program::stacks when a stack element
    int stackIndex = -1;            // element index in that stack
};

// ---------------------------------------------------------------------------------------------
// Expressions.

enum class ExprKind {
    Constant,   // value (two's complement for signed; always 0 <= value < 2^width)
    Field,      // field
    Valid,      // validity of header; bool
    Param,      // action parameter `index` of the enclosing action (control-plane data)
    Unary,      // unaryOp(args[0])
    Binary,     // binaryOp(args[0], args[1])
    Ternary,    // args[0] ? args[1] : args[2]
    Slice,      // args[0][hi:lo]
    Cast,       // args[0] to (width, isSigned): truncates, or extends by args[0]'s signedness
    TableHit,   // table was applied and hit; bool (false when the table was not applied)
    ActionRun,  // table was applied and ran action (hit or default); bool
    Lookahead,  // parser only: `width` bits at the cursor plus `hi` bits of offset (unused: 0)
    // The extracted length in bits of varbit field `index` (its maximum width when the header
    // was not extracted); 16 bits.
    VarbitLength,
};

enum class UnaryOp { LNot, BitNot, Neg };

enum class BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    AddSat,
    SubSat,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,  // signedness from the operands
    BitAnd,
    BitOr,
    BitXor,
    Concat,  // args[0] is the high part
    LAnd,
    LOr,
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// A typed expression: every node knows its width and signedness, so backends never infer.
struct Expr {
    ExprKind kind = ExprKind::Constant;
    int width = 0;
    bool isSigned = false;
    bool isBool = false;
    BigInt value;          // Constant
    int index = -1;        // Field: FieldId; Valid: HeaderId; Param: parameter index;
                           // TableHit / ActionRun: TableId
    ActionId action = -1;  // ActionRun
    UnaryOp unaryOp = UnaryOp::LNot;
    BinaryOp binaryOp = BinaryOp::Add;
    int hi = 0, lo = 0;  // Slice
    std::vector<ExprPtr> args;
};

// Constructors that compute result widths by the P4 rules; used by the lowering and by tests.
ExprPtr constant(const BigInt& value, int width, bool isSigned = false);
ExprPtr boolConst(bool value);
ExprPtr fieldRef(FieldId id, int width, bool isSigned = false, bool isBool = false);
ExprPtr validRef(HeaderId header);
ExprPtr paramRef(int index, int width, bool isSigned = false);
ExprPtr unary(UnaryOp op, ExprPtr a);
ExprPtr binary(BinaryOp op, ExprPtr a, ExprPtr b);
ExprPtr ternary(ExprPtr c, ExprPtr a, ExprPtr b);
ExprPtr slice(ExprPtr a, int hi, int lo);
ExprPtr cast(ExprPtr a, int width, bool isSigned);
ExprPtr tableHit(TableId table);
ExprPtr actionRun(TableId table, ActionId action);
ExprPtr lookahead(int width);
ExprPtr varbitLength(FieldId field);
// Boolean helpers that fold `true` away, so unconditional statements keep a null predicate.
ExprPtr andPred(const ExprPtr& a, const ExprPtr& b);  // null means true
ExprPtr notPred(const ExprPtr& a);                    // of null is `false`
bool isTrue(const ExprPtr& e);                        // null or constant true
bool isFalse(const ExprPtr& e);                       // constant false

// ---------------------------------------------------------------------------------------------
// Statements.

// v1model's HashAlgorithm: of the hash extern and of the checksum externs (hash/hash.hpp says
// what BMv2 computes for each).
enum class HashAlgorithm {
    Csum16,
    Crc16,
    Crc32,
    Identity,
    Xor16,
    Random,
    Crc16Custom,
    Crc32Custom
};
using ChecksumAlgorithm = HashAlgorithm;

enum class StmtKind {
    Assign,      // dst = src; dst is a Field expression or a Slice of one
    SetValid,    // header (for a union member, the lowering also invalidates the others)
    SetInvalid,  // header (the same for a union member: no member stays valid, P4_16 8.20)
    MarkToDrop,  // v1model: egress_spec = 511, mcast_grp = 0
    Exit,        // sets the control's exit flag (Control::exitFlag); later statements test it
    ApplyTable,  // table lookup and its action; results readable by TableHit / ActionRun
    Extract,     // parser: header from the cursor; `length` = varbit size in bits (or null);
                 // with `stack` set instead of `header`: the stack's element at its nextIndex
                 // (for a stack of unions, that element's member `member`), which then counts
                 // up (past the last element: reject, StackOutOfBounds). Extracting a union
                 // member makes the union's other members invalid (P4_16 8.20).
    Advance,     // parser: skip src bits
    Verify,      // parser: if !src then reject with error `error`
    Count,       // counter `object`[src] += 1 packet / bytes (src null for direct counters)
    RegRead,     // dst = register `object`[src]
    RegWrite,    // register `object`[src] = src2
    MeterExec,   // dst = colour of meter `object`[src] (src null for direct meters)
    // v1model's hash: dst = src + (H(args) % src2) with BMv2's rules (hash::hashOffset): H is
    // `algorithm` over the values of `args` packed bit after bit, MSB first, zero-padded to
    // whole bytes; a Field of a packet header that is not valid contributes no bits, as BMv2
    // leaves it out of the calculation.
    Hash,
    Log,    // log_msg: `text` with each `{}` replaced by the next of `args` (the model's trace;
            // the backend leaves it out, saying so)
    Check,  // assert / assume (`text`: the extern and where it is called): src must be true; the
            // model ends the packet with a located error when it is not (BMv2 ends the switch); the
            // backend compiles it out
    // Structured statements: the lowering emits them for what the program says, and the
    // `expand-structured` pass (ir/passes.hpp) replaces each by the Assign / SetValid /
    // SetInvalid statements it stands for, so the backends and the model never see one.
    HeaderCopy,      // header = header `from`: every field, then the validity (P4_16 8.17)
    StackCopy,       // stack = stack `from` of the same size: a HeaderCopy per element
    StackPushFront,  // stack.push_front(count) (P4_16 8.18), nextIndex included
    StackPopFront,   // stack.pop_front(count)
};

// HeaderCopy, StackCopy, StackPushFront, StackPopFront.
bool isStructured(StmtKind kind);

struct Stmt {
    StmtKind kind = StmtKind::Assign;
    ExprPtr pred;  // runs only when true; null = always
    ExprPtr dst, src, src2, length;
    HeaderId header = -1;
    int stack = -1;   // Extract of `stack.next`: index into Program::stacks
    int member = -1;  // Extract of `stack.next.m` of a stack of unions: m's index in the union
    TableId table = -1;
    int object = -1;  // index into Program::externs
    ErrorCode error = -1;
    int from = -1;  // HeaderCopy: the source header; StackCopy: the source stack
    int count = 0;  // StackPushFront / StackPopFront: elements shifted, at most the stack's size
    // Structured copies: for each element copy, in the order the copies run, a 1-bit temporary
    // that holds the source's validity (the source may be a neighbour that is shifted too). The
    // lowering allocates them, so the layout is the same before and after the expansion.
    std::vector<FieldId> scratch;
    std::vector<ExprPtr> args;                       // Hash: the data, in order
    HashAlgorithm algorithm = HashAlgorithm::Crc32;  // Hash
    std::string text;                                // Log: the message; Check: what failed
    SourceLoc loc;
};

// v1model's random(result, lo, hi) is a Hash statement over this field and the call's number:
// each engine sets it to the number of packets the pipeline took before this one (from 0
// after a reset, wrapping at 2^32), so a run is repeatable and the engines agree.
inline constexpr const char* kPacketSeqField = "$packet.seq";
// v1model's truncate(length) sets these two: the frame the deparser makes leaves with at most
// `length` bytes (none when it is 0: there is no frame to send).
inline constexpr const char* kTruncateField = "$packet.truncate";
inline constexpr const char* kTruncateLengthField = "$packet.truncate_length";

// ---------------------------------------------------------------------------------------------
// Match values: used by select cases and by table const entries.

struct Match {
    enum class Kind { Exact, Ternary, Lpm, Range, DontCare } kind = Kind::Exact;
    BigInt value;       // Exact, Ternary, Lpm; low bound for Range
    BigInt mask;        // Ternary (and Lpm, derived from prefixLen)
    BigInt high;        // Range
    int prefixLen = 0;  // Lpm
};

// ---------------------------------------------------------------------------------------------
// Parser.

inline constexpr StateId kAccept = -1;
inline constexpr StateId kReject = -2;

struct SelectCase {
    std::vector<Match> keys;  // one per select key; all DontCare for `default` / `_`
    StateId next = kReject;
    SourceLoc loc;
};

struct ParserState {
    std::string name;
    std::vector<Stmt> stmts;          // Extract, Advance, Verify, Assign, SetValid, SetInvalid
    std::vector<ExprPtr> selectKeys;  // empty for a direct transition
    std::vector<SelectCase> cases;    // for a direct transition: one case with no keys
    SourceLoc loc;
};

struct Parser {
    std::string name;                 // the P4 parser's name, e.g. `MyParser`
    std::vector<ParserState> states;  // states[0] is `start`
};

// ---------------------------------------------------------------------------------------------
// Tables and actions.

enum class MatchKind { Exact, Lpm, Ternary, Range, Optional, Selector };

struct ActionParam {
    std::string name;
    int width = 0;
    bool isSigned = false;
    bool isBool = false;
    std::vector<std::string> annotations;
};

struct Action {
    std::string name;       // control-plane name: `MyIngress.drop`, `NoAction`
    std::string localName;  // as declared: `drop`
    std::vector<ActionParam> params;
    std::vector<Stmt> body;  // predicated like control statements; Param refs for parameters
    std::vector<std::string> annotations;
    std::optional<uint32_t> id;  // @id
    bool controlPlane = false;   // referenced by a table (listed in P4Info)
};

struct TableKey {
    ExprPtr expr;
    int width = 0;
    MatchKind matchKind = MatchKind::Exact;
    std::string name;  // as p4c writes it: `hdr.ipv4.dstAddr`, or @name
    std::vector<std::string> annotations;
};

struct ActionRef {
    ActionId action = -1;
    enum class Scope { TableAndDefault, TableOnly, DefaultOnly } scope = Scope::TableAndDefault;
    std::vector<std::string> annotations;
    // `actions = { a(hdr.h.x); }`: the action's in/out/inout parameters bound in the action
    // list. The table then runs `body` (the action's body with them bound) instead of the
    // action's own; the control plane still sees only the directionless parameters.
    bool bound = false;
    std::vector<Stmt> body;
};

struct ActionCall {
    ActionId action = -1;
    std::vector<BigInt> args;  // one per action parameter, as unsigned bit patterns
};

struct TableEntry {
    std::vector<Match> keys;  // one per table key
    ActionCall action;
    std::optional<BigInt> priority;  // explicit `priority = N` or @priority
    SourceLoc loc;
};

struct Table {
    std::string name;       // `MyIngress.ipv4_lpm`
    std::string localName;  // `ipv4_lpm`
    std::string control;    // `MyIngress`
    std::vector<TableKey> keys;
    std::vector<ActionRef> actions;
    ActionCall defaultAction;  // NoAction with no args when the program names none
    bool defaultActionIsConst = false;
    std::vector<TableEntry> entries;
    bool entriesConst = false;
    int64_t size = 1024;  // BMv2's default when there is no `size`
    bool hasSize = false;
    std::vector<int> directExterns;  // direct_counter / direct_meter indices into externs
    std::vector<std::pair<std::string, std::string>> properties;  // other properties, as text
    std::vector<std::string> annotations;
    std::optional<uint32_t> id;  // @id
    SourceLoc loc;
};

// ---------------------------------------------------------------------------------------------
// Controls, checksums, deparser.

struct Control {
    std::string name;         // the P4 control's name
    std::vector<Stmt> stmts;  // in program order; each with its predicate
    FieldId exitFlag = -1;    // set by Exit in actions; -1 when no dynamic exit can happen
};

struct ChecksumUnit {
    bool verify = true;         // verify_checksum* (else update_checksum*)
    bool withPayload = false;   // *_with_payload
    ExprPtr condition;          // includes the control-flow predicate
    std::vector<ExprPtr> data;  // the field list, in order
    ExprPtr checksum;           // the checksum field (a Field expression)
    ChecksumAlgorithm algorithm = ChecksumAlgorithm::Csum16;
    SourceLoc loc;
};

// ---------------------------------------------------------------------------------------------
// Stateful externs.

struct ExternObject {
    enum class Kind { Counter, DirectCounter, Meter, DirectMeter, Register } kind = Kind::Counter;
    enum class Unit { Packets, Bytes, Both } unit = Unit::Packets;
    std::string name;    // `MyIngress.c`
    int64_t size = 0;    // Counter, Meter, Register
    int width = 0;       // Register cell width; DirectMeter result width
    TableId table = -1;  // DirectCounter / DirectMeter: the owning table
    std::vector<std::string> annotations;
    std::optional<uint32_t> id;
};

// ---------------------------------------------------------------------------------------------
// Digests: v1model's digest<T>(receiver, data), as BMv2 simple_switch implements it. p4c's BMv2
// backend copies the data when digest is called, and simple_switch's learning engine reads the
// copies once ingress is done, one digest (the packet's last call's) per packet, whatever else
// happens to the packet (dropped or not); the receiver is ignored. The lowering does the same: a
// call assigns the data to the digest's fields and the digest's number (1 + its index in
// Program::digests) to kDigestIdField, which starts at 0 for every packet. Both engines send a
// digest for a packet whose kDigestIdField is not 0 after ingress; only ingress writes them.

struct Digest {
    std::string name;  // T's name: the P4Info digest's name and its type_info struct
    struct Field {
        std::string name;  // T's member
        int width = 0;
        FieldId field = -1;  // the temporary the call copies the value to
    };
    std::vector<Field> fields;  // in T's order
    std::vector<std::string> annotations;
};
inline constexpr const char* kDigestIdField = "$digest.id";
inline constexpr int kDigestIdWidth = 16;

// ---------------------------------------------------------------------------------------------
// The traffic manager's requests: v1model's clone, resubmit and recirculate as BMv2 simple_switch
// implements them. A call records the request in hidden fields (the last call wins, as in
// simple_switch), which the engine's traffic manager reads when the control is done: after
// ingress the clone (I2E) and resubmit fields, after egress the clone (E2E) and recirculate
// fields. Every field starts at 0 for every pass through a control.
//   kCloneField           bool: clone requested in this control (I2E in ingress, E2E in egress)
//   kCloneSessionField    bit<32>: the mirroring session
//   kCloneListField       bit<16>: 1 + the index in Program::fieldLists of the fields the clone
//                         keeps, 0 for none (plain clone)
//   kResubmitField        bit<16>: 1 + the field list's index: resubmit requested (ingress)
//   kRecirculateField     bit<16>: 1 + the field list's index: recirculate requested (egress)

// The metadata fields a clone, resubmit or recirculate keeps: the user metadata fields annotated
// @field_list(id), or the fields a deprecated call (clone3, resubmit, recirculate) lists (id -1).
struct FieldList {
    int id = -1;
    std::vector<FieldId> fields;  // in layout order
};
inline constexpr const char* kCloneField = "$tm.clone";
inline constexpr const char* kCloneSessionField = "$tm.clone_session";
inline constexpr const char* kCloneListField = "$tm.clone_list";
inline constexpr const char* kResubmitField = "$tm.resubmit";
inline constexpr const char* kRecirculateField = "$tm.recirculate";
inline constexpr int kFieldListRefWidth = 16;

// ---------------------------------------------------------------------------------------------
// Controller packet metadata: a header type annotated @controller_header("packet_in") or
// ("packet_out"), whether or not an instance of it exists.

struct ControllerHeader {
    std::string name;      // "packet_in" / "packet_out"
    std::string typeName;  // the header type
    struct Field {
        std::string name;
        int width = 0;
    };
    std::vector<Field> fields;  // in header layout order
    std::vector<std::string> annotations;
    HeaderId instance = -1;  // the (first) instance in the headers struct, -1 when none
};

// ---------------------------------------------------------------------------------------------
// The program.

struct Program {
    std::string name;  // program name (file stem), used for outputs

    std::vector<Header> headers;  // every instance, in declaration order: hdr.*, meta,
                                  // standard_metadata, then temporaries
    std::vector<Field> fields;
    std::vector<HeaderId> validityBits;  // bit i is the validity of headers[validityBits[i]]
    std::vector<HeaderStack> stacks;
    std::vector<HeaderUnion> unions;
    int phvWidth = 0;  // total bits of all fields

    std::vector<std::string> errors;  // error codes: index = code; NoError is 0
    int errorWidth = 1;               // bits of an `error` value (standard_metadata.parser_error)

    Parser parser;
    std::vector<ChecksumUnit> verifyChecksums;
    Control ingress;
    Control egress;
    std::vector<ChecksumUnit> updateChecksums;
    std::vector<HeaderId> deparser;  // emit order; invalid headers emit nothing

    std::vector<Table> tables;
    std::vector<Action> actions;
    std::vector<ExternObject> externs;
    std::vector<ControllerHeader> controllerHeaders;
    std::vector<Digest> digests;
    std::vector<FieldList> fieldLists;  // what clone / resubmit / recirculate calls keep
    // Each outermost for loop the lowering unrolled, with its iterations (nested loops'
    // included): a backend that lays every iteration out in hardware bounds them.
    std::vector<std::pair<SourceLoc, int>> unrolledLoops;

    // Lookups (linear; programs are small). Return -1 when absent.
    FieldId findField(const std::string& name) const;
    HeaderId findHeader(const std::string& name) const;
    TableId findTable(const std::string& name) const;
    ActionId findAction(const std::string& name) const;
    // The header an extract of `stack.next` (Stmt::stack, Stmt::member) fills when the stack's
    // nextIndex is `index`.
    HeaderId nextTarget(const Stmt& extract, size_t index) const;
    // The other members of the union that `header` is a member of (none when it is not one).
    std::vector<HeaderId> unionSiblings(HeaderId header) const;
    // Adds a field to `header`, placing it after the existing ones; returns its id.
    FieldId addField(HeaderId header, std::string name, int width, bool isSigned = false,
                     bool isBool = false);
    HeaderId addHeader(Header::Kind kind, std::string name, std::string typeName = {});
    // Recomputes phvOffset of every field and phvWidth (after fields were added).
    void computePhvOffsets();
};

const char* toString(UnaryOp op);
const char* toString(BinaryOp op);
const char* toString(MatchKind kind);
const char* toString(ChecksumAlgorithm algorithm);

}  // namespace hop::ir
