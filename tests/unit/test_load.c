/*
 * test_load.c - unit tests of bt-load's parts that need no kernel:
 * decoding BPF bytes into event VALUEs (decode.c), reading the bundle
 * (bundle.c), the events stream's holding and batching (emit.c), attach
 * point names and feature checks that need no kernel (attach.c,
 * features.c).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bt-load/load.h"
#include "wire.h"

static struct arena *a;

static void setup(void)
{
	a = arena_new();
}

static void teardown(void)
{
	arena_free(a);
}

/* JSON text of a value, in the arena */
static const char *json(const struct val *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *s;

	wire_print_json(f, v);
	fclose(f);
	s = arena_strdup(a, buf);
	free(buf);
	return s;
}

static struct type *ty(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct wire_in *in = wire_in_open(f, "test");
	struct val *v = NULL;
	struct type *t;

	ck_assert_int_eq(wire_in_next(in, a, &v), 0);
	wire_in_close(in);
	fclose(f);
	t = type_from_val(a, v);
	ck_assert_ptr_nonnull(t);
	return t;
}

static const char *dec(const char *type, const void *p, size_t n)
{
	return json(decode_value(a, ty(type), p, n));
}

START_TEST(decode_ints)
{
	int8_t m1 = -1;
	int16_t m300 = -300;
	int32_t big = -70000;
	uint32_t u32 = 4000000000u;
	uint64_t huge = 18446744073709551615ull;
	int64_t neg = -5;

	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":1,\"signed\":true}", &m1, 1), "-1");
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":1}", &m1, 1), "255");
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":2,\"signed\":true}", &m300, 2), "-300");
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":4,\"signed\":true}", &big, 4), "-70000");
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":4}", &u32, 4), "4000000000");
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":8}", &huge, 8), "18446744073709551615");
	ck_assert_int_eq(decode_value(a, ty("{\"t\":\"int\",\"size\":8}"), &huge, 8)->kind, VAL_UINT);
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":8,\"signed\":true}", &neg, 8), "-5");
	ck_assert_str_eq(dec("{\"t\":\"sum\",\"size\":8,\"signed\":true}", &neg, 8), "-5");
	ck_assert_str_eq(dec("{\"t\":\"ptr\",\"size\":8,\"elem\":{\"t\":\"int\",\"size\":1}}", &huge, 8),
			 "18446744073709551615");
	/* too few bytes: nil, never a read past the end */
	ck_assert_str_eq(dec("{\"t\":\"int\",\"size\":8}", &u32, 4), "null");
}
END_TEST

START_TEST(decode_strings)
{
	char s[8] = "hi\0junk";
	char full[4] = { 'a', 'b', 'c', 'd' };
	unsigned char buf[4 + 6] = { 3, 0, 0, 0, 'x', 0, 'y', 'z', 'z', 'z' };
	unsigned char lying[4 + 2] = { 200, 0, 0, 0, 'p', 'q' };

	ck_assert_str_eq(dec("{\"t\":\"string\",\"size\":8}", s, 8), "\"hi\"");
	/* no NUL within the capacity: the capacity bounds it */
	ck_assert_str_eq(dec("{\"t\":\"string\",\"size\":4}", full, 4), "\"abcd\"");
	ck_assert_str_eq(dec("{\"t\":\"buffer\",\"size\":6}", buf, sizeof(buf)),
			 "{\"$bin\":\"780079\"}");
	/* a length beyond the capacity is clamped */
	ck_assert_str_eq(dec("{\"t\":\"buffer\",\"size\":2}", lying, sizeof(lying)),
			 "{\"$bin\":\"7071\"}");
}
END_TEST

