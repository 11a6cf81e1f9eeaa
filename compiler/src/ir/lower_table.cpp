// SPDX-License-Identifier: Apache-2.0
// Lowers tables and the actions they run: keys, action lists, default actions, const entries.
#include <algorithm>
#include <map>

#include "ir/lower_internal.hpp"

namespace hop::ir::detail {

namespace {

// Gives every entry of `t` a priority once any entry has one, so the engines only compare
// numbers under the table's `largest_priority_wins`. P4_16 14.2.1.4: an entry without
// `priority=` ranks just below the entry before it (the first one ranks above all).
// p4c's non-standard @priority(N), as BMv2 runs it: the smallest N wins and an entry
// without one has its 1-based position; it is mapped into the table's order.
void assignEntryPriorities(Table& t, const std::vector<std::optional<BigInt>>& legacy) {
    const bool anyLegacy = std::any_of(legacy.begin(), legacy.end(), [](auto& v) { return v; });
    const bool anyExplicit =
        std::any_of(t.entries.begin(), t.entries.end(), [](auto& e) { return e.priority; });
    if (!anyLegacy && !anyExplicit) return;
    bool largestWins = true;
    for (const auto& [name, value] : t.properties)
        if (name == "largest_priority_wins" && value == "false") largestWins = false;
    const BigInt n = static_cast<int64_t>(t.entries.size());
    if (anyLegacy && !anyExplicit) {
        BigInt top = n;
        for (const auto& v : legacy)
            if (v && *v > top) top = *v;
        for (size_t i = 0; i < t.entries.size(); ++i) {
            const BigInt rank = legacy[i] ? *legacy[i] : BigInt(static_cast<int64_t>(i + 1));
            t.entries[i].priority = largestWins ? BigInt(top + 1 - rank) : rank;
        }
        return;
    }
    std::optional<BigInt> previous;
    for (TableEntry& e : t.entries) {
        if (!e.priority) {
            if (previous) {
                e.priority = BigInt(*previous + (largestWins ? -1 : 1));
            } else {
                e.priority = largestWins ? n : BigInt(1);
            }
        }
        previous = e.priority;
    }
}

}  // namespace

ActionId Lowering::actionFor(const ActionDecl* a) {
    if (auto it = actions_.find(a); it != actions_.end()) return it->second;
    // Top-level actions (NoAction) have no control prefix.
    bool topLevel = false;
    for (const auto& d : cp_.program->decls)
        if (d.get() == a) topLevel = true;
    std::string savedOwner = owner_;
    Action ir;
    {
        if (topLevel) owner_.clear();
        ir.name = qualified(a);
        owner_ = savedOwner;
    }
    ir.localName = a->name.text;
    ir.annotations = annotationList(a->annotations);
    ir.id = idAnnotation(a->annotations);
    ActionId id = static_cast<ActionId>(p_.actions.size());
    actions_[a] = id;
    p_.actions.push_back(ir);

    // The body as a table runs it: directionless parameters come from the control plane.
    const ActionBodyScope scope(*this);  // restores the lowering state on return
    std::vector<Stmt> body;
    std::vector<ActionParam> irParams;
    int index = 0;
    for (const auto& prm : a->params) {
        if (prm->direction != Direction::None) continue;
        Scalar s = scalarOf(prm->semaType);
        if (s.width == 0) diags_.unsupported(prm->loc, "an action parameter of this type");
        irParams.push_back(
            {prm->name.text, s.width, s.isSigned, s.isBool, annotationList(prm->annotations)});
        params_[prm.get()] = Binding{{}, nullptr, index++};
    }
    bool directional = irParams.size() != a->params.size();
    out_ = &body;
    exits_ = nullptr;
    currentAction_ = a;
    if (!directional && a->body) lowerBlock(a->body->stmts, nullptr);
    p_.actions[id].params = irParams;
    p_.actions[id].body = std::move(body);
    return id;
}

// The body of `a` as a table runs it from an action list entry `a(args)`: the in/out/inout
// parameters (which come first) bound to the arguments, the directionless ones from the control
// plane. An `in` argument is copied at the top of the body, so the action sees its value from
// before its own writes (copy-in), and out/inout arguments are written in place.
std::vector<Stmt> Lowering::boundActionBody(const ActionDecl* a, const CallExpr* c) {
    const ActionBodyScope scope(*this);  // restores the lowering state on return
    std::vector<Stmt> body;
    out_ = &body;
    exits_ = nullptr;
    currentAction_ = a;
    int index = 0;
    size_t next = 0;
    bool ok = true;
    for (const auto& prm : a->params) {
        if (prm->direction == Direction::None) {
            params_[prm.get()] = Binding{{}, nullptr, index++};
            continue;
        }
        const ast::Expr* arg = next < c->args.size() ? c->args[next++].value.get() : nullptr;
        if (!arg) {
            diags_.error(c->loc, "action '{}' needs an argument for parameter '{}' here",
                         a->name.text, prm->name.text);
            ok = false;
            break;
        }
        Binding b;
        if (prm->direction == Direction::Out || prm->direction == Direction::InOut) {
            Ref r = resolve(arg);
            if (r.kind == Ref::Kind::Path) {
                b.path = r.path;
            } else {
                diags_.unsupported(arg->loc, "this out/inout argument");
                ok = false;
                break;
            }
        } else {
            Scalar s = scalarOf(prm->semaType);
            ExprPtr v = lowerExpr(arg, s);
            if (!v) {
                ok = false;
                break;
            }
            v = fitTo(v, s);
            if (v->kind == ExprKind::Constant) {
                b.value = v;
            } else {
                std::string tmp = fmt::format("{}.{}.{}${}", owner_, a->name.text, prm->name.text,
                                              tempCounter_++);
                addTemporary(tmp, prm->semaType, prm->loc);
                FieldId f = p_.findField(tmp);
                if (f < 0) {
                    ok = false;
                    break;
                }
                assign(fieldRef(f, p_.fields[f].width, p_.fields[f].isSigned, p_.fields[f].isBool),
                       v, nullptr, arg->loc);
                b.path = tmp;
            }
        }
        params_[prm.get()] = b;
    }
    if (ok && a->body) lowerBlock(a->body->stmts, nullptr);
    return body;
}

ActionCall Lowering::lowerActionCall(const ast::Expr* e, SourceLoc loc) {
    ActionCall call;
    const ast::Expr* callee = e;
    const CallExpr* c = dyn<CallExpr>(e);
    if (c) callee = c->callee.get();
    auto* p = dyn<PathExpr>(callee);
    auto* a = p ? dyn<ActionDecl>(p->decl) : nullptr;
    if (!a) {
        diags_.unsupported(loc, "this action reference");
        return call;
    }
    call.action = actionFor(a);
    const Action& ir = p_.actions[call.action];
    if (c) {
        // The in/out/inout arguments (bound in the action list) come first: not control-plane
        // data.
        size_t skip = 0;
        for (const auto& prm : a->params) skip += prm->direction != Direction::None;
        size_t i = 0;
        for (const auto& arg : c->args) {
            if (skip > 0) {
                --skip;
                continue;
            }
            if (i >= ir.params.size()) break;
            auto v = constOf(arg.value.get());
            if (!v) {
                diags_.unsupported(arg.loc, "a non-constant action argument");
                v = 0;
            }
            BigInt r = *v % (BigInt(1) << ir.params[i].width);
            if (r < 0) r += BigInt(1) << ir.params[i].width;
            call.args.push_back(r);
            ++i;
        }
    }
    return call;
}

TableId Lowering::lowerTable(const TableDecl* td) {
    if (auto it = tables_.find(td); it != tables_.end()) return it->second;
    Table t;
    t.name = qualified(td);
    t.localName = td->name.text;
    t.control = owner_;
    t.annotations = annotationList(td->annotations);
    t.id = idAnnotation(td->annotations);
    t.loc = td->loc;
    TableId id = static_cast<TableId>(p_.tables.size());
    tables_[td] = id;
    p_.tables.push_back(t);

    // Keys, actions and entries reference no packet state at lowering time, but the action
    // bodies are lowered here, so lowering state must not leak into them.
    ExprPtr savedPred = currentPred_;
    static const std::map<std::string, TablePropertyHandler> kProperties = {
        {"default_action", &Lowering::tableDefaultAction},
        {"size", &Lowering::tableSize},
        {"counters", &Lowering::tableDirectExtern},
        {"meters", &Lowering::tableDirectExtern},
        {"implementation", &Lowering::tableImplementation},
    };
    const TableProperty* entries = nullptr;
    for (const auto& prop : td->properties) {
        if (prop.kind == TableProperty::Kind::Key) {
            for (const auto& k : prop.keys) {
                TableKey key;
                key.expr = lowerExpr(k.expr.get());
                if (!key.expr) continue;
                key.width = key.expr->width;
                key.annotations = annotationList(k.annotations);
                const auto* n = findAnnotation(k.annotations, "name");
                key.name = n && stringArg(*n) ? *stringArg(*n) : exprText(k.expr.get());
                static const std::map<std::string, MatchKind> kKinds = {
                    {"exact", MatchKind::Exact},       {"lpm", MatchKind::Lpm},
                    {"ternary", MatchKind::Ternary},   {"range", MatchKind::Range},
                    {"optional", MatchKind::Optional}, {"selector", MatchKind::Selector}};
                auto it = kKinds.find(k.matchKind.text);
                if (it == kKinds.end() || it->second == MatchKind::Selector) {
                    diags_.unsupported(k.matchKind.loc, "match kind '" + k.matchKind.text + "'");
                    continue;
                }
                key.matchKind = it->second;
                p_.tables[id].keys.push_back(key);
            }
        } else if (prop.kind == TableProperty::Kind::Actions) {
            for (const auto& ar : prop.actions) {
                const ast::Expr* e = ar.expr.get();
                const CallExpr* boundCall = dyn<CallExpr>(e);
                if (boundCall) e = boundCall->callee.get();
                auto* p = dyn<PathExpr>(e);
                auto* a = p ? dyn<ActionDecl>(p->decl) : nullptr;
                if (!a) {
                    diags_.unsupported(ar.loc, "this action reference");
                    continue;
                }
                ActionRef ref;
                ref.action = actionFor(a);
                p_.actions[ref.action].controlPlane = true;
                ref.annotations = annotationList(ar.annotations);
                if (findAnnotation(ar.annotations, "tableonly"))
                    ref.scope = ActionRef::Scope::TableOnly;
                if (findAnnotation(ar.annotations, "defaultonly"))
                    ref.scope = ActionRef::Scope::DefaultOnly;
                if (boundCall && !boundCall->args.empty()) {
                    ref.bound = true;
                    ref.body = boundActionBody(a, boundCall);
                }
                p_.tables[id].actions.push_back(ref);
            }
        } else if (prop.kind == TableProperty::Kind::Entries) {
            entries = &prop;
        } else if (auto it = kProperties.find(prop.name.text); it != kProperties.end()) {
            (this->*it->second)(id, prop);
        } else {
            p_.tables[id].properties.emplace_back(prop.name.text, exprText(prop.value.get()));
        }
    }
    bool hasDefault = std::any_of(td->properties.begin(), td->properties.end(), [](const auto& p) {
        return p.kind == TableProperty::Kind::Value && p.name.text == "default_action";
    });
    if (!hasDefault) {
        // P4_16: a table without default_action has NoAction as its default; like p4c, list it
        // among the table's actions (default only) when the program did not.
        for (const auto& d : cp_.program->decls)
            if (auto* a = dyn<ActionDecl>(d); a && a->name.text == "NoAction") {
                Table& tb = p_.tables[id];
                tb.defaultAction.action = actionFor(a);
                const bool listed = std::any_of(
                    tb.actions.begin(), tb.actions.end(),
                    [&](const ActionRef& r) { return r.action == tb.defaultAction.action; });
                if (!listed) {
                    ActionRef ref;
                    ref.action = tb.defaultAction.action;
                    ref.scope = ActionRef::Scope::DefaultOnly;
                    p_.actions[ref.action].controlPlane = true;
                    tb.actions.push_back(ref);
                }
            }
    }
    if (entries) {
        Table& tb = p_.tables[id];
        tb.entriesConst = entries->isConst;
        std::vector<std::optional<BigInt>> legacyPriorities;
        for (const auto& e : entries->entries) {
            TableEntry te;
            te.loc = e.loc;
            std::vector<const ast::Expr*> ks;
            for (const auto& k : e.keyset) ks.push_back(k.get());
            if (ks.size() == 1 && p_.tables[id].keys.size() != 1 &&
                (dyn<DefaultExpr>(ks[0]) || dyn<DontCareExpr>(ks[0])))
                ks.assign(p_.tables[id].keys.size(), nullptr);
            if (ks.size() != p_.tables[id].keys.size()) continue;
            for (size_t i = 0; i < ks.size(); ++i) {
                const TableKey& key = p_.tables[id].keys[i];
                Match m = lowerKeysetElement(ks[i], key.width, e.loc);
                if (key.matchKind == MatchKind::Lpm && m.kind == Match::Kind::Ternary) {
                    // An lpm entry is written value &&& mask with a prefix mask.
                    int len = 0;
                    BigInt mask = m.mask;
                    while (len < key.width && bit_test(mask, key.width - 1 - len)) ++len;
                    m.kind = Match::Kind::Lpm;
                    m.prefixLen = len;
                } else if (key.matchKind == MatchKind::Lpm && m.kind == Match::Kind::Exact) {
                    m.kind = Match::Kind::Lpm;
                    m.prefixLen = key.width;
                }
                te.keys.push_back(m);
            }
            te.action = lowerActionCall(e.action.expr.get(), e.action.loc);
            std::optional<BigInt> legacy;
            if (e.priority) {
                te.priority = constOf(e.priority.get());
            } else if (const auto* pa = findAnnotation(e.annotations, "priority")) {
                if (!pa->args.empty()) legacy = constOf(pa->args[0].get());
            }
            p_.tables[id].entries.push_back(te);
            legacyPriorities.push_back(legacy);
        }
        assignEntryPriorities(p_.tables[id], legacyPriorities);
    }
    currentPred_ = savedPred;
    return id;
}

void Lowering::tableDefaultAction(TableId id, const TableProperty& prop) {
    p_.tables[id].defaultAction = lowerActionCall(prop.value.get(), prop.loc);
    p_.tables[id].defaultActionIsConst = prop.isConst;
}

void Lowering::tableSize(TableId id, const TableProperty& prop) {
    if (auto v = constOf(prop.value.get())) {
        p_.tables[id].size = static_cast<int64_t>(*v);
        p_.tables[id].hasSize = true;
    }
}

// `counters = c;` / `meters = m;`: a direct extern belongs to this table.
void Lowering::tableDirectExtern(TableId id, const TableProperty& prop) {
    Ref r = resolve(prop.value.get());
    if (r.kind != Ref::Kind::Extern) {
        diags_.unsupported(prop.loc, "this '" + prop.name.text + "' property");
        return;
    }
    p_.externs[r.object].table = id;
    p_.tables[id].directExterns.push_back(r.object);
}

void Lowering::tableImplementation(TableId, const TableProperty& prop) {
    diags_.unsupported(prop.loc, "table property 'implementation'");
}

}  // namespace hop::ir::detail
