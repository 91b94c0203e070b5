/*
 * test_fmt.c - unit tests of bt-fmt's pieces: printf conversions, hist
 * labels and rows, map entry order, JSON numbers and value text, CSV
 * quoting, folded stacks and the flame graph's tree.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bt-fmt/fmt.h"

static struct arena *A;
static struct strbuf SB, SCR;

static void setup(void)
{
	A = arena_new();
	strbuf_reset(&SB);
	strbuf_reset(&SCR);
}

static void teardown(void)
{
	arena_free(A);
}

static const char *sb_str(void)
{
	return strbuf_cstr(&SB);
}

static struct type *ty_int(int size, bool sgn)
{
	return type_int(A, size, sgn);
}

/* printf fmt with one argument of type t and value v */
static const char *fmt1(const char *fmt, struct type *t, struct val *v)
{
	struct printf_fmt pf;
	struct val *args = val_arr(A);

	ck_assert_int_eq(printf_parse(A, fmt, &pf), 0);
	pf.args = arena_alloc(A, sizeof(*pf.args));
	pf.args[0] = t;
	pf.nargs = 1;
	val_push(A, args, v);
	strbuf_reset(&SB);
	printf_render(&SB, &pf, args, &SCR);
	return sb_str();
}

START_TEST(printf_signed)
{
	struct type *i64 = ty_int(8, true);

	ck_assert_str_eq(fmt1("%d", i64, val_int(A, -42)), "-42");
	ck_assert_str_eq(fmt1("%i", i64, val_int(A, 42)), "42");
	/* no length modifier: cast to int, as upstream's stream code */
	ck_assert_str_eq(fmt1("%d", i64, val_int(A, 5000000000LL)),
			 "705032704");
	ck_assert_str_eq(fmt1("%ld", i64, val_int(A, 5000000000LL)),
			 "5000000000");
	ck_assert_str_eq(fmt1("%lld", i64, val_int(A, INT64_MIN)),
			 "-9223372036854775808");
	ck_assert_str_eq(fmt1("%hhd", i64, val_int(A, 200)), "-56");
	ck_assert_str_eq(fmt1("%hd", i64, val_int(A, 40000)), "-25536");
	ck_assert_str_eq(fmt1("%+d", i64, val_int(A, 0)), "+0");
	ck_assert_str_eq(fmt1("%6d|", i64, val_int(A, -12)), "   -12|");
	ck_assert_str_eq(fmt1("%-6d|", i64, val_int(A, -12)), "-12   |");
	ck_assert_str_eq(fmt1("%06d", i64, val_int(A, -12)), "000-12");
	/* precision and the space flag are accepted and ignored */
	ck_assert_str_eq(fmt1("%.3d", i64, val_int(A, 7)), "7");
	ck_assert_str_eq(fmt1("% d", i64, val_int(A, 7)), "7");
}
END_TEST

START_TEST(printf_unsigned)
{
	struct type *i64 = ty_int(8, true), *i32 = ty_int(4, true);
	struct type *u64 = ty_int(8, false);

	ck_assert_str_eq(fmt1("%x", i32, val_int(A, -1)), "ffffffff");
	ck_assert_str_eq(fmt1("%x", i64, val_int(A, -1)), "ffffffff");
	ck_assert_str_eq(fmt1("%lx", i64, val_int(A, -1)),
			 "ffffffffffffffff");
	ck_assert_str_eq(fmt1("%jx", i64, val_int(A, -1)),
			 "ffffffffffffffff");
	ck_assert_str_eq(fmt1("%hx", i64, val_int(A, 0x12345)), "2345");
	ck_assert_str_eq(fmt1("%X", u64, val_uint(A, 0xabcdef)), "ABCDEF");
	ck_assert_str_eq(fmt1("%#X", u64, val_uint(A, 0xab)), "0XAB");
	ck_assert_str_eq(fmt1("%#x", u64, val_uint(A, 0)), "0");
	ck_assert_str_eq(fmt1("%#o", u64, val_uint(A, 8)), "010");
	ck_assert_str_eq(fmt1("%o", u64, val_uint(A, 64)), "100");
	ck_assert_str_eq(fmt1("%u", i64, val_int(A, -1)), "4294967295");
	ck_assert_str_eq(fmt1("%lu", u64, val_uint(A, UINT64_MAX)),
			 "18446744073709551615");
	ck_assert_str_eq(fmt1("%+u", u64, val_uint(A, 3)), "3");
	ck_assert_str_eq(fmt1("%08x", u64, val_uint(A, 0xbeef)), "0000beef");
	ck_assert_str_eq(fmt1("%-8x|", u64, val_uint(A, 0xbeef)),
			 "beef    |");
}
END_TEST

