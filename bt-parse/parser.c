/*
 * parser.c - recursive-descent parser of the whole bpftrace language (HEAD
 * spellings and v0.17's), building the `ast` program node of WIRE.md.
 *
 * Expressions use precedence climbing (L-64).  The first syntax error is
 * reported through lex_fail(), which longjmps back to parse_program(), so
 * no function here has to propagate failure.  Backtracking (casts versus
 * parenthesised expressions, records, trailing block expressions) saves
 * and restores the one-token lookahead, which is cheap because the lexer
 * works from byte offsets.
 *
 * Nodes are built after their children, so their "loc" is [first byte,
 * end of the last consumed token).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse.h"

struct parser {
	struct lexer lx;
	struct arena *a;
	struct token tok;       /* lookahead */
	size_t prev_end;        /* end of the last consumed token */
	int depth;
	const char *const *params;
	int nparams;
	jmp_buf fail;
};

struct psave {
	struct token tok;
	size_t prev_end;
};

static struct val *parse_expr(struct parser *p);
static struct val *parse_unary(struct parser *p);
static struct val *parse_primary(struct parser *p);
static struct val *parse_block(struct parser *p, bool trailing);
static struct val *parse_if(struct parser *p, bool trailing);
static struct val *parse_typespec(struct parser *p);

/* ------------------------------------------------------------ helpers */

/* a growing string in the arena (amortised doubling) */
struct sbuf {
	char *s;
	size_t n, cap;
};

static void sbuf_add(struct arena *a, struct sbuf *b, const char *s,
		     size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *ns;

		while (cap < b->n + n + 1)
			cap *= 2;
		ns = arena_alloc(a, cap);
		if (b->n)
			memcpy(ns, b->s, b->n);
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static struct psave save(struct parser *p)
{
	return (struct psave){ p->tok, p->prev_end };
}

static void restore(struct parser *p, struct psave s)
{
	p->tok = s.tok;
	p->prev_end = s.prev_end;
}

static void next(struct parser *p)
{
	p->prev_end = p->tok.end;
	lex_token(&p->lx, p->tok.end, &p->tok);
}

/* the token after the lookahead */
static void peek2(struct parser *p, struct token *t)
{
	lex_token(&p->lx, p->tok.end, t);
}

static bool tok_is(const struct token *t, enum tok_kind k, const char *s)
{
	return t->kind == k && (!s || !strcmp(t->text, s));
}

static bool is_punct(struct parser *p, const char *s)
{
	return tok_is(&p->tok, TOK_PUNCT, s);
}

static bool is_ident(struct parser *p, const char *s)
{
	return tok_is(&p->tok, TOK_IDENT, s);
}

static bool accept(struct parser *p, const char *s)
{
	if (!is_punct(p, s))
		return false;
	next(p);
	return true;
}

__attribute__((format(printf, 2, 3), noreturn))
static void fail_here(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	size_t s, e;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lex_error_span(&p->lx, &p->tok, &s, &e);
	lex_fail(&p->lx, s, e, "%s", msg);
}

static void expect(struct parser *p, const char *s)
{
	if (!accept(p, s))
		fail_here(p, "expected '%s'", s);
}

static const char *expect_ident(struct parser *p, const char *what)
{
	const char *name;

	if (p->tok.kind != TOK_IDENT)
		fail_here(p, "%s", what);
	name = p->tok.text;
	next(p);
	return name;
}

static void enter(struct parser *p)
{
	if (++p->depth > PARSE_MAX_DEPTH)
		fail_here(p, "program nested too deeply (more than %d levels)",
			  PARSE_MAX_DEPTH);
}

static void leave(struct parser *p)
{
	p->depth--;
}

/* a node of kind k covering [start, end of the last consumed token) */
static struct val *mk(struct parser *p, const char *k, size_t start)
{
	struct val *n = val_map(p->a), *loc = val_arr(p->a);

	val_set_str(p->a, n, "k", k);
	val_push(p->a, loc, val_int(p->a, (int64_t)start));
	val_push(p->a, loc, val_int(p->a,
				    (int64_t)(p->prev_end > start ?
					      p->prev_end : start)));
	val_set(p->a, n, "loc", loc);
	return n;
}

static size_t loc_start(const struct val *n)
{
	return (size_t)val_as_int(val_at(val_get(n, "loc"), 0));
}

static bool kind_is(const struct val *n, const char *k)
{
	return !strcmp(val_kind_of(n), k);
}

/*
 * Names that are never type names when deciding cast versus parentheses
 * (L-40): upstream's reserved builtins (is_reserved below) plus v0.17's
 * builtins, so that `(comm)` and `(retval) - 1` stay expressions.
 */
static bool is_builtin(const char *s)
{
	static const char *const names[] = {
		"args", "ctx", "kstack", "ustack", "nsecs", "pid", "tid",
		"comm", "cpu", "cpid", "curtask", "rand", "cgroup", "elapsed",
		"func", "probe", "retval", "uid", "gid", "username", "ncpus",
		"jiffies", "numaid", "usermode", "__builtin_comm",
		"__builtin_cpid", "__builtin_cpu", "__builtin_dw_ustack",
		"__builtin_elapsed", "__builtin_func", "__builtin_ncpus",
		"__builtin_probe", "__builtin_retval", "__builtin_usermode",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], s))
			return true;
	if (!strncmp(s, "__builtin_", 10))
		return true;
	if (!strncmp(s, "arg", 3) && s[3]) {
		for (i = 3; s[i]; i++)
			if (!isdigit((unsigned char)s[i]))
				break;
		if (!s[i])
			return true;
	}
	if (!strncmp(s, "sarg", 4) && s[4]) {
		for (i = 4; s[i]; i++)
			if (!isdigit((unsigned char)s[i]))
				break;
		if (!s[i])
			return true;
	}
	return false;
}

/* upstream's own list (L-12): names never macro parameters or fields */
static bool is_reserved(const char *s)
{
	static const char *const names[] = {
		"args", "ctx", "kstack", "ustack", "nsecs", "pid", "tid",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], s))
			return true;
	if (!strncmp(s, "__builtin_", 10))
		return true;
	for (i = 0; i < 2; i++) {
		const char *pre = i ? "sarg" : "arg";
		size_t k = strlen(pre);

		if (!strncmp(s, pre, k) && s[k] &&
		    strspn(s + k, "0123456789") == strlen(s + k))
			return true;
	}
	return false;
}

/* type names the language itself knows (L-22, L-24, L-27) */
static bool is_builtin_type(const char *s)
{
	static const char *const names[] = {
		"int8", "int16", "int32", "int64", "uint8", "uint16",
		"uint32", "uint64", "bool", "string", "buffer", "inet",
		"void", "count_t", "sum_t", "min_t", "max_t", "avg_t",
		"stats_t", "usum_t", "umin_t", "umax_t", "uavg_t", "ustats_t",
		"timestamp", "macaddr_t", "cgroup_path_t", "username_t",
		"ksym_t", "usym_t", "kstack_t", "ustack_t", "lhist_t",
		"hist_t", "tseries_t", "strerror_t", "timestamp_t",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], s))
			return true;
	return false;
}

