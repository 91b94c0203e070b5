/*
 * test_load.c - unit tests of bt-load's parts that need no kernel:
 * decoding BPF bytes into event VALUEs (decode.c), reading the bundle
 * (bundle.c), the events stream's holding and batching (emit.c), attach
 * point names and feature checks that need no kernel (attach.c,
 * features.c), the pcap writer (pcap.c), skboutput's samples turned
 * into pcap records (skboutput.c), which probes can go through a multi
 * link and how their attach points are grouped into links (multi.c).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bt-load/load.h"
#include "multilink.h"
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

/* an attach point: provider, target (or NULL), func (or NULL) */
static struct val *ap_new(const char *prov, const char *target,
			  const char *func)
{
	struct val *ap = val_map(a);

	val_set_str(a, ap, "provider", prov);
	if (target)
		val_set_str(a, ap, "target", target);
	if (func)
		val_set_str(a, ap, "func", func);
	return ap;
}

static struct val *aps(int n, ...)
{
	struct val *arr = val_arr(a);
	va_list va;
	int i;

	va_start(va, n);
	for (i = 0; i < n; i++)
		val_push(a, arr, va_arg(va, struct val *));
	va_end(va);
	return arr;
}

START_TEST(multi_kinds)
{
	struct val *off = ap_new("kprobe", NULL, "vfs_write");

	val_set_int(a, off, "offset", 4);
	/* two or more uprobes, uretprobes or usdt of any binaries */
	ck_assert_int_eq(multi_kind(aps(2, ap_new("uprobe", "/bin/a", "f"),
					ap_new("uretprobe", "/bin/b", "g"))),
			 MULTI_UPROBE);
	ck_assert_int_eq(multi_kind(aps(3, ap_new("usdt", "/bin/a", "p"),
					ap_new("usdt", "/bin/a", "q"),
					ap_new("begin", NULL, NULL))),
			 MULTI_UPROBE);
	/* one is no wildcard: a single link */
	ck_assert_int_eq(multi_kind(aps(2, ap_new("uprobe", "/bin/a", "f"),
					ap_new("end", NULL, NULL))),
			 MULTI_NONE);
	ck_assert_int_eq(multi_kind(aps(2, ap_new("kprobe", NULL, "vfs_read"),
					ap_new("kretprobe", NULL, "vfs_write"))),
			 MULTI_KPROBE);
	/* kprobe_multi has no function offsets */
	ck_assert_int_eq(multi_kind(aps(2, ap_new("kprobe", NULL, "vfs_read"),
					off)),
			 MULTI_NONE);
	/* one program cannot be both, nor a tracepoint */
	ck_assert_int_eq(multi_kind(aps(2, ap_new("kprobe", NULL, "vfs_read"),
					ap_new("uprobe", "/bin/a", "f"))),
			 MULTI_NONE);
	ck_assert_int_eq(multi_kind(aps(2, ap_new("tracepoint", "sched", "a"),
					ap_new("tracepoint", "sched", "b"))),
			 MULTI_NONE);
	ck_assert_int_eq(multi_kind(val_arr(a)), MULTI_NONE);
}
END_TEST

START_TEST(multi_groups_uprobes)
{
	struct val *pid7 = ap_new("uprobe", "/bin/a", "h");
	struct val *arr;
	struct multi_group *g;
	int n;

	val_set_int(a, pid7, "pid", 7);
	arr = aps(7, ap_new("begin", NULL, NULL),
		  ap_new("uprobe", "/bin/a", "f"),
		  ap_new("uprobe", "/bin/b", "f"),
		  ap_new("uretprobe", "/bin/a", "g"),
		  ap_new("uprobe", "/bin/a", "g"),
		  pid7,
		  ap_new("usdt", "/bin/b", "p"));
	/* by binary, pid and entry/return, in order of first appearance;
	 * the cookie is the attach point's index in the probe */
	n = multi_group(a, arr, MULTI_UPROBE, -1, &g);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(g[0].path, "/bin/a");
	ck_assert(!g[0].retprobe);
	ck_assert_int_eq(g[0].pid, -1);
	ck_assert_int_eq(g[0].n, 2);
	ck_assert_int_eq(g[0].ap[0], 1);
	ck_assert_int_eq(g[0].ap[1], 4);
	ck_assert_uint_eq(g[0].cookies[0], 1);
	ck_assert_uint_eq(g[0].cookies[1], 4);
	ck_assert_str_eq(g[1].path, "/bin/b");
	ck_assert_int_eq(g[1].n, 2);
	ck_assert_int_eq(g[1].ap[1], 6);
	ck_assert_str_eq(g[2].path, "/bin/a");
	ck_assert(g[2].retprobe);
	ck_assert_int_eq(g[2].n, 1);
	ck_assert_int_eq(g[3].pid, 7);
	ck_assert_int_eq(g[3].ap[0], 5);
	ck_assert_uint_eq(g[3].cookies[0], 5);
	/* -p 42: every attach point without its own pid traces 42 */
	n = multi_group(a, arr, MULTI_UPROBE, 42, &g);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(g[0].pid, 42);
	ck_assert_int_eq(g[3].pid, 7);
	ck_assert_int_eq(multi_group(a, val_arr(a), MULTI_UPROBE, -1, &g), 0);
}
END_TEST

