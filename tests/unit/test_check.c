/*
 * test_check.c - unit tests of bt-check: integer typing and promotion
 * rules, map inference to a fixpoint, scoping and slots, implicit casts
 * and diagnostics, driven through hand-written ast JSON.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt-check/check.h"
#include "wire.h"

static char diag_buf[8192];

/* run check_program on one JSON program; diagnostics go to diag_buf */
static int run_check(struct arena *a, const char *src, const char *prog_json,
		     struct check *ck, struct val **prog)
{
	char *text = arena_printf(a, "{\"bt\":\"ast\",\"v\":1,\"src\":\"%s\",\"file\":\"stdin\",\"params\":[\"42\",\"str\"]}\n%s\n",
				  src, prog_json);
	FILE *f = fmemopen(text, strlen(text), "r");
	FILE *d = fmemopen(diag_buf, sizeof(diag_buf), "w");
	struct wire_in *in = wire_in_open(f, "test");
	struct val *hdr;
	int r;

	memset(diag_buf, 0, sizeof(diag_buf));
	setvbuf(d, NULL, _IONBF, 0);
	diag_set_stream(d);
	ck_assert_int_eq(wire_read_header(in, a, "ast", &hdr), 0);
	ck_assert_int_eq(wire_in_next(in, a, prog), 0);
	diag_set_source_from_header(hdr);
	memset(ck, 0, sizeof(*ck));
	ck->a = a;
	ck->hdr = hdr;
	r = check_program(ck, *prog);
	wire_in_close(in);
	fclose(f);
	fclose(d);
	diag_set_stream(NULL);
	return r;
}

#define BEGIN_PROBE(body) \
	"{\"k\":\"program\",\"loc\":[0,1],\"config\":[],\"decls\":[],\"probes\":[" \
	"{\"k\":\"probe\",\"loc\":[0,1],\"attach\":[{\"k\":\"attach\",\"loc\":[0,5]," \
	"\"raw\":\"begin\",\"provider\":\"BEGIN\",\"parts\":[]}],\"body\":" \
	"{\"k\":\"block\",\"loc\":[0,1],\"stmts\":[" body "]}}]}"
#define INT(v) "{\"k\":\"int\",\"loc\":[0,1],\"v\":" #v "}"
#define STR(s) "{\"k\":\"str\",\"loc\":[0,1],\"v\":\"" s "\"}"
#define MAP(n) "{\"k\":\"map\",\"loc\":[0,1],\"name\":\"" n "\"}"
#define MAPK(n, k) "{\"k\":\"map\",\"loc\":[0,1],\"name\":\"" n "\",\"keys\":[" k "]}"
#define VAR(n) "{\"k\":\"var\",\"loc\":[0,1],\"name\":\"" n "\"}"
#define ASSIGN(l, r) "{\"k\":\"assign\",\"loc\":[0,1],\"op\":\"=\",\"lhs\":" l ",\"rhs\":" r "}"
#define CAST(ty, e) "{\"k\":\"cast\",\"loc\":[0,1],\"type\":{\"k\":\"typespec\",\"loc\":[0,1],\"base\":\"" ty "\"},\"e\":" e "}"
#define EXPR(e) "{\"k\":\"expr\",\"loc\":[0,1],\"e\":" e "}"

static const char *map_val_str(struct check *ck, const char *name)
{
	struct check_map *m = check_map_get(ck, name);

	return type_str(ck->a, m->val);
}

START_TEST(literal_types)
{
	struct arena *a = arena_new();

	ck_assert_str_eq(type_str(a, check_literal_type(a, 0, false)), "int8");
	ck_assert_str_eq(type_str(a, check_literal_type(a, -1, false)), "int8");
	ck_assert_str_eq(type_str(a, check_literal_type(a, 128, false)), "int16");
	ck_assert_str_eq(type_str(a, check_literal_type(a, -129, false)), "int16");
	ck_assert_str_eq(type_str(a, check_literal_type(a, 70000, false)), "int32");
	ck_assert_str_eq(type_str(a, check_literal_type(a, INT64_C(1) << 40, false)), "int64");
	ck_assert_str_eq(type_str(a, check_literal_type(a, (int64_t)UINT64_C(10223372036854775807), true)), "uint64");
	ck_assert(check_literal_fits(200, false, type_int(a, 1, false)));
	ck_assert(!check_literal_fits(-1, false, type_int(a, 1, false)));
	ck_assert(!check_literal_fits(128, false, type_int(a, 1, true)));
	ck_assert(check_literal_fits(-128, false, type_int(a, 1, true)));
	arena_free(a);
}
END_TEST