/* can the lookahead start an expression (upstream's cast rule, L-40) */
static bool can_start_expr(const struct token *t)
{
	static const char *const starts[] = { "(", "-", "!", "~", "*", "&" };
	size_t i;

	switch (t->kind) {
	case TOK_IDENT:
	case TOK_INT:
	case TOK_STR:
	case TOK_VAR:
	case TOK_PARAM:
	case TOK_PARAMCOUNT:
	case TOK_MAP:
		return true;
	case TOK_PUNCT:
		for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
			if (!strcmp(t->text, starts[i]))
				return true;
		/* "--x" and "-x" both start with '-' */
		return !strcmp(t->text, "--") || !strcmp(t->text, "++");
	default:
		return false;
	}
}

/* ------------------------------------------------------------- types */

/*
 * typespec := ('struct' | 'union' | 'enum') IDENT ('*' | '[' [INT] ']')*
 *           | IDENT ['[' INT ']']  ('*' | '[' [INT] ']')*
 *
 * `string[N]`, `buffer[N]` and `inet[N]` give the capacity ("size"); any
 * other `[N]` is an array suffix (0 when N is omitted).
 */
static struct val *parse_typeof(struct parser *p);

static struct val *parse_typespec(struct parser *p)
{
	size_t start = p->tok.start;
	struct val *suffix = val_arr(p->a), *n, *of = NULL;
	const char *base;
	int64_t size = -1;
	bool sized;

	if (is_ident(p, "typeof")) {
		of = parse_typeof(p);
		base = "typeof";
	} else {
		base = expect_ident(p, "expected type name");
	}

	if (!of && (!strcmp(base, "struct") || !strcmp(base, "union") ||
		    !strcmp(base, "enum"))) {
		const char *tag = expect_ident(p, "expected identifier");

		base = arena_printf(p->a, "%s %s", base, tag);
	}
	sized = !strcmp(base, "string") || !strcmp(base, "buffer") ||
		!strcmp(base, "inet");
	for (;;) {
		if (accept(p, "*")) {
			val_push(p->a, suffix, val_str(p->a, "*"));
		} else if (is_punct(p, "[")) {
			uint64_t v = 0;

			next(p);
			if (p->tok.kind == TOK_INT) {
				v = p->tok.ival;
				next(p);
			} else if (!is_punct(p, "]")) {
				fail_here(p, "expected array size");
			}
			expect(p, "]");
			if (sized && size < 0 && !suffix->n)
				size = (int64_t)v;
			else
				val_push(p->a, suffix, val_uint(p->a, v));
		} else {
			break;
		}
	}
	if (of && !suffix->n)
		return of;
	n = mk(p, "typespec", start);
	val_set_str(p->a, n, "base", base);
	if (of) {
		if (val_get(of, "type"))
			val_set(p->a, n, "type", val_get(of, "type"));
		if (val_get(of, "e"))
			val_set(p->a, n, "e", val_get(of, "e"));
	}
	if (size >= 0)
		val_set_int(p->a, n, "size", size);
	if (suffix->n)
		val_set(p->a, n, "suffix", suffix);
	return n;
}

/*
 * Does a type reference start here: a non-builtin IDENT (or struct X)
 * with optional suffixes, followed by one of the terminators?  Returns
 * true for a certain type (struct, known type name or suffixes present)
 * and sets *ident for a bare unknown identifier (a typedef or an
 * expression: bt-check decides).
 */
static bool looks_like_type(struct parser *p, const char *terms, bool *ident)
{
	struct psave s = save(p);
	bool known, suffix = false;
	const char *name;

	*ident = false;
	if (p->tok.kind != TOK_IDENT || is_builtin(p->tok.text))
		return false;
	name = p->tok.text;
	next(p);
	known = is_builtin_type(name);
	if (!strcmp(name, "struct") || !strcmp(name, "union") ||
	    !strcmp(name, "enum")) {
		if (p->tok.kind != TOK_IDENT)
			goto no;
		next(p);
		known = true;
	}
	for (;;) {
		if (is_punct(p, "*")) {
			suffix = true;
			next(p);
		} else if (is_punct(p, "[")) {
			suffix = true;
			next(p);
			if (p->tok.kind == TOK_INT)
				next(p);
			if (!is_punct(p, "]"))
				goto no;
			next(p);
		} else {
			break;
		}
	}
	if (p->tok.kind != TOK_PUNCT || !strchr(terms, p->tok.text[0]) ||
	    p->tok.len != 1)
		goto no;
	restore(p, s);
	if (known || suffix)
		return true;
	*ident = true;
	return false;
no:
	restore(p, s);
	return false;
}

/* type_or_expr := typespec | expr   (inside sizeof, offsetof, typeof) */
static struct val *parse_type_or_expr(struct parser *p, const char *terms,
				      bool *is_type)
{
	bool ident;

	if (is_ident(p, "typeof")) {
		*is_type = true;
		return parse_typespec(p);
	}
	*is_type = looks_like_type(p, terms, &ident);
	if (*is_type)
		return parse_typespec(p);
	return parse_expr(p);
}

/* ------------------------------------------------------- expressions */

/*
 * call_args := '(' [expr (',' expr)*] ')'
 * (container_of's second argument may be a typespec)
 */
static struct val *parse_call(struct parser *p, const char *name,
			      size_t start)
{
	struct val *args = val_arr(p->a), *n;

	expect(p, "(");
	if (!is_punct(p, ")")) {
		do {
			bool is_type;

			if (is_ident(p, "typeof")) {
				val_push(p->a, args, parse_primary(p));
				continue;
			}
			/* container_of(ptr, TYPE, member): a type argument */
			if (!strcmp(name, "container_of") && args->n == 1) {
				val_push(p->a, args,
					 parse_type_or_expr(p, ",", &is_type));
				continue;
			}
			val_push(p->a, args, parse_expr(p));
		} while (accept(p, ","));
	}
	expect(p, ")");
	n = mk(p, "call", start);
	val_set_str(p->a, n, "name", name);
	val_set(p->a, n, "args", args);
	return n;
}

/*
 * map := MAP ['[' expr (',' expr)* ']']
 */
static struct val *parse_map(struct parser *p)
{
	size_t start = p->tok.start;
	const char *name = p->tok.text;
	struct val *keys = NULL, *n;

	next(p);
	if (accept(p, "[")) {
		keys = val_arr(p->a);
		do
			val_push(p->a, keys, parse_expr(p));
		while (accept(p, ","));
		expect(p, "]");
	}
	n = mk(p, "map", start);
	val_set_str(p->a, n, "name", name);
	if (keys)
		val_set(p->a, n, "keys", keys);
	return n;
}

/*
 * record := '(' IDENT '=' expr (',' IDENT '=' expr)* [','] ')'
 * Called with the lookahead after '('; returns NULL (nothing consumed)
 * when the text is not a record.
 */
static struct val *try_record(struct parser *p, size_t start)
{
	struct val *fields, *n;
	struct token t2;