START_TEST(printf_char_ptr_percent)
{
	struct type *i64 = ty_int(8, true);
	struct type *p = type_ptr(A, type_new(A, TY_VOID), false);

	ck_assert_str_eq(fmt1("%c", i64, val_int(A, 'z')), "z");
	ck_assert_str_eq(fmt1("%3c|", i64, val_int(A, 'z')), "  z|");
	ck_assert_str_eq(fmt1("%p", p, val_uint(A, 0xffffffff81000000ULL)),
			 "0xffffffff81000000");
	ck_assert_str_eq(fmt1("%p", p, val_int(A, 0)), "0");
	ck_assert_str_eq(fmt1("%d%%", i64, val_int(A, 50)), "50%");
	ck_assert_str_eq(fmt1("%5%%d", i64, val_int(A, 1)), "%1");
	/* not conversions: flags out of order, a bare '.', an unknown letter */
	ck_assert_str_eq(fmt1("%0-5d%d", i64, val_int(A, 1)), "%0-5d1");
	ck_assert_str_eq(fmt1("%.d%d", i64, val_int(A, 1)), "%.d1");
	ck_assert_str_eq(fmt1("%y%d", i64, val_int(A, 1)), "%y1");
	/* a string where an integer is wanted */
	ck_assert_str_eq(fmt1("%d", type_string(A, 8), val_str(A, "ab")),
			 "!{invalid integer conversion: ab}");
}
END_TEST

START_TEST(printf_strings)
{
	struct type *s4 = type_string(A, 4), *s8 = type_string(A, 8);
	struct type *i64 = ty_int(8, true);
	struct type *el[2] = { i64, s8 };
	struct type *tup = type_tuple(A, el, 2);
	struct type *buf = type_new(A, TY_BUFFER);
	struct val *tv = val_arr(A);

	ck_assert_str_eq(fmt1("%s", s4, val_str(A, "abc")), "abc");
	ck_assert_str_eq(fmt1("%s", s4, val_str(A, "abcd")), "abcd..");
	ck_assert_str_eq(fmt1("%5s|", s8, val_str(A, "ab")), "   ab|");
	ck_assert_str_eq(fmt1("%-5s|", s8, val_str(A, "ab")), "ab   |");
	ck_assert_str_eq(fmt1("%05s", s8, val_str(A, "ab")), "000ab");
	/* precision does not cut strings upstream */
	ck_assert_str_eq(fmt1("%.1s", s8, val_str(A, "abc")), "abc");
	ck_assert_str_eq(fmt1("%s", i64, val_int(A, -3)), "-3");
	ck_assert_str_eq(fmt1("%+s", i64, val_int(A, 3)), "+3");
	val_push(A, tv, val_int(A, 1));
	val_push(A, tv, val_str(A, "x"));
	ck_assert_str_eq(fmt1("%s", tup, tv), "(1, x)");
	ck_assert_str_eq(fmt1("%3s", tup, tv), "  (1, x)");
	buf->size = 8;
	ck_assert_str_eq(fmt1("%r", buf, val_bin(A, "a\n\x80", 3)),
			 "a\\x0a\\x80");
	ck_assert_str_eq(fmt1("%rx", buf, val_bin(A, "a\n", 2)), "\\x61\\x0a");
	ck_assert_str_eq(fmt1("%rh", buf, val_bin(A, "a\n", 2)), "61 0a");
	ck_assert_str_eq(fmt1("%rh|", buf, val_bin(A, "", 0)), "|");
	/* %r of a string is %s */
	ck_assert_str_eq(fmt1("%r", s8, val_str(A, "a b")), "a b");
}
END_TEST

