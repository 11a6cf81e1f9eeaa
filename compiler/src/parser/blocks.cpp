// SPDX-License-Identifier: Apache-2.0
// Parsers (locals, value sets, states, transitions, select), controls (locals, actions, tables)
// and the prototypes `parser P(...);` / `control C(...);`.
#include "parser/grammar.hpp"

namespace hop::parser {

namespace {

x3::rule<class parser_decl_class, ast::DeclPtr> const parserDeclaration = "a parser";
x3::rule<class control_decl_class, ast::DeclPtr> const controlDeclaration = "a control";
x3::rule<class action_decl_class, ast::DeclPtr> const actionDeclaration = "an action";
x3::rule<class table_decl_class, ast::DeclPtr> const tableDeclaration = "a table";
x3::rule<class parser_local_class, ast::DeclPtr> const parserLocal = "a declaration";
x3::rule<class control_local_class, ast::DeclPtr> const controlLocal = "a declaration";
x3::rule<class parser_state_class, ast::ParserStatePtr> const parserState = "a state";
x3::rule<class transition_class, ast::Transition> const transitionStatement = "a transition";
x3::rule<class transition_target_class, ast::Transition> const transitionTarget =
    "a state name or 'select'";
x3::rule<class select_case_class, ast::SelectCase> const selectCase = "a select case";
x3::rule<class table_property_class, ast::TableProperty> const tableProperty = "a table property";
x3::rule<class key_element_class, ast::KeyElement> const keyElement = "a key element";
x3::rule<class action_ref_class, ast::ActionRef> const actionRef = "an action";
x3::rule<class entry_class, ast::TableEntry> const tableEntry = "a table entry";
x3::rule<class ctor_params_class, std::vector<ast::ParamPtr>> const ctorParameters = "'('";

auto const assign = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

template <typename T>
void assignOptional(T& dst, const T& src) {
    dst = src;
}
template <typename T>
void assignOptional(T& dst, const boost::optional<T>& src) {
    if (src) dst = *src;
}

// `parser`/`control` heads: the declaration as a prototype; the body, when present, turns it
// into the full declaration.
struct MkBlockType {
    ast::BlockTypeDecl::Kind kind;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto d = node<ast::BlockTypeDecl>(at<0>(ctx));
        d->kind = kind;
        d->name = at<1>(ctx);
        if (auto& tp = at<2>(ctx)) d->typeParams = *tp;
        d->params = at<3>(ctx);
        x3::_val(ctx) = d;
    }
};

template <typename T>
std::shared_ptr<T> fromPrototype(const ast::DeclPtr& proto) {
    auto& p = static_cast<ast::BlockTypeDecl&>(*proto);
    auto d = node<T>(p.loc);
    d->name = p.name;
    d->typeParams = p.typeParams;
    d->params = p.params;
    return d;
}

auto const mkParser = [](auto& ctx) {
    auto d = fromPrototype<ast::ParserDecl>(x3::_val(ctx));
    assignOptional(d->ctorParams, at<0>(ctx));
    d->locals = at<1>(ctx);
    d->states = at<2>(ctx);
    x3::_val(ctx) = d;
};
auto const parserDeclaration_def = (loc >> kw("parser") > name > -typeParameters > op("(") >
                                    parameterList >
                                    op(")"))[MkBlockType{ast::BlockTypeDecl::Kind::Parser}] >
                                   (op(";") | (-ctorParameters > op("{") > *parserLocal >
                                               *parserState > op("}"))[mkParser]);

auto const mkControl = [](auto& ctx) {
    auto d = fromPrototype<ast::ControlDecl>(x3::_val(ctx));
    assignOptional(d->ctorParams, at<0>(ctx));
    d->locals = at<1>(ctx);
    d->apply = at<2>(ctx);
    x3::_val(ctx) = d;
};
auto const controlDeclaration_def = (loc >> kw("control") > name > -typeParameters > op("(") >
                                     parameterList >
                                     op(")"))[MkBlockType{ast::BlockTypeDecl::Kind::Control}] >
                                    (op(";") | (-ctorParameters > op("{") > *controlLocal >
                                                kw("apply") > blockStatement > op("}"))[mkControl]);

auto const ctorParameters_def = op("(") > parameterList > op(")");

// ---- parser internals

auto const mkValueSet = [](auto& ctx) {
    auto v = node<ast::ValueSetDecl>(at<0>(ctx));
    v->annotations = at<1>(ctx);
    v->elementType = at<2>(ctx);
    v->size = at<3>(ctx);
    v->name = at<4>(ctx);
    x3::_val(ctx) = v;
};
auto const parserLocal_def =
    localDeclaration[assign] | (loc >> annotations >> kw("value_set") > langle > typeRef > rangle >
                                op("(") > expression > op(")") > name > op(";"))[mkValueSet];

auto const mkState = [](auto& ctx) {
    auto s = node<ast::ParserState>(at<0>(ctx));
    s->annotations = at<1>(ctx);
    s->name = at<2>(ctx);
    s->stmts = at<3>(ctx);
    if (auto& t = at<4>(ctx)) s->transition = *t;
    x3::_val(ctx) = s;
};
auto const parserState_def = (loc >> annotations >> kw("state") > name > op("{") > *statement >
                              -transitionStatement > op("}"))[mkState];

auto const mkTransition = [](auto& ctx) {
    ast::Transition t = at<1>(ctx);
    t.loc = at<0>(ctx);
    x3::_val(ctx) = t;
};
auto const transitionStatement_def = (loc >> kw("transition") > transitionTarget)[mkTransition];

auto const setNext = [](auto& ctx) { x3::_val(ctx).next = x3::_attr(ctx); };
auto const setSelect = [](auto& ctx) {
    x3::_val(ctx).selectExprs = at<0>(ctx);
    x3::_val(ctx).cases = at<1>(ctx);
};
auto const transitionTarget_def = (kw("select") > op("(") > expressionList > op(")") > op("{") >
                                   *selectCase > op("}"))[setSelect] |
                                  (name > op(";"))[setNext];

auto const mkSelectCase = [](auto& ctx) {
    ast::SelectCase c;
    c.keyset = at<0>(ctx);
    c.loc = c.keyset->loc;
    c.next = at<1>(ctx);
    x3::_val(ctx) = c;
};
auto const selectCase_def = (keysetExpression > op(":") > name > op(";"))[mkSelectCase];

// ---- control internals

x3::rule<class action_or_table_class, ast::DeclPtr> const actionOrTable = "a declaration";
auto const actionOrTable_def = actionDeclaration | tableDeclaration;
auto const mkAnnotated = [](auto& ctx) {
    x3::_val(ctx) = withAnnotations(at<2>(ctx), at<1>(ctx), at<0>(ctx));
};
auto const controlLocal_def =
    (loc >> annotations >> actionOrTable)[mkAnnotated] | localDeclaration[assign];

auto const mkAction = [](auto& ctx) {
    auto a = node<ast::ActionDecl>(at<0>(ctx));
    a->name = at<1>(ctx);
    a->params = at<2>(ctx);
    a->body = at<3>(ctx);
    x3::_val(ctx) = a;
};
auto const actionDeclaration_def =
    (loc >> kw("action") > name > op("(") > parameterList > op(")") > blockStatement)[mkAction];

auto const mkTable = [](auto& ctx) {
    auto t = node<ast::TableDecl>(at<0>(ctx));
    t->name = at<1>(ctx);
    t->properties = at<2>(ctx);
    x3::_val(ctx) = t;
};
auto const tableDeclaration_def = (loc >> kw("table") > name > op("{") > *tableProperty >
                                   op("}", "'}' to close the table"))[mkTable];

struct MkKeywordName {
    const char* word;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        x3::_val(ctx) = ast::Name{word, x3::_attr(ctx)};
    }
};
x3::rule<class kw_key_class, ast::Name> const kwKey = "'key'";
x3::rule<class kw_actions_class, ast::Name> const kwActions = "'actions'";
x3::rule<class kw_entries_class, ast::Name> const kwEntries = "'entries'";
auto const kwKey_def = (loc >> kw("key"))[MkKeywordName{"key"}];
auto const kwActions_def = (loc >> kw("actions"))[MkKeywordName{"actions"}];
auto const kwEntries_def = (loc >> kw("entries"))[MkKeywordName{"entries"}];