	if (p->tok.kind != TOK_IDENT || is_reserved(p->tok.text))
		return NULL;
	peek2(p, &t2);
	if (!tok_is(&t2, TOK_PUNCT, "="))
		return NULL;
	fields = val_arr(p->a);
	do {
		struct val *f = val_map(p->a);
		const char *name;
		size_t i, fstart = p->tok.start;

		name = expect_ident(p, "expected identifier");
		expect(p, "=");
		val_set_str(p->a, f, "name", name);
		val_set(p->a, f, "e", parse_expr(p));
		val_set(p->a, f, "loc", val_get(mk(p, "field", fstart), "loc"));
		for (i = 0; i < fields->n; i++)
			if (!strcmp(val_get_str(fields->items[i], "name"),
				    name))
				lex_fail(&p->lx, fstart, p->prev_end,
					 "Named argument list already contains name: %s",
					 name);
		val_push(p->a, fields, f);
	} while (accept(p, ","));
	expect(p, ")");
	n = mk(p, "record", start);
	val_set(p->a, n, "fields", fields);
	return n;
}

/*
 * cast := '(' typespec ')' unary
 * Called with the lookahead after '('.  A cast only when the type is
 * followed by ')' and then by something that starts an expression, and
 * its name is not a builtin (L-40).  Returns NULL (nothing consumed)
 * otherwise.
 */
static struct val *try_cast(struct parser *p, size_t start)
{
	struct psave s = save(p);
	struct val *type, *e, *n;
	bool ident;

	if (!is_ident(p, "typeof") && !looks_like_type(p, ")", &ident) &&
	    !ident)
		return NULL;
	type = parse_typespec(p);
	expect(p, ")");
	if (!can_start_expr(&p->tok)) {
		restore(p, s);
		return NULL;
	}
	e = parse_unary(p);
	n = mk(p, "cast", start);
	val_set(p->a, n, "type", type);
	val_set(p->a, n, "e", e);
	return n;
}

/*
 * paren := '(' ')'                            empty tuple
 *        | record | cast
 *        | '(' expr ')'                        grouping
 *        | '(' expr ',' [expr (',' expr)* [',']] ')'   tuple
 */
static struct val *parse_paren(struct parser *p)
{
	size_t start = p->tok.start;
	struct val *e, *elems, *n;

	next(p);
	if (accept(p, ")")) {
		n = mk(p, "tuple", start);
		val_set(p->a, n, "elems", val_arr(p->a));
		return n;
	}
	e = try_record(p, start);
	if (e)
		return e;
	e = try_cast(p, start);
	if (e)
		return e;
	e = parse_expr(p);
	if (!is_punct(p, ",")) {
		expect(p, ")");
		return e;
	}
	elems = val_arr(p->a);
	val_push(p->a, elems, e);
	while (accept(p, ",")) {
		if (is_punct(p, ")"))
			break;
		val_push(p->a, elems, parse_expr(p));
	}
	expect(p, ")");
	n = mk(p, "tuple", start);
	val_set(p->a, n, "elems", elems);
	return n;
}

/*
 * sizeof := 'sizeof' '(' (typespec | expr) ')'
 * offsetof := 'offsetof' '(' (typespec | expr) ',' IDENT ('.' IDENT)* ')'
 */
static struct val *parse_sizeof(struct parser *p, bool offsetof)
{
	size_t start = p->tok.start;
	struct val *what, *fields = NULL, *n;
	bool is_type;

	next(p);
	expect(p, "(");
	what = parse_type_or_expr(p, offsetof ? "," : ")", &is_type);
	if (offsetof) {
		fields = val_arr(p->a);
		expect(p, ",");
		do
			val_push(p->a, fields,
				 val_str(p->a, expect_ident(p, "expected identifier")));
		while (accept(p, "."));
	}
	expect(p, ")");
	n = mk(p, offsetof ? "offsetof" : "sizeof", start);
	val_set(p->a, n, is_type ? "type" : "e", what);
	if (fields)
		val_set(p->a, n, "fields", fields);
	return n;
}

/*
 * typeof := 'typeof' '(' (typespec | expr) ')'    -> typespec with
 *           base "typeof" and "type" or "e"
 * typeinfo := 'typeinfo' '(' (typespec | expr) ')' -> call "typeinfo"
 */
static struct val *parse_typeof(struct parser *p)
{
	size_t start = p->tok.start;
	bool is_type, info = is_ident(p, "typeinfo");
	struct val *what, *n;

	next(p);
	expect(p, "(");
	what = parse_type_or_expr(p, ")", &is_type);
	expect(p, ")");
	if (info) {
		struct val *args = val_arr(p->a);

		val_push(p->a, args, what);
		n = mk(p, "call", start);
		val_set_str(p->a, n, "name", "typeinfo");
		val_set(p->a, n, "args", args);
		return n;
	}
	n = mk(p, "typespec", start);
	val_set_str(p->a, n, "base", "typeof");
	val_set(p->a, n, is_type ? "type" : "e", what);
	return n;
}

static struct val *int_node(struct parser *p, const struct token *t)
{
	struct val *n = mk(p, "int", t->start);

	if (t->ival > (uint64_t)INT64_MAX)
		val_set(p->a, n, "v", val_uint(p->a, t->ival));
	else
		val_set_int(p->a, n, "v", (int64_t)t->ival);
	if (t->suffix)
		val_set_str(p->a, n, "suffix", t->suffix);
	return n;
}

/*
 * primary := INT | STR | 'true' | 'false' | VAR | PARAM | '$#' | map
 *          | IDENT | IDENT call_args | paren | block_expr | if_expr
 *          | sizeof | offsetof | typeof | typeinfo | 'comptime' unary
 */
static struct val *parse_primary_inner(struct parser *p);

static struct val *parse_primary(struct parser *p)
{
	struct val *n;

	enter(p);
	n = parse_primary_inner(p);
	leave(p);
	return n;
}

static struct val *parse_primary_inner(struct parser *p)
{
	struct token t = p->tok;
	struct val *n;

