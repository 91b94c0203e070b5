/*
 * test_probes.c - unit tests of bt-probes' provider library: lookup by
 * name, tracepoint format parsing, timed attach points, software events,
 * suggestions, tracepoint argument lines, (when tracefs is available)
 * tracepoint expansion and listing, and (when `make testprogs` has run)
 * the DWARF reader on build/testprogs/uprobe_test and its stripped and
 * split-DWARF variants.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bt-probes/dwarfinfo.h"
#include "bt-probes/provider.h"
#include "tracefs.h"

static const char openat_format[] =
	"name: sys_enter_openat\n"
	"ID: 782\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:0;\n"
	"\tfield:char comm[16];\toffset:36;\tsize:16;\tsigned:0;\n"
	"\n"
	"print fmt: \"dfd: 0x%08lx\", ((unsigned long)(REC->dfd))\n";

static struct val *parts_of(struct arena *a, const char *p0, const char *p1)
{
	struct val *arr = val_arr(a);

	if (p0)
		val_push(a, arr, val_str(a, p0));
	if (p1)
		val_push(a, arr, val_str(a, p1));
	return arr;
}

/* parts of a bpf-variant attach point: "bpf", then up to two more */
static struct val *bpf_parts(struct arena *a, const char *p1, const char *p2)
{
	struct val *arr = parts_of(a, "bpf", p1);

	if (p2)
		val_push(a, arr, val_str(a, p2));
	return arr;
}

START_TEST(fentry_bpf_forms)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	const char *name;
	int64_t id;

	ck_assert(fentry_bpf_variant(bpf_parts(a, "x", NULL)));
	ck_assert(!fentry_bpf_variant(parts_of(a, "vmlinux", "vfs_read")));
	ck_assert(!fentry_bpf_variant(parts_of(a, "vfs_read", NULL)));

	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "prog_*", NULL), &id,
					  &name, &err), 0);
	ck_assert_int_eq(id, 0);
	ck_assert_str_eq(name, "prog_*");
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "42", "f"), &id, &name,
					  &err), 0);
	ck_assert_int_eq(id, 42);
	ck_assert_str_eq(name, "f");
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "*", "*"), &id, &name,
					  &err), 0);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "4294967295", "f"), &id,
					  &name, &err), 0);
	ck_assert_int_eq(id, 4294967295LL);

	/* `fentry:bpf` alone, bad ids, an empty name */
	ck_assert_int_eq(fentry_bpf_parse(parts_of(a, "bpf", NULL), &id, &name,
					  &err), -EINVAL);
	ck_assert_str_eq(err.msg, "the 'bpf' variant of this probe requires a bpf program name and optional bpf program id");
	ck_assert_int_eq(err.status, 1);
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "12x", "f"), &id, &name,
					  &err), -EINVAL);
	ck_assert_str_eq(err.msg, "bpf program id must be a number or '*'");
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "0", "f"), &id, &name,
					  &err), -EINVAL);
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "-3", "f"), &id, &name,
					  &err), -EINVAL);
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "4294967296", "f"), &id,
					  &name, &err), -EINVAL);
	ck_assert_int_eq(fentry_bpf_parse(bpf_parts(a, "", NULL), &id, &name,
					  &err), -EINVAL);
	ck_assert_str_eq(err.msg, "the 'bpf' variant of this probe requires a bpf program name");
	arena_free(a);
}
END_TEST

