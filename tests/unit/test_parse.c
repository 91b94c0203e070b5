/*
 * test_parse.c - unit tests of bt-parse's lexer and parser: operator
 * precedence and associativity, literals, casts versus parentheses,
 * statements, attach points, locations and the exact syntax errors.
 *
 * Trees are compared through a compact S-expression rendering (sexp()
 * below) so that each case reads as one line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "bt-parse/parse.h"
#include "wire.h"

static struct arena *A;

/* ---------------------------------------------------------- helpers */

static void sexp_to(FILE *f, const struct val *n);

static void sexp_list(FILE *f, const struct val *arr)
{
	size_t i;

	for (i = 0; arr && i < arr->n; i++) {
		fputc(' ', f);
		sexp_to(f, arr->items[i]);
	}
}

/* expression nodes as S-expressions: (+ 1 (* 2 3)), $x, @m[1 2] ... */
static void sexp_to(FILE *f, const struct val *n)
{
	const char *k = val_kind_of(n);
	struct val *v;

	if (!strcmp(k, "int")) {
		fprintf(f, "%llu", (unsigned long long)val_as_uint(val_get(n, "v")));
	} else if (!strcmp(k, "str")) {
		fprintf(f, "\"%s\"", val_get_str(n, "v"));
	} else if (!strcmp(k, "bool")) {
		fputs(val_get_bool(n, "v", false) ? "true" : "false", f);
	} else if (!strcmp(k, "var") || !strcmp(k, "ident")) {
		fputs(val_get_str(n, "name"), f);
	} else if (!strcmp(k, "param")) {
		fprintf(f, "$%lld", (long long)val_get_int(n, "n", 0));
	} else if (!strcmp(k, "map")) {
		fputs(val_get_str(n, "name"), f);
		if ((v = val_get(n, "keys"))) {
			fputc('[', f);
			sexp_list(f, v);
			fputc(']', f);
		}
	} else if (!strcmp(k, "binop")) {
		fprintf(f, "(%s ", val_get_str(n, "op"));
		sexp_to(f, val_get(n, "l"));
		fputc(' ', f);
		sexp_to(f, val_get(n, "r"));
		fputc(')', f);
	} else if (!strcmp(k, "unop")) {
		fprintf(f, "(%s%s ", val_get_str(n, "op"),
			val_get_bool(n, "post", false) ? "post" : "");
		sexp_to(f, val_get(n, "e"));
		fputc(')', f);
	} else if (!strcmp(k, "ternary")) {
		fputs("(? ", f);
		sexp_to(f, val_get(n, "c"));
		fputc(' ', f);
		if (val_get(n, "a"))
			sexp_to(f, val_get(n, "a"));
		else
			fputs("_", f);
		fputc(' ', f);
		sexp_to(f, val_get(n, "b"));
		fputc(')', f);
	} else if (!strcmp(k, "call")) {
		fprintf(f, "(call %s", val_get_str(n, "name"));
		sexp_list(f, val_get(n, "args"));
		fputc(')', f);
	} else if (!strcmp(k, "field")) {
		fprintf(f, "(%s ", val_get_bool(n, "arrow", false) ? "->" : ".");
		sexp_to(f, val_get(n, "e"));
		fprintf(f, " %s)", val_get_str(n, "name"));
	} else if (!strcmp(k, "index")) {
		fputs("(index ", f);
		sexp_to(f, val_get(n, "e"));
		fputc(' ', f);
		sexp_to(f, val_get(n, "i"));
		fputc(')', f);
	} else if (!strcmp(k, "tuple")) {
		fputs("(tuple", f);
		sexp_list(f, val_get(n, "elems"));
		fputc(')', f);
	} else if (!strcmp(k, "cast")) {
		fputs("(cast ", f);
		sexp_to(f, val_get(n, "type"));
		fputc(' ', f);
		sexp_to(f, val_get(n, "e"));
		fputc(')', f);
	} else if (!strcmp(k, "typespec")) {
		size_t i;

		fputs(val_get_str(n, "base"), f);
		if (val_get(n, "size"))
			fprintf(f, "[%lld]", (long long)val_get_int(n, "size", 0));
		v = val_get(n, "suffix");
		for (i = 0; v && i < v->n; i++) {
			if (v->items[i]->kind == VAL_STR)
				fputc('*', f);
			else
				fprintf(f, "[%lld]", (long long)val_as_int(v->items[i]));
		}
	} else {
		fprintf(f, "<%s>", k);
	}
}

