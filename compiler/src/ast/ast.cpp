// SPDX-License-Identifier: Apache-2.0
#include "ast/ast.hpp"

namespace hop::ast {

const char* spelling(BinaryOp op) {
    switch (op) {
        case BinaryOp::Mul:
            return "*";
        case BinaryOp::Div:
            return "/";
        case BinaryOp::Mod:
            return "%";
        case BinaryOp::Add:
            return "+";
        case BinaryOp::Sub:
            return "-";
        case BinaryOp::AddSat:
            return "|+|";
        case BinaryOp::SubSat:
            return "|-|";
        case BinaryOp::Shl:
            return "<<";
        case BinaryOp::Shr:
            return ">>";
        case BinaryOp::Le:
            return "<=";
        case BinaryOp::Ge:
            return ">=";
        case BinaryOp::Lt:
            return "<";
        case BinaryOp::Gt:
            return ">";
        case BinaryOp::Eq:
            return "==";
        case BinaryOp::Ne:
            return "!=";
        case BinaryOp::BitAnd:
            return "&";
        case BinaryOp::BitXor:
            return "^";
        case BinaryOp::BitOr:
            return "|";
        case BinaryOp::Concat:
            return "++";
        case BinaryOp::LAnd:
            return "&&";
        case BinaryOp::LOr:
            return "||";
        case BinaryOp::Mask:
            return "&&&";
        case BinaryOp::Range:
            return "..";
    }
    return "?";
}

}  // namespace hop::ast