START_TEST(fentry_bpf_matching)
{
	static const struct fentry_bpf_func fns[] = {
		{ 7, "main_a", 1 }, { 7, "sub_x", 3 }, { 9, "main_a", 1 },
		{ 9, "other", 1 },
	};
	struct arena *a = arena_new();
	struct val *out = val_arr(a);

	/* by name: every program that has it */
	ck_assert_int_eq(fentry_bpf_match(a, &provider_fentry, fns, 4, 0,
					  "main_a", out), 2);
	ck_assert_str_eq(val_get_str(out->items[0], "name"), "fentry:bpf:7:main_a");
	ck_assert_str_eq(val_get_str(out->items[1], "name"), "fentry:bpf:9:main_a");
	ck_assert_str_eq(val_get_str(out->items[1], "provider"), "fentry");
	ck_assert_str_eq(val_get_str(out->items[1], "target"), "bpf");
	ck_assert_str_eq(val_get_str(out->items[1], "func"), "main_a");
	ck_assert_int_eq(val_get_int(out->items[1], "prog_id", 0), 9);
	ck_assert_int_eq(val_get_int(out->items[1], "nargs", 0), 1);
	/* by id: that program and its subprograms */
	out = val_arr(a);
	ck_assert_int_eq(fentry_bpf_match(a, &provider_fexit, fns, 4, 7, "*",
					  out), 2);
	ck_assert_str_eq(val_get_str(out->items[1], "name"), "fexit:bpf:7:sub_x");
	ck_assert_int_eq(val_get_int(out->items[1], "nargs", 0), 3);
	/* nothing */
	out = val_arr(a);
	ck_assert_int_eq(fentry_bpf_match(a, &provider_fentry, fns, 4, 9,
					  "sub_*", out), 0);
	ck_assert_int_eq(fentry_bpf_match(a, &provider_fentry, fns, 4, 8, "*",
					  out), 0);
	ck_assert_int_eq(out->n, 0);
	arena_free(a);
}
END_TEST

START_TEST(provider_names)
{
	ck_assert_ptr_eq(provider_find("tracepoint"), &provider_tracepoint);
	ck_assert_ptr_eq(provider_find("Tracepoint"), &provider_tracepoint);
	ck_assert_ptr_eq(provider_find("t"), &provider_tracepoint);
	ck_assert_ptr_eq(provider_find("BEGIN"), &provider_begin);
	ck_assert_ptr_eq(provider_find("end"), &provider_end);
	ck_assert_ptr_eq(provider_find("i"), &provider_interval);
	ck_assert_ptr_eq(provider_find("p"), &provider_profile);
	ck_assert_ptr_eq(provider_find("s"), &provider_software);
	/* short names match exactly */
	ck_assert_ptr_null(provider_find("T"));
	ck_assert_ptr_null(provider_find("nosuch"));
}
END_TEST

START_TEST(format_parse)
{
	struct arena *a = arena_new();
	struct type *t = tracepoint_parse_format(a, openat_format, true, false);

	ck_assert_str_eq(t->name, "args");
	ck_assert_int_eq(t->nfields, 5);
	ck_assert_str_eq(t->fields[0].name, "__syscall_nr");
	ck_assert_str_eq(type_str(a, t->fields[0].type), "int32");
	ck_assert_int_eq(t->fields[0].offset, 8);
	/* size and signedness come from the line, as upstream does */
	ck_assert_str_eq(type_str(a, t->fields[1].type), "uint64");
	ck_assert_int_eq(t->fields[2].type->kind, TY_PTR);
	ck_assert(t->fields[2].type->user);
	ck_assert_str_eq(type_str(a, t->fields[2].type), "int8 *");
	ck_assert_int_eq(t->fields[3].type->kind, TY_STRING);
	ck_assert_str_eq(t->fields[3].type->mode, "data_loc");
	ck_assert_str_eq(type_str(a, t->fields[4].type), "string[16]");
	ck_assert_int_eq(t->size, 52);
	t = tracepoint_parse_format(a, openat_format, false, true);
	ck_assert_int_eq(t->nfields, 7);
	ck_assert(!t->fields[4].type->user);
	arena_free(a);
}
END_TEST

START_TEST(timed_forms)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	const char *unit = NULL;
	int64_t period = 0;
	struct val *out = val_arr(a);

	ck_assert_int_eq(timed_parse(parts_of(a, "s", "1"), &unit, &period, &err), 0);
	ck_assert_str_eq(unit, "s");
	ck_assert_int_eq(period, 1);
	unit = NULL;
	ck_assert_int_eq(timed_parse(parts_of(a, "100ms", NULL), &unit, &period, &err), 0);
	ck_assert_str_eq(unit, "ms");
	ck_assert_int_eq(period, 100);
	unit = NULL;
	ck_assert_int_eq(timed_parse(parts_of(a, "5000", NULL), &unit, &period, &err), 0);
	ck_assert_str_eq(unit, "ns");
	unit = NULL;
	ck_assert_int_lt(timed_parse(parts_of(a, "99", NULL), &unit, &period, &err), 0);
	unit = NULL;
	ck_assert_int_lt(timed_parse(parts_of(a, "min", "1"), &unit, &period, &err), 0);
	ck_assert(strstr(err.msg, "min"));
	ck_assert_int_eq(provider_profile.expand(a, parts_of(a, "hz", "99"), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[0], "name"), "profile:hz:99");
	ck_assert_str_eq(val_get_str(out->items[0], "provider"), "profile");
	ck_assert_int_eq(val_get_int(out->items[0], "period", 0), 99);
	arena_free(a);
}
END_TEST