auto const mkKeyProperty = [](auto& ctx) {
    ast::TableProperty p;
    p.kind = ast::TableProperty::Kind::Key;
    p.loc = at<0>(ctx);
    p.annotations = at<1>(ctx);
    p.name = at<2>(ctx);
    p.keys = at<3>(ctx);
    x3::_val(ctx) = p;
};
auto const mkActionsProperty = [](auto& ctx) {
    ast::TableProperty p;
    p.kind = ast::TableProperty::Kind::Actions;
    p.loc = at<0>(ctx);
    p.annotations = at<1>(ctx);
    p.name = at<2>(ctx);
    p.actions = at<3>(ctx);
    x3::_val(ctx) = p;
};
auto const mkEntriesProperty = [](auto& ctx) {
    ast::TableProperty p;
    p.kind = ast::TableProperty::Kind::Entries;
    p.loc = at<0>(ctx);
    p.annotations = at<1>(ctx);
    p.isConst = at<2>(ctx);
    p.name = at<3>(ctx);
    p.entries = at<4>(ctx);
    for (auto& e : p.entries) e.isConst = e.isConst || p.isConst;
    x3::_val(ctx) = p;
};
auto const mkValueProperty = [](auto& ctx) {
    ast::TableProperty p;
    p.kind = ast::TableProperty::Kind::Value;
    p.loc = at<0>(ctx);
    p.annotations = at<1>(ctx);
    p.isConst = at<2>(ctx);
    p.name = at<3>(ctx);
    p.value = at<4>(ctx);
    x3::_val(ctx) = p;
};
// `key`, `actions` and `entries` have their own syntax; any other name is `name = expr;`.
auto const tableProperty_def =
    (loc >> annotations >> kwKey >> op("=") > op("{") > *keyElement > op("}"))[mkKeyProperty] |
    (loc >> annotations >> kwActions >> op("=") > op("{") > *actionRef >
     op("}"))[mkActionsProperty] |
    (loc >> annotations >> x3::matches[kw("const")] >> kwEntries >> op("=") > op("{") >
     *tableEntry > op("}"))[mkEntriesProperty] |
    (loc >> annotations >> x3::matches[kw("const")] >> name >> op("=") > expression >
     op(";"))[mkValueProperty];

