/*
 * test_gen.c - what bt-gen's code computes, checked in the kernel: the
 * fixture tests/cli/data/gen/semantics.json (a BEGIN probe) is compiled
 * by build/bin/bt-gen, loaded with libbpf, run once with
 * BPF_PROG_TEST_RUN, and its maps are read back: signed division,
 * shifts, hist/lhist bucket indices (upstream bpftrace's), zero-padded
 * tuple keys, string comparison, ++/+=, count and max, the string and
 * map builtins, and `for` loops (callbacks).  Two more fixtures run the
 * same way: mapfull.json (a failed update writes a HELPER_ERROR record)
 * and core.json (compiled against the made-up kernel of core_kernel.c,
 * its members are found through CO-RE relocations on this one).
 *
 * Needs root and BPF; otherwise every test is skipped (passes with a
 * note).  Run from the top of the tree (make unit does).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>


/* bt_scratch has an entry per CPU, as bt-load sizes it (object.c) */
static void size_scratch(struct bpf_object *o)
{
	struct bpf_map *m = bpf_object__find_map_by_name(o, "bt_scratch");

	if (m && libbpf_num_possible_cpus() > 0)
		bpf_map__set_max_entries(m, (__u32)libbpf_num_possible_cpus());
}
static struct bpf_object *obj;
static bool have_bpf;

static int quiet(enum libbpf_print_level l, const char *f, va_list ap)
{
	return 0;
}

static void load_semantics(void)
{
	char path[] = "/tmp/test_gen_XXXXXX";
	char cmd[512];
	struct bpf_program *prog;
	int fd;

	if (geteuid() != 0)
		return;
	fd = mkstemp(path);
	if (fd < 0)
		return;
	close(fd);
	snprintf(cmd, sizeof(cmd), "build/bin/bt-gen --emit-obj %s -o /dev/null "
		 "tests/cli/data/gen/semantics.json", path);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_gen: %s failed\n", cmd);
		exit(EXIT_FAILURE);
	}
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(path, NULL);
	unlink(path);
	if (!obj) {
		fprintf(stderr, "test_gen: libbpf cannot open bt-gen's object\n");
		exit(EXIT_FAILURE);
	}
	size_scratch(obj);
	if (bpf_object__load(obj)) {
		/* no BPF here: skip, but an object bpftool loads must load */
		bpf_object__close(obj);
		obj = NULL;
		return;
	}
	prog = bpf_object__find_program_by_name(obj, "begin_0");
	if (prog) {
		LIBBPF_OPTS(bpf_test_run_opts, opts);

		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
			fprintf(stderr, "test_gen: test run failed: %s\n",
				strerror(errno));
			exit(EXIT_FAILURE);
		}
	} else {
		fprintf(stderr, "test_gen: no program 'begin_0'\n");
		exit(EXIT_FAILURE);
	}
	have_bpf = true;
}

static int map_fd_of(struct bpf_object *o, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(o, name);

	ck_assert_msg(m != NULL, "no map %s", name);
	return bpf_map__fd(m);
}

static int map_fd(const char *name)
{
	return map_fd_of(obj, name);
}

static size_t value_size(const char *name)
{
	return bpf_map__value_size(bpf_object__find_map_by_name(obj, name));
}

/* a scalar map's value (key u64 0), sign-extended from its size */
static int64_t read_scalar(const char *name)
{
	uint64_t key = 0;
	unsigned char v[64] = { 0 };
	size_t sz = value_size(name);
	int64_t x = 0;

	ck_assert_msg(bpf_map_lookup_elem(map_fd(name), &key, v) == 0,
		      "%s: no element", name);
	memcpy(&x, v, sz < 8 ? sz : 8);
	if (sz < 8 && (v[sz - 1] & 0x80))
		x |= (int64_t)(~0ull << (sz * 8));
	return x;
}