START_TEST(software_events)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);

	ck_assert_int_eq(provider_software.expand(a, parts_of(a, "faults", NULL), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[0], "target"), "page-faults");
	ck_assert_int_eq(val_get_int(out->items[0], "period", 0), 100);
	ck_assert_int_lt(provider_software.expand(a, parts_of(a, "fault", "1"), out, &err), 0);
	ck_assert_str_eq(err.hint, "did you mean 'faults'?");
	arena_free(a);
}
END_TEST

START_TEST(watchpoint_forms)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a), *parts = parts_of(a, "4096", "8");

	ck_assert_ptr_eq(provider_find("w"), &provider_watchpoint);
	val_push(a, parts, val_str(a, "wr"));
	ck_assert_int_eq(provider_watchpoint.expand(a, parts, out, &err), 1);
	ck_assert_int_eq(val_get_int(out->items[0], "addr", 0), 4096);
	ck_assert_int_eq(val_get_int(out->items[0], "len", 0), 8);
	/* the letters sorted, as upstream */
	ck_assert_str_eq(val_get_str(out->items[0], "mode"), "rw");
	ck_assert_str_eq(val_get_str(out->items[0], "name"), "watchpoint:0x1000:8:rw");
	parts = parts_of(a, "0x10", "8");
	val_push(a, parts, val_str(a, "wx"));
	ck_assert_int_lt(provider_watchpoint.expand(a, parts, out, &err), 0);
	ck_assert_str_eq(err.msg, "watchpoint mode 'wx' is not supported on x86_64");
	parts = parts_of(a, "0x10", "8");
	ck_assert_int_lt(provider_watchpoint.expand(a, parts, out, &err), 0);
	ck_assert_int_eq(out->n, 1);
	arena_free(a);
}
END_TEST

START_TEST(bench_test_names)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);

	ck_assert_ptr_eq(provider_find("bench"), &provider_bench);
	ck_assert_ptr_eq(provider_find("test"), &provider_test);
	ck_assert_int_eq(provider_bench.expand(a, parts_of(a, "fast_path", NULL), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[0], "name"), "bench:fast_path");
	ck_assert_str_eq(val_get_str(out->items[0], "target"), "fast_path");
	ck_assert_int_eq(provider_test.expand(a, parts_of(a, "t1", NULL), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[1], "provider"), "test");
	ck_assert_int_lt(provider_test.expand(a, parts_of(a, "", NULL), out, &err), 0);
	ck_assert_str_eq(err.msg, "test probes must have a name");
	ck_assert_int_lt(provider_bench.expand(a, parts_of(a, "a", "b"), out, &err), 0);
	ck_assert_str_eq(err.msg, "bench probe type requires 1 arguments, found 2");
	ck_assert_int_eq((int)out->n, 2);
	arena_free(a);
}
END_TEST

START_TEST(hardware_self_counts)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);
	int64_t v;

	ck_assert_ptr_eq(provider_find("hardware"), &provider_hardware);
	ck_assert_ptr_eq(provider_find("h"), &provider_hardware);
	ck_assert_int_eq(provider_hardware.expand(a, parts_of(a, "cycles", "1e3"), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[0], "target"), "cpu-cycles");
	ck_assert_str_eq(val_get_str(out->items[0], "name"), "hardware:cycles:1e3");
	ck_assert_int_eq(val_get_int(out->items[0], "period", 0), 1000);
	ck_assert_int_eq(provider_self.expand(a, parts_of(a, "signal", "SIGUSR1"), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[1], "func"), "SIGUSR1");
	ck_assert_int_lt(provider_self.expand(a, parts_of(a, "signal", "SIGINT"), out, &err), 0);
	ck_assert(provider_parse_count("0x10", &v) && v == 16);
	ck_assert(provider_parse_count("2e2", &v) && v == 200);
	ck_assert(!provider_parse_count("1e", &v));
	ck_assert(!provider_parse_count("0", &v));
	ck_assert(!provider_parse_count("-5", &v));
	arena_free(a);
}
END_TEST

