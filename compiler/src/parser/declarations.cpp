// SPDX-License-Identifier: Apache-2.0
// Top-level declarations: types (header, header_union, struct, enum, typedef, type), error and
// match_kind, package prototypes, externs, and the dispatch to parsers, controls, actions,
// functions, constants and instantiations.
#include "parser/grammar.hpp"

namespace hop::parser {

namespace {

x3::rule<class struct_like_class, ast::DeclPtr> const structLike = "a declaration";
x3::rule<class field_class, ast::FieldDecl> const field = "a field";
x3::rule<class enum_body_class, ast::DeclPtr> const enumBody = "an identifier";
x3::rule<class enum_member_class, ast::EnumMember> const enumMember = "an identifier";
x3::rule<class enum_value_class, ast::EnumMember> const enumValue = "an identifier";
x3::rule<class enum_members_class, std::vector<ast::EnumMember>> const enumMembers =
    "an identifier";
x3::rule<class enum_values_class, std::vector<ast::EnumMember>> const enumValues = "an identifier";
x3::rule<class name_list_class, std::vector<ast::Name>> const nameList = "an identifier";
x3::rule<class extern_body_class, ast::DeclPtr> const externBody = "an extern declaration";
x3::rule<class method_class, ast::MethodProto> const methodPrototype = "a method";
x3::rule<class method_body_class, ast::MethodProto> const methodBody = "a method";
x3::rule<class top_body_class, ast::DeclPtr> const topBody = "a declaration";

auto const assign = [](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); };

struct MkStructLike {
    ast::StructLikeDecl::Kind kind;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto d = node<ast::StructLikeDecl>(at<0>(ctx));
        d->kind = kind;
        d->name = at<1>(ctx);
        if (auto& tp = at<2>(ctx)) d->typeParams = *tp;
        d->fields = at<3>(ctx);
        x3::_val(ctx) = d;
    }
};
using SL = ast::StructLikeDecl::Kind;
auto const structLike_def = (loc >> kw("header") > name > -typeParameters > op("{") > *field >
                             op("}"))[MkStructLike{SL::Header}] |
                            (loc >> kw("header_union") > name > -typeParameters > op("{") > *field >
                             op("}"))[MkStructLike{SL::HeaderUnion}] |
                            (loc >> kw("struct") > name > -typeParameters > op("{") > *field >
                             op("}"))[MkStructLike{SL::Struct}];

auto const mkField = [](auto& ctx) {
    ast::FieldDecl f;
    f.annotations = at<0>(ctx);
    f.typeRef = at<1>(ctx);
    f.name = at<2>(ctx);
    x3::_val(ctx) = f;
};
auto const field_def = (annotations >> typeRef > name > op(";"))[mkField];

// enum E { A, B }  or  enum bit<8> E { A = 1, B = 2 }
auto const mkEnum = [](auto& ctx) {
    auto e = node<ast::EnumDecl>(at<0>(ctx).loc);
    e->name = at<0>(ctx);
    e->members = at<1>(ctx);
    x3::_val(ctx) = e;
};
auto const mkSerializableEnum = [](auto& ctx) {
    auto e = node<ast::EnumDecl>(at<0>(ctx)->loc);
    e->underlying = at<0>(ctx);
    e->name = at<1>(ctx);
    e->members = at<2>(ctx);
    x3::_val(ctx) = e;
};
auto const enumBody_def =
    (typeRef >> name >> op("{") > enumValues > -op(",") > op("}"))[mkSerializableEnum] |
    (name > op("{") > enumMembers > -op(",") > op("}"))[mkEnum];
auto const mkMember = [](auto& ctx) {
    ast::EnumMember m;
    m.annotations = at<0>(ctx);
    m.name = at<1>(ctx);
    x3::_val(ctx) = m;
};
auto const mkValue = [](auto& ctx) {
    ast::EnumMember m;
    m.annotations = at<0>(ctx);
    m.name = at<1>(ctx);
    m.value = at<2>(ctx);
    x3::_val(ctx) = m;
};
auto const enumMember_def = (annotations >> name)[mkMember];
auto const enumValue_def = (annotations >> name > op("=") > expression)[mkValue];
auto const enumMembers_def = enumMember % op(",");
auto const enumValues_def = enumValue % op(",");
auto const nameList_def = name % op(",");

auto const mkEnumDecl = [](auto& ctx) {
    ast::DeclPtr d = at<1>(ctx);
    d->loc = at<0>(ctx);
    x3::_val(ctx) = d;
};

struct MkTypedef {
    bool isNewType;
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto t = node<ast::TypedefDecl>(at<0>(ctx));
        t->typeRef = at<1>(ctx);
        t->name = at<2>(ctx);
        t->isNewType = isNewType;
        x3::_val(ctx) = t;
    }
};