START_TEST(multi_groups_kprobes)
{
	struct val *arr = aps(4, ap_new("kprobe", NULL, "vfs_read"),
			      ap_new("kretprobe", NULL, "vfs_read"),
			      ap_new("kprobe", NULL, "vfs_write"),
			      ap_new("end", NULL, NULL));
	struct multi_group *g;
	int n = multi_group(a, arr, MULTI_KPROBE, 42, &g);

	/* entries and returns: two links; syms and cookies side by side
	 * as bpf_kprobe_multi_opts takes them */
	ck_assert_int_eq(n, 2);
	ck_assert_ptr_null(g[0].path);
	ck_assert(!g[0].retprobe);
	ck_assert_int_eq(g[0].n, 2);
	ck_assert_str_eq(g[0].syms[0], "vfs_read");
	ck_assert_str_eq(g[0].syms[1], "vfs_write");
	ck_assert_uint_eq(g[0].cookies[0], 0);
	ck_assert_uint_eq(g[0].cookies[1], 2);
	ck_assert(g[1].retprobe);
	ck_assert_int_eq(g[1].n, 1);
	ck_assert_str_eq(g[1].syms[0], "vfs_read");
	ck_assert_uint_eq(g[1].cookies[0], 1);
}
END_TEST

START_TEST(multilink_bad_arguments)
{
	uint64_t off = 0;
	struct multilink_uprobe u = { .path = "/bin/true", .offsets = &off };

	/* refused before any system call */
	ck_assert_int_eq(multilink_uprobe_create(3, &u), -EINVAL);   /* cnt 0 */
	u.cnt = 1;
	ck_assert_int_eq(multilink_uprobe_create(-1, &u), -EINVAL);
	u.pid = -5;
	ck_assert_int_eq(multilink_uprobe_create(3, &u), -EINVAL);
	u.pid = 0;
	u.path = NULL;
	ck_assert_int_eq(multilink_uprobe_create(3, &u), -EINVAL);
}
END_TEST

START_TEST(verifier_reasons)
{
	const char *log = "0: R1=ctx()\n7: (79) r0 = *(u64 *)(r0 +0)\n"
			  "R0 invalid mem access 'map_value_or_null'\nprocessed 7 insns\n";
	const char *loop = "invalid read from stack off -8\n"
			   "back-edge from insn 12 to 4\n";
	const char *skb = "40: (85) call bpf_skb_output#111\n"
			  "R1 type=scalar expected=ptr_, trusted_ptr_, rcu_ptr_\n";

	ck_assert_str_eq(verifier_explain(log, strlen(log)),
			 "a map value is used without checking that the lookup found it");
	/* the last known failure in the log wins */
	ck_assert_str_eq(verifier_explain(loop, strlen(loop)),
			 "the verifier cannot prove that a loop ends");
	ck_assert_ptr_nonnull(strstr(verifier_explain(skb, strlen(skb)),
				     "skboutput()'s skb"));
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

/* the whole content of path, in the arena; *n its length */
static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	unsigned char *buf = arena_alloc(a, 1 << 18);

	ck_assert_ptr_nonnull(f);
	*n = fread(buf, 1, 1 << 18, f);
	fclose(f);
	return buf;
}