START_TEST(printf_arg_count)
{
	struct printf_fmt pf;
	struct val *args = val_arr(A);

	printf_parse(A, "a%db%dc", &pf);
	ck_assert_int_eq(pf.nspecs, 2);
	ck_assert_str_eq(pf.tail, "c");
	val_push(A, args, val_int(A, 1));
	printf_render(&SB, &pf, args, &SCR);
	/* upstream renders the arguments it has, then the tail */
	ck_assert_str_eq(sb_str(), "a1c");
}
END_TEST

static const char *label(uint32_t index, uint32_t k)
{
	static struct hist_label l;

	hist_label_of(index, k, &l);
	return l.text;
}

START_TEST(hist_labels)
{
	struct hist_label l;

	ck_assert_str_eq(label(3, 0), "4");
	/* the label of index i is the (exclusive) top of its bucket */
	ck_assert_str_eq(label(10, 0), "512");
	ck_assert_str_eq(label(11, 0), "1K");
	ck_assert_str_eq(label(12, 0), "2K");
	ck_assert_str_eq(label(21, 0), "1M");
	ck_assert_str_eq(label(31, 0), "1G");
	ck_assert_str_eq(label(41, 0), "1T");
	ck_assert_str_eq(label(51, 0), "1P");
	ck_assert_str_eq(label(61, 0), "1E");
	/* k = 2: four buckets per power of two */
	ck_assert_str_eq(label(9, 2), "10");
	ck_assert_str_eq(label(12, 2), "16");
	ck_assert_str_eq(label(13, 2), "20");
	/* the suffix follows the power of two, not the value: 1024 here */
	hist_label_of(36, 2, &l);
	ck_assert(l.sym);
	ck_assert_int_eq(l.num, 1024);
	ck_assert_str_eq(l.text, "1024");
	hist_label_of(48, 2, &l);
	ck_assert_int_eq(l.num, 8192);
	ck_assert_str_eq(l.text, "8K");
	hist_label_of(37, 2, &l);
	ck_assert_int_eq(l.num, 1280);
	ck_assert_str_eq(l.text, "1280");
}
END_TEST

static struct val *counts(const uint64_t *c, size_t n)
{
	struct val *v = val_arr(A);
	size_t i;

	for (i = 0; i < n; i++)
		val_push(A, v, val_uint(A, c[i]));
	return v;
}

START_TEST(hist_rows_text)
{
	static const uint64_t c[] = { 1, 0, 0, 2, 1, 0, 1, 0 };
	struct type *t = type_new(A, TY_HIST);
	struct hist_rows h;

	hist_build(A, t, counts(c, 8), 1, &h);
	ck_assert_uint_eq(h.ncounts, 7);
	ck_assert(!h.has_lower);
	hist_text(&SB, &h);
	ck_assert(!strncmp(sb_str(),
		"(..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@"
		"                          |\n"
		"[0]                    0 |", 88));
	strbuf_reset(&SB);
	hist_json(&SB, &h);
	ck_assert(!strncmp(sb_str(), "[{\"max\": -1, \"count\": 1},"
			   "{\"min\": 0, \"max\": 0, \"count\": 0}", 57));
}
END_TEST

START_TEST(hist_empty_and_div)
{
	static const uint64_t z[] = { 0, 0, 0 };
	static const uint64_t c[] = { 0, 0, 0, 5, 1 };
	struct type *t = type_new(A, TY_HIST);
	struct hist_rows h;

	hist_build(A, t, counts(z, 3), 1, &h);
	ck_assert_uint_eq(h.ncounts, 0);
	hist_text(&SB, &h);
	ck_assert_str_eq(sb_str(), "");
	hist_build(A, t, counts(c, 5), 2, &h);
	ck_assert_uint_eq(h.ncounts, 2);
	ck_assert_uint_eq(h.counts[0], 2);
	ck_assert_uint_eq(h.counts[1], 0);
	/* the rows still span the buckets that were non-zero before */
	ck_assert(h.has_lower);
	ck_assert_int_eq(h.lower.num, 2);
}
END_TEST

