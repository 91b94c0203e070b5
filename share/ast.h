/*
 * ast.h - the one list of AST node kinds (schemas in WIRE.md).
 *
 * Nodes are vals (val.h): maps with "k" = the wire name below and "loc".
 * To add a node kind: add a row here, document its fields in WIRE.md, then
 * teach bt-parse to build it, bt-check to type it and bt-gen to compile it.
 */
#ifndef BT_AST_H
#define BT_AST_H

#include <string.h>

#include "val.h"

#define AST_NODES(X)                                                  \
	/* top level */                                               \
	X(AST_PROGRAM, "program")                                     \
	X(AST_CONFIG, "config")                                       \
	X(AST_MAP_DECL, "map_decl")                                   \
	X(AST_PROBE, "probe")                                         \
	X(AST_ATTACH, "attach")                                       \
	X(AST_MACRO, "macro")                                         \
	X(AST_FN, "fn")                                               \
	X(AST_IMPORT, "import")                                       \
	/* statements */                                              \
	X(AST_BLOCK, "block")                                         \
	X(AST_EXPR, "expr")                                           \
	X(AST_ASSIGN, "assign")                                       \
	X(AST_LET, "let")                                             \
	X(AST_IF, "if")                                               \
	X(AST_WHILE, "while")                                         \
	X(AST_FOR, "for")                                             \
	X(AST_UNROLL, "unroll")                                       \
	X(AST_BREAK, "break")                                         \
	X(AST_CONTINUE, "continue")                                   \
	X(AST_RETURN, "return")                                       \
	/* expressions */                                             \
	X(AST_INT, "int")                                             \
	X(AST_STR, "str")                                             \
	X(AST_BOOL, "bool")                                           \
	X(AST_VAR, "var")                                             \
	X(AST_MAP, "map")                                             \
	X(AST_PARAM, "param")                                         \
	X(AST_IDENT, "ident")                                         \
	X(AST_CALL, "call")                                           \
	X(AST_BINOP, "binop")                                         \
	X(AST_UNOP, "unop")                                           \
	X(AST_TERNARY, "ternary")                                     \
	X(AST_FIELD, "field")                                         \
	X(AST_INDEX, "index")                                         \
	X(AST_TUPLE, "tuple")                                         \
	X(AST_RECORD, "record")                                       \
	X(AST_CAST, "cast")                                           \
	X(AST_SIZEOF, "sizeof")                                       \
	X(AST_OFFSETOF, "offsetof")                                   \
	X(AST_BLOCK_EXPR, "block_expr")                               \
	X(AST_TYPESPEC, "typespec")

#define AST_ENUM(id, name) id,
enum ast_kind { AST_NODES(AST_ENUM) AST__COUNT, AST_UNKNOWN = -1 };
#undef AST_ENUM

/* the kind of a node, or AST_UNKNOWN */
static inline enum ast_kind ast_kind(const struct val *node)
{
#define AST_NAME(id, name) name,
	static const char *const names[] = { AST_NODES(AST_NAME) };
#undef AST_NAME
	const char *k = val_get_str(node, "k");
	int i;

	for (i = 0; k && i < AST__COUNT; i++)
		if (!strcmp(names[i], k))
			return (enum ast_kind)i;
	return AST_UNKNOWN;
}

#endif