/* the sum over CPUs of a per-CPU u64 at key */
static uint64_t read_percpu(const char *name, const void *key)
{
	int n = libbpf_num_possible_cpus(), i;
	uint64_t *vals = calloc((size_t)n, 16), sum = 0;
	size_t stride = (value_size(name) + 7) / 8;

	if (bpf_map_lookup_elem(map_fd(name), key, vals)) {
		free(vals);
		return UINT64_MAX;
	}
	for (i = 0; i < n; i++)
		sum += vals[i * stride];
	free(vals);
	return sum;
}

/*
 * Compile fixture (with the environment assignments env, may be ""),
 * load it and run begin_0 once; NULL when there is no BPF here.  The
 * object's ring buffer is handed to on_record when rb is not NULL.
 */
static struct bpf_object *run_fixture(const char *fixture, const char *env,
				      ring_buffer_sample_fn on_record,
				      void *ctx)
{
	char path[] = "/tmp/test_gen_XXXXXX";
	char cmd[1024];
	struct bpf_object *o;
	struct bpf_program *prog;
	struct ring_buffer *rb = NULL;
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd;

	if (!have_bpf)
		return NULL;
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s build/bin/bt-gen --emit-obj %s -o "
		 "/dev/null tests/cli/data/gen/%s", env, path, fixture);
	ck_assert_msg(system(cmd) == 0, "%s failed", cmd);
	o = bpf_object__open_file(path, NULL);
	unlink(path);
	ck_assert_msg(o != NULL, "libbpf cannot open %s", fixture);
	size_scratch(o);
	ck_assert_msg(bpf_object__load(o) == 0, "%s does not load", fixture);
	prog = bpf_object__find_program_by_name(o, "begin_0");
	ck_assert_msg(prog != NULL, "no program 'begin_0'");
	if (on_record) {
		rb = ring_buffer__new(map_fd_of(o, "bt_ringbuf"), on_record,
				      ctx, NULL);
		ck_assert(rb != NULL);
	}
	ck_assert_int_eq(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts),
			 0);
	if (rb) {
		ring_buffer__consume(rb);
		ring_buffer__free(rb);
	}
	return o;
}

#define NEED_BPF()                                                 \
	do {                                                       \
		if (!have_bpf) {                                   \
			fprintf(stderr, "skipped: no BPF\n");      \
			return;                                    \
		}                                                  \
	} while (0)

START_TEST(signed_arithmetic)
{
	NEED_BPF();
	ck_assert_int_eq(read_scalar("AT_div"), -1);
	ck_assert_int_eq(read_scalar("AT_mod"), 2);
	ck_assert_int_eq(read_scalar("AT_sar"), -2);
	ck_assert_int_eq(read_scalar("AT_shr"), 0x7ffffffe);
	ck_assert_int_eq(read_scalar("AT_udiv"), 3);
	ck_assert_int_eq(read_scalar("AT_neg"), -5);
	ck_assert_int_eq(read_scalar("AT_tern"), 10);
	ck_assert_int_eq(read_scalar("AT_land"), 0);
}
END_TEST

START_TEST(increments)
{
	NEED_BPF();
	ck_assert_int_eq(read_scalar("AT_c"), 7);
}
END_TEST

START_TEST(hist_buckets)
{
	/* hist(-1) 0, hist(0) 1, hist(1) 2, hist(5) 4, hist(1000) 11 */
	static const uint64_t want[][2] = {
		{ 0, 1 }, { 1, 1 }, { 2, 1 }, { 3, 0 }, { 4, 1 }, { 10, 0 },
		{ 11, 1 },
	};
	uint64_t key[2] = { 0, 0 };
	size_t i;

	NEED_BPF();
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		key[1] = want[i][0];
		if (!want[i][1]) {
			ck_assert_uint_eq(read_percpu("AT_h", key), UINT64_MAX);
			continue;
		}
		ck_assert_uint_eq(read_percpu("AT_h", key), want[i][1]);
	}
	/* upstream's example: 225 with k = 2 is index 28 */
	key[1] = 28;
	ck_assert_uint_eq(read_percpu("AT_h2", key), 1);
}
END_TEST