START_TEST(lhist_labels)
{
	static const uint64_t c[] = { 0, 3, 0, 0, 0, 0, 1 };
	struct type *t = type_new(A, TY_LHIST);
	struct hist_rows h;

	t->min = 0;
	t->max = 5;
	t->step = 1;
	hist_build(A, t, counts(c, 7), 1, &h);
	hist_text(&SB, &h);
	ck_assert(strstr(sb_str(), "\n[4]  "));
	ck_assert(!strncmp(sb_str(), "[0]    ", 7));
	ck_assert(strstr(sb_str(), "\n[5, ...)  "));
	strbuf_reset(&SB);
	hist_json(&SB, &h);
	ck_assert(strstr(sb_str(), "{\"min\": 5, \"count\": 1}]"));
}
END_TEST

static struct fmt_map *map_of(struct type *key, struct type *val)
{
	struct fmt_map *m = arena_alloc(A, sizeof(*m));

	m->name = "@m";
	m->key = key;
	m->val = val;
	return m;
}

START_TEST(sort_by_value)
{
	struct type *cnt = type_new(A, TY_COUNT);
	struct fmt_map *m = map_of(type_string(A, 8), cnt);
	struct map_entry e[4] = {
		{ val_str(A, "b"), val_int(A, 5), 0, 0, 0 },
		{ val_str(A, "d"), val_int(A, 3), 1, 0, 0 },
		{ val_str(A, "a"), val_int(A, 1), 2, 0, 0 },
		{ val_str(A, "c"), val_int(A, 3), 3, 0, 0 },
	};

	map_sort(m, e, 4);
	ck_assert_str_eq(e[0].key->s, "a");
	ck_assert_str_eq(e[1].key->s, "c"); /* ties in key order */
	ck_assert_str_eq(e[2].key->s, "d");
	ck_assert_str_eq(e[3].key->s, "b");
}
END_TEST

START_TEST(sort_signed_sum_and_max)
{
	struct type *sum = type_new(A, TY_SUM), *max = type_new(A, TY_MAX);
	struct map_entry e[3] = {
		{ val_int(A, 1), val_int(A, 10), 0, 0, 0 },
		{ val_int(A, 2), val_int(A, -5), 1, 0, 0 },
		{ val_int(A, 3), val_int(A, 0), 2, 0, 0 },
	};

	sum->is_signed = true;
	map_sort(map_of(ty_int(8, true), sum), e, 3);
	ck_assert_int_eq(e[0].val->i, -5);
	ck_assert_int_eq(e[2].val->i, 10);
	/* min/max compare unsigned, as upstream: -5 sorts last */
	max->is_signed = true;
	map_sort(map_of(ty_int(8, true), max), e, 3);
	ck_assert_int_eq(e[0].val->i, 0);
	ck_assert_int_eq(e[2].val->i, -5);
}
END_TEST

START_TEST(sort_by_key)
{
	struct type *s8 = type_string(A, 8), *i32 = ty_int(4, false);
	struct type *el[2] = { ty_int(8, true), s8 };
	struct type *tup = type_tuple(A, el, 2);
	struct val *k[3];
	struct map_entry e[3];
	int i;

	ck_assert_int_lt(map_key_cmp(s8, val_str(A, "ab"), val_str(A, "b")), 0);
	ck_assert_int_lt(map_key_cmp(s8, val_str(A, "a"), val_str(A, "ab")), 0);
	/* integer keys compare signed, even unsigned ones */
	ck_assert_int_lt(map_key_cmp(i32, val_uint(A, 0xffffffff),
				     val_int(A, 1)), 0);
	for (i = 0; i < 3; i++)
		k[i] = val_arr(A);
	val_push(A, k[0], val_int(A, 2));
	val_push(A, k[0], val_str(A, "a"));
	val_push(A, k[1], val_int(A, 1));
	val_push(A, k[1], val_str(A, "b"));
	val_push(A, k[2], val_int(A, 1));
	val_push(A, k[2], val_str(A, "a"));
	for (i = 0; i < 3; i++) {
		e[i].key = k[i];
		e[i].val = val_str(A, "v");
		e[i].index = i;
	}
	map_sort(map_of(tup, s8), e, 3);
	ck_assert_ptr_eq(e[0].key, k[2]);
	ck_assert_ptr_eq(e[1].key, k[1]);
	ck_assert_ptr_eq(e[2].key, k[0]);
}
END_TEST