START_TEST(unify_ints)
{
	struct arena *a = arena_new();
	struct check ck = { .a = a };
	bool lossy = false;

	ck_assert_str_eq(type_str(a, check_unify(&ck, type_int(a, 1, false), NULL,
						 type_int(a, 1, true), NULL, &lossy)), "int16");
	ck_assert_str_eq(type_str(a, check_unify(&ck, type_int(a, 4, false), NULL,
						 type_int(a, 8, false), NULL, &lossy)), "uint64");
	ck_assert(!lossy);
	ck_assert_str_eq(type_str(a, check_unify(&ck, type_int(a, 8, false), NULL,
						 type_int(a, 1, true), NULL, &lossy)), "int64");
	ck_assert(lossy);
	ck_assert_str_eq(type_str(a, check_unify(&ck, type_string(a, 3), NULL,
						 type_string(a, 10), NULL, NULL)), "string[10]");
	ck_assert_ptr_null(check_unify(&ck, type_string(a, 3), NULL,
				       type_int(a, 8, true), NULL, NULL));
	arena_free(a);
}
END_TEST

/* a map read before it is written in program order still gets its type */
START_TEST(map_fixpoint)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;

	ck_assert_int_eq(run_check(a, "x", BEGIN_PROBE(
		ASSIGN(MAP("@y"), MAP("@x")) ","
		ASSIGN(MAP("@x"), CAST("uint32", INT(5)))), &ck, &prog), 0);
	ck_assert_str_eq(map_val_str(&ck, "@y"), "uint32");
	ck_assert_int_eq(val_get(prog, "maps")->n, 2);
	ck_assert_int_eq(val_get_int(val_get(prog, "config"), "max_strlen", 0), 1024);
	arena_free(a);
}
END_TEST

/* literals adapt: `@x = 1; @x = (uint16)2` is uint16 with a cast on 1 */
START_TEST(map_literal_adapts)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog, *first;

	ck_assert_int_eq(run_check(a, "x", BEGIN_PROBE(
		ASSIGN(MAP("@x"), INT(1)) ","
		ASSIGN(MAP("@x"), CAST("uint16", INT(2))) ","
		ASSIGN(MAPK("@k", INT(1) "," STR("a")), INT(1)) ","
		ASSIGN(MAPK("@k", INT(300) "," STR("abc")), INT(2))), &ck, &prog), 0);
	ck_assert_str_eq(map_val_str(&ck, "@x"), "uint16");
	ck_assert_str_eq(type_str(a, check_map_get(&ck, "@k")->key), "(int16,string[4])");
	first = val_get(val_at(val_get(val_get(val_at(val_get(prog, "probes"), 0),
					       "body"), "stmts"), 0), "rhs");
	ck_assert_str_eq(val_kind_of(first), "cast");
	ck_assert(val_get_bool(first, "implicit", false));
	arena_free(a);
}
END_TEST

START_TEST(map_mismatch_message)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;

	ck_assert_int_lt(run_check(a, "x", BEGIN_PROBE(
		ASSIGN(MAP("@x"), INT(0)) ","
		ASSIGN(MAP("@x"), STR("a"))), &ck, &prog), 0);
	ck_assert_msg(strstr(diag_buf, "ERROR: Type mismatch for @x: trying to assign value of type 'string[2]' when map already has a type 'int8'"),
		      "got: %s", diag_buf);
	arena_free(a);
}
END_TEST

/* block scoping: two $x in sibling blocks are different slots */
START_TEST(var_slots)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;
	const char *ifs =
		"{\"k\":\"if\",\"loc\":[0,1],\"cond\":" INT(1) ",\"then\":{\"k\":\"block\",\"loc\":[0,1],\"stmts\":["
		ASSIGN(VAR("$x"), STR("abc")) "]},\"else\":{\"k\":\"block\",\"loc\":[0,1],\"stmts\":["
		ASSIGN(VAR("$x"), INT(7)) "]}}";

	ck_assert_int_eq(run_check(a, "x", arena_printf(a, BEGIN_PROBE("%s"), ifs),
				   &ck, &prog), 0);
	ck_assert_int_eq(ck.nvars, 2);
	ck_assert_str_eq(type_str(a, ck.vars[0].type), "string[4]");
	ck_assert_str_eq(type_str(a, ck.vars[1].type), "int8");
	arena_free(a);
}
END_TEST

START_TEST(params_become_literals)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog, *rhs;

	ck_assert_int_eq(run_check(a, "x", BEGIN_PROBE(
		ASSIGN(MAP("@a"), "{\"k\":\"param\",\"loc\":[0,1],\"n\":1}") ","
		ASSIGN(MAP("@b"), "{\"k\":\"param\",\"loc\":[0,1],\"n\":2}") ","
		ASSIGN(MAP("@c"), "{\"k\":\"param\",\"loc\":[0,1],\"n\":-1}")),
		&ck, &prog), 0);
	rhs = val_get(val_at(val_get(val_get(val_at(val_get(prog, "probes"), 0),
					     "body"), "stmts"), 0), "rhs");
	ck_assert_str_eq(val_kind_of(rhs), "int");
	ck_assert_int_eq(val_get_int(rhs, "v", 0), 42);
	ck_assert_str_eq(map_val_str(&ck, "@b"), "string[4]");
	ck_assert_str_eq(map_val_str(&ck, "@c"), "int8");
	arena_free(a);
}
END_TEST