static uint32_t u32_at(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

START_TEST(pcap_layout)
{
	char path[] = "/tmp/bt-test-pcap-XXXXXX";
	int fd = mkstemp(path);
	static const unsigned char ip[] = { 0x45, 0, 0, 20, 1, 2, 3, 4 };
	static unsigned char big[70000];
	struct pcap_file *p;
	unsigned char *d;
	size_t n;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(pcap_open(&p, path), 0);
	/* 1700000000.123456789 s: microseconds, the nanoseconds cut off */
	ck_assert_int_eq(pcap_write(p, 1700000000123456789ull, ip, sizeof(ip)), 0);
	ck_assert_int_eq(pcap_write(p, 5ull * 1000000000 + 999, big, sizeof(big)), 0);
	ck_assert_int_eq(pcap_close(p), 0);
	d = slurp(path, &n);
	unlink(path);
	ck_assert_uint_eq(n, 24 + 16 + sizeof(ip) + 16 + 65535);
	/* the file header: upstream's (libpcap, DLT_RAW, snaplen 65535) */
	ck_assert_uint_eq(u32_at(d), 0xa1b2c3d4);
	ck_assert_uint_eq(d[4] | d[5] << 8, 2);
	ck_assert_uint_eq(d[6] | d[7] << 8, 4);
	ck_assert_uint_eq(u32_at(d + 8), 0);
	ck_assert_uint_eq(u32_at(d + 12), 0);
	ck_assert_uint_eq(u32_at(d + 16), 65535);
	ck_assert_uint_eq(u32_at(d + 20), 101);
	/* packet 1: seconds, microseconds, captured and whole length */
	ck_assert_uint_eq(u32_at(d + 24), 1700000000);
	ck_assert_uint_eq(u32_at(d + 28), 123456);
	ck_assert_uint_eq(u32_at(d + 32), sizeof(ip));
	ck_assert_uint_eq(u32_at(d + 36), sizeof(ip));
	ck_assert_mem_eq(d + 40, ip, sizeof(ip));
	/* packet 2: longer than the snapshot length: cut, its length kept */
	d += 40 + sizeof(ip);
	ck_assert_uint_eq(u32_at(d), 5);
	ck_assert_uint_eq(u32_at(d + 4), 0);
	ck_assert_uint_eq(u32_at(d + 8), 65535);
	ck_assert_uint_eq(u32_at(d + 12), 70000);
}
END_TEST

START_TEST(pcap_errors)
{
	struct pcap_file *p = (struct pcap_file *)1;

	ck_assert_int_eq(pcap_open(&p, "/nonexistent-dir/x.pcap"), -ENOENT);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(pcap_close(NULL), 0);
	/* the header is written at once: a full disk fails the open */
	ck_assert_int_eq(pcap_open(&p, "/dev/full"), -ENOSPC);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(pcap_write_error_sticks)
{
	char path[] = "/tmp/bt-test-pcap-XXXXXX";
	int fd = mkstemp(path), st = -1;
	pid_t pid;

	/*
	 * A file that may not grow past 100 bytes: the header fits, the
	 * second packet does not, and the error sticks from then on.  The
	 * limit is set in a child of its own (it would stop libcheck from
	 * writing its results too); the child's exit status is the first
	 * expectation that failed.
	 */
	ck_assert_int_ge(fd, 0);
	close(fd);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		static const unsigned char pkt[64];
		struct rlimit lim = { 100, 100 };
		struct pcap_file *p;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim))
			_exit(10);
		if (pcap_open(&p, path))
			_exit(11);
		if (pcap_write(p, 0, pkt, sizeof(pkt)))
			_exit(12);
		if (pcap_flush(p) != -EFBIG)
			_exit(13);
		if (pcap_write(p, 0, pkt, sizeof(pkt)) != -EFBIG)
			_exit(14);
		if (pcap_flush(p) != -EFBIG)
			_exit(15);
		_exit(pcap_close(p) == -EFBIG ? 0 : 16);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	unlink(path);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* a perf-buffer sample as bpf_skb_output() makes it: the record, len
 * packet bytes, then pad bytes of padding */
static size_t skb_sample_of(unsigned char *buf, uint32_t id, uint64_t ns,
			    const char *pkt, uint64_t len, size_t pad)
{
	struct record_skb h = { { REC_SKB_OUTPUT, id }, ns, len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), pkt, len);
	memset(buf + sizeof(h) + len, 0xee, pad);
	return sizeof(h) + len + pad;
}

