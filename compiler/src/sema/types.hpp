// SPDX-License-Identifier: Apache-2.0
// Semantic types: what sema computes for every expression and declaration. Typedefs are resolved
// away; `type` (new types) stay distinct. Types are interned in a TypeTable and compared by
// pointer where the specification says types are equal.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ast/ast.hpp"

namespace hop::sema {

enum class TypeKind {
    Bool,
    Int,     // arbitrary-precision `int` (compile-time only)
    Bits,    // bit<W> / int<W>: width, isSigned
    Varbit,  // varbit<W>: width is the maximum
    String,
    Error,
    MatchKind,
    Void,
    DontCare,  // `_`
    Enum,      // members
    SerEnum,   // members with values; `underlying` is a Bits type
    Header,
    HeaderUnion,
    Struct,
    Stack,    // element[size]
    Tuple,    // elements; also the type of list expressions
    NewType,  // `type T N`: underlying
    Extern,   // an extern object type (specialised: typeArgs)
    Parser,   // parser type or parser declaration (params)
    Control,
    Package,
    Action,      // params
    Table,       // the apply() result carries hit, miss, action_run
    ActionEnum,  // the type of `t.apply().action_run`; members are action names
    Function,    // functions, extern functions and methods: params, returnType
    TypeVar,     // an unresolved type parameter inside a generic declaration
    State,       // a parser state (target of transitions)
};

struct Type;

struct Field {
    std::string name;
    const Type* type = nullptr;
    int bitOffset = 0;  // for headers and structs of fixed-width fields: offset from the start
};

struct ParamInfo {
    std::string name;
    ast::Direction direction = ast::Direction::None;
    const Type* type = nullptr;
    bool hasDefault = false;
    bool optional = false;  // @optional
};

struct Type {
    TypeKind kind;
    std::string name;                   // declared name, or a printable form for built-ins
    const ast::Decl* decl = nullptr;    // the declaring node when there is one
    int width = 0;                      // Bits, Varbit; total bits for fixed-width headers/structs
    bool isSigned = false;              // Bits
    std::vector<Field> fields;          // Header, HeaderUnion, Struct
    std::vector<std::string> members;   // Enum, SerEnum, Error, MatchKind, ActionEnum
    std::vector<BigInt> memberValues;   // SerEnum
    const Type* underlying = nullptr;   // SerEnum, NewType
    const Type* element = nullptr;      // Stack
    int size = 0;                       // Stack
    std::vector<const Type*> elements;  // Tuple
    std::vector<const Type*> typeArgs;  // specialised Extern / Package / Parser / Control
    std::vector<ParamInfo> params;      // Parser, Control, Package, Action, Function
    std::vector<ParamInfo> ctorParams;  // Parser, Control, Extern constructors
    const Type* returnType = nullptr;   // Function

    bool isBits() const { return kind == TypeKind::Bits; }
    bool isHeaderLike() const { return kind == TypeKind::Header || kind == TypeKind::HeaderUnion; }
    const Field* field(const std::string& n) const {
        for (const auto& f : fields)
            if (f.name == n) return &f;
        return nullptr;
    }
    // Printable form used in diagnostics: bit<8>, int<4>, struct headers_t, ...
    std::string str() const;
};

// Owns and interns types. Built-in scalar types are unique, so `a == b` compares them.
class TypeTable {
  public:
    TypeTable();
    const Type* boolType() const { return bool_; }
    const Type* intType() const { return int_; }
    const Type* stringType() const { return string_; }
    const Type* errorType() const { return error_; }
    const Type* matchKindType() const { return matchKind_; }
    const Type* voidType() const { return void_; }
    const Type* dontCareType() const { return dontCare_; }
    const Type* bits(int width, bool isSigned = false);
    const Type* varbit(int width);
    Type* make(TypeKind kind, std::string name = {});
    Type* errorTypeMutable() { return error_; }
    Type* matchKindTypeMutable() { return matchKind_; }

  private:
    std::deque<Type> storage_;
    std::map<std::pair<int, bool>, const Type*> bits_;
    std::map<int, const Type*> varbits_;
    Type* bool_;
    Type* int_;
    Type* string_;
    Type* error_;
    Type* matchKind_;
    Type* void_;
    Type* dontCare_;
};

}  // namespace hop::sema