static char *sexp(const struct val *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	sexp_to(f, n);
	fclose(f);
	return buf;
}

static struct val *parse_ok(const char *src)
{
	struct val *prog = NULL;
	int err = parse_program(A, "stdin", src, strlen(src), NULL, 0, &prog);

	ck_assert_msg(err == 0, "parse failed: %s", src);
	return prog;
}

/* the first statement of the first probe */
static struct val *first_stmt(const char *src)
{
	struct val *prog = parse_ok(src);
	struct val *probe = val_at(val_get(prog, "probes"), 0);

	return val_at(val_get(val_get(probe, "body"), "stmts"), 0);
}

/* the expression of `begin { EXPR; }` as an S-expression */
static char *expr_of(const char *e)
{
	char *src = NULL;
	struct val *st;
	char *out;

	ck_assert(asprintf(&src, "begin { %s; }", e) > 0);
	st = first_stmt(src);
	ck_assert_str_eq(val_kind_of(st), "expr");
	out = sexp(val_get(st, "e"));
	free(src);
	return out;
}

#define EXPR_IS(src, want)                                        \
	do {                                                      \
		char *got_ = expr_of(src);                        \
		ck_assert_str_eq(got_, want);                     \
		free(got_);                                       \
	} while (0)

/* parse src expecting failure; returns what diag printed */
static char *parse_err(const char *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct val *prog = NULL;
	int err;

	diag_set_stream(f);
	err = parse_program(A, "stdin", src, strlen(src), NULL, 0, &prog);
	diag_set_stream(NULL);
	fclose(f);
	ck_assert_msg(err < 0, "parse unexpectedly succeeded: %s", src);
	return buf;
}

#define ERR_IS(src, want)                                         \
	do {                                                      \
		char *got_ = parse_err(src);                      \
		ck_assert_str_eq(got_, want);                     \
		free(got_);                                       \
	} while (0)

static void setup(void)
{
	A = arena_new();
}

static void teardown(void)
{
	arena_free(A);
}

static const char *str_item(const struct val *s)
{
	return s && s->kind == VAL_STR ? s->s : "";
}

/* ------------------------------------------------------- precedence */

START_TEST(precedence_arith)
{
	EXPR_IS("1 + 2 * 3", "(+ 1 (* 2 3))");
	EXPR_IS("1 * 2 + 3", "(+ (* 1 2) 3)");
	EXPR_IS("1 - 2 - 3", "(- (- 1 2) 3)");
	EXPR_IS("8 / 4 % 3", "(% (/ 8 4) 3)");
	EXPR_IS("1 << 2 + 3", "(<< 1 (+ 2 3))");
}
END_TEST

START_TEST(precedence_logic)
{
	EXPR_IS("a || b && c", "(|| a (&& b c))");
	EXPR_IS("a | b ^ c & d", "(| a (^ b (& c d)))");
	EXPR_IS("a == b < c", "(== a (< b c))");
	EXPR_IS("a & b == c", "(& a (== b c))");
	EXPR_IS("a < b << c", "(< a (<< b c))");
	EXPR_IS("!a == b", "(== (! a) b)");
}
END_TEST

START_TEST(precedence_unary_postfix)
{
	EXPR_IS("-x.y", "(- (. x y))");
	EXPR_IS("*$p->a", "(* (-> $p a))");
	EXPR_IS("-~!$x", "(- (~ (! $x)))");
	EXPR_IS("$x++ + 1", "(+ (++post $x) 1)");
	EXPR_IS("--@m[1]", "(-- @m[ 1])");
	EXPR_IS("$t.0.1", "(. (. $t 0) 1)");
	EXPR_IS("$a[1][2]", "(index (index $a 1) 2)");
}
END_TEST

START_TEST(ternary)
{
	EXPR_IS("a ? b : c ? d : e", "(? a b (? c d e))");
	EXPR_IS("a ?: b", "(? a _ b)");
	EXPR_IS("a || b ? 1 : 2", "(? (|| a b) 1 2)");
}
END_TEST

/* ---------------------------------------------------------- literals */

