// SPDX-License-Identifier: Apache-2.0
// Statements, blocks, local declarations (const, variable, instantiation) and functions.
//
// A statement that starts with a name may be a declaration (`T x;`, `T(args) x;`) or an
// assignment/call (`x = e;`, `f(x);`). The declaration readings are tried first and commit only
// once a type has been followed by the declared name; otherwise the statement is read as an
// expression. Types and expressions are memoised, so the second reading re-uses the first's work.
#include "parser/grammar.hpp"

namespace hop::parser {

using ast::StmtPtr;

// expressions.cpp: `+=`, `<<=`, `|+|=`, ... and the binary operator each applies.
bool compoundAssignOperator(const char* p, const char* end, ast::BinaryOp& op, size_t& len);

namespace {

x3::rule<class var_decl_class, ast::DeclPtr> const variableDeclaration = "a declaration";
x3::rule<class if_class, StmtPtr> const ifStatement = "a statement";
x3::rule<class switch_class, StmtPtr> const switchStatement = "a statement";
x3::rule<class switch_case_class, ast::SwitchCase> const switchCase = "a switch case";
x3::rule<class switch_label_class, ast::ExprPtr> const switchLabel = "a switch label";
x3::rule<class expr_stmt_class, StmtPtr> const expressionStatement = "a statement";
x3::rule<class local_body_class, ast::DeclPtr> const localDeclarationBody = "a declaration";
x3::rule<class obj_init_class, std::vector<ast::DeclPtr>> const objInitializer = "'{'";

auto const assign = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

auto const mkBlock = [](auto& ctx) {
    auto b = node<ast::BlockStmt>(at<0>(ctx));
    b->annotations = at<1>(ctx);
    b->stmts = at<2>(ctx);
    x3::_val(ctx) = b;
};

auto const mkIf = [](auto& ctx) {
    auto s = node<ast::IfStmt>(at<0>(ctx));
    s->cond = at<1>(ctx);
    s->then = at<2>(ctx);
    if (auto& e = at<3>(ctx)) s->otherwise = *e;
    x3::_val(ctx) = s;
};
auto const ifStatement_def = (loc >> kw("if") > op("(") > expression > op(")") > statement >
                              -(kw("else") > statement))[mkIf];

auto const mkSwitch = [](auto& ctx) {
    auto s = node<ast::SwitchStmt>(at<0>(ctx));
    s->subject = at<1>(ctx);
    s->cases = at<2>(ctx);
    x3::_val(ctx) = s;
};
auto const switchStatement_def = (loc >> kw("switch") > op("(") > expression > op(")") > op("{") >
                                  *switchCase > op("}"))[mkSwitch];

auto const mkDefault = [](auto& ctx) { x3::_val(ctx) = node<ast::DefaultExpr>(x3::_attr(ctx)); };
// A label is `default` or an expression that does not start with `{` (so that a case body
// is never mistaken for a list expression).
auto const switchLabel_def = (loc >> kw("default"))[mkDefault] | (!op("{") >> expression)[assign];
auto const mkCase = [](auto& ctx) {
    ast::SwitchCase c;
    c.labels.push_back(at<0>(ctx));
    c.loc = c.labels.front()->loc;
    if (auto& b = at<1>(ctx)) c.body = *b;
    x3::_val(ctx) = c;
};
auto const switchCase_def = (switchLabel > op(":") > -blockStatement)[mkCase];

auto const mkExit = [](auto& ctx) { x3::_val(ctx) = node<ast::ExitStmt>(x3::_attr(ctx)); };
auto const mkReturn = [](auto& ctx) {
    auto r = node<ast::ReturnStmt>(at<0>(ctx));
    if (auto& v = at<1>(ctx)) r->value = *v;
    x3::_val(ctx) = r;
};
auto const mkEmpty = [](auto& ctx) { x3::_val(ctx) = node<ast::EmptyStmt>(x3::_attr(ctx)); };
auto const mkDeclStmt = [](auto& ctx) {
    auto d = node<ast::DeclStmt>(x3::_attr(ctx)->loc);
    d->decl = x3::_attr(ctx);
    x3::_val(ctx) = d;
};

// `=` (attribute -1) or a compound assignment operator (the BinaryOp it applies).
struct AssignOperator : x3::parser<AssignOperator> {
    using attribute_type = int;
    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        const char* p = ptrOf(first);
        const char* e = ptrOf(last);
        ast::BinaryOp op{};
        size_t len = 0;
        if (compoundAssignOperator(p, e, op, len)) {
            x3::traits::move_to(static_cast<int>(op), attr);
        } else if (operatorLength(p, e) == 1 && *p == '=') {
            x3::traits::move_to(-1, attr);
            len = 1;
        } else {
            return false;
        }
        first += len;
        return true;
    }
};
inline constexpr AssignOperator assignOperator{};

// What follows the target: the operator (-1 for `=`) and the value.
struct AssignTail {
    int op = -1;
    ast::ExprPtr value;
};
x3::rule<class assign_tail_class, AssignTail> const assignTail = "'='";
auto const mkAssignTail = [](auto& ctx) { x3::_val(ctx) = AssignTail{at<0>(ctx), at<1>(ctx)}; };
auto const assignTail_def = (assignOperator > expression)[mkAssignTail];

// `lhs = e;`, `lhs op= e;` or a call; anything else that parses as an expression is not a
// statement. `lhs op= e` is `lhs = lhs op e` with the one `lhs` node shared by both sides, so
// that sema and the lowering can tell it from a plain assignment and evaluate `lhs` once.
auto const mkExpressionStatement = [](auto& ctx) {
    ast::ExprPtr lhs = at<0>(ctx);
    if (auto& rhs = at<1>(ctx)) {
        auto a = node<ast::AssignStmt>(lhs->loc);
        a->lhs = lhs;
        const int op = rhs->op;
        a->rhs = rhs->value;
        if (op >= 0) {
            auto b = node<ast::BinaryExpr>(a->rhs->loc);
            b->op = static_cast<ast::BinaryOp>(op);
            b->lhs = lhs;
            b->rhs = a->rhs;
            a->rhs = b;
        }
        x3::_val(ctx) = a;
        return;
    }
    auto call = std::dynamic_pointer_cast<ast::CallExpr>(lhs);
    if (!call) throw x3::expectation_failure<Iterator>(x3::_where(ctx).begin(), "'=' or '('");
    auto c = node<ast::CallStmt>(lhs->loc);
    c->call = call;
    x3::_val(ctx) = c;
};
auto const expressionStatement_def = (expression >> -assignTail)[mkExpressionStatement] > op(";");

// P4_16 1.2.5's loops. The init and update parts are statements without their `;`: a
// variable declaration (tried first, as in a block) or an assignment or call.
x3::rule<class simple_stmt_class, StmtPtr> const simpleStatement = "a statement";
x3::rule<class for_init_class, StmtPtr> const forInit = "a declaration or statement";
x3::rule<class for_class, StmtPtr> const forStatement = "a statement";
x3::rule<class for_in_class, StmtPtr> const forInStatement = "a statement";
x3::rule<class for_var_class, ast::DeclPtr> const forVariable = "a declaration";

auto const simpleStatement_def = (expression >> -assignTail)[mkExpressionStatement];
auto const forVariable_def =
    (loc >> annotations >> typeRef >> name >> -(op("=") > expression))[([](auto& ctx) {
        auto v = node<ast::VarDecl>(at<0>(ctx));
        v->annotations = at<1>(ctx);
        v->typeRef = at<2>(ctx);
        v->name = at<3>(ctx);
        if (auto& i = at<4>(ctx)) v->init = *i;
        x3::_val(ctx) = v;
    })];
auto const forInit_def = forVariable[mkDeclStmt] | simpleStatement[assign];

auto const mkFor = [](auto& ctx) {
    auto f = node<ast::ForStmt>(at<0>(ctx));
    f->annotations = at<1>(ctx);
    if (auto& i = at<2>(ctx)) f->init = *i;
    if (auto& c = at<3>(ctx)) f->cond = *c;
    if (auto& u = at<4>(ctx)) f->update = *u;
    f->body = at<5>(ctx);
    x3::_val(ctx) = f;
};
auto const forStatement_def =
    (loc >> annotations >> kw("for") >> op("(") >> -(forInit % op(",")) >> op(";") > -expression >
     op(";") > -(simpleStatement % op(",")) > op(")") > statement)[mkFor];

// `for (T v in lo .. hi)` or `for (T v in e)`: committed once `in` follows the name.
auto const mkForIn = [](auto& ctx) {
    auto f = node<ast::ForInStmt>(at<0>(ctx));
    f->annotations = at<1>(ctx);
    auto v = node<ast::VarDecl>(at<3>(ctx).loc);
    v->typeRef = at<2>(ctx);
    v->name = at<3>(ctx);
    f->var = v;
    f->collection = at<4>(ctx);
    if (auto& hi = at<5>(ctx)) {
        auto r = node<ast::BinaryExpr>(f->collection->loc);
        r->op = ast::BinaryOp::Range;
        r->lhs = f->collection;
        r->rhs = *hi;
        f->collection = r;
    }
    f->body = at<6>(ctx);
    x3::_val(ctx) = f;
};
auto const forInStatement_def =
    (loc >> annotations >> kw("for") >> op("(") >> typeRef >> name >> kw("in") > expression >
     -(op("..") > expression) > op(")") > statement)[mkForIn];

auto const mkBreak = [](auto& ctx) { x3::_val(ctx) = node<ast::BreakStmt>(x3::_attr(ctx)); };
auto const mkContinue = [](auto& ctx) { x3::_val(ctx) = node<ast::ContinueStmt>(x3::_attr(ctx)); };

auto const statement_def =
    guard[blockStatement[assign] | ifStatement[assign] | switchStatement[assign] |
          (loc >> kw("exit") > op(";"))[mkExit] |
          (loc >> kw("return") > -expression > op(";"))[mkReturn] | (loc >> op(";"))[mkEmpty] |
          (loc >> kw("break") >> op(";"))[mkBreak] |
          (loc >> kw("continue") >> op(";"))[mkContinue] | forInStatement[assign] |
          forStatement[assign] | localDeclaration[mkDeclStmt] | expressionStatement[assign]];

// ---- declarations

auto const mkVar = [](auto& ctx) {
    auto v = node<ast::VarDecl>(at<0>(ctx));
    v->typeRef = at<1>(ctx);
    v->name = at<2>(ctx);
    if (auto& i = at<3>(ctx)) v->init = *i;
    x3::_val(ctx) = v;
};
auto const variableDeclaration_def =
    (loc >> typeRef >> name >> -(op("=") > expression) > op(";"))[mkVar];

auto const mkConst = [](auto& ctx) {
    auto c = node<ast::ConstDecl>(at<0>(ctx));
    c->typeRef = at<1>(ctx);
    c->name = at<2>(ctx);
    c->init = at<3>(ctx);
    x3::_val(ctx) = c;
};

auto const mkInstance = [](auto& ctx) {
    auto i = node<ast::InstanceDecl>(at<0>(ctx));
    i->typeRef = at<1>(ctx);
    i->args = at<2>(ctx);
    i->name = at<3>(ctx);
    if (auto& init = at<4>(ctx)) i->initializer = *init;
    x3::_val(ctx) = i;
};

auto const objInitializer_def = op("{") > *(functionDeclaration | instantiation) > op("}");

auto const mkLocal = [](auto& ctx) {
    x3::_val(ctx) = withAnnotations(at<2>(ctx), at<1>(ctx), at<0>(ctx));
};

auto const mkFunction = [](auto& ctx) {
    ast::MethodProto& p = at<0>(ctx);
    auto f = node<ast::FunctionDecl>(p.loc);
    f->name = p.name;
    f->returnType = p.returnType;
    f->typeParams = p.typeParams;
    f->params = p.params;
    f->body = at<1>(ctx);
    x3::_val(ctx) = f;
};

}  // namespace

