// SPDX-License-Identifier: Apache-2.0
// The reference interpreter: the parser: states, select, extract.
#include "sim/model/model_impl.hpp"

namespace hop::sim {

void Model::Impl::runParser() {
    ir::StateId state = p.parser.states.empty() ? ir::kAccept : 0;
    int steps = 0;
    try {
        while (state >= 0) {
            if (++steps > 100000) throw ParserReject{errParserTimeout, "too many parser states"};
            const ir::ParserState& st = p.parser.states[state];
            note(TraceEvent::Kind::State, "parser state " + st.name);
            for (const auto& s : st.stmts) exec(s, nullptr);
            state = select(st);
        }
        if (state == ir::kReject) {
            // An explicit `transition reject` leaves parser_error as it is (NoError).
            note(TraceEvent::Kind::Note, "parser: reject");
        } else {
            note(TraceEvent::Kind::Note,
                 "parser: accept after " + std::to_string(cursor / 8) + " bytes");
        }
    } catch (const ParserReject& r) {
        if (fParserError >= 0 && r.error >= 0) phv[fParserError] = r.error;
        note(TraceEvent::Kind::Note, "parser: reject with error." + errorName(r.error) + " (" +
                                         r.detail + "); ingress still runs (v1model)");
    }
}

ir::StateId Model::Impl::select(const ir::ParserState& st) {
    if (st.selectKeys.empty()) return st.cases.empty() ? ir::kReject : st.cases[0].next;
    std::vector<BigInt> key;
    for (const auto& k : st.selectKeys) key.push_back(eval(k, nullptr));
    for (const auto& c : st.cases) {
        bool ok = true;
        for (size_t i = 0; i < c.keys.size() && ok; ++i) ok = tables::matches(c.keys[i], key[i]);
        if (!ok) continue;
        if (tracing) note(TraceEvent::Kind::Select, selectText(st, key, &c));
        return c.next;
    }
    if (tracing) note(TraceEvent::Kind::Select, selectText(st, key, nullptr));
    throw ParserReject{errNoMatch, "no select case matched"};
}

std::string Model::Impl::stateName(ir::StateId id) const {
    if (id == ir::kAccept) return "accept";
    if (id == ir::kReject) return "reject";
    return p.parser.states[id].name;
}

std::string Model::Impl::selectText(const ir::ParserState& st, const std::vector<BigInt>& key,
                                    const ir::SelectCase* c) const {
    std::string out = "select (";
    for (size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + number(key[i]);
    out += ")";
    if (!c) return out + " -> no case matched";
    bool isDefault = true;
    std::string keys;
    for (size_t i = 0; i < c->keys.size(); ++i) {
        isDefault = isDefault && c->keys[i].kind == ir::Match::Kind::DontCare;
        keys += (i ? ", " : "") + tables::formatMatch(c->keys[i]);
    }
    return out + " -> case " + (isDefault ? "default" : keys) + " -> " + stateName(c->next);
}

void Model::Impl::extract(const ir::Stmt& stmt, const std::vector<BigInt>* args) {
    // `stack.next`: the element at the stack's nextIndex, which then counts up (P4_16 12.8.1).
    ir::Stmt element;
    if (stmt.stack >= 0) {
        const ir::HeaderStack& hs = p.stacks[stmt.stack];
        BigInt& next = phv[hs.nextIndex];
        if (next >= hs.size())
            throw ParserReject{
                errorCode("StackOutOfBounds"),
                "extract " + hs.name + ".next past its " + std::to_string(hs.size()) + " elements"};
        element = stmt;
        element.header = p.nextTarget(stmt, static_cast<size_t>(next));
    }
    const ir::Stmt& s = stmt.stack >= 0 ? element : stmt;
    const ir::Header& h = p.headers[s.header];
    int varbitLen = -1;
    int fixedBits = h.width;
    // The IR gives a varbit field its maximum width; a header holds at most one, and P4
    // programs put it last, which is what the model assumes.
    if (s.length) {
        BigInt n = eval(s.length, args);
        const ir::Field& last = p.fields[h.fields.back()];
        // BMv2 extracts varbits in whole bytes: another length is ParserInvalidArgument,
        // checked first (the spec's extract allows a target this check).
        if (n % 8 != 0)
            throw ParserReject{errorCode("ParserInvalidArgument"),
                               "varbit length " + n.str() + " bits, not whole bytes"};
        if (n > last.width)
            throw ParserReject{errorCode("HeaderTooShort"),
                               "varbit length " + n.str() + " above " + std::to_string(last.width)};
        varbitLen = static_cast<int>(n);
        fixedBits = h.width - last.width + varbitLen;
    }
    const size_t total = input->size() * 8;
    if (cursor + fixedBits > total)
        throw ParserReject{errPacketTooShort, "extract " + h.name + " needs " +
                                                  std::to_string(fixedBits) + " bits at bit " +
                                                  std::to_string(cursor) + ", packet has " +
                                                  std::to_string(total)};
    const size_t start = cursor;
    for (size_t i = 0; i < h.fields.size(); ++i) {
        const ir::FieldId f = h.fields[i];
        int w = p.fields[f].width;
        if (varbitLen >= 0 && i + 1 == h.fields.size()) {
            w = varbitLen;
            varbitBits[f] = varbitLen;
        }
        phv[f] = readBits(*input, cursor, w);
        cursor += w;
    }
    valid[s.header] = 1;
    for (ir::HeaderId other : p.unionSiblings(s.header)) valid[other] = 0;
    if (stmt.stack >= 0) phv[p.stacks[stmt.stack].nextIndex] += 1;
    if (tracing)
        note(TraceEvent::Kind::Extract,
             "extract " + h.name + " (" + std::to_string((cursor - start) / 8) + " bytes at byte " +
                 std::to_string(start / 8) + "): " + headerValues(s.header));
}

ir::ErrorCode Model::Impl::errorCode(const std::string& name) const {
    for (size_t i = 0; i < p.errors.size(); ++i)
        if (p.errors[i] == name) return static_cast<ir::ErrorCode>(i);
    return -1;
}

}  // namespace hop::sim