START_TEST(decode_compound)
{
	struct { int64_t n; char s[8]; } tup = { 42, "world" };
	struct { uint8_t a; uint32_t b; } rec = { 1, 7 };
	int32_t arr[3] = { 1, -2, 3 };
	uint32_t bits = 0xabcd1234;
	unsigned char raw[3] = { 1, 2, 3 };

	ck_assert_str_eq(dec("{\"t\":\"tuple\",\"fields\":[{\"type\":{\"t\":\"int\",\"size\":8,\"signed\":true}},"
			     "{\"type\":{\"t\":\"string\",\"size\":8}}]}", &tup, sizeof(tup)),
			 "[42,\"world\"]");
	ck_assert_str_eq(dec("{\"t\":\"record\",\"fields\":[{\"name\":\"a\",\"type\":{\"t\":\"int\",\"size\":1}},"
			     "{\"name\":\"b\",\"type\":{\"t\":\"int\",\"size\":4}}]}", &rec, sizeof(rec)),
			 "[1,7]");
	ck_assert_str_eq(dec("{\"t\":\"array\",\"count\":3,\"elem\":{\"t\":\"int\",\"size\":4,\"signed\":true}}",
			     arr, sizeof(arr)), "[1,-2,3]");
	/* a struct with a bitfield: 8 bits at bit 4 of the u32 at 0 */
	ck_assert_str_eq(dec("{\"t\":\"struct\",\"name\":\"struct s\",\"size\":4,\"fields\":["
			     "{\"name\":\"f\",\"type\":{\"t\":\"int\",\"size\":4},\"offset\":0,\"bits\":8,\"bitoff\":4}]}",
			     &bits, 4), "[35]");
	/* a struct whose fields are unknown travels as bytes */
	ck_assert_str_eq(dec("{\"t\":\"struct\",\"name\":\"struct opaque\",\"size\":3}", raw, 3),
			 "{\"$bin\":\"010203\"}");
	/* a truncated tuple: missing members are nil */
	ck_assert_str_eq(dec("{\"t\":\"tuple\",\"fields\":[{\"type\":{\"t\":\"int\",\"size\":8,\"signed\":true}},"
			     "{\"type\":{\"t\":\"string\",\"size\":8}}]}", &tup, 8), "null");
}
END_TEST

START_TEST(decode_aggregations)
{
	struct { int64_t v; uint64_t set; } mm = { -9, 1 }, unset = { 0, 0 };
	struct { int64_t total; uint64_t count; } av = { 30, 4 };

	ck_assert_str_eq(dec("{\"t\":\"min\",\"size\":16,\"signed\":true}", &mm, 16), "-9");
	ck_assert_str_eq(dec("{\"t\":\"max\",\"size\":16,\"signed\":true}", &unset, 16), "null");
	ck_assert_str_eq(dec("{\"t\":\"avg\",\"size\":16,\"signed\":true}", &av, 16), "[4,30]");
	ck_assert_str_eq(dec("{\"t\":\"stats\",\"size\":16}", &av, 16), "[4,30]");
}
END_TEST

START_TEST(decode_special)
{
	struct { uint32_t af; unsigned char addr[16]; } in4 = { AF_INET, { 10, 1, 2, 3 } };
	struct { uint32_t af; unsigned char addr[16]; } in6 = { AF_INET6, { 0 } };
	unsigned char mac[6] = { 0x00, 0x1a, 0x2b, 0xff, 0x04, 0x05 };
	uint64_t root = 0;

	in6.addr[15] = 1;
	ck_assert_str_eq(dec("{\"t\":\"inet\"}", &in4, sizeof(in4)), "\"10.1.2.3\"");
	ck_assert_str_eq(dec("{\"t\":\"inet\"}", &in6, sizeof(in6)), "\"::1\"");
	ck_assert_str_eq(dec("{\"t\":\"macaddr\"}", mac, 6), "\"00:1A:2B:FF:04:05\"");
	ck_assert_str_eq(dec("{\"t\":\"username\"}", &root, 8), "\"root\"");
}
END_TEST