START_TEST(json_numbers)
{
	json_int(&SB, 9007199254740992LL);
	strbuf_addc(&SB, ' ');
	json_int(&SB, 9007199254740993LL);
	strbuf_addc(&SB, ' ');
	json_uint(&SB, UINT64_MAX);
	strbuf_addc(&SB, ' ');
	json_int(&SB, INT64_MIN);
	strbuf_addc(&SB, ' ');
	json_int(&SB, INT64_MAX);
	ck_assert_str_eq(sb_str(), "9007199254740992 \"9007199254740993\" "
			 "\"18446744073709551615\" -9223372036854775808 "
			 "\"9223372036854775807\"");
	strbuf_reset(&SB);
	json_string(&SB, "a\"\\\n\r\t\x01\x7f", 8);
	ck_assert_str_eq(sb_str(), "\"a\\\"\\\\\\n\\r\\t\\u0001\x7f\"");
}
END_TEST

START_TEST(value_text_kinds)
{
	struct type *i16 = ty_int(2, true), *u16 = ty_int(2, false);
	struct type *st = type_new(A, TY_STATS);
	struct val *sv = val_arr(A);

	value_text(&SB, i16, val_uint(A, 0xffff));
	strbuf_addc(&SB, ' ');
	value_text(&SB, u16, val_int(A, -1));
	strbuf_addc(&SB, ' ');
	val_push(A, sv, val_int(A, 3));
	val_push(A, sv, val_int(A, 7));
	value_text(&SB, st, sv);
	ck_assert_str_eq(sb_str(),
			 "-1 65535 { .count = 3, .average = 2, .total = 7 }");
	strbuf_reset(&SB);
	value_text(&SB, type_new(A, TY_TUPLE), val_int(A, 4));
	ck_assert_str_eq(sb_str(), "4"); /* a shape mismatch is not fatal */
}
END_TEST

START_TEST(gfp_names)
{
	struct type *i64 = ty_int(8, true);

	ck_assert_str_eq(fmt1("%gr", i64, val_int(A, 0x1)), "GFP_DMA");
	ck_assert_str_eq(fmt1("%gr", i64, val_int(A, 0)), "0");
	ck_assert_str_eq(fmt1("%gr", i64, val_int(A, 0xcc0)), "GFP_KERNEL");
	ck_assert_str_eq(fmt1("%gr", i64, val_int(A, 0xdc0)),
			 "GFP_KERNEL|__GFP_ZERO");
	ck_assert_str_eq(fmt1("%gr", i64, val_int(A, 0xec0)),
			 "GFP_KERNEL|0x200");
	ck_assert_str_eq(fmt1("%gr", i64, val_int(A, 0x820)), "GFP_ATOMIC");
	ck_assert_str_eq(fmt1("[%-9gr]", i64, val_int(A, 1)), "[GFP_DMA  ]");
}
END_TEST

