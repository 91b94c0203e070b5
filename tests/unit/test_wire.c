/*
 * test_wire.c - unit tests of share/wire.c and share/val.c: msgpack and
 * JSON round trips, malformed and truncated input, header checks.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static struct val *sample(struct arena *a)
{
	struct val *m = val_map(a), *arr = val_arr(a);
	static const unsigned char bytes[] = { 0, 1, 0xfe, 0xff };

	val_set_str(a, m, "k", "probe");
	val_set_int(a, m, "neg", -5);
	val_set(a, m, "big", val_uint(a, UINT64_MAX));
	val_set_bool(a, m, "yes", true);
	val_set(a, m, "nil", val_nil(a));
	val_set(a, m, "bin", val_bin(a, bytes, sizeof(bytes)));
	val_set_str(a, m, "esc", "quote\" back\\ nl\n tab\t ctl\x01 é");
	val_push(a, arr, val_int(a, 1));
	val_push(a, arr, val_str(a, ""));
	val_push(a, arr, val_map(a));
	val_set(a, m, "arr", arr);
	return m;
}

/* write v with json or msgpack into a memory file, read it back */
static struct val *round_trip(struct arena *a, struct val *v, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct wire_out *o = wire_out_open(f, json);
	struct wire_in *in;
	struct val *got = NULL;

	ck_assert_int_eq(wire_out_write(o, v), 0);
	ck_assert_int_eq(wire_out_write(o, v), 0);
	ck_assert_int_eq(wire_out_close(o), 0);
	fclose(f);
	f = fmemopen(buf, len, "r");
	in = wire_in_open(f, "test");
	ck_assert_int_eq(wire_in_next(in, a, &got), 0);
	ck_assert(wire_in_is_json(in) == json);
	ck_assert_int_eq(wire_in_next(in, a, &got), 0);
	ck_assert_int_eq(wire_in_next(in, a, &got), -ENODATA);
	wire_in_close(in);
	fclose(f);
	free(buf);
	return got;
}

START_TEST(msgpack_round_trip)
{
	struct arena *a = arena_new();
	struct val *v = sample(a);

	ck_assert(val_equal(round_trip(a, v, false), v));
	arena_free(a);
}
END_TEST

START_TEST(json_round_trip)
{
	struct arena *a = arena_new();
	struct val *v = sample(a), *got = round_trip(a, v, true);

	ck_assert(val_equal(got, v));
	ck_assert_int_eq(val_get(got, "big")->kind, VAL_UINT);
	ck_assert_int_eq(val_get(got, "bin")->kind, VAL_BIN);
	arena_free(a);
}
END_TEST

static int read_text(const char *text, size_t len, struct val **out,
		     struct arena *a)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	FILE *saved = stderr, *null = fopen("/dev/null", "w");
	struct wire_in *in;
	int err;

	if (!len)
		fgetc(f); /* fmemopen cannot open an empty buffer: consume it */
	in = wire_in_open(f, "test");
	stderr = null;
	err = wire_in_next(in, a, out);
	stderr = saved;
	fclose(null);
	wire_in_close(in);
	fclose(f);
	return err;
}

START_TEST(json_malformed)
{
	static const char *const bad[] = {
		"{\"a\":", "{\"a\" 1}", "[1,2", "{\"a\":1.5}", "\"\\q\"",
		"{1:2}", "tru", "[1,]x", "{\"$bin\":\"zz\"}", "-",
	};
	struct arena *a = arena_new();
	struct val *v;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(read_text(bad[i], strlen(bad[i]), &v, a) ==
			      -EBADMSG, "accepted %s", bad[i]);
	arena_free(a);
}
END_TEST

START_TEST(json_depth_limit)
{
	struct arena *a = arena_new();
	size_t n = 100000, i;
	char *s = malloc(n);
	struct val *v;

	for (i = 0; i < n; i++)
		s[i] = '[';
	ck_assert_int_eq(read_text(s, n, &v, a), -EBADMSG);
	free(s);
	arena_free(a);
}
END_TEST