START_TEST(integers)
{
	EXPR_IS("0x1F", "31");
	EXPR_IS("017", "15");
	EXPR_IS("1_000_000", "1000000");
	EXPR_IS("1e6", "1000000");
	EXPR_IS("10ull", "10");
	EXPR_IS("10UL", "10");
	EXPR_IS("5ms", "5000000");
	EXPR_IS("1m", "60000000000");
	EXPR_IS("2d", "172800000000000");
	EXPR_IS("18446744073709551615", "18446744073709551615");
}
END_TEST

START_TEST(integer_suffix_recorded)
{
	struct val *st = first_stmt("begin { 3us; }");
	struct val *e = val_get(st, "e");

	ck_assert_str_eq(val_get_str(e, "suffix"), "us");
	ck_assert_int_eq(val_get_int(e, "v", 0), 3000);
	ck_assert_int_eq(val_get(e, "v")->kind, VAL_INT);
}
END_TEST

START_TEST(strings_and_bools)
{
	struct val *st = first_stmt("begin { \"a\\n\\t\\\"\\\\\\101\\x42\"; }");
	struct val *e = val_get(st, "e");

	ck_assert_str_eq(val_get_str(e, "v"), "a\n\t\"\\AB");
	EXPR_IS("true && false", "(&& true false)");
}
END_TEST

START_TEST(string_with_nul)
{
	struct val *st = first_stmt("begin { \"a\\0b\"; }");
	struct val *v = val_get(val_get(st, "e"), "v");

	ck_assert_uint_eq(v->n, 3);
	ck_assert(!memcmp(v->s, "a\0b", 3));
}
END_TEST

/* ------------------------------------------------------------- casts */

START_TEST(casts)
{
	EXPR_IS("(uint32)1", "(cast uint32 1)");
	EXPR_IS("(struct foo *)$p", "(cast struct foo* $p)");
	EXPR_IS("(int8[4])$x", "(cast int8[4] $x)");
	EXPR_IS("(uint8[])$x", "(cast uint8[0] $x)");
	EXPR_IS("(x)-1", "(cast x (- 1))");
	EXPR_IS("(x) + 1", "(+ x 1)");
	EXPR_IS("(pid) - 1", "(- pid 1)");
	EXPR_IS("(arg0)", "arg0");
	EXPR_IS("(int32*[2])0", "(cast int32*[2] 0)");
	EXPR_IS("(uint64)-1", "(cast uint64 (- 1))");
}
END_TEST

START_TEST(tuples)
{
	EXPR_IS("(1, 2)", "(tuple 1 2)");
	EXPR_IS("(1,)", "(tuple 1)");
	EXPR_IS("()", "(tuple)");
	EXPR_IS("(1 + 2)", "(+ 1 2)");
	EXPR_IS("f(a, (b, c))", "(call f a (tuple b c))");
}
END_TEST

START_TEST(records)
{
	struct val *st = first_stmt("begin { $r = (a = 1, b = \"x\"); }");
	struct val *rec = val_get(st, "rhs");
	struct val *fields = val_get(rec, "fields");

	ck_assert_str_eq(val_kind_of(rec), "record");
	ck_assert_uint_eq(fields->n, 2);
	ck_assert_str_eq(val_get_str(fields->items[1], "name"), "b");
}
END_TEST

/* -------------------------------------------------------- statements */

START_TEST(assignments)
{
	static const char *ops[] = { "=", "+=", "-=", "*=", "/=", "%=",
				     "&=", "|=", "^=", "<<=", ">>=" };
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char *src = NULL;
		struct val *st;

		ck_assert(asprintf(&src, "begin { @x[1, 2] %s 3; }", ops[i]) > 0);
		st = first_stmt(src);
		ck_assert_str_eq(val_kind_of(st), "assign");
		ck_assert_str_eq(val_get_str(st, "op"), ops[i]);
		ck_assert_uint_eq(val_get(val_get(st, "lhs"), "keys")->n, 2);
		free(src);
	}
}
END_TEST

START_TEST(if_else_chain)
{
	struct val *st = first_stmt(
		"begin { if ($a) { x() } else if $b { y(); } else { z() } }");
	struct val *els = val_get(st, "else");
	struct val *inner = val_at(val_get(els, "stmts"), 0);

	ck_assert_str_eq(val_kind_of(st), "if");
	ck_assert_str_eq(val_kind_of(val_get(st, "then")), "block");
	ck_assert_str_eq(val_kind_of(inner), "if");
	ck_assert_str_eq(val_kind_of(val_get(inner, "else")), "block");
}
END_TEST