START_TEST(csv_quoting)
{
	csv_field(&SB, "plain", 5);
	strbuf_addc(&SB, '|');
	csv_field(&SB, "a,b", 3);
	strbuf_addc(&SB, '|');
	csv_field(&SB, "say \"hi\"", 8);
	strbuf_addc(&SB, '|');
	csv_field(&SB, "two\nlines", 9);
	strbuf_addc(&SB, '|');
	csv_field(&SB, "", 0);
	ck_assert_str_eq(sb_str(),
			 "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
}
END_TEST

/* a stack VALUE, leaf first, from frames given root first */
static struct val *stack_of(int n, const char **root_first)
{
	struct val *v = val_arr(A);
	int i;

	for (i = n - 1; i >= 0; i--)
		val_push(A, v, val_str(A, root_first[i]));
	return v;
}

START_TEST(folded_lines)
{
	static const char *s1[] = { "entry_SYSCALL_64+5", "vfs_read+16" };
	static const char *s2[] = { "entry_SYSCALL_64+9", "vfs_read+0x20" };
	static const char *s3[] = { "ffffffff81000010 idle+3" };
	static const char *s4[] = { "7f0000001234 main+4 (/usr/bin/bash)" };
	struct fmt_state st = { .format = FMT_FOLDED };
	struct fmt_map m = { .name = "@", .key = type_new(A, TY_KSTACK),
			     .val = type_new(A, TY_COUNT) };
	struct val *ev = val_map(A), *ents = val_arr(A), *e;

	st.meta.maps = &m;
	st.meta.nmaps = 1;
	st.flame = flame_new(&st.meta);
	e = val_arr(A);
	val_push(A, e, stack_of(2, s1));
	val_push(A, e, val_int(A, 2));
	val_push(A, ents, e);
	e = val_arr(A);
	val_push(A, e, stack_of(2, s2));
	val_push(A, e, val_int(A, 3));
	val_push(A, ents, e);
	e = val_arr(A);
	val_push(A, e, stack_of(1, s3));
	val_push(A, e, val_int(A, 1));
	val_push(A, ents, e);
	e = val_arr(A);
	val_push(A, e, stack_of(1, s3));
	val_push(A, e, val_int(A, 0));    /* no samples: left out */
	val_push(A, ents, e);
	e = val_arr(A);
	val_push(A, e, stack_of(1, s4));
	val_push(A, e, val_int(A, 2));
	val_push(A, ents, e);
	val_set(A, ev, "entries", ents);
	ck_assert_int_eq(flame_map(&st, A, &m, ev), 0);
	/* offsets and perf addresses gone, equal stacks merged, sorted */
	ck_assert_str_eq(strbuf_cstr(&st.out),
			 "entry_SYSCALL_64;vfs_read 5\nidle 1\nmain 2\n");
	flame_free(st.flame);
	strbuf_free(&st.out);
}
END_TEST

START_TEST(svg_tree)
{
	static const char in[] = "a;b 3\na;c 1\nbad line\nx&<y> 4\n";
	const char *svg;

	flame_svg(&SB, in, sizeof(in) - 1, "T<1>");
	svg = sb_str();
	ck_assert_ptr_nonnull(strstr(svg, "<title>all (8 samples, 100.00%)"));
	ck_assert_ptr_nonnull(strstr(svg, "<title>a (4 samples, 50.00%)"));
	ck_assert_ptr_nonnull(strstr(svg, "<title>c (1 sample, 12.50%)"));
	ck_assert_ptr_nonnull(strstr(svg, "<title>x&amp;&lt;y&gt; (4 samples"));
	ck_assert_ptr_nonnull(strstr(svg, ">T&lt;1&gt;</text>"));
	/* b before c (name order), a at depth 1 from sample 0 */
	ck_assert_ptr_nonnull(strstr(svg, "data-s=\"0\" data-n=\"4\" "
				     "data-d=\"1\"><title>a "));
	ck_assert_ptr_nonnull(strstr(svg, "data-s=\"3\" data-n=\"1\" "
				     "data-d=\"2\"><title>c "));
	ck_assert_ptr_nonnull(strstr(svg, "</svg>\n"));
	strbuf_reset(&SB);
	flame_svg(&SB, "", 0, NULL);
	ck_assert_ptr_nonnull(strstr(sb_str(), "no stack samples"));
}
END_TEST

static Suite *fmt_suite(void)
{
	Suite *s = suite_create("bt-fmt");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, printf_signed);
	tcase_add_test(tc, printf_unsigned);
	tcase_add_test(tc, printf_char_ptr_percent);
	tcase_add_test(tc, printf_strings);
	tcase_add_test(tc, printf_arg_count);
	tcase_add_test(tc, gfp_names);
	tcase_add_test(tc, hist_labels);
	tcase_add_test(tc, hist_rows_text);
	tcase_add_test(tc, hist_empty_and_div);
	tcase_add_test(tc, lhist_labels);
	tcase_add_test(tc, sort_by_value);
	tcase_add_test(tc, sort_signed_sum_and_max);
	tcase_add_test(tc, sort_by_key);
	tcase_add_test(tc, json_numbers);
	tcase_add_test(tc, value_text_kinds);
	tcase_add_test(tc, csv_quoting);
	tcase_add_test(tc, folded_lines);
	tcase_add_test(tc, svg_tree);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
