/*
 * test_type.c - unit tests of share/type.c: C layout of tuples, type
 * names as bpftrace prints them, and the wire round trip.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "type.h"

START_TEST(tuple_layout)
{
	struct arena *a = arena_new();
	struct type *e[3] = { type_int(a, 1, true), type_int(a, 8, false),
			      type_string(a, 3) };
	struct type *t = type_tuple(a, e, 3);

	ck_assert_int_eq(t->fields[0].offset, 0);
	ck_assert_int_eq(t->fields[1].offset, 8);
	ck_assert_int_eq(t->fields[2].offset, 16);
	ck_assert_int_eq(type_size(t), 24);
	ck_assert_int_eq(type_align(t), 8);
	arena_free(a);
}
END_TEST

START_TEST(nested_tuple_layout)
{
	struct arena *a = arena_new();
	struct type *in[2] = { type_int(a, 4, true), type_int(a, 2, true) };
	struct type *out[2] = { type_int(a, 1, false), NULL };
	struct type *t;

	out[1] = type_tuple(a, in, 2);
	t = type_tuple(a, out, 2);
	ck_assert_int_eq(out[1]->size, 8);
	ck_assert_int_eq(t->fields[1].offset, 4);
	ck_assert_int_eq(type_size(t), 12);
	arena_free(a);
}
END_TEST

START_TEST(names)
{
	struct arena *a = arena_new();
	struct type *e[2] = { type_int(a, 1, true), type_string(a, 3) };
	struct type *st = type_new(a, TY_STRUCT);

	st->name = "struct task_struct";
	ck_assert_str_eq(type_str(a, type_int(a, 8, true)), "int64");
	ck_assert_str_eq(type_str(a, type_int(a, 4, false)), "uint32");
	ck_assert_str_eq(type_str(a, type_tuple(a, e, 2)), "(int8,string[3])");
	ck_assert_str_eq(type_str(a, type_ptr(a, st, false)),
			 "struct task_struct *");
	ck_assert_str_eq(type_str(a, type_new(a, TY_COUNT)), "count_t");
	arena_free(a);
}
END_TEST

START_TEST(wire_round_trip)
{
	struct arena *a = arena_new();
	struct type *e[3] = { type_int(a, 2, true), type_string(a, 64),
			      type_new(a, TY_HIST) };
	struct type *t, *back, *en = type_new(a, TY_ENUM);

	e[2]->k = 3;
	t = type_tuple(a, e, 3);
	back = type_from_val(a, type_to_val(a, t));
	ck_assert_ptr_nonnull(back);
	ck_assert(type_equal(t, back));
	ck_assert_int_eq(back->fields[2].type->k, 3);
	ck_assert_int_eq(back->size, t->size);

	en->name = "enum Foo";
	en->size = 4;
	en->nenums = 1;
	en->enums = arena_alloc(a, sizeof(*en->enums));
	en->enums[0].name = "ONE";
	en->enums[0].value = 1;
	back = type_from_val(a, type_to_val(a, en));
	ck_assert_str_eq(back->enums[0].name, "ONE");
	ck_assert_int_eq(back->enums[0].value, 1);

	ck_assert_ptr_null(type_from_val(a, val_map(a)));
	arena_free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("type");
	TCase *tc = tcase_create("type");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, tuple_layout);
	tcase_add_test(tc, nested_tuple_layout);
	tcase_add_test(tc, names);
	tcase_add_test(tc, wire_round_trip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