START_TEST(decode_cgroup_path)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[1024], dev[256], dir[512], type[64];
	struct stat st;
	uint64_t id;
	const char *got;
	bool found = false;

	ck_assert_ptr_nonnull(f);
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%255s %511s %63s", dev, dir, type) == 3 &&
			!strcmp(type, "cgroup2");
	fclose(f);
	if (!found)
		return;  /* no cgroup2 here: nothing to look up */
	ck_assert_int_eq(stat(dir, &st), 0);
	id = st.st_ino;
	got = dec("{\"t\":\"cgroup_path\"}", &id, 8);
	/* the root of the cgroup2 hierarchy, first */
	ck_assert_msg(!strncmp(got, "\"unified:/", 10), "got %s", got);
	/* an id no hierarchy has: empty */
	id = 0xffffffffffffull;
	ck_assert_str_eq(dec("{\"t\":\"cgroup_path\"}", &id, 8), "\"\"");
}
END_TEST

static int read_bundle(struct load *l, const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct wire_in *in = wire_in_open(f, "test");
	struct val *hdr = NULL, *b = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	FILE *saved = stderr;
	int err;

	memset(l, 0, sizeof(*l));
	l->arena = a;
	ck_assert_int_eq(wire_in_next(in, a, &hdr), 0);
	ck_assert_int_eq(wire_in_next(in, a, &b), 0);
	wire_in_close(in);
	fclose(f);
	stderr = devnull;
	err = bundle_read(l, hdr, b);
	stderr = saved;
	fclose(devnull);
	return err;
}

#define HDR "{\"bt\":\"bundle\",\"v\":1}\n"

START_TEST(bundle_good)
{
	struct load l;

	ck_assert_int_eq(read_bundle(&l, HDR
		"{\"elf\":{\"$bin\":\"7f454c46\"},"
		"\"probes\":[{\"prog\":\"p0\",\"attach\":[{\"provider\":\"begin\"}],\"loc\":[3,8]},"
		"{\"prog\":\"p1\",\"attach\":[{\"provider\":\"tracepoint\",\"target\":\"a\",\"func\":\"b\"},"
		"{\"provider\":\"tracepoint\",\"target\":\"a\",\"func\":\"c\"}]}],"
		"\"maps\":[{\"name\":\"@x\",\"elf\":\"m_x\",\"key\":null,\"val\":{\"t\":\"count\"}}],"
		"\"printf\":[{\"fmt\":\"%d %d\",\"args\":[{\"t\":\"int\",\"size\":1},{\"t\":\"int\",\"size\":8}]}],"
		"\"time\":[\"%H\"]}"), 0);
	ck_assert_int_eq(l.nprobes, 2);
	ck_assert_int_eq(l.probes[0].nbegin, 1);
	ck_assert_int_eq(l.probes[0].nend, 0);
	ck_assert_int_eq(l.probes[1].nbegin + l.probes[1].nend, 0);
	ck_assert_int_eq(l.probes[0].loc.start, 3);
	ck_assert_int_eq(bundle_count_attach(&l), 3);
	ck_assert_int_eq(l.nmaps, 1);
	ck_assert_ptr_null(l.maps[0].key);
	ck_assert_int_eq(l.maps[0].val->kind, TY_COUNT);
	/* printf args laid out as a C struct: int8 at 0, int64 at 8 */
	ck_assert_int_eq(l.printf_args[0]->fields[1].offset, 8);
	ck_assert_int_eq(l.printf_args[0]->size, 16);
	ck_assert_int_eq(l.ntime, 1);
	ck_assert_str_eq(l.ringbuf_name, "bt_ringbuf");
	ck_assert_str_eq(attach_describe(a, l.probes[1].attach->items[1]), "tracepoint:a:c");
}
END_TEST

START_TEST(bundle_bad)
{
	struct load l;

	ck_assert_int_eq(read_bundle(&l, HDR "[]"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"probes\":[]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":\"text\",\"probes\":[]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":7}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},"
				     "\"probes\":[{\"prog\":\"p\",\"attach\":[{}]}]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"maps\":[{\"name\":\"@x\",\"elf\":\"m\",\"val\":{\"t\":\"what\"}}]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"printf\":[{\"fmt\":\"\",\"args\":[7]}]}"), -EBADMSG);
}
END_TEST