START_TEST(loops_and_let)
{
	struct val *prog = parse_ok(
		"begin { for ($kv : @m) { break; } for ($i : 0..10) { continue }"
		" while $i < 3 { } unroll(4) { } let $s: string[16] = \"a\";"
		" let $n; _ = f(); return 1; }");
	struct val *stmts = val_get(val_get(val_at(val_get(prog, "probes"), 0),
					    "body"), "stmts");

	ck_assert_uint_eq(stmts->n, 8);
	ck_assert_str_eq(val_kind_of(val_get(stmts->items[0], "map")), "map");
	ck_assert_str_eq(val_kind_of(val_get(stmts->items[1], "hi")), "int");
	ck_assert_str_eq(val_kind_of(stmts->items[2]), "while");
	ck_assert_str_eq(val_kind_of(stmts->items[3]), "unroll");
	ck_assert_int_eq(val_get_int(val_get(stmts->items[4], "type"), "size",
				     0), 16);
	ck_assert_ptr_null(val_get(stmts->items[5], "init"));
	ck_assert(val_get_bool(stmts->items[6], "discard", false));
	ck_assert_str_eq(sexp(val_get(stmts->items[2], "cond")), "(< $i 3)");
	ck_assert_str_eq(val_kind_of(stmts->items[7]), "return");
}
END_TEST

START_TEST(block_expressions)
{
	struct val *st = first_stmt("begin { $x = { let $y = 1; $y + 1 }; }");
	struct val *rhs = val_get(st, "rhs");

	ck_assert_str_eq(val_kind_of(rhs), "block_expr");
	ck_assert_str_eq(sexp(val_get(rhs, "e")), "(+ $y 1)");
	st = first_stmt("begin { $z = if $a { 1 } else { 2 }; }");
	ck_assert_str_eq(val_kind_of(val_get(st, "rhs")), "if");
}
END_TEST

/* -------------------------------------------------------- top level */

START_TEST(attach_points)
{
	const char *src = "t:syscalls:sys_enter_*, uprobe:/bin/bash:readline,"
			  "usdt:/x:\"a:b\", NAME=kprobe:f+0x10, BEGIN"
			  " /pid == 1/ { }";
	struct val *probe = val_at(val_get(parse_ok(src), "probes"), 0);
	struct val *at = val_get(probe, "attach");

	ck_assert_uint_eq(at->n, 5);
	ck_assert_str_eq(val_get_str(at->items[0], "provider"), "t");
	ck_assert_str_eq(str_item(val_at(val_get(at->items[0], "parts"), 1)),
			 "sys_enter_*");
	ck_assert_str_eq(str_item(val_at(val_get(at->items[2], "parts"), 1)),
			 "a:b");
	ck_assert_str_eq(val_get_str(at->items[3], "raw"), "kprobe:f+0x10");
	ck_assert_str_eq(val_get_str(probe, "name"), "NAME");
	ck_assert_str_eq(sexp(val_get(probe, "pred")), "(== pid 1)");
}
END_TEST

START_TEST(attach_params)
{
	const char *params[] = { "/bin/sh", "main" };
	const char *src = "uprobe:$1:$2, uprobe:$1:\"$x\", uprobe:$3:f { }";
	struct val *prog = NULL, *at;

	ck_assert_int_eq(parse_program(A, "stdin", src, strlen(src), params, 2,
				       &prog), 0);
	at = val_get(val_at(val_get(prog, "probes"), 0), "attach");
	ck_assert_str_eq(val_get_str(at->items[0], "raw"), "uprobe:/bin/sh:main");
	ck_assert_str_eq(str_item(val_at(val_get(at->items[1], "parts"), 1)),
			 "$x");
	ck_assert_str_eq(val_get_str(at->items[2], "raw"), "uprobe::f");
}
END_TEST