START_TEST(suggestions)
{
	static const char *const names[] = { "printf", "print", "exit", "str" };

	ck_assert_str_eq(suggest_closest("prnt", names, 4), "print");
	ck_assert_str_eq(suggest_closest("exti", names, 4), "exit");
	ck_assert_ptr_null(suggest_closest("completely_else", names, 4));
}
END_TEST

START_TEST(tracepoint_expand)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);
	struct type *t;
	int n, e = 0;
	size_t i;
	bool found = false;

	if (!tracefs_root(&e) || tracefs_event_exists("syscalls", "sys_enter_openat") != 1) {
		arena_free(a);
		return;   /* no tracefs here: nothing to expand against */
	}
	n = provider_tracepoint.expand(a, parts_of(a, "syscalls", "sys_enter_open*"), out, &err);
	ck_assert_int_gt(n, 1);
	for (i = 0; i < out->n; i++)
		if (!strcmp(val_get_str(out->items[i], "name"),
			    "tracepoint:syscalls:sys_enter_openat"))
			found = true;
	ck_assert(found);
	t = provider_tracepoint.args(a, out->items[0], &err);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->fields[0].name, "__syscall_nr");
	out = val_arr(a);
	ck_assert_int_eq(provider_tracepoint.expand(a, parts_of(a, "syscalls", "sys_enter_opn"), out, &err), 0);
	ck_assert(strstr(err.hint, "sys_enter_open"));
	arena_free(a);
}
END_TEST

START_TEST(tracepoint_arg_lines)
{
	static const struct { const char *line, *decl; } cases[] = {
		/* the kernel's layout */
		{ "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;",
		  "const char * filename" },
		{ "\tfield:char comm[16];\toffset:36;\tsize:16;\tsigned:0;",
		  "char comm[16]" },
		{ "\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:0;",
		  "__data_loc char[] name" },
		{ "\tfield:int\tx;\toffset:8;\tsize:4;\tsigned:1;", "int\tx" },
		/* not the kernel's layout: parsed as tp_parse_field does */
		{ "field:int x; offset:8; size:4; signed:1;", "int x" },
		{ "\tfield:int a:3;\toffset:8;\tsize:4;\tsigned:1;", "int a:3" },
		{ "\tfield:int x;\toffset:8;\tsize:4;\tsigned:1;\textra", "int x" },
		{ "\tfield:int x;\toffset:;\tsize:4;\tsigned:1;", "int x" },
		/* no argument lines */
		{ "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;", NULL },
		{ "field:int common_pid; offset:4; size:4; signed:1;", NULL },
		{ "\tfield:int;\toffset:4;\tsize:4;\tsigned:1;", NULL },
		{ "\tfield:int x;\toffset:4;\tsize:4;", NULL },
		{ "print fmt: \"x=%d\", REC->x", NULL },
		{ "name: sys_enter_openat", NULL },
		{ "", NULL },
	};
	const char *decl;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool is_arg = tracepoint_arg_decl(cases[i].line, &decl, &len);

		ck_assert_msg(is_arg == (cases[i].decl != NULL), "line %zu", i);
		if (is_arg)
			ck_assert_msg(len == strlen(cases[i].decl) &&
				      !strncmp(decl, cases[i].decl, len),
				      "line %zu: '%.*s'", i, (int)len, decl);
	}
}
END_TEST

/* the listing of pattern into malloc'd text; the count in *n */
static char *list_text(struct arena *a, const char *pattern, bool verbose,
		       int *n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	*n = provider_tracepoint.list(a, pattern, verbose, f);
	fclose(f);
	return text;
}