START_TEST(emit_holds_then_batches)
{
	struct load l = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct val *ev;

	emit_open(&l, f, true);
	emit_hold(&l);
	ev = emit_event(&l, "printf");
	val_set_int(l.ev, ev, "id", 0);
	emit_put(&l, ev);
	emit_flush(&l);   /* held: nothing written, nothing freed */
	fflush(f);
	ck_assert_int_eq(len, 0);
	emit_release(&l, emit_event(&l, "attached"));
	emit_flush(&l);
	fflush(f);
	ck_assert_str_eq(buf, "{\"e\":\"attached\"}\n{\"e\":\"printf\",\"id\":0}\n");
	emit_close(&l);
	fclose(f);
	free(buf);
}
END_TEST

START_TEST(features_without_kernel)
{
	struct val *ap = val_map(a);
	int *cpus = NULL, n = 0;
	const char *why;

	val_set_str(a, ap, "provider", "begin");
	ck_assert_ptr_null(features_missing(a, ap));
	val_set_str(a, ap, "provider", "nosuchprovider");
	why = features_missing(a, ap);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why, "bt-load cannot attach 'nosuchprovider' probes");
	val_set_str(a, ap, "provider", "kprobe");
	why = features_missing(a, ap);
	if (why)
		ck_assert_str_eq(why, "kprobes are not supported by this kernel "
				 "(no /sys/bus/event_source/devices/kprobe)");
	ck_assert_int_eq(cpus_online(&cpus, &n), 0);
	ck_assert_int_ge(n, 1);
	ck_assert_int_ge(cpus[0], 0);
	free(cpus);
}
END_TEST

START_TEST(verifier_reasons)
{
	const char *log = "0: R1=ctx()\n7: (79) r0 = *(u64 *)(r0 +0)\n"
			  "R0 invalid mem access 'map_value_or_null'\nprocessed 7 insns\n";
	const char *loop = "invalid read from stack off -8\n"
			   "back-edge from insn 12 to 4\n";

	ck_assert_str_eq(verifier_explain(log, strlen(log)),
			 "a map value is used without checking that the lookup found it");
	/* the last known failure in the log wins */
	ck_assert_str_eq(verifier_explain(loop, strlen(loop)),
			 "the verifier cannot prove that a loop ends");
	ck_assert_ptr_null(verifier_explain("all good\n", 9));
}
END_TEST

START_TEST(verifier_lines)
{
	const char *log = "0: R1=ctx()\n"
			  "; begin { @x = 1; @ deep.bt:1\n"
			  "4: (b7) r1 = 1\n"
			  "; printf(\"a @ b:9\"); @ /tmp/bt-gen.X/stdin:12\n"
			  "9: (85) call bpf_loop#181\n"
			  "the call stack of 9 frames is too deep\n";

	/* the last note wins; an " @ " inside the source text is not it */
	ck_assert_uint_eq(verifier_line(log, strlen(log)), 12);
	ck_assert_uint_eq(verifier_line("no notes\n", 9), 0);
	ck_assert_uint_eq(verifier_line("; x @ f:\n", 9), 0);
}
END_TEST

/* the unwind tables of this very process (dw_ustack's, bt-load/dwunwind.c) */
extern char _start[];

__attribute__((noinline)) static int dw_probe_fn(int x)
{
	return x * 3 + 1;
}

/* the row at pc in pid's tables, NULL when no mapping holds pc */
static const struct dw_row *dw_row_at(const struct dw_tables *t,
				      const struct dw_proc *p, uint64_t pc)
{
	uint64_t i;

	for (i = 0; i < p->n; i++)
		if (pc >= p->m[i].start && pc < p->m[i].end)
			return dwunwind_find(t, p->m[i].lo, p->m[i].hi,
					     pc - p->m[i].bias);
	return NULL;
}