	switch (t.kind) {
	case TOK_INT:
		next(p);
		return int_node(p, &t);
	case TOK_STR:
		next(p);
		n = mk(p, "str", t.start);
		val_set(p->a, n, "v", val_strn(p->a, t.text, t.len));
		return n;
	case TOK_VAR:
		next(p);
		n = mk(p, "var", t.start);
		val_set_str(p->a, n, "name", t.text);
		return n;
	case TOK_PARAM:
	case TOK_PARAMCOUNT:
		next(p);
		n = mk(p, "param", t.start);
		val_set_int(p->a, n, "n",
			    t.kind == TOK_PARAM ? (int64_t)t.ival : -1);
		return n;
	case TOK_MAP:
		return parse_map(p);
	case TOK_IDENT:
		if (!strcmp(t.text, "true") || !strcmp(t.text, "false")) {
			next(p);
			n = mk(p, "bool", t.start);
			val_set_bool(p->a, n, "v", t.text[0] == 't');
			return n;
		}
		if (!strcmp(t.text, "if"))
			return parse_if(p, true);
		if (!strcmp(t.text, "sizeof") || !strcmp(t.text, "offsetof"))
			return parse_sizeof(p, t.text[0] == 'o');
		if (!strcmp(t.text, "typeof") || !strcmp(t.text, "typeinfo"))
			return parse_typeof(p);
		next(p);
		if (!strcmp(t.text, "comptime")) {
			struct val *args = val_arr(p->a);

			val_push(p->a, args, parse_unary(p));
			n = mk(p, "call", t.start);
			val_set_str(p->a, n, "name", "comptime");
			val_set(p->a, n, "args", args);
			return n;
		}
		if (is_punct(p, "("))
			return parse_call(p, t.text, t.start);
		n = mk(p, "ident", t.start);
		val_set_str(p->a, n, "name", t.text);
		return n;
	case TOK_PUNCT:
		if (!strcmp(t.text, "("))
			return parse_paren(p);
		if (!strcmp(t.text, "{")) {
			n = parse_block(p, true);
			val_set_str(p->a, n, "k", "block_expr");
			return n;
		}
		break;
	default:
		break;
	}
	fail_here(p, "expected expression");
}

/*
 * postfix := primary ( '.' (IDENT | INT) | '->' IDENT | '[' expr ']'
 *                    | '++' | '--' )*
 */
static struct val *parse_postfix(struct parser *p, struct val *e)
{
	size_t start = loc_start(e);
	int saved = p->depth;

	for (;;) {
		struct val *n;

		/* each postfix operator nests the tree one level deeper */
		enter(p);

		if (is_punct(p, ".") || is_punct(p, "->")) {
			bool arrow = p->tok.text[0] == '-';
			const char *name;

			next(p);
			if (!arrow && p->tok.kind == TOK_INT && !p->tok.suffix) {
				name = arena_printf(p->a, "%llu",
						    (unsigned long long)p->tok.ival);
				next(p);
			} else {
				name = expect_ident(p, arrow ?
					"expected field name after '->'" :
					"expected field name after '.'");
			}
			n = mk(p, "field", start);
			val_set(p->a, n, "e", e);
			val_set_str(p->a, n, "name", name);
			val_set_bool(p->a, n, "arrow", arrow);
		} else if (accept(p, "[")) {
			struct val *i = parse_expr(p);

			expect(p, "]");
			n = mk(p, "index", start);
			val_set(p->a, n, "e", e);
			val_set(p->a, n, "i", i);
		} else if (is_punct(p, "++") || is_punct(p, "--")) {
			const char *op = p->tok.text;

			if (!kind_is(e, "var") && !kind_is(e, "map"))
				lex_fail(&p->lx, p->tok.start, p->tok.end,
					 "increment/decrement requires a variable or map");
			next(p);
			n = mk(p, "unop", start);
			val_set_str(p->a, n, "op", op);
			val_set(p->a, n, "e", e);
			val_set_bool(p->a, n, "post", true);
		} else {
			p->depth = saved;
			return e;
		}
		e = n;
	}
}

/*
 * unary := ('-' | '!' | '~' | '*' | '&' | '++' | '--') unary
 *        | postfix
 */
static struct val *parse_unary(struct parser *p)
{
	static const char *const ops[] = { "-", "!", "~", "*", "&", "++",
					   "--" };
	size_t start = p->tok.start, i;
	struct val *e, *n;
	const char *op = NULL;

	if (p->tok.kind == TOK_PUNCT)
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (!strcmp(p->tok.text, ops[i]))
				op = ops[i];
	if (!op)
		return parse_postfix(p, parse_primary(p));
	enter(p);
	next(p);
	if (!strcmp(op, "&") && p->tok.kind != TOK_VAR &&
	    p->tok.kind != TOK_MAP)
		fail_here(p, "address-of operator (&) can only be used on a map or variable");
	e = parse_unary(p);
	if ((!strcmp(op, "++") || !strcmp(op, "--")) && !kind_is(e, "var") &&
	    !kind_is(e, "map")) {
		struct diag_loc l = diag_loc_of(e);

		lex_fail(&p->lx, l.start, l.end,
			 "increment/decrement requires a variable or map");
	}
	leave(p);
	n = mk(p, "unop", start);
	val_set_str(p->a, n, "op", op);
	val_set(p->a, n, "e", e);
	val_set_bool(p->a, n, "post", false);
	return n;
}

/* binary operator precedence (L-64), 0 when the token is none */
static int binop_prec(struct parser *p)
{
	static const struct {
		const char *op;
		int prec;
	} tab[] = {
		{ "||", 1 }, { "&&", 2 }, { "|", 3 }, { "^", 4 }, { "&", 5 },
		{ "==", 6 }, { "!=", 6 }, { "<", 7 }, { ">", 7 }, { "<=", 7 },
		{ ">=", 7 }, { "<<", 8 }, { ">>", 8 }, { "+", 9 }, { "-", 9 },
		{ "*", 10 }, { "/", 10 }, { "%", 10 },
	};
	size_t i;

	if (p->tok.kind != TOK_PUNCT)
		return 0;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(tab[i].op, p->tok.text))
			continue;
		if (!strcmp(tab[i].op, "/")) {
			/* '/' before '{' closes a predicate */
			struct token t2;

			peek2(p, &t2);
			if (tok_is(&t2, TOK_PUNCT, "{"))
				return 0;
		}
		return tab[i].prec;
	}
	return 0;
}

/*
 * binary(min) := unary (BINOP[prec >= min] binary(prec + 1))*
 */
static struct val *parse_binary(struct parser *p, int min_prec,
				struct val *l)
{
	int prec, saved = p->depth;

	if (!l)
		l = parse_unary(p);
	while ((prec = binop_prec(p)) && prec >= min_prec) {
		const char *op = p->tok.text;
		struct val *r, *n;

		enter(p);       /* a left-leaning chain nests too */
		next(p);
		r = parse_binary(p, prec + 1, NULL);
		n = mk(p, "binop", loc_start(l));
		val_set_str(p->a, n, "op", op);
		val_set(p->a, n, "l", l);
		val_set(p->a, n, "r", r);
		l = n;
	}
	p->depth = saved;
	return l;
}

/*
 * ternary := binary ['?' [ternary] ':' ternary]
 */
static struct val *parse_ternary(struct parser *p, struct val *first)
{
	struct val *c = parse_binary(p, 1, first), *a = NULL, *b, *n;

	if (!accept(p, "?"))
		return c;
	enter(p);
	if (!accept(p, ":")) {
		a = parse_ternary(p, NULL);
		expect(p, ":");
	}
	b = parse_ternary(p, NULL);
	leave(p);
	n = mk(p, "ternary", loc_start(c));
	val_set(p->a, n, "c", c);
	if (a)
		val_set(p->a, n, "a", a);
	val_set(p->a, n, "b", b);
	return n;
}

/* expr := ternary */
static struct val *parse_expr(struct parser *p)
{
	struct val *e;