START_TEST(preamble_and_decls)
{
	struct val *prog = parse_ok(
		"#!/usr/bin/env bpftrace\n"
		"#include <linux/sched.h>\n"
		"struct foo { int a; };\n"
		"enum E { A, B }\n"
		"config = { max_map_keys = 10; on = true }\n"
		"import \"lib.bt\";\n"
		"let @m = lruhash(100);\n"
		"macro inc($v, x) { $v + x }\n"
		"fn f($a: int64): int64 { return $a; }\n"
		"BEGIN { }\n");

	ck_assert_str_eq(val_get_str(prog, "cdefs"),
			 "#include <linux/sched.h>\nstruct foo { int a; };\n"
			 "enum E { A, B }\n");
	ck_assert_uint_eq(val_get(prog, "config")->n, 2);
	ck_assert_str_eq(val_get_str(val_at(val_get(prog, "decls"), 0), "kind"),
			 "lruhash");
	ck_assert_str_eq(val_get_str(val_at(val_get(prog, "imports"), 0), "path"),
			 "lib.bt");
	ck_assert_str_eq(val_kind_of(val_get(val_at(val_get(prog, "macros"), 0),
					     "body")), "block_expr");
	ck_assert_uint_eq(val_get(prog, "fns")->n, 1);
	ck_assert_uint_eq(val_get(prog, "probes")->n, 1);
}
END_TEST

/* --------------------------------------------------------- locations */

START_TEST(locations)
{
	const char *src = "begin { @x[1] = a + bc; }";
	struct val *st = first_stmt(src);
	struct diag_loc l = diag_loc_of(st);
	struct diag_loc rhs = diag_loc_of(val_get(st, "rhs"));
	struct diag_loc lhs = diag_loc_of(val_get(st, "lhs"));

	ck_assert_uint_eq(l.start, 8);
	ck_assert_uint_eq(rhs.start, 16);
	ck_assert_uint_eq(rhs.end, 22);
	ck_assert_uint_eq(lhs.start, 8);
	ck_assert_uint_eq(lhs.end, 13);
	l = diag_loc_of(parse_ok(src));
	ck_assert_uint_eq(l.end, strlen(src));
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(errors_upstream_wording)
{
	ERR_IS("i:s:1 { < }",
	       "stdin:1:9-10: ERROR: syntax: expected expression\n"
	       "i:s:1 { < }\n"
	       "        ~\n");
	ERR_IS("kprobe:f /pid == 1 { 0; }",
	       "stdin:1:20-21: ERROR: syntax: expected '/' to close predicate\n"
	       "kprobe:f /pid == 1 { 0; }\n"
	       "                   ~\n");
	ERR_IS("kprobe:f { $0 }",
	       "stdin:1:12-14: ERROR: syntax: param $0 is out of integer range "
	       "[1, 9223372036854775807]\n"
	       "kprobe:f { $0 }\n"
	       "           ~~\n");
	ERR_IS("kprobe:sys_open { \"\\777\" }",
	       "stdin:1:20-24: ERROR: syntax: octal escape sequence out of range '\\777'\n"
	       "kprobe:sys_open { \"\\777\" }\n"
	       "                   ~~~~\n");
	ERR_IS("begin { @x = 1foo }",
	       "stdin:1:15-18: ERROR: syntax: invalid integer suffix 'foo'\n"
	       "begin { @x = 1foo }\n"
	       "              ~~~\n");
}
END_TEST

START_TEST(errors_misc)
{
	char *e;

	e = parse_err("begin { @x = 12e4 }");
	ck_assert_ptr_nonnull(strstr(e, "coefficient part of scientific literal must be 1-9"));
	free(e);
	e = parse_err("begin { @x = 1_ }");
	ck_assert_ptr_nonnull(strstr(e, "trailing underscore in integer literal"));
	free(e);
	e = parse_err("begin { $x = 1 $y = 2 }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:16-18: ERROR: syntax: expected ';'"));
	free(e);
	/* only statements starting with $x or @m assign (as upstream) */
	e = parse_err("begin { 1 = 2; }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:11-12: ERROR: syntax: expected ';'"));
	free(e);
	e = parse_err("begin { $a[1] = 2; }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:9-18: ERROR: syntax: invalid assignment target"));
	free(e);
	e = parse_err("begin { $a.2 = 3; }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:9-17: ERROR: syntax: Tuples and records are immutable"));
	free(e);
	e = parse_err("begin { @=5++ }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:12-14: ERROR: syntax: increment/decrement requires a variable or map"));
	free(e);
	e = parse_err("begin { print(1ulll) }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:19-20: ERROR: syntax: invalid integer suffix 'l'"));
	free(e);
	e = parse_err("begin { print(5e-9) }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:15-17: ERROR: syntax: invalid trailing bytes: 5e"));
	free(e);
	e = parse_err("begin { while (x=1, y=2) {} }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:17-18: ERROR: syntax: expected ')'"));
	free(e);
	e = parse_err("config = { a = 1 b = 2 } begin { }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:18-19: ERROR: syntax: expected ';'"));
	free(e);
	e = parse_err("struct foo {} __attribute__ (packed) begin {}");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:29-30: ERROR: syntax: __attribute__ syntax error, expected '(('"));
	free(e);
	e = parse_err("begin { if ($x) { } else 1 }");
	ck_assert_ptr_nonnull(strstr(e, "expected '{' or 'if' after 'else'"));
	free(e);
	e = parse_err("begin { \"abc }");
	ck_assert_ptr_nonnull(strstr(e, "unterminated string"));
	free(e);
	e = parse_err("begin { 'a' }");
	ck_assert_ptr_nonnull(strstr(e, "character literals"));
	free(e);
	e = parse_err("begin { 1.5 }");
	ck_assert_ptr_nonnull(strstr(e, "stdin:1:9-12: ERROR: syntax: floating-point numbers are not supported"));
	free(e);
	e = parse_err("begin { for ($i : 1) { } }");
	ck_assert_ptr_nonnull(strstr(e, "expected map or range in for loop"));
	free(e);
	e = parse_err("begin { } #include <x.h>");
	ck_assert_ptr_nonnull(strstr(e, "C definitions must appear before probes"));
	free(e);
	e = parse_err("begin { /* x");
	ck_assert_ptr_nonnull(strstr(e, "unterminated comment"));
	free(e);
	/* an empty program is not a syntax error (bt-check says no probes) */
	ck_assert_uint_eq(val_get(parse_ok(" // nothing\n"), "probes")->n, 0);
}
END_TEST