START_TEST(lhist_buckets)
{
	uint64_t key[2] = { 0, 0 };

	NEED_BPF();
	key[1] = 0;     /* -5: below min */
	ck_assert_uint_eq(read_percpu("AT_l", key), 1);
	key[1] = 1;     /* 5: [0, 10) */
	ck_assert_uint_eq(read_percpu("AT_l", key), 1);
	key[1] = 11;    /* 100: at max */
	ck_assert_uint_eq(read_percpu("AT_l", key), 1);
}
END_TEST

START_TEST(tuple_key_is_zero_padded)
{
	unsigned char key[16] = { 0 }, v[8] = { 0 };
	int64_t two = 2;

	NEED_BPF();
	key[0] = 1;
	memcpy(key + 8, &two, 8);
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd("AT_t"), key, v), 0);
	ck_assert_int_eq(v[0], 7);
}
END_TEST

START_TEST(string_key_and_compare)
{
	char key[3] = "ab";
	unsigned char v[8] = { 0 };

	NEED_BPF();
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd("AT_s"), key, v), 0);
	ck_assert_int_eq(v[0], 3);
	ck_assert_int_eq(read_scalar("AT_streq"), 1);
	ck_assert_int_eq(read_scalar("AT_strne"), 0);
}
END_TEST

START_TEST(aggregations)
{
	uint64_t key = 0;
	int n = libbpf_num_possible_cpus(), i, set = 0;
	int64_t (*vals)[2] = calloc((size_t)n, 16), best = 0;

	NEED_BPF();
	ck_assert_uint_eq(read_percpu("AT_cnt", &key), 3);
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd("AT_mx"), &key, vals), 0);
	for (i = 0; i < n; i++)
		if (vals[i][1]) {
			set++;
			best = vals[i][0];
		}
	ck_assert_int_eq(set, 1);
	ck_assert_int_eq(best, -5);
	free(vals);
}
END_TEST

START_TEST(string_builtins)
{
	NEED_BPF();
	ck_assert_int_eq(read_scalar("AT_sc1"), 1);
	ck_assert_int_eq(read_scalar("AT_sc0"), 0);
	ck_assert_int_eq(read_scalar("AT_sn"), 0);
	ck_assert_int_ne(read_scalar("AT_sn4"), 0);
	ck_assert_int_eq(read_scalar("AT_sl"), 2);
	ck_assert_int_eq(read_scalar("AT_ix"), 'e');
	ck_assert_int_eq(read_scalar("AT_ixv"), 'o');
}
END_TEST

START_TEST(map_builtins)
{
	NEED_BPF();
	ck_assert_int_eq(read_scalar("AT_hk"), 1);
	ck_assert_int_eq(read_scalar("AT_hk0"), 0);
	ck_assert_int_eq(read_scalar("AT_len"), 1);
	ck_assert_int_eq(read_scalar("AT_bs"), 0x44332211);
}
END_TEST

START_TEST(for_loops)
{
	NEED_BPF();
	/* for ($i : 1..5) { $sum += $i } and a for over @t's one element */
	ck_assert_int_eq(read_scalar("AT_fsum"), 10);
	ck_assert_int_eq(read_scalar("AT_fkv"), 7);
}
END_TEST

START_TEST(pointers_zero_division_records)
{
	NEED_BPF();
	/* (int32 *)0x32, ++ and += 2 step by 4 bytes */
	ck_assert_int_eq(read_scalar("AT_p"), 0x32 + 3 * 4);
	/* x / 0 and x % 0 are 1, as upstream */
	ck_assert_int_eq(read_scalar("AT_dz"), 1);
	ck_assert_int_eq(read_scalar("AT_sdz"), 1);
	/* records convert by field name, not position */
	ck_assert_int_eq(read_scalar("AT_rf"), 4);
	ck_assert_int_eq(read_scalar("AT_ifx"), 2);
}
END_TEST