	enter(p);
	e = parse_ternary(p, NULL);
	leave(p);
	return e;
}

/* -------------------------------------------------------- statements */

/* turn a block_expr into a block whose last statement is its value */
static struct val *block_demote(struct parser *p, struct val *b)
{
	struct val *n, *stmts, *e, *es;

	if (!b || !kind_is(b, "block_expr"))
		return b;
	n = val_map(p->a);
	val_set_str(p->a, n, "k", "block");
	val_set(p->a, n, "loc", val_get(b, "loc"));
	stmts = val_get(b, "stmts");
	e = val_get(b, "e");
	if (e) {
		es = val_map(p->a);
		val_set_str(p->a, es, "k", "expr");
		val_set(p->a, es, "loc", val_get(e, "loc"));
		val_set(p->a, es, "e", e);
		val_push(p->a, stmts, es);
	}
	val_set(p->a, n, "stmts", stmts);
	return n;
}

/*
 * cond := '(' expr ')' | expr     (the condition of if/while/unroll)
 * Upstream takes only a unary expression without parentheses; a full
 * expression is accepted here, as nothing in one can swallow the '{'.
 */
static struct val *parse_cond(struct parser *p)
{
	struct val *c;

	if (!is_punct(p, "("))
		return parse_expr(p);
	/* the parentheses are the statement's, never a record or tuple */
	next(p);
	c = parse_expr(p);
	expect(p, ")");
	return c;
}

/*
 * if := 'if' cond block ['else' (block | if)]
 *
 * trailing: branches may end in a value (if as an expression); otherwise
 * the branches are plain blocks.
 */
static struct val *parse_if(struct parser *p, bool trailing)
{
	size_t start = p->tok.start;
	struct val *cond, *then, *els = NULL, *n;

	enter(p);
	next(p);
	cond = parse_cond(p);
	then = parse_block(p, trailing);
	if (is_ident(p, "else")) {
		next(p);
		if (is_ident(p, "if")) {
			size_t estart = p->tok.start;
			struct val *inner = parse_if(p, trailing), *stmts;

			stmts = val_arr(p->a);
			val_push(p->a, stmts, inner);
			els = mk(p, "block", estart);
			val_set(p->a, els, "stmts", stmts);
		} else if (is_punct(p, "{")) {
			els = parse_block(p, trailing);
		} else {
			fail_here(p, "expected '{' or 'if' after 'else'");
		}
	}
	leave(p);
	n = mk(p, "if", start);
	val_set(p->a, n, "cond", cond);
	val_set(p->a, n, "then", then);
	if (els)
		val_set(p->a, n, "else", els);
	return n;
}

/* demote the branches of an if used as a statement */
static void if_demote(struct parser *p, struct val *n)
{
	struct val *els = val_get(n, "else");

	val_set(p->a, n, "then", block_demote(p, val_get(n, "then")));
	if (!els)
		return;
	if (kind_is(els, "block") && val_get(els, "stmts")->n == 1 &&
	    kind_is(val_at(val_get(els, "stmts"), 0), "if"))
		if_demote(p, val_at(val_get(els, "stmts"), 0));
	else
		val_set(p->a, n, "else", block_demote(p, els));
}

/* ';' or, before '}', nothing */
static void expect_stmt_end(struct parser *p)
{
	if (accept(p, ";") || is_punct(p, "}"))
		return;
	fail_here(p, "expected ';'");
}

/*
 * for := 'for' ['('] VAR ':' (map | primary '..' primary) [')'] block
 */
static struct val *parse_for(struct parser *p)
{
	size_t start = p->tok.start;
	struct val *first, *hi = NULL, *body, *n;
	const char *var;
	bool paren;

	next(p);
	paren = accept(p, "(");
	if (p->tok.kind != TOK_VAR)
		fail_here(p, "expected variable in for loop");
	var = p->tok.text;
	next(p);
	expect(p, ":");
	first = parse_postfix(p, parse_primary(p));
	if (accept(p, ".."))
		hi = parse_postfix(p, parse_primary(p));
	if (paren)
		expect(p, ")");
	if (!hi && (!kind_is(first, "map") || val_get(first, "keys")))
		fail_here(p, "expected map or range in for loop");
	body = parse_block(p, false);
	n = mk(p, "for", start);
	val_set_str(p->a, n, "name", var);
	if (hi) {
		val_set(p->a, n, "lo", first);
		val_set(p->a, n, "hi", hi);
	} else {
		val_set(p->a, n, "map", first);
	}
	val_set(p->a, n, "body", body);
	return n;
}

/*
 * let := 'let' VAR [':' typespec] ['=' expr] ';'
 */
static struct val *parse_let(struct parser *p)
{
	size_t start = p->tok.start;
	struct val *type = NULL, *init = NULL, *n;
	const char *name;

	next(p);
	if (p->tok.kind != TOK_VAR)
		fail_here(p, "expected variable after 'let'");
	name = p->tok.text;
	next(p);
	if (accept(p, ":"))
		type = parse_typespec(p);
	if (accept(p, "="))
		init = parse_expr(p);
	n = mk(p, "let", start);
	val_set_str(p->a, n, "name", name);
	if (type)
		val_set(p->a, n, "type", type);
	if (init)
		val_set(p->a, n, "init", init);
	expect_stmt_end(p);
	return n;
}

static bool is_assign_op(struct parser *p)
{
	static const char *const ops[] = { "=", "+=", "-=", "*=", "/=", "%=",
					   "&=", "|=", "^=", "<<=", ">>=" };
	size_t i;

	if (p->tok.kind != TOK_PUNCT)
		return false;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(ops[i], p->tok.text))
			return true;
	return false;
}

/* import := 'import' STR ';' */
static struct val *parse_import(struct parser *p)
{
	size_t start = p->tok.start;
	struct token t;
	struct val *n;

	next(p);
	if (p->tok.kind != TOK_STR)
		fail_here(p, "expected string after 'import'");
	t = p->tok;
	next(p);
	n = mk(p, "import", start);
	val_set(p->a, n, "path", val_strn(p->a, t.text, t.len));
	if (!accept(p, ";"))
		fail_here(p, "expected ';' after import");
	return n;
}

/*
 * block := '{' stmt* [expr] '}'
 * stmt  := ';' | block | if | 'while' cond block | 'unroll' cond block
 *        | for | 'break' | 'continue' | 'return' [expr] | let | import
 *        | '_' '=' expr | expr [ASSIGN_OP expr]
 *
 * trailing: a final expression without ';' is the block's value and the
 * result is a block_expr; otherwise it becomes an expression statement.
 */
static struct val *parse_block(struct parser *p, bool trailing)
{
	size_t start = p->tok.start;
	struct val *stmts = val_arr(p->a), *value = NULL, *n;

