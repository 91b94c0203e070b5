/*
 * features.c - which kernel features this machine has, checked before
 * anything is loaded, so that a probe type the kernel lacks is one clear
 * message naming the missing feature (exit 3), not a libbpf error.
 *
 * The checks look where the kernel advertises a feature: the dynamic PMUs
 * in /sys/bus/event_source/devices (kprobe, uprobe, cpu for hardware
 * events) and ftrace's function list in tracefs (fentry/fexit need BPF
 * trampolines, which need ftrace); for fentry/fexit an empty program is
 * also loaded for the probed function, since a kernel built without
 * direct-call trampolines still lists its functions (for fentry:bpf, with
 * the running target program, which must still be there).  Also: the list of
 * online CPUs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bt-probes/provider.h"
#include "load.h"
#include "tracefs.h"

#define PMU_DIR "/sys/bus/event_source/devices/"

static bool path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static const char *missing(struct arena *a, const char *what, const char *why)
{
	return arena_printf(a, "%s %s not supported by this kernel (%s)", what,
			    what[strlen(what) - 1] == 's' ? "are" : "is", why);
}

/*
 * Load an empty fentry/fexit program for the function with this BTF id
 * (of vmlinux, or with target_fd >= 0 of that BPF program's BTF):
 * kernels built without BPF trampolines (no direct-call ftrace) refuse
 * it.  0 when it loads (or there is no id to try), else -errno.
 */
static int trampoline_refused(int64_t btf_id, bool fexit, int target_fd)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = fexit ? BPF_TRACE_FEXIT
						  : BPF_TRACE_FENTRY,
		    .attach_btf_id = (__u32)btf_id,
		    .attach_prog_fd = target_fd >= 0 ? (__u32)target_fd : 0);
	/* 1: not tried yet; else the answer, for kernel functions [0] and
	 * for BPF programs [1] */
	static int known[2] = { 1, 1 };
	int *k = &known[target_fd >= 0];
	int fd;

	/* a kernel capability: asked once, not per attach point of a
	 * wildcard that may match thousands of functions */
	if (btf_id <= 0 || *k != 1)
		return btf_id <= 0 ? 0 : *k;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bt_probe_tramp", "GPL",
			   ret0, 2, &opts);
	*k = fd < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return *k;
}

/*
 * fentry:bpf:ID:NAME: the program must still run and have the function;
 * then the trampoline check with it as the target
 */
static const char *check_bpf_target(struct arena *a, const struct val *ap,
				    const char *prov, int *err)
{
	int64_t id = val_get_int(ap, "prog_id", 0);
	const char *func = val_get_str(ap, "func");
	uint32_t btf_id;
	int fd;

	*err = fentry_bpf_target(id, func, &fd, &btf_id);
	switch (*err) {
	case 0:
		break;
	case -ENOENT:
		return arena_printf(a, "no running BPF program has id %lld "
				    "(it may have exited since bt-check found it)",
				    (long long)id);
	case -ENODATA:
		return arena_printf(a, "BPF program %lld has no BTF, so it "
				    "cannot be traced", (long long)id);
	case -ESRCH:
		return arena_printf(a, "BPF program %lld has no function '%s' "
				    "in its BTF", (long long)id, func ? func : "");
	default:
		return arena_printf(a, "cannot open BPF program %lld: %s",
				    (long long)id, strerror(-*err));
	}
	*err = trampoline_refused(btf_id, !strcmp(prov, "fexit"), fd);
	close(fd);
	return NULL;
}

static const char *check_pmu(struct arena *a, const char *pmu,
			     const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), PMU_DIR "%s", pmu);
	if (path_exists(path))
		return NULL;
	return missing(a, what, arena_printf(a, "no " PMU_DIR "%s", pmu));
}

static const char *check_tracefs(struct arena *a, const char *what)
{
	int err = 0;

	if (tracefs_root(&err))
		return NULL;
	return arena_printf(a, "%s need tracefs, which is not available (%s): %s",
			    what, strerror(-err), tracefs_hint());
}

const char *features_missing(struct arena *a, const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");
	const char *root, *target;
	int err = 0;

	if (!strcmp(prov, "kprobe"))
		return check_pmu(a, "kprobe", "kprobes");
	if (!strcmp(prov, "kretprobe"))
		return check_pmu(a, "kprobe", "kretprobes");
	if (!strcmp(prov, "uprobe"))
		return check_pmu(a, "uprobe", "uprobes");
	if (!strcmp(prov, "usdt"))
		return check_pmu(a, "uprobe", "usdt probes");
	if (!strcmp(prov, "uretprobe"))
		return check_pmu(a, "uprobe", "uretprobes");
	if (!strcmp(prov, "hardware"))
		return check_pmu(a, "cpu", "hardware perf events");
	if (!strcmp(prov, "watchpoint"))
		return check_pmu(a, "breakpoint", "watchpoints");
	if (!strcmp(prov, "interval") || !strcmp(prov, "profile") ||
	    !strcmp(prov, "software"))
		return check_pmu(a, "software", "software perf events");
	if (!strcmp(prov, "tracepoint"))
		return check_tracefs(a, "tracepoints");
	if (!strcmp(prov, "fentry") || !strcmp(prov, "fexit")) {
		if (!path_exists("/sys/kernel/btf/vmlinux"))
			return missing(a, prov, "no /sys/kernel/btf/vmlinux");
		root = tracefs_root(&err);
		if (!root)
			return check_tracefs(a, prov);
		if (!path_exists(arena_printf(a, "%s/available_filter_functions", root)))
			return missing(a, prov,
				       "no BPF trampolines: ftrace's available_filter_functions is missing");
		target = val_get_str(ap, "target");
		if (target && !strcmp(target, "bpf")) {
			const char *why = check_bpf_target(a, ap, prov, &err);

			if (why)
				return why;
		} else {
			err = trampoline_refused(val_get_int(ap, "btf_id", 0),
						 !strcmp(prov, "fexit"), -1);
		}
		if (err)
			return missing(a, prov, arena_printf(a,
				"the kernel refuses BPF trampolines (loading an "
				"empty %s program: %s)", prov, strerror(-err)));
		return NULL;
	}
	if (!strcmp(prov, "begin") || !strcmp(prov, "end") ||
	    !strcmp(prov, "rawtracepoint") || !strcmp(prov, "self") ||
	    !strcmp(prov, "iter") ||
	    !strcmp(prov, "bench") || !strcmp(prov, "test"))
		return NULL;
	return arena_printf(a, "bt-load cannot attach '%s' probes", prov);
}

/* parse a CPU list like "0-3,5" */
int cpus_online(int **cpus, int *n)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	char buf[4096], *s, *tok, *save = NULL;
	int cap = 16, lo, hi, k;

	*n = 0;
	if (!f)
		return -errno;
	s = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!s)
		return -EIO;
	*cpus = malloc(sizeof(int) * cap);
	if (!*cpus)
		return -ENOMEM;
	for (tok = strtok_r(buf, ",\n", &save); tok;
	     tok = strtok_r(NULL, ",\n", &save)) {
		k = sscanf(tok, "%d-%d", &lo, &hi);
		if (k < 1)
			continue;
		if (k == 1)
			hi = lo;
		for (; lo <= hi; lo++) {
			if (*n == cap) {
				int *p = realloc(*cpus, sizeof(int) * cap * 2);

				if (!p)
					return -ENOMEM;
				*cpus = p;
				cap *= 2;
			}
			(*cpus)[(*n)++] = lo;
		}
	}
	return 0;
}