auto const mkKey = [](auto& ctx) {
    ast::KeyElement k;
    k.expr = at<0>(ctx);
    k.loc = k.expr->loc;
    k.matchKind = at<1>(ctx);
    k.annotations = at<2>(ctx);
    x3::_val(ctx) = k;
};
auto const keyElement_def = (expression > op(":") > name > annotations > op(";"))[mkKey];

// An action reference in `actions = { ... }` (with its annotations and `;`), or after `:` in an
// entry (without); `.a`, `a` or `a(args)`.
auto const mkActionRef = [](auto& ctx) {
    ast::ActionRef r;
    r.loc = at<0>(ctx);
    r.annotations = at<1>(ctx);
    auto p = node<ast::PathExpr>(at<3>(ctx).loc);
    if (at<2>(ctx)) p->loc = r.loc;
    p->name = at<3>(ctx);
    p->topLevel = at<2>(ctx);
    r.expr = p;
    if (auto& args = at<4>(ctx)) {
        auto c = node<ast::CallExpr>(p->loc);
        c->callee = p;
        c->args = *args;
        r.expr = c;
    }
    x3::_val(ctx) = r;
};
auto const actionRefCore = loc >> annotations >> x3::matches[op(".")] >> name >>
                           -(op("(") >> argumentList > op(")"));
auto const actionRef_def = (actionRefCore > op(";"))[mkActionRef];
x3::rule<class entry_action_class, ast::ActionRef> const entryAction = "an action";
auto const entryAction_def = actionRefCore[mkActionRef];

auto const mkEntry = [](auto& ctx) {
    ast::TableEntry e;
    e.loc = at<0>(ctx);
    e.isConst = at<1>(ctx);
    if (auto& p = at<2>(ctx)) e.priority = *p;
    ast::ExprPtr keyset = at<3>(ctx);
    // A parenthesised tuple gives one keyset per key; `{...}` would be a single list value.
    auto* tuple = ast::as<ast::ListExpr>(keyset);
    if (tuple && state().base[keyset->loc.offset] == '(')
        e.keyset = tuple->elements;
    else
        e.keyset.push_back(keyset);
    e.action = at<4>(ctx);
    e.annotations = at<5>(ctx);
    x3::_val(ctx) = e;
};
x3::rule<class priority_value_class, ast::ExprPtr> const priorityValue = "an integer or '('";
auto const priorityValue_def = number[assign] | (op("(") > expression > op(")"))[assign];
auto const entryPriority = kw("priority") > op("=") > priorityValue > op(":");
auto const tableEntry_def = (loc >> x3::matches[kw("const")] >> -entryPriority >> keysetExpression >
                             op(":") > entryAction > annotations > op(";"))[mkEntry];

BOOST_SPIRIT_DEFINE(kwKey, kwActions, kwEntries, entryAction, priorityValue)

}  // namespace

auto const blockDeclaration_def = parserDeclaration | controlDeclaration | actionDeclaration;

BOOST_SPIRIT_DEFINE(blockDeclaration)
BOOST_SPIRIT_INSTANTIATE(BlockDeclRule, Iterator, Context)

namespace {
BOOST_SPIRIT_DEFINE(actionOrTable, parserDeclaration, controlDeclaration, actionDeclaration,
                    tableDeclaration, parserLocal, controlLocal, parserState, transitionStatement,
                    transitionTarget, selectCase, tableProperty, keyElement, actionRef, tableEntry,
                    ctorParameters)
}  // namespace

}  // namespace hop::parser