struct helper_error {
	uint32_t action, id;
	int64_t retcode;
};

static int save_record(void *ctx, void *data, size_t size)
{
	struct helper_error *recs = ctx;
	int i;

	for (i = 0; i < 8 && recs[i].action; i++)
		;
	if (i < 8 && size >= sizeof(recs[i]))
		memcpy(&recs[i], data, sizeof(recs[i]));
	return 0;
}

START_TEST(full_map_reports_helper_error)
{
	struct helper_error recs[8] = { { 0 } };
	struct bpf_object *o;
	uint64_t key = 1, v = 0;

	NEED_BPF();
	/* let @a = hash(1); begin { @a[1] = 1; @a[2] = 2; @a[1] = 3; } */
	o = run_fixture("mapfull.json", "", save_record, recs);
	/* only the second update fails: -E2BIG, id = its helper_errors row */
	ck_assert_uint_eq(recs[0].action, 8);
	ck_assert_uint_eq(recs[0].id, 1);
	ck_assert_int_eq(recs[0].retcode, -E2BIG);
	ck_assert_uint_eq(recs[1].action, 0);
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd_of(o, "AT_a"), &key, &v),
			 0);
	ck_assert_uint_eq(v, 3);
	bpf_object__close(o);
}
END_TEST

START_TEST(core_relocated_members)
{
	char env[256], comm[16] = { 0 }, got[16] = { 0 };
	struct bpf_object *o;
	uint64_t key = 0;
	int64_t v = 0;
	FILE *f;

	NEED_BPF();
	/* tests/cli/data/gen/core_kernel.c: a task_struct with made-up
	 * offsets; core.json was compiled against it by bt-check */
	if (system("clang-19 -target bpf -g -O2 -c "
		   "tests/cli/data/gen/core_kernel.c -o /tmp/test_gen_core.o "
		   "2>/dev/null") != 0) {
		fprintf(stderr, "skipped: no clang-19\n");
		return;
	}
	snprintf(env, sizeof(env), "BPFTRACE_BTF=/tmp/test_gen_core.o");
	o = run_fixture("core.json", env, NULL, NULL);
	unlink("/tmp/test_gen_core.o");
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd_of(o, "AT_tgid"), &key, &v),
			 0);
	ck_assert_int_eq(v, getpid());
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd_of(o, "AT_ptgid"), &key,
					     &v), 0);
	ck_assert_int_eq(v, getppid());
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd_of(o, "AT_ex"), &key, &v),
			 0);
	ck_assert_int_eq(v & 1, 0);
	ck_assert_int_eq(bpf_map_lookup_elem(map_fd_of(o, "AT_comm"), &key,
					     got), 0);
	f = fopen("/proc/self/comm", "r");
	ck_assert(f != NULL);
	ck_assert(fgets(comm, sizeof(comm), f) != NULL);
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	ck_assert_str_eq(got, comm);
	bpf_object__close(o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gen");
	TCase *tc = tcase_create("semantics");
	SRunner *sr;
	int failed;

	load_semantics();
	tcase_add_test(tc, signed_arithmetic);
	tcase_add_test(tc, increments);
	tcase_add_test(tc, hist_buckets);
	tcase_add_test(tc, lhist_buckets);
	tcase_add_test(tc, tuple_key_is_zero_padded);
	tcase_add_test(tc, string_key_and_compare);
	tcase_add_test(tc, aggregations);
	tcase_add_test(tc, string_builtins);
	tcase_add_test(tc, map_builtins);
	tcase_add_test(tc, for_loops);
	tcase_add_test(tc, pointers_zero_division_records);
	tcase_add_test(tc, full_map_reports_helper_error);
	tcase_add_test(tc, core_relocated_members);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (obj)
		bpf_object__close(obj);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