START_TEST(aggregation_only_in_map)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;

	ck_assert_int_eq(run_check(a, "x", BEGIN_PROBE(
		ASSIGN(MAPK("@h", STR("k")), "{\"k\":\"call\",\"loc\":[0,1],\"name\":\"hist\",\"args\":[" INT(3) "," INT(2) "]}")),
		&ck, &prog), 0);
	ck_assert_int_eq(check_map_get(&ck, "@h")->val->kind, TY_HIST);
	ck_assert_int_eq(check_map_get(&ck, "@h")->val->k, 2);
	ck_assert_int_lt(run_check(a, "x", BEGIN_PROBE(
		ASSIGN(VAR("$v"), "{\"k\":\"call\",\"loc\":[0,1],\"name\":\"count\",\"args\":[]}")),
		&ck, &prog), 0);
	ck_assert(strstr(diag_buf, "count() must be assigned directly to a map"));
	arena_free(a);
}
END_TEST

START_TEST(unknown_function_hint)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;

	ck_assert_int_lt(run_check(a, "x", BEGIN_PROBE(
		EXPR("{\"k\":\"call\",\"loc\":[0,1],\"name\":\"exti\",\"args\":[]}")),
		&ck, &prog), 0);
	ck_assert(strstr(diag_buf, "Unknown function: 'exti'"));
	ck_assert(strstr(diag_buf, "HINT: did you mean 'exit'?"));
	arena_free(a);
}
END_TEST

START_TEST(cdefs_layout)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;
	struct type *bar, *p, *e;
	int64_t v;

	ck_assert_int_eq(run_check(a, "x",
		"{\"k\":\"program\",\"loc\":[0,1],\"cdefs\":"
		"\"struct Bar { short a:4, b:8, c:3, d:1; int e:9, f:15; char n[4]; struct Bar *next; };"
		" struct P { int x; char y; int z; } __attribute__((packed));"
		" enum E { A, B = 7, C };\",\"probes\":[]}", &ck, &prog), 0);
	bar = check_cdef_struct("struct Bar");
	ck_assert_ptr_nonnull(bar);
	ck_assert_int_eq(bar->nfields, 8);
	ck_assert_int_eq(bar->fields[1].offset, 0);
	ck_assert_int_eq(bar->fields[1].bitfield_offset, 4);
	/* bitfields are read at their storage unit: e is bits 16..24 of the
	   first int, so a 4-byte read at 0 never runs past the struct */
	ck_assert_int_eq(bar->fields[4].offset, 0);      /* e: bit 16 */
	ck_assert_int_eq(bar->fields[4].bitfield_offset, 16);
	ck_assert_int_eq(bar->fields[5].offset, 4);      /* f: next int unit */
	ck_assert_str_eq(type_str(a, bar->fields[6].type), "string[4]");
	ck_assert_int_eq(bar->fields[7].offset, 16);
	ck_assert_int_eq(bar->size, 24);
	p = check_cdef_struct("struct P");
	ck_assert_int_eq(p->size, 9);
	ck_assert_int_eq(p->fields[2].offset, 5);
	ck_assert(check_cdef_const("C", &v, &e));
	ck_assert_int_eq(v, 8);
	ck_assert_str_eq(e->name, "enum E");
	arena_free(a);
}
END_TEST

/* anonymous members, macros that are expressions, kernel types by value */
START_TEST(cdefs_clang)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;
	struct type *b, *t;
	int64_t v;

	ck_assert_int_eq(run_check(a, "x",
		"{\"k\":\"program\",\"loc\":[0,1],\"cdefs\":"
		"\"#define SHIFT 4\\n#define MASK ((1 << SHIFT) - 1) | 0x100\\n"
		"#define NAME \\\"str\\\"\\n"
		"struct B { char c; union { int u; long l; }; struct { short s; } n; u64 w; }\\n"
		"enum { NEG = -2, NEXT };\\n\",\"probes\":[]}", &ck, &prog), 0);
	ck_assert(check_cdef_const("MASK", &v, &t));
	ck_assert_int_eq(v, 0x10f);
	ck_assert_ptr_null(t);
	ck_assert(!check_cdef_const("NAME", &v, &t));
	ck_assert(check_cdef_const("NEXT", &v, &t));
	ck_assert_int_eq(v, -1);
	b = check_cdef_struct("struct B");
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->nfields, 4);
	ck_assert_str_eq(b->fields[1].name, "");
	ck_assert_int_eq(b->fields[1].offset, 8);
	ck_assert_int_eq(b->fields[1].type->nfields, 2);
	ck_assert_int_eq(b->fields[1].type->size, 8);
	ck_assert_str_eq(b->fields[2].name, "n");
	ck_assert_int_eq(b->fields[2].offset, 16);
	ck_assert_int_eq(b->fields[3].offset, 24);
	ck_assert_str_eq(type_str(a, b->fields[3].type), "uint64");
	ck_assert_int_eq(b->size, 32);
	arena_free(a);
}
END_TEST

