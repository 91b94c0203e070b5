/*
 * features.c - `bt-probes --features`: the kernel's BPF facts in the
 * layout of upstream's `bpftrace --info` ("Kernel helpers", "Kernel
 * features", "Probe types"), which the driver prints after its own
 * "System" and "Build" sections.  Helpers are probed by loading a tiny
 * program (libbpf_probe_bpf_helper), kprobe_multi and uprobe_multi by
 * making such a link (share/multilink.c), kprobe_session by the kernel's
 * BTF, iter by loading an iterator program, as upstream does.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <unistd.h>

#include "multilink.h"
#include "provider.h"

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static bool features_helper(enum bpf_prog_type pt, enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(pt, id, NULL) > 0;
}

static bool features_btf_has(const char *name, int kind)
{
	struct btf *btf = kbtf_load();

	return btf && btf__find_by_name_kind(btf, name, kind) > 0;
}

static bool features_iter(void)
{
	struct btf *btf = kbtf_load();
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o,
		    .expected_attach_type = BPF_TRACE_ITER);
	int id, fd;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "bpf_iter_task", BTF_KIND_FUNC);
	if (id <= 0)
		return false;
	o.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "iter", "GPL", insns, 2, &o);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool features_module_btf(void)
{
	DIR *d = opendir("/sys/kernel/btf");
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d)))
		found = e->d_name[0] != '.' && strcmp(e->d_name, "vmlinux");
	if (d)
		closedir(d);
	return found;
}

/* upstream's two-column table: "  key: value" padded to 35, then a row */
static void features_table(FILE *out, const char *const (*rows)[2], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			char cell[128];

			snprintf(cell, sizeof(cell), "  %s: %s", rows[i][0],
				 rows[i][1]);
			fprintf(out, "%-35s", cell);
		} else {
			char cell[128];

			/* upstream pads this column too (setw) */
			snprintf(cell, sizeof(cell), "%s: %s", rows[i][0],
				 rows[i][1]);
			fprintf(out, "%-35s\n", cell);
		}
	}
	if (n % 2)
		fputc('\n', out);
	fputc('\n', out);
}

int features_print(FILE *out)
{
	bool kprobes = access("/sys/bus/event_source/devices/kprobe", F_OK) == 0;
	bool uprobes = access("/sys/bus/event_source/devices/uprobe", F_OK) == 0;
	bool big = libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE,
					   BPF_FUNC_loop, NULL) > 0;
	const char *const helpers[][2] = {
		{ "dpath", yes_no(features_helper(BPF_PROG_TYPE_TRACING, BPF_FUNC_d_path)) },
		{ "get_tai_ns", yes_no(features_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_ktime_get_tai_ns)) },
		{ "get_func_ip", yes_no(features_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_func_ip)) },
		{ "lookup_percpu_elem", yes_no(features_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_map_lookup_percpu_elem)) },
		{ "loop", yes_no(big) },
	};
	const char *const kfeatures[][2] = {
		/* the 1M limit came in 5.2, long before bpf_loop (5.17) */
		{ "Instruction limit", big ? "1000000" : "4096" },
		{ "btf", yes_no(kbtf_load() != NULL) },
		{ "module btf", yes_no(features_module_btf()) },
	};
	const char *const probes[][2] = {
		/* asked of the kernel: a link is made (share/multilink.h) */
		{ "kprobe_multi", yes_no(multilink_has_kprobe()) },
		{ "uprobe_multi", yes_no(uprobes && multilink_has_uprobe()) },
		/* session links are kprobe_multi links with a kfunc of
		 * their own */
		{ "kprobe_session", yes_no(kprobes && multilink_has_kprobe() &&
					   features_btf_has("bpf_session_cookie", BTF_KIND_FUNC)) },
		{ "iter", yes_no(features_iter()) },
	};

	fputs("Kernel helpers\n", out);
	features_table(out, helpers, sizeof(helpers) / sizeof(helpers[0]));
	fputs("Kernel features\n", out);
	features_table(out, kfeatures, sizeof(kfeatures) / sizeof(kfeatures[0]));
	fputs("Probe types\n", out);
	features_table(out, probes, sizeof(probes) / sizeof(probes[0]));
	return ferror(out) ? -EIO : 0;
}