START_TEST(tracepoint_listing)
{
	struct arena *a = arena_new();
	char *all, *names, *one, *line, *nl, *joined = NULL, *cat;
	size_t jlen = 0;
	int n, nn, k, e = 0;
	FILE *j;

	if (!tracefs_root(&e) || tracefs_event_exists("syscalls", "sys_enter_openat") != 1) {
		arena_free(a);
		return;   /* no tracefs here: nothing to list */
	}
	one = list_text(a, "tracepoint:syscalls:sys_enter_openat", true, &n);
	ck_assert_int_eq(n, 1);
	static const char head[] = "tracepoint:syscalls:sys_enter_openat\n"
				   "    int __syscall_nr\n";
	ck_assert(!strncmp(one, head, strlen(head)));
	ck_assert(strstr(one, "\n    const char * filename\n"));
	ck_assert(!strstr(one, "common_"));
	free(one);

	/*
	 * The whole listing (threads sharing categories and events) equals
	 * the listings of its categories one by one (one category: no
	 * second thread), in order.
	 */
	all = list_text(a, "tracepoint:*", true, &n);
	names = list_text(a, NULL, false, &nn);
	ck_assert_int_eq(n, nn);
	ck_assert_int_gt(n, 100);
	j = open_memstream(&joined, &jlen);
	cat = arena_strdup(a, "");
	for (line = names; line && *line; line = nl ? nl + 1 : NULL) {
		char *c = line + strlen("tracepoint:"), *colon;

		nl = strchr(line, '\n');
		colon = strchr(c, ':');
		ck_assert_ptr_nonnull(colon);
		if (strlen(cat) == (size_t)(colon - c) &&
		    !strncmp(cat, c, colon - c))
			continue;
		cat = arena_strndup(a, c, colon - c);
		one = list_text(a, arena_printf(a, "tracepoint:%s:*", cat), true,
				&k);
		ck_assert_int_gt(k, 0);
		fputs(one, j);
		free(one);
	}
	fclose(j);
	ck_assert_str_eq(all, joined);
	free(all);
	free(names);
	free(joined);
	arena_free(a);
}
END_TEST

START_TEST(uprobe_expand)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);
	int n;

	if (access("/bin/bash", R_OK)) {
		arena_free(a);
		return;
	}
	ck_assert_ptr_eq(provider_find("u"), &provider_uprobe);
	ck_assert_ptr_eq(provider_find("ur"), &provider_uretprobe);
	n = provider_uprobe.expand(a, parts_of(a, "/bin/bash", "readline"), out, &err);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(val_get_str(out->items[0], "func"), "readline");
	ck_assert(val_as_uint(val_get(out->items[0], "address")) > 0);
	ck_assert(strstr(val_get_str(out->items[0], "name"), "uprobe:/"));
	/* a program name is found in $PATH */
	out = val_arr(a);
	ck_assert_int_gt(provider_uprobe.expand(a, parts_of(a, "bash", "readline*"), out, &err), 1);
	out = val_arr(a);
	ck_assert_int_eq(provider_uprobe.expand(a, parts_of(a, "/bin/bash", "readlin"), out, &err), 0);
	ck_assert_str_eq(err.hint, "did you mean 'readline'?");
	ck_assert_int_lt(provider_uretprobe.expand(a, parts_of(a, "/bin/bash", "readline+4"), out, &err), 0);
	arena_free(a);
}
END_TEST

#define UPROBE_TEST "build/testprogs/uprobe_test"