	enter(p);
	expect(p, "{");
	while (!is_punct(p, "}")) {
		size_t s = p->tok.start;
		struct val *st = NULL, *e;

		if (p->tok.kind == TOK_EOF)
			fail_here(p, "expected '}'");
		if (accept(p, ";"))
			continue;
		if (is_punct(p, "{")) {
			st = block_demote(p, parse_block(p, true));
		} else if (is_ident(p, "if")) {
			st = parse_if(p, trailing);
			if (trailing && is_punct(p, "}") && val_get(st, "else")) {
				value = st;
				break;
			}
			if_demote(p, st);
			accept(p, ";");
		} else if (is_ident(p, "while") || is_ident(p, "unroll")) {
			bool w = p->tok.text[0] == 'w';
			struct val *c, *body;

			next(p);
			c = parse_cond(p);
			body = parse_block(p, false);
			st = mk(p, w ? "while" : "unroll", s);
			val_set(p->a, st, w ? "cond" : "count", c);
			val_set(p->a, st, "body", body);
		} else if (is_ident(p, "for")) {
			st = parse_for(p);
		} else if (is_ident(p, "break") || is_ident(p, "continue")) {
			const char *k = p->tok.text;

			next(p);
			st = mk(p, k, s);
			expect_stmt_end(p);
		} else if (is_ident(p, "return")) {
			next(p);
			e = NULL;
			if (!is_punct(p, ";") && !is_punct(p, "}"))
				e = parse_expr(p);
			st = mk(p, "return", s);
			if (e)
				val_set(p->a, st, "e", e);
			expect_stmt_end(p);
		} else if (is_ident(p, "let")) {
			st = parse_let(p);
		} else if (is_ident(p, "import")) {
			st = parse_import(p);
		} else if (is_ident(p, "_")) {
			struct token t2;

			peek2(p, &t2);
			if (tok_is(&t2, TOK_PUNCT, "=")) {
				next(p);
				next(p);
				e = parse_expr(p);
				st = mk(p, "expr", s);
				val_set(p->a, st, "e", e);
				val_set_bool(p->a, st, "discard", true);
				expect_stmt_end(p);
			}
		}
		if (!st) {
			/* only statements that start with $x or @m assign */
			bool sigil = p->tok.kind == TOK_VAR ||
				     p->tok.kind == TOK_MAP;

			e = parse_expr(p);
			if (sigil && is_assign_op(p)) {
				const char *op = p->tok.text;
				struct val *rhs;

				next(p);
				rhs = parse_expr(p);
				if (kind_is(e, "field") && !strcmp(op, "="))
					lex_fail(&p->lx, s, p->prev_end,
						 "Tuples and records are immutable once created. Consider creating a new value and assigning it instead.");
				if (!kind_is(e, "var") && !kind_is(e, "map"))
					lex_fail(&p->lx, s, p->prev_end,
						 "invalid assignment target");
				st = mk(p, "assign", s);
				val_set_str(p->a, st, "op", op);
				val_set(p->a, st, "lhs", e);
				val_set(p->a, st, "rhs", rhs);
				expect_stmt_end(p);
			} else if (trailing && is_punct(p, "}")) {
				value = e;
				break;
			} else {
				st = mk(p, "expr", s);
				val_set(p->a, st, "e", e);
				if (kind_is(e, "block_expr") ||
				    kind_is(e, "block") || kind_is(e, "if"))
					accept(p, ";");
				else
					expect_stmt_end(p);
			}
		}
		val_push(p->a, stmts, st);
	}
	expect(p, "}");
	leave(p);
	n = mk(p, value ? "block_expr" : "block", start);
	val_set(p->a, n, "stmts", stmts);
	if (value)
		val_set(p->a, n, "e", value);
	return n;
}

/* --------------------------------------------------------- top level */

/* text position of the lookahead, layout skipped */
static size_t here(struct parser *p)
{
	return p->tok.start;
}

/* re-lex from a raw byte offset (after text the parser scanned itself) */
static void reset_to(struct parser *p, size_t pos)
{
	p->prev_end = pos;
	lex_token(&p->lx, pos, &p->tok);
}

static int src_at(struct parser *p, size_t pos)
{
	return pos < p->lx.len ? (unsigned char)p->lx.src[pos] : 0;
}

/*
 * Does `struct|union|enum ...` at the lookahead start a C definition
 * (reaches '{' before ':' '/' ',' ';')?  Attach points like `struct:x`
 * do not.
 */
static bool looks_like_c_def(struct parser *p)
{
	struct psave s = save(p);
	bool yes = false;

	if (!is_ident(p, "struct") && !is_ident(p, "union") &&
	    !is_ident(p, "enum"))
		return false;
	if (src_at(p, p->tok.end) == ':')
		return false;
	next(p);
	while (p->tok.kind == TOK_IDENT || is_punct(p, "(") ||
	       is_punct(p, ")"))
		next(p);
	yes = is_punct(p, "{");
	restore(p, s);
	return yes;
}

/*
 * c_def := '#' ... end of line (with '\' continuations)
 *        | ('struct' | 'union' | 'enum') ... '{' ... '}' [attrs] [';']
 * The text is appended verbatim to *cdefs.
 */
static void parse_c_def(struct parser *p, struct sbuf *cdefs)
{
	size_t start = here(p), pos = start, end;

	if (src_at(p, pos) == '#') {
		while (pos < p->lx.len && p->lx.src[pos] != '\n') {
			if (p->lx.src[pos] == '\\' && src_at(p, pos + 1) == '\n')
				pos++;
			pos++;
		}
		end = pos;
	} else {
		int depth = 0;

		while (pos < p->lx.len && src_at(p, pos) != '{')
			pos++;
		for (; pos < p->lx.len; pos++) {
			size_t skip = lex_skip_layout(&p->lx, pos);

			if (skip != pos && src_at(p, pos) == '/') {
				pos = skip - 1;
				continue;
			}
			if (src_at(p, pos) == '{')
				depth++;
			else if (src_at(p, pos) == '}' && --depth == 0)
				break;
		}
		if (pos >= p->lx.len)
			lex_fail(&p->lx, start, start + 1,
				 "unterminated C definition, expected '}'");
		pos++;
		/* trailing attributes and ';' */
		for (;;) {
			size_t q = lex_skip_layout(&p->lx, pos);

			if (q + 13 <= p->lx.len &&
			    !strncmp(p->lx.src + q, "__attribute__", 13) &&
			    !lex_is_ident_body(src_at(p, q + 13))) {
				size_t open;
				int d = 0;

				q = lex_skip_layout(&p->lx, q + 13);
				open = q;
				if (src_at(p, q) != '(' || src_at(p, q + 1) != '(') {
					reset_to(p, q);
					fail_here(p, "__attribute__ syntax error, expected '(('");
				}
				while (q < p->lx.len) {
					if (p->lx.src[q] == '(')
						d++;
					else if (p->lx.src[q] == ')' && --d == 0)
						break;
					q++;
				}
				if (q >= p->lx.len || src_at(p, q - 1) != ')')
					lex_fail(&p->lx, open, open + 1,
						 "__attribute__ syntax error, mismatched '(' and ')'");
				pos = q + 1;
				continue;
			}
			if (src_at(p, q) == ';')
				pos = q + 1;
			break;
		}
		end = pos;
	}
	sbuf_add(p->a, cdefs, p->lx.src + start, end - start);
	sbuf_add(p->a, cdefs, "\n", 1);
	reset_to(p, end);
}