START_TEST(depth_is_bounded)
{
	size_t n = 100000, i;
	char *src = malloc(n + 16);
	char *e;

	strcpy(src, "begin { ");
	for (i = 8; i < n; i++)
		src[i] = '(';
	src[n] = '\0';
	e = parse_err(src);
	ck_assert_ptr_nonnull(strstr(e, "nested too deeply"));
	free(e);
	free(src);
}
END_TEST

/* ------------------------------------------------------------- wire */

START_TEST(msgpack_round_trip)
{
	struct val *prog = parse_ok(
		"BEGIN { @[1, \"a\"] = (3, -1, 18446744073709551615); }");
	struct val *back = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct wire_out *wo = wire_out_open(f, false);
	struct wire_in *wi;

	ck_assert_int_eq(wire_out_write(wo, prog), 0);
	ck_assert_int_eq(wire_out_close(wo), 0);
	fclose(f);
	ck_assert_int_eq((unsigned char)buf[0] & 0xf0, 0x80);
	f = fmemopen(buf, len, "r");
	wi = wire_in_open(f, "test");
	ck_assert_int_eq(wire_in_next(wi, A, &back), 0);
	ck_assert(val_equal(prog, back));
	wire_in_close(wi);
	fclose(f);
	free(buf);
}
END_TEST

static Suite *parse_suite(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, precedence_arith);
	tcase_add_test(tc, precedence_logic);
	tcase_add_test(tc, precedence_unary_postfix);
	tcase_add_test(tc, ternary);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, integer_suffix_recorded);
	tcase_add_test(tc, strings_and_bools);
	tcase_add_test(tc, string_with_nul);
	tcase_add_test(tc, casts);
	tcase_add_test(tc, tuples);
	tcase_add_test(tc, records);
	tcase_add_test(tc, assignments);
	tcase_add_test(tc, if_else_chain);
	tcase_add_test(tc, loops_and_let);
	tcase_add_test(tc, block_expressions);
	tcase_add_test(tc, attach_points);
	tcase_add_test(tc, attach_params);
	tcase_add_test(tc, preamble_and_decls);
	tcase_add_test(tc, locations);
	tcase_add_test(tc, errors_upstream_wording);
	tcase_add_test(tc, errors_misc);
	tcase_add_test(tc, depth_is_bounded);
	tcase_add_test(tc, msgpack_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