START_TEST(dwarf_params_and_types)
{
	struct arena *a = arena_new();
	struct dwarfinfo_param *prm;
	struct dwarfinfo *d;
	struct type *t;

	if (access(UPROBE_TEST, R_OK)) {
		arena_free(a);
		return;
	}
	ck_assert_int_eq(dwarfinfo_open(UPROBE_TEST, &d), 0);
	ck_assert_int_eq(dwarfinfo_params(a, d, "main", &prm), 2);
	ck_assert_str_eq(prm[0].decl, "int");
	ck_assert_str_eq(prm[0].name, "argc");
	ck_assert_str_eq(prm[1].decl, "char**");
	ck_assert_int_eq(dwarfinfo_params(a, d, "uprobeFunction1", &prm), 2);
	ck_assert_str_eq(prm[0].name, "n");
	ck_assert_int_eq(prm[0].type->kind, TY_PTR);
	ck_assert(prm[0].type->user);
	ck_assert_int_eq(prm[0].type->elem->size, 4);
	ck_assert_str_eq(prm[1].name, "c");
	ck_assert_int_eq(prm[1].type->kind, TY_INT);
	ck_assert_int_eq(prm[1].type->size, 1);
	ck_assert_int_eq(dwarfinfo_params(a, d, "uprobeFunction2", &prm), 2);
	ck_assert_str_eq(prm[0].decl, "struct Foo*");
	ck_assert_str_eq(prm[0].type->elem->name, "struct Foo");
	ck_assert_int_eq(dwarfinfo_params(a, d, "uprobeFunctionUint128", &prm), 4);
	ck_assert_int_eq(type_size(prm[3].type), 16);
	ck_assert_int_eq(dwarfinfo_params(a, d, "noSuchFunction", &prm), -ENOENT);
	/* struct Foo { int a; char b[10]; int c[3]; __int128_t d; } */
	t = dwarfinfo_named_type(a, d, "struct Foo");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->nfields, 4);
	ck_assert_int_eq(t->size, 48);
	ck_assert_str_eq(t->fields[1].name, "b");
	ck_assert_int_eq(t->fields[1].offset, 4);
	ck_assert_int_eq(t->fields[1].type->kind, TY_STRING);
	ck_assert_int_eq(t->fields[2].type->kind, TY_ARRAY);
	ck_assert_int_eq(t->fields[2].type->count, 3);
	ck_assert_int_eq(t->fields[2].offset, 16);
	ck_assert_int_eq(t->fields[3].offset, 32);
	t = dwarfinfo_named_type(a, d, "struct Bar");
	ck_assert_int_eq(t->fields[1].type->kind, TY_ARRAY);
	ck_assert_int_eq(t->fields[1].type->elem->kind, TY_PTR);
	ck_assert_ptr_null(dwarfinfo_named_type(a, d, "struct NoSuch"));
	ck_assert_ptr_null(dwarfinfo_named_type(a, d, "Foo"));
	arena_free(a);
}
END_TEST

START_TEST(dwarf_lines_and_uprobe)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);
	struct dwarfinfo *d;
	struct type *args;
	uint64_t addr, faddr, fsize;

	if (access(UPROBE_TEST, R_OK)) {
		arena_free(a);
		return;
	}
	ck_assert_int_eq(dwarfinfo_open(UPROBE_TEST, &d), 0);
	/* line 22 is the opening brace of uprobeFunction1: its entry */
	ck_assert_int_eq(dwarfinfo_line_addr(d, "uprobe_test.c", 22, &addr), 0);
	ck_assert_int_eq(uprobe_find_symbol(a, UPROBE_TEST, "uprobeFunction1",
					    &faddr, &fsize), 0);
	ck_assert_uint_eq(addr, faddr);
	ck_assert_int_eq(dwarfinfo_line_addr(d, "uprobe_test.c", 100000, &addr),
			 -ENOENT);
	ck_assert_int_eq(dwarfinfo_line_addr(d, "other.c", 22, &addr), -ENOENT);
	/* the provider: BIN@FILE:LINE and args */
	ck_assert_int_eq(provider_uprobe.expand(a, parts_of(a,
			 UPROBE_TEST "@uprobe_test.c", "36"), out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[0], "func"),
			 "uprobeFunctionBranching");
	ck_assert_int_gt(val_get_int(out->items[0], "offset", 0), 0);
	ck_assert_int_lt(provider_uprobe.expand(a, parts_of(a,
			 UPROBE_TEST "@uprobe_test.c", "x"), out, &err), 0);
	ck_assert_int_lt(provider_uretprobe.expand(a, parts_of(a,
			 UPROBE_TEST "@uprobe_test.c", "22"), out, &err), 0);
	out = val_arr(a);
	ck_assert_int_eq(provider_uprobe.expand(a, parts_of(a, UPROBE_TEST,
			 "uprobeFunction1"), out, &err), 1);
	args = provider_uprobe.args(a, out->items[0], &err);
	ck_assert_ptr_nonnull(args);
	ck_assert_int_eq(args->nfields, 2);
	ck_assert_int_eq(args->fields[1].offset, 8);
	ck_assert_int_eq(args->size, 16);
	/* a 16-byte parameter takes two register slots */
	out = val_arr(a);
	provider_uprobe.expand(a, parts_of(a, UPROBE_TEST,
			       "uprobeFunctionUint128"), out, &err);
	args = provider_uprobe.args(a, out->items[0], &err);
	ck_assert_int_eq(args->fields[3].offset, 48);
	ck_assert_int_eq(args->size, 64);
	arena_free(a);
}
END_TEST