/*
 * config := 'config' '=' '{' [IDENT '=' (INT | STR | BOOL | IDENT)
 *           (';' IDENT '=' ...)*] [';'] '}' [';']
 */
static void parse_config(struct parser *p, struct val *out)
{
	next(p);
	expect(p, "=");
	expect(p, "{");
	while (!is_punct(p, "}")) {
		size_t s = here(p);
		const char *key = expect_ident(p, "expected config key");
		struct token t;
		struct val *v, *n;

		expect(p, "=");
		t = p->tok;
		switch (t.kind) {
		case TOK_INT:
			next(p);
			v = int_node(p, &t);
			break;
		case TOK_STR:
			next(p);
			v = mk(p, "str", t.start);
			val_set(p->a, v, "v", val_strn(p->a, t.text, t.len));
			break;
		case TOK_IDENT:
			next(p);
			if (!strcmp(t.text, "true") || !strcmp(t.text, "false")) {
				v = mk(p, "bool", t.start);
				val_set_bool(p->a, v, "v", t.text[0] == 't');
			} else {
				v = mk(p, "ident", t.start);
				val_set_str(p->a, v, "name", t.text);
			}
			break;
		default:
			fail_here(p, "expected string, int, boolean, or ident");
		}
		n = mk(p, "config", s);
		val_set_str(p->a, n, "key", key);
		val_set(p->a, n, "value", v);
		val_push(p->a, out, n);
		if (!accept(p, ";") && !is_punct(p, "}"))
			fail_here(p, "expected ';'");
	}
	expect(p, "}");
	accept(p, ";");
}

/*
 * map_decl := 'let' MAP '=' IDENT '(' INT ')' [';']
 */
static struct val *parse_map_decl(struct parser *p)
{
	size_t start = here(p);
	const char *name, *kind;
	uint64_t size;
	struct val *n;

	next(p);
	if (p->tok.kind != TOK_MAP) {
		if (p->tok.kind == TOK_VAR)
			fail_here(p, "root-level let statements need to be map declarations, e.g. let @a = hash(2);");
		fail_here(p, "expected '@' in map declaration");
	}
	name = p->tok.text;
	next(p);
	expect(p, "=");
	kind = expect_ident(p, "expected map type name");
	expect(p, "(");
	if (p->tok.kind != TOK_INT)
		fail_here(p, "expected positive integer for map declaration max entries");
	size = p->tok.ival;
	next(p);
	expect(p, ")");
	n = mk(p, "map_decl", start);
	val_set_str(p->a, n, "name", name);
	val_set_str(p->a, n, "kind", kind);
	val_set(p->a, n, "size", size > INT64_MAX ? val_uint(p->a, size) :
		val_int(p->a, (int64_t)size));
	accept(p, ";");
	return n;
}

/*
 * macro := 'macro' IDENT '(' [(VAR | MAP | IDENT) (',' ...)*] ')' block
 */
static struct val *parse_macro(struct parser *p)
{
	size_t start = here(p);
	struct val *params = val_arr(p->a), *body, *n;
	const char *name;

	next(p);
	name = expect_ident(p, "expected macro name");
	expect(p, "(");
	if (!is_punct(p, ")")) {
		do {
			if (p->tok.kind == TOK_IDENT && is_reserved(p->tok.text))
				fail_here(p, "builtin '%s' can't be used as a macro argument",
					  p->tok.text);
			if (p->tok.kind != TOK_VAR && p->tok.kind != TOK_MAP &&
			    p->tok.kind != TOK_IDENT)
				fail_here(p, "expected macro argument ($var, @map, or identifier)");
			val_push(p->a, params, val_str(p->a, p->tok.text));
			next(p);
		} while (accept(p, ","));
	}
	expect(p, ")");
	body = parse_block(p, true);
	n = mk(p, "macro", start);
	val_set_str(p->a, n, "name", name);
	val_set(p->a, n, "params", params);
	val_set(p->a, n, "body", body);
	return n;
}

/*
 * fn := 'fn' IDENT '(' [VAR ':' typespec (',' ...)*] ')' [':' typespec]
 *       block
 */
static struct val *parse_fn(struct parser *p)
{
	size_t start = here(p);
	struct val *params = val_arr(p->a), *ret = NULL, *body, *n;
	const char *name;

	next(p);
	name = expect_ident(p, "expected function name");
	expect(p, "(");
	if (!is_punct(p, ")")) {
		do {
			struct val *prm = val_map(p->a);

			size_t pstart = p->tok.start;

			if (p->tok.kind != TOK_VAR)
				fail_here(p, "expected variable in function argument");
			val_set_str(p->a, prm, "name", p->tok.text);
			next(p);
			expect(p, ":");
			val_set(p->a, prm, "type", parse_typespec(p));
			val_set(p->a, prm, "loc",
				val_get(mk(p, "param", pstart), "loc"));
			val_push(p->a, params, prm);
		} while (accept(p, ","));
	}
	expect(p, ")");
	if (accept(p, ":"))
		ret = parse_typespec(p);
	body = parse_block(p, false);
	n = mk(p, "fn", start);
	val_set_str(p->a, n, "name", name);
	val_set(p->a, n, "params", params);
	if (ret)
		val_set(p->a, n, "ret", ret);
	val_set(p->a, n, "body", body);
	return n;
}

/*
 * Replace `$N` in attach-point text by the Nth positional parameter
 * (L-54); quoted text is left alone.  raw is [s, e) of the source.
 */
static const char *attach_subst(struct parser *p, size_t s, size_t e)
{
	struct sbuf out = { 0 };
	size_t i;
	bool quoted = false;

	for (i = s; i < e; i++) {
		char c = p->lx.src[i];

		if (c == '"')
			quoted = !quoted;
		if (c == '$' && !quoted) {
			size_t j = i + 1;
			unsigned long long n = 0;
			const char *v;

			while (j < e && isdigit((unsigned char)p->lx.src[j]) &&
			       !(j == i + 1 && p->lx.src[j] == '0') &&
			       n < 1000000)
				n = n * 10 + (p->lx.src[j++] - '0');
			if (j == i + 1 && j < e)
				lex_fail(&p->lx, i, i + 2,
					 "invalid trailing character for positional param: %c. Try quoting this entire part if this is intentional e.g. \"$%c\".",
					 p->lx.src[j], p->lx.src[j]);
			if (j == i + 1)
				lex_fail(&p->lx, i, i + 1,
					 "positional parameter is not valid: '$' without a number");
			v = (int)n <= p->nparams ? p->params[n - 1] : "";
			sbuf_add(p->a, &out, v, strlen(v));
			i = j - 1;
			continue;
		}
		sbuf_add(p->a, &out, &c, 1);
	}
	return out.s ? out.s : "";
}