START_TEST(dwunwind_own_tables)
{
	struct dw_tables t = { 0 };
	const struct dw_proc *p;
	const struct dw_row *r;
	uint64_t i;

	ck_assert_int_eq(dw_probe_fn(2), 7);
	ck_assert_int_eq(dwunwind_add_pid(&t, getpid()), 0);
	ck_assert_uint_eq(t.npids, 1);
	p = &t.pids[0].proc;
	/* this program and libc at least, each with rows */
	ck_assert_uint_ge(p->n, 2);
	for (i = 0; i < p->n; i++) {
		ck_assert_uint_lt(p->m[i].lo, p->m[i].hi);
		ck_assert_uint_le(p->m[i].hi, t.nrows);
		if (i)
			ck_assert_uint_gt(p->m[i].start, p->m[i - 1].start);
	}
	/* rows of one file rise */
	for (i = p->m[0].lo + 1; i < p->m[0].hi; i++)
		ck_assert_uint_gt(t.rows[i].pc, t.rows[i - 1].pc);
	/* at a function's first instruction the CFA is rsp + 8 */
	r = dw_row_at(&t, p, (uint64_t)(uintptr_t)dw_probe_fn);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->cfa_kind, DW_CFA_RSP);
	ck_assert_int_eq(r->cfa_off, 8);
	ck_assert_int_eq(r->rbp_kind, DW_RBP_SAME);
	/* the same in a library */
	r = dw_row_at(&t, p, (uint64_t)(uintptr_t)getpid);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->cfa_kind, DW_CFA_RSP);
	ck_assert_int_eq(r->cfa_off, 8);
	/* _start's return address is undefined: the outermost frame */
	r = dw_row_at(&t, p, (uint64_t)(uintptr_t)_start);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->cfa_kind, DW_CFA_OUTERMOST);
	/* ld's lazy PLT (16-byte entries) has the CFA expression of the
	 * PLT rule, recognised with its threshold */
	{
		uint64_t nplt = 0;

		for (i = p->m[0].lo; i < p->m[0].hi; i++)
			if (t.rows[i].cfa_kind == DW_CFA_PLT) {
				ck_assert_uint_ge(t.rows[i].plt_threshold, 10);
				ck_assert_uint_le(t.rows[i].plt_threshold, 11);
				nplt++;
			}
		ck_assert_uint_ge(nplt, 1);
	}
	/* below a file's first row there is none */
	ck_assert_ptr_null(dwunwind_find(&t, p->m[0].lo, p->m[0].hi,
					 t.rows[p->m[0].lo].pc - 1));
	/* a second process mapping the same files shares their rows */
	ck_assert_int_eq(dwunwind_add_pid(&t, getpid()), 0);
	ck_assert_uint_eq(t.npids, 2);
	ck_assert_uint_eq(t.pids[1].proc.n, t.pids[0].proc.n);
	ck_assert_uint_eq(t.pids[1].proc.m[0].lo, t.pids[0].proc.m[0].lo);
	ck_assert_int_eq(dwunwind_add_pid(&t, 0x7ffffff0), -ENOENT);
	dwunwind_free(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("load");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, decode_ints);
	tcase_add_test(tc, decode_strings);
	tcase_add_test(tc, decode_compound);
	tcase_add_test(tc, decode_aggregations);
	tcase_add_test(tc, decode_special);
	tcase_add_test(tc, decode_cgroup_path);
	tcase_add_test(tc, bundle_good);
	tcase_add_test(tc, bundle_bad);
	tcase_add_test(tc, emit_holds_then_batches);
	tcase_add_test(tc, features_without_kernel);
	tcase_add_test(tc, verifier_reasons);
	tcase_add_test(tc, verifier_lines);
	tcase_add_test(tc, dwunwind_own_tables);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
