/*
 * parse.h - bt-parse's library interface: the lexer's token model and the
 * parser's entry point, shared by bt-parse/main.c and the unit tests.
 *
 * parse_program() turns script text into the program node of the `ast`
 * stream (WIRE.md).  The first syntax error is printed through diag.h
 * (prefixed "syntax: ", as upstream bpftrace does) and parsing stops.
 *
 * Ownership: every node and string is allocated in the arena passed in;
 * the source text must outlive the result only while diagnostics are
 * printed (nodes copy what they keep).
 */
#ifndef BT_PARSE_H
#define BT_PARSE_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "val.h"

/* nesting deeper than this is refused with an error (stack safety) */
#define PARSE_MAX_DEPTH 400

enum tok_kind {
	TOK_EOF,
	TOK_IDENT,      /* text: the name */
	TOK_INT,        /* ival (already scaled by a duration suffix), suffix */
	TOK_STR,        /* text/len: the decoded bytes */
	TOK_VAR,        /* text: "$name" */
	TOK_PARAM,      /* ival: N of $N */
	TOK_PARAMCOUNT, /* $# */
	TOK_MAP,        /* text: "@name" or "@" */
	TOK_PUNCT,      /* text: the operator or punctuation, e.g. "<<=" */
};

struct token {
	enum tok_kind kind;
	size_t start, end;      /* byte offsets in the source */
	const char *text;       /* arena or static string */
	size_t len;
	uint64_t ival;
	const char *suffix;     /* TOK_INT: "ns" "us" ... "u" "ll", or NULL */
};

struct lexer {
	struct arena *a;
	const char *src;
	size_t len;
	jmp_buf *fail;          /* longjmp target after a reported error */
};

/*
 * Report a syntax error at [start, end) ("syntax: " is prepended) and
 * longjmp to lx->fail.  Used by the lexer and the parser alike.
 */
void lex_fail(struct lexer *lx, size_t start, size_t end, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5), noreturn));
/* skip white space and comments from pos; returns the new position */
size_t lex_skip_layout(struct lexer *lx, size_t pos);
/* lex the token at pos (layout is skipped first) into *t */
void lex_token(struct lexer *lx, size_t pos, struct token *t);
/* the span an error about token t underlines (upstream's rule) */
void lex_error_span(const struct lexer *lx, const struct token *t,
		    size_t *start, size_t *end);
/* is c a character that may start / continue an identifier */
bool lex_is_ident_start(int c);
bool lex_is_ident_body(int c);

/*
 * Parse a whole program.  name is the source name used in diagnostics
 * ("stdin" or the path), params the positional parameters ($1 is
 * params[0]) used to substitute `$N` inside attach points.  Returns 0 and
 * the program node in *out, or -EINVAL after printing the error.
 */
int parse_program(struct arena *a, const char *name, const char *text,
		  size_t len, const char *const *params, int nparams,
		  struct val **out);

#endif