/* split attach text on ':' outside quotes, removing the quotes */
static void attach_split(struct parser *p, const char *raw, struct val *n)
{
	struct val *parts = val_arr(p->a);
	char *cur = arena_alloc(p->a, strlen(raw) + 1);
	size_t k = 0;
	bool quoted = false, first = true;
	const char *c;

	for (c = raw;; c++) {
		if (*c == '"') {
			quoted = !quoted;
			continue;
		}
		if (*c == '\\' && quoted && c[1]) {
			cur[k++] = *++c;
			continue;
		}
		if (!*c || (*c == ':' && !quoted)) {
			cur[k] = '\0';
			if (first)
				val_set_str(p->a, n, "provider", cur);
			else
				val_push(p->a, parts, val_str(p->a, cur));
			first = false;
			k = 0;
			if (!*c)
				break;
			continue;
		}
		cur[k++] = *c;
	}
	val_set(p->a, n, "parts", parts);
}

/*
 * attach := raw text up to '{', ',' or white space; a '/' before the
 * first ':' starts the predicate; "..." is taken whole.
 * An optional `NAME=` prefix names the probe.
 */
static struct val *parse_attach(struct parser *p, const char **pname)
{
	size_t start = here(p), pos = start, s;
	bool colon = false;
	const char *raw;
	struct val *n;

	while (pos < p->lx.len) {
		int c = src_at(p, pos);

		if (c == '{' || c == ',' || isspace(c))
			break;
		if (c == '/' && !colon)
			break;
		if (c == ':')
			colon = true;
		if (c == '"') {
			for (pos++; pos < p->lx.len && src_at(p, pos) != '"';
			     pos++)
				if (src_at(p, pos) == '\\')
					pos++;
			if (pos >= p->lx.len)
				lex_fail(&p->lx, pos, pos, "unterminated string");
		}
		pos++;
	}
	if (pos == start)
		fail_here(p, "expected attach point");
	s = start;
	/* NAME=provider:... */
	if (lex_is_ident_start(src_at(p, s))) {
		size_t q = s;

		while (q < pos && lex_is_ident_body(src_at(p, q)))
			q++;
		if (q < pos && src_at(p, q) == '=') {
			*pname = arena_strndup(p->a, p->lx.src + s, q - s);
			s = q + 1;
			if (s == pos)
				lex_fail(&p->lx, s, s + 1, "expected attach point");
		}
	}
	raw = attach_subst(p, s, pos);
	p->prev_end = pos;
	n = mk(p, "attach", s);
	val_set_str(p->a, n, "raw", raw);
	attach_split(p, raw, n);
	reset_to(p, pos);
	return n;
}

/*
 * probe := attach (',' attach)* [','] ['/' expr '/'] block
 */
static struct val *parse_probe(struct parser *p)
{
	size_t start = here(p);
	struct val *attach = val_arr(p->a), *pred = NULL, *body, *n;
	const char *name = NULL;

	val_push(p->a, attach, parse_attach(p, &name));
	while (accept(p, ",")) {
		if (is_punct(p, "{") || is_punct(p, "/"))
			break;
		val_push(p->a, attach, parse_attach(p, &name));
	}
	if (is_punct(p, "/")) {
		next(p);
		pred = parse_expr(p);
		if (!accept(p, "/"))
			fail_here(p, "expected '/' to close predicate");
	}
	if (!is_punct(p, "{"))
		fail_here(p, "expected '{'");
	body = parse_block(p, false);
	n = mk(p, "probe", start);
	val_set(p->a, n, "attach", attach);
	if (pred)
		val_set(p->a, n, "pred", pred);
	val_set(p->a, n, "body", body);
	if (name)
		val_set_str(p->a, n, "name", name);
	return n;
}

/*
 * Is the lookahead the top-level keyword kw rather than the start of an
 * attach point (`kw:...`, `kw,`)?
 */
static bool is_keyword_here(struct parser *p, const char *kw)
{
	int c = src_at(p, p->tok.end);

	return is_ident(p, kw) && c != ':' && c != ',';
}

/*
 * program := [shebang] c_def* (config | import)*
 *            (probe | macro | fn | map_decl)*
 */
static struct val *parse_top(struct parser *p)
{
	struct arena *a = p->a;
	struct val *config = val_arr(a), *decls = val_arr(a),
		   *probes = val_arr(a), *macros = val_arr(a),
		   *fns = val_arr(a), *imports = val_arr(a), *prog;
	struct sbuf cdefs = { 0 };
	size_t pos = lex_skip_layout(&p->lx, 0);
	bool seen_config = false;

	if (src_at(p, pos) == '#' && src_at(p, pos + 1) == '!')
		while (pos < p->lx.len && p->lx.src[pos] != '\n')
			pos++;
	reset_to(p, pos);
	p->prev_end = 0;
	while (src_at(p, here(p)) == '#' || looks_like_c_def(p))
		parse_c_def(p, &cdefs);
	while (is_keyword_here(p, "config") || is_keyword_here(p, "import")) {
		if (is_ident(p, "config")) {
			if (seen_config)
				fail_here(p, "duplicate config block");
			seen_config = true;
			parse_config(p, config);
		} else {
			val_push(a, imports, parse_import(p));
		}
	}
	while (p->tok.kind != TOK_EOF) {
		struct token t2;

		peek2(p, &t2);
		if (src_at(p, here(p)) == '#' || looks_like_c_def(p))
			fail_here(p, "C definitions must appear before probes and functions");
		if (is_keyword_here(p, "config"))
			fail_here(p, "config must appear before probes and functions");
		if (is_keyword_here(p, "import"))
			fail_here(p, "root imports must appear before probes and functions");
		if (is_ident(p, "macro") && t2.kind == TOK_IDENT)
			val_push(a, macros, parse_macro(p));
		else if (is_ident(p, "fn") && t2.kind == TOK_IDENT)
			val_push(a, fns, parse_fn(p));
		else if (is_ident(p, "let") && (t2.kind == TOK_MAP ||
						t2.kind == TOK_VAR))
			val_push(a, decls, parse_map_decl(p));
		else if (is_punct(p, ";"))
			next(p);
		else
			val_push(a, probes, parse_probe(p));
	}
	p->prev_end = p->lx.len;
	prog = mk(p, "program", 0);
	val_set_str(a, prog, "cdefs", cdefs.s ? cdefs.s : "");
	val_set(a, prog, "config", config);
	val_set(a, prog, "decls", decls);
	val_set(a, prog, "probes", probes);
	val_set(a, prog, "macros", macros);
	val_set(a, prog, "fns", fns);
	val_set(a, prog, "imports", imports);
	return prog;
}

int parse_program(struct arena *a, const char *name, const char *text,
		  size_t len, const char *const *params, int nparams,
		  struct val **out)
{
	struct parser *p = arena_alloc(a, sizeof(*p));

	diag_set_source(name, text, len);
	p->a = a;
	p->lx.a = a;
	p->lx.src = text;
	p->lx.len = len;
	p->lx.fail = &p->fail;
	p->params = params;
	p->nparams = nparams;
	if (setjmp(p->fail))
		return -EINVAL;
	*out = parse_top(p);
	return 0;
}