START_TEST(dwarf_separate)
{
	struct arena *a = arena_new();
	struct dwarfinfo_param *prm;
	struct dwarfinfo *d;
	uint64_t addr;

	if (access("build/testprogs/uprobe_test-stripped", R_OK)) {
		arena_free(a);
		return;
	}
	/* the stripped binary's DWARF is found by its debuglink in a
	 * --debuginfo directory relative to the binary */
	dwarfinfo_path = "./external_debug";
	ck_assert_int_eq(dwarfinfo_open("build/testprogs/uprobe_test-stripped",
					&d), 0);
	ck_assert_int_eq(dwarfinfo_params(a, d, "uprobeFunction1", &prm), 2);
	ck_assert_int_eq(dwarfinfo_line_addr(d, "uprobe_test.c", 22, &addr), 0);
	dwarfinfo_path = NULL;
	ck_assert_int_eq(dwarfinfo_open("build/testprogs/external_debug/dwo/uprobe_test-split",
					&d), 0);
	ck_assert_int_eq(dwarfinfo_params(a, d, "uprobeFunction2", &prm), 2);
	ck_assert_str_eq(prm[1].decl, "struct Foo*");
	if (!access("build/testprogs/external_debug/dwp/uprobe_test-split", R_OK)) {
		ck_assert_int_eq(dwarfinfo_open("build/testprogs/external_debug/dwp/uprobe_test-split",
						&d), 0);
		ck_assert_int_eq(dwarfinfo_params(a, d, "main", &prm), 2);
		ck_assert_str_eq(prm[0].name, "argc");
		ck_assert_ptr_nonnull(dwarfinfo_named_type(a, d, "struct Foo"));
	}
	/* a non-ELF file, and one that does not exist */
	ck_assert_int_lt(dwarfinfo_open("tests/unit/test_probes.c", &d), 0);
	ck_assert_int_eq(dwarfinfo_open("build/testprogs/no-such-file", &d),
			 -ENOENT);
	arena_free(a);
}
END_TEST

START_TEST(kprobe_expand)
{
	struct arena *a = arena_new();
	struct probe_err err = { { 0 } };
	struct val *out = val_arr(a);
	struct val *parts = val_arr(a);

	ck_assert_ptr_eq(provider_find("k"), &provider_kprobe);
	ck_assert_ptr_eq(provider_find("kfunc"), &provider_fentry);
	ck_assert_ptr_eq(provider_find("rt"), &provider_rawtracepoint);
	if (access("/proc/kallsyms", R_OK) || getuid()) {
		arena_free(a);
		return;
	}
	val_push(a, parts, val_str(a, "vfs_read"));
	ck_assert_int_eq(provider_kprobe.expand(a, parts, out, &err), 1);
	ck_assert_str_eq(val_get_str(out->items[0], "name"), "kprobe:vfs_read");
	parts = val_arr(a);
	val_push(a, parts, val_str(a, "vfs_rea"));
	ck_assert_int_eq(provider_kprobe.expand(a, parts, out, &err), 0);
	ck_assert_str_eq(err.hint, "did you mean 'vfs_read'?");
	arena_free(a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("probes");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, provider_names);
	tcase_add_test(tc, watchpoint_forms);
	tcase_add_test(tc, format_parse);
	tcase_add_test(tc, timed_forms);
	tcase_add_test(tc, software_events);
	tcase_add_test(tc, hardware_self_counts);
	tcase_add_test(tc, bench_test_names);
	tcase_add_test(tc, suggestions);
	tcase_add_test(tc, fentry_bpf_forms);
	tcase_add_test(tc, fentry_bpf_matching);
	tcase_add_test(tc, tracepoint_expand);
	tcase_add_test(tc, tracepoint_arg_lines);
	tcase_add_test(tc, tracepoint_listing);
	tcase_add_test(tc, uprobe_expand);
	tcase_add_test(tc, kprobe_expand);
	tcase_add_test(tc, dwarf_params_and_types);
	tcase_add_test(tc, dwarf_lines_and_uprobe);
	tcase_add_test(tc, dwarf_separate);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