auto const blockStatement_def = (loc >> annotations >> op("{") >> *statement > op("}"))[mkBlock];
auto const constantDeclaration_def =
    (loc >> kw("const") > typeRef > name > op("=") > expression > op(";"))[mkConst];
auto const instantiation_def = (loc >> typeRef >> op("(") >> argumentList >> op(")") >> name >>
                                -(op("=") > objInitializer) > op(";"))[mkInstance];
auto const localDeclarationBody_def = constantDeclaration | instantiation | variableDeclaration;
auto const localDeclaration_def = (loc >> annotations >> localDeclarationBody)[mkLocal];
auto const functionDeclaration_def = (functionPrototype > blockStatement)[mkFunction];

BOOST_SPIRIT_DEFINE(statement, blockStatement, localDeclaration, constantDeclaration, instantiation,
                    functionDeclaration)
BOOST_SPIRIT_INSTANTIATE(StmtRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(BlockRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(LocalDeclRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(ConstDeclRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(InstantiationRule, Iterator, Context)
BOOST_SPIRIT_INSTANTIATE(FunctionDeclRule, Iterator, Context)

namespace {
BOOST_SPIRIT_DEFINE(localDeclarationBody, variableDeclaration, ifStatement, switchStatement,
                    switchCase, switchLabel, expressionStatement, objInitializer, assignTail,
                    simpleStatement, forInit, forStatement, forInStatement, forVariable)
}  // namespace

}  // namespace hop::parser