START_TEST(skboutput_samples)
{
	char dir[] = "/tmp/bt-test-skb-XXXXXX", *one, *two;
	unsigned char buf[256], *d;
	char *out = NULL;
	size_t n, outlen = 0;
	FILE *evf = open_memstream(&out, &outlen);
	struct load l;
	uint64_t boot = 1000000000ull * 7 + 5000;
	int64_t wall;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	one = arena_printf(a, "%s/one.pcap", dir);
	two = arena_printf(a, "%s/two.pcap", dir);
	/* two calls write one.pcap (offsets 0 and 14), a third two.pcap */
	ck_assert_int_eq(read_bundle(&l, arena_printf(a, HDR
		"{\"elf\":{\"$bin\":\"7f454c46\"},\"probes\":[],"
		"\"skboutput\":[{\"file\":\"%s\",\"offset\":0,\"loc\":[1,2]},"
		"{\"file\":\"%s\",\"offset\":14,\"loc\":[3,4]},"
		"{\"file\":\"%s\",\"offset\":2}],\"perfbuf\":\"bt_skb\"}",
		one, two, one)), 0);
	ck_assert_int_eq(l.nskb, 3);
	ck_assert_int_eq(l.npcaps, 2);
	ck_assert_str_eq(l.perfbuf_name, "bt_skb");
	emit_open(&l, evf, true);
	ck_assert_int_eq(skboutput_create_files(&l), 0);

	/* the padding the kernel adds is not part of the packet */
	skboutput_sample(&l, buf, skb_sample_of(buf, 0, boot, "IPv4hdr", 7, 5));
	/* offset 14 drops an Ethernet header */
	skboutput_sample(&l, buf, skb_sample_of(buf, 1, boot,
			 "ethernet-hdr..IP", 16, 0));
	/* a packet no longer than its offset is not written (upstream) */
	skboutput_sample(&l, buf, skb_sample_of(buf, 1, boot, "short", 5, 3));
	/* offset 2 into one.pcap */
	skboutput_sample(&l, buf, skb_sample_of(buf, 2, boot, "xxAB", 4, 4));
	/* broken samples are errors, never crashes */
	skboutput_sample(&l, buf, 12);
	skboutput_sample(&l, buf, skb_sample_of(buf, 9, boot, "x", 1, 7));
	/* after exit(), samples are ignored */
	l.exiting = true;
	skboutput_sample(&l, buf, skb_sample_of(buf, 0, boot, "late", 4, 4));
	skboutput_flush(&l);
	emit_flush(&l);
	fflush(evf);
	ck_assert_ptr_nonnull(strstr(out, "skboutput sample of 12 bytes is too short"));
	ck_assert_ptr_nonnull(strstr(out, "unknown skboutput sample (action 15, id 9)"));
	skboutput_close(&l);
	emit_close(&l);
	fclose(evf);
	free(out);

	d = slurp(one, &n);
	ck_assert_uint_eq(n, 24 + 16 + 7 + 16 + 2);
	wall = (int64_t)boot + decode_clock_offset("boot");
	/* wall-clock seconds: boot time plus the event's boot-clock ns */
	ck_assert_uint_eq(u32_at(d + 24), (uint32_t)(wall / 1000000000));
	ck_assert_uint_eq(u32_at(d + 28), (uint32_t)(wall % 1000000000 / 1000));
	ck_assert_uint_eq(u32_at(d + 32), 7);
	ck_assert_mem_eq(d + 40, "IPv4hdr", 7);
	ck_assert_uint_eq(u32_at(d + 47 + 8), 2);
	ck_assert_mem_eq(d + 47 + 16, "AB", 2);
	d = slurp(two, &n);
	ck_assert_uint_eq(n, 24 + 16 + 2);
	ck_assert_mem_eq(d + 40, "IP", 2);
	unlink(one);
	unlink(two);
	rmdir(dir);
}
END_TEST

START_TEST(skboutput_bundle_bad)
{
	struct load l;

	/* a table without the perf buffer's name, and the reverse */
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"skboutput\":[{\"file\":\"x\",\"offset\":0}]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"perfbuf\":\"bt_skb\"}"), -EBADMSG);
	/* rows without a file or with a negative offset */
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"perfbuf\":\"p\",\"skboutput\":[{\"offset\":0}]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"perfbuf\":\"p\",\"skboutput\":[{\"file\":\"x\",\"offset\":-1}]}"), -EBADMSG);
	ck_assert_int_eq(read_bundle(&l, HDR "{\"elf\":{\"$bin\":\"00\"},\"probes\":[],"
				     "\"perfbuf\":\"p\",\"skboutput\":{}}"), -EBADMSG);
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
	tcase_add_test(tc, multi_kinds);
	tcase_add_test(tc, multi_groups_uprobes);
	tcase_add_test(tc, multi_groups_kprobes);
	tcase_add_test(tc, multilink_bad_arguments);
	tcase_add_test(tc, verifier_reasons);
	tcase_add_test(tc, verifier_lines);
	tcase_add_test(tc, pcap_layout);
	tcase_add_test(tc, pcap_errors);
	tcase_add_test(tc, pcap_write_error_sticks);
	tcase_add_test(tc, skboutput_samples);
	tcase_add_test(tc, skboutput_bundle_bad);
	tcase_add_test(tc, dwunwind_own_tables);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