template <typename T>
struct MkMembers {
    template <typename Ctx>
    void operator()(Ctx& ctx) const {
        auto d = node<T>(at<0>(ctx));
        d->name = ast::Name{std::is_same_v<T, ast::ErrorDecl> ? "error" : "match_kind", d->loc};
        d->members = at<1>(ctx);
        x3::_val(ctx) = d;
    }
};

auto const mkPackage = [](auto& ctx) {
    auto d = node<ast::BlockTypeDecl>(at<0>(ctx));
    d->kind = ast::BlockTypeDecl::Kind::Package;
    d->name = at<1>(ctx);
    if (auto& tp = at<2>(ctx)) d->typeParams = *tp;
    d->params = at<3>(ctx);
    x3::_val(ctx) = d;
};

// ---- externs

auto const mkExternObject = [](auto& ctx) {
    auto d = node<ast::ExternDecl>(at<0>(ctx).loc);
    d->name = at<0>(ctx);
    if (auto& tp = at<1>(ctx)) d->typeParams = *tp;
    d->methods = at<2>(ctx);
    x3::_val(ctx) = d;
};
auto const mkExternFunction = [](auto& ctx) {
    ast::MethodProto& p = x3::_attr(ctx);
    auto d = node<ast::ExternDecl>(p.loc);
    d->isFunction = true;
    d->name = p.name;
    d->typeParams = p.typeParams;
    d->function = p;
    x3::_val(ctx) = d;
};
auto const externBody_def =
    (name >> -typeParameters >> op("{") > *methodPrototype > op("}"))[mkExternObject] |
    (functionPrototype > op(";"))[mkExternFunction];

auto const mkMethod = [](auto& ctx) {
    ast::MethodProto m = at<2>(ctx);
    m.annotations = at<1>(ctx);
    m.loc = at<0>(ctx);
    x3::_val(ctx) = m;
};
auto const methodPrototype_def = (loc >> annotations >> methodBody > op(";"))[mkMethod];

auto const mkAbstract = [](auto& ctx) {
    x3::_val(ctx) = x3::_attr(ctx);
    x3::_val(ctx).isAbstract = true;
};
auto const mkConstructor = [](auto& ctx) {
    ast::MethodProto m;
    m.name = at<0>(ctx);
    m.loc = m.name.loc;
    m.params = at<1>(ctx);
    m.isConstructor = true;
    x3::_val(ctx) = m;
};
auto const methodBody_def = (kw("abstract") > functionPrototype)[mkAbstract] |
                            (name >> op("(") > parameterList > op(")"))[mkConstructor] |
                            functionPrototype[assign];

auto const mkExtern = [](auto& ctx) {
    ast::DeclPtr d = at<1>(ctx);
    d->loc = at<0>(ctx);
    x3::_val(ctx) = d;
};

// ---- dispatch

auto const topBody_def =
    structLike[assign] | (loc >> kw("enum") > enumBody)[mkEnumDecl] |
    (loc >> kw("typedef") > typeRef > name > op(";"))[MkTypedef{false}] |
    (loc >> kw("type") > typeRef > name > op(";"))[MkTypedef{true}] |
    (loc >> kw("error") >> op("{") > nameList > -op(",") > op("}"))[MkMembers<ast::ErrorDecl>{}] |
    (loc >> kw("match_kind") > op("{") > nameList > -op(",") >
     op("}"))[MkMembers<ast::MatchKindDecl>{}] |
    (loc >> kw("package") > name > -typeParameters > op("(") > parameterList > op(")") >
     op(";"))[mkPackage] |
    (loc >> kw("extern") > externBody)[mkExtern] | constantDeclaration[assign] |
    blockDeclaration[assign] | functionDeclaration[assign] | instantiation[assign];

auto const mkDeclaration = [](auto& ctx) {
    x3::_val(ctx) = withAnnotations(at<2>(ctx), at<1>(ctx), at<0>(ctx));
};
auto const mkEmpty = [](auto& ctx) { x3::_val(ctx) = nullptr; };

}  // namespace

auto const declaration_def = (loc >> annotations >> topBody)[mkDeclaration] | op(";")[mkEmpty];

BOOST_SPIRIT_DEFINE(declaration)
BOOST_SPIRIT_INSTANTIATE(TopDeclRule, Iterator, Context)

namespace {
BOOST_SPIRIT_DEFINE(structLike, field, enumBody, enumMember, enumValue, enumMembers, enumValues,
                    nameList, externBody, methodPrototype, methodBody, topBody)
}  // namespace

}  // namespace hop::parser
