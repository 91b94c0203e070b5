/*
 * test_diag.c - unit tests of share/diag.c: bpftrace's layout of located
 * errors, warnings and hints, multi-line sources, muted warnings.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static char *buf;
static size_t len;
static FILE *cap;

static void capture(void)
{
	buf = NULL;
	len = 0;
	cap = open_memstream(&buf, &len);
	diag_set_stream(cap);
}

static const char *captured(void)
{
	fflush(cap);
	return buf;
}

static void release(void)
{
	fclose(cap);
	free(buf);
	diag_set_stream(NULL);
}

START_TEST(error_layout)
{
	const char *src = "config = { BAD_CONFIG=1 } begin { }";
	struct diag_loc loc = { 11, 23 };
	unsigned before = diag_errors();

	diag_set_source("stdin", src, strlen(src));
	capture();
	ck_assert_int_eq(diag_error(loc, "%s: not a known configuration option",
				    "BAD_CONFIG"), -EINVAL);
	ck_assert_str_eq(captured(),
		"stdin:1:12-24: ERROR: BAD_CONFIG: not a known configuration option\n"
		"config = { BAD_CONFIG=1 } begin { }\n"
		"           ~~~~~~~~~~~~\n");
	ck_assert_uint_eq(diag_errors(), before + 1);
	release();
}
END_TEST

START_TEST(second_line_and_hint)
{
	const char *src = "begin {\n  foo();\n}\n";
	struct diag_loc loc = { 10, 15 };

	diag_set_source("x.bt", src, strlen(src));
	capture();
	diag_error(loc, "Unknown function: 'foo'");
	diag_hint("did you mean 'for'?");
	ck_assert_str_eq(captured(),
		"x.bt:2:3-8: ERROR: Unknown function: 'foo'\n"
		"  foo();\n"
		"  ~~~~~\n"
		"HINT: did you mean 'for'?\n");
	release();
}
END_TEST

START_TEST(muted_warning_and_its_hint)
{
	const char *src = "begin { }";
	struct diag_loc loc = { 0, 5 };

	diag_set_source("stdin", src, strlen(src));
	capture();
	diag_set_warnings(false);
	diag_warn(loc, "unused");
	diag_hint("remove it");
	diag_set_warnings(true);
	diag_warn(loc, "unused");
	ck_assert_str_eq(captured(),
		"stdin:1:1-6: WARNING: unused\nbegin { }\n~~~~~\n");
	release();
}
END_TEST

START_TEST(loc_from_node)
{
	struct arena *a = arena_new();
	struct val *n = val_map(a), *l = val_arr(a);
	const char *src = "i:s:1 { < }";

	val_push(a, l, val_int(a, 8));
	val_push(a, l, val_int(a, 9));
	val_set(a, n, "loc", l);
	diag_set_source("stdin", src, strlen(src));
	capture();
	diag_error_at(n, "syntax: expected expression");
	ck_assert_str_eq(captured(),
		"stdin:1:9-10: ERROR: syntax: expected expression\n"
		"i:s:1 { < }\n"
		"        ~\n");
	release();
	arena_free(a);
}
END_TEST

START_TEST(unlocated)
{
	struct diag_loc none = { 0, 0 };

	capture();
	diag_error(none, "something global");
	ck_assert_str_eq(captured(), "ERROR: something global\n");
	release();
}
END_TEST

START_TEST(tabs_and_zero_width)
{
	const char *src = "\tbegin { x }";
	struct diag_loc loc = { 9, 10 }, zero = { 3, 3 };

	diag_set_source("stdin", src, strlen(src));
	capture();
	diag_error(loc, "bad");
	diag_error(zero, "empty");
	ck_assert_str_eq(captured(),
		"stdin:1:10-11: ERROR: bad\n"
		"    begin { x }\n"
		"            ~\n"
		"stdin:1:4-4: ERROR: empty\n"
		"    begin { x }\n"
		"      \n");
	release();
}
END_TEST

START_TEST(multi_line)
{
	const char *src = "begin {\n  x\n}\nend {}\n";
	struct diag_loc loc = { 0, 13 };

	diag_set_source("stdin", src, strlen(src));
	capture();
	diag_error(loc, "spans");
	ck_assert_str_eq(captured(),
		"stdin:1-3: ERROR: spans\n"
		"begin {\n  x\n}\n");
	release();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, error_layout);
	tcase_add_test(tc, second_line_and_hint);
	tcase_add_test(tc, muted_warning_and_its_hint);
	tcase_add_test(tc, loc_from_node);
	tcase_add_test(tc, unlocated);
	tcase_add_test(tc, tabs_and_zero_width);
	tcase_add_test(tc, multi_line);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