START_TEST(msgpack_truncated)
{
	struct arena *a = arena_new();
	char *buf = NULL;
	size_t len = 0, cut;
	FILE *f = open_memstream(&buf, &len);
	struct wire_out *o = wire_out_open(f, false);
	struct val *v;

	wire_out_write(o, sample(a));
	wire_out_close(o);
	fclose(f);
	/* every proper prefix is either empty or truncated, never a crash */
	for (cut = 1; cut < len; cut++)
		ck_assert_int_eq(read_text(buf, cut, &v, a), -EBADMSG);
	ck_assert_int_eq(read_text(buf, 0, &v, a), -ENODATA);
	free(buf);
	arena_free(a);
}
END_TEST

START_TEST(msgpack_garbage)
{
	/* a map header followed by a reserved byte (0xc1) */
	static const char bad[] = { (char)0x81, (char)0xa1, 'k', (char)0xc1 };
	/* a float value: not part of bt */
	static const char flt[] = { (char)0x81, (char)0xa1, 'k', (char)0xca,
				    0, 0, 0, 0 };
	struct arena *a = arena_new();
	struct val *v;

	ck_assert_int_eq(read_text(bad, sizeof(bad), &v, a), -EBADMSG);
	ck_assert_int_eq(read_text(flt, sizeof(flt), &v, a), -EBADMSG);
	arena_free(a);
}
END_TEST

static int header_check(const char *json, const char *want, char *err,
			size_t errlen)
{
	struct arena *a = arena_new();
	FILE *f = fmemopen((void *)json, strlen(json), "r");
	FILE *saved = stderr, *cap = fmemopen(err, errlen, "w");
	struct wire_in *in = wire_in_open(f, "bt-gen");
	struct val *hdr;
	int r;

	memset(err, 0, errlen);
	stderr = cap;
	r = wire_read_header(in, a, want, &hdr);
	stderr = saved;
	fclose(cap);
	wire_in_close(in);
	fclose(f);
	arena_free(a);
	return r;
}

START_TEST(header_kinds)
{
	char err[512];

	ck_assert_int_eq(header_check("{\"bt\":\"typed-ast\",\"v\":1}",
				      "typed-ast", err, sizeof(err)), 0);
	ck_assert_int_eq(header_check("{\"bt\":\"ast\",\"v\":1}", "typed-ast",
				      err, sizeof(err)), -EPROTO);
	ck_assert_str_eq(err, "bt-gen: expected typed-ast, got ast "
			      "(pipe through bt-check)\n");
	ck_assert_int_eq(header_check("{\"bt\":\"ast\",\"v\":1}", "bundle",
				      err, sizeof(err)), -EPROTO);
	ck_assert_str_eq(err, "bt-gen: expected bundle, got ast "
			      "(pipe through bt-check | bt-gen)\n");
	ck_assert_int_eq(header_check("{\"bt\":\"typed-ast\",\"v\":9}",
				      "typed-ast", err, sizeof(err)), -EPROTO);
	ck_assert_ptr_nonnull(strstr(err, "unsupported typed-ast version 9"));
	ck_assert_int_eq(header_check("{\"x\":1}", "typed-ast", err,
				      sizeof(err)), -EPROTO);
	ck_assert_ptr_nonnull(strstr(err, "not a bt stream"));
	ck_assert_int_eq(header_check("", "typed-ast", err, sizeof(err)),
			 -EPROTO);
	ck_assert_ptr_nonnull(strstr(err, "empty input"));
}
END_TEST

START_TEST(header_carries_fields)
{
	struct arena *a = arena_new();
	struct val *from = val_map(a), *h;

	val_set_str(a, from, "bt", "ast");
	val_set_int(a, from, "v", 1);
	val_set_str(a, from, "src", "begin {}");
	val_set_str(a, from, "file", "x.bt");
	h = wire_header(a, "typed-ast", from);
	ck_assert_str_eq(val_get_str(h, "bt"), "typed-ast");
	ck_assert_str_eq(val_get_str(h, "src"), "begin {}");
	ck_assert_str_eq(val_get_str(h, "file"), "x.bt");
	arena_free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("wire");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, msgpack_round_trip);
	tcase_add_test(tc, json_round_trip);
	tcase_add_test(tc, json_malformed);
	tcase_add_test(tc, json_depth_limit);
	tcase_add_test(tc, msgpack_truncated);
	tcase_add_test(tc, msgpack_garbage);
	tcase_add_test(tc, header_kinds);
	tcase_add_test(tc, header_carries_fields);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