/* a kernel struct embedded by value gets BTF's size; a script that
   redefines a kernel struct gets nothing from BTF */
START_TEST(cdefs_btf)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog;
	struct type *f;

	if (!check_btf_available())
		return;
	ck_assert_int_eq(run_check(a, "x",
		"{\"k\":\"program\",\"loc\":[0,1],\"cdefs\":"
		"\"struct F { char c; struct list_head l; struct task_struct *t; }\\n\","
		"\"probes\":[]}", &ck, &prog), 0);
	f = check_cdef_struct("struct F");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->fields[1].offset, 8);
	ck_assert_int_eq(type_size(f->fields[1].type), 16);
	ck_assert_str_eq(f->fields[1].type->name, "struct list_head");
	ck_assert_int_eq(f->size, 32);
	ck_assert_int_lt(run_check(a, "struct list_head { struct list_head *n; struct mutex m; }",
		"{\"k\":\"program\",\"loc\":[0,1],\"cdefs\":"
		"\"struct list_head { struct list_head *n; struct mutex m; }\\n\","
		"\"probes\":[]}", &ck, &prog), 0);
	ck_assert(strstr(diag_buf, "stdin:1:54-55: ERROR: clang: error: field has incomplete type 'struct mutex'"));
	arena_free(a);
}
END_TEST

/* a macro's own variables are renamed; $ parameters bind the caller's */
START_TEST(macro_hygiene)
{
	struct arena *a = arena_new();
	struct check ck;
	struct val *prog, *rhs;
	const char *json =
		"{\"k\":\"program\",\"loc\":[0,1],\"macros\":[{\"k\":\"macro\",\"loc\":[0,1],"
		"\"name\":\"twice\",\"params\":[\"$v\"],\"body\":{\"k\":\"block_expr\",\"loc\":[0,1],"
		"\"stmts\":[" ASSIGN(VAR("$t"), VAR("$v")) "],\"e\":"
		"{\"k\":\"binop\",\"loc\":[0,1],\"op\":\"*\",\"l\":" VAR("$t") ",\"r\":" INT(2) "}}}],"
		"\"probes\":[{\"k\":\"probe\",\"loc\":[0,1],\"attach\":[{\"k\":\"attach\",\"loc\":[0,5],"
		"\"raw\":\"begin\",\"provider\":\"begin\",\"parts\":[]}],\"body\":"
		"{\"k\":\"block\",\"loc\":[0,1],\"stmts\":["
		ASSIGN(VAR("$t"), STR("caller")) ","
		ASSIGN(VAR("$x"), CAST("uint16", INT(3))) ","
		ASSIGN(MAP("@r"), "{\"k\":\"call\",\"loc\":[0,1],\"name\":\"twice\",\"args\":[" VAR("$x") "]}")
		"]}}]}";

	ck_assert_int_eq(run_check(a, "x", json, &ck, &prog), 0);
	/* the caller's $t stays a string: the macro's $t is another variable */
	ck_assert_str_eq(type_str(a, ck.vars[0].type), "string[7]");
	ck_assert_str_eq(map_val_str(&ck, "@r"), "uint64");
	rhs = val_get(val_at(val_get(val_get(val_at(val_get(prog, "probes"), 0),
					     "body"), "stmts"), 2), "rhs");
	ck_assert_str_eq(val_kind_of(rhs), "block_expr");
	arena_free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, literal_types);
	tcase_add_test(tc, unify_ints);
	tcase_add_test(tc, map_fixpoint);
	tcase_add_test(tc, map_literal_adapts);
	tcase_add_test(tc, map_mismatch_message);
	tcase_add_test(tc, var_slots);
	tcase_add_test(tc, params_become_literals);
	tcase_add_test(tc, aggregation_only_in_map);
	tcase_add_test(tc, unknown_function_hint);
	tcase_add_test(tc, cdefs_layout);
	tcase_add_test(tc, cdefs_clang);
	tcase_add_test(tc, cdefs_btf);
	tcase_add_test(tc, macro_hygiene);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
