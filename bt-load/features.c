/*
 * features.c - which kernel features this machine has, checked before
 * anything is loaded, so that a probe type the kernel lacks is one clear
 * message naming the missing feature (exit 3), not a libbpf error.
 *
 * The checks look where the kernel advertises a feature: the dynamic PMUs
 * in /sys/bus/event_source/devices (kprobe, uprobe, cpu for hardware
 * events) and ftrace's function list in tracefs (fentry/fexit need BPF
 * trampolines, which need ftrace).  Also: the list of online CPUs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load.h"
#include "tracefs.h"

#define PMU_DIR "/sys/bus/event_source/devices/"

static bool path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int missing(struct diag_loc loc, const char *what, const char *why)
{
	diag_error(loc, "%s %s not supported by this kernel (%s)", what,
		   strchr(what, ' ') || what[strlen(what) - 1] == 's' ? "are" : "is",
		   why);
	return -EOPNOTSUPP;
}

static int check_pmu(struct diag_loc loc, const char *pmu, const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), PMU_DIR "%s", pmu);
	if (path_exists(path))
		return 0;
	snprintf(path, sizeof(path), "no " PMU_DIR "%s", pmu);
	return missing(loc, what, path);
}

static int check_tracefs(struct diag_loc loc, const char *what)
{
	int err = 0;

	if (tracefs_root(&err))
		return 0;
	diag_error(loc, "%s need tracefs, which is not available: %s", what,
		   strerror(-err));
	diag_hint("%s", tracefs_hint());
	return -EOPNOTSUPP;
}

int features_check_attach(const struct val *ap, struct diag_loc loc)
{
	const char *prov = val_get_str(ap, "provider");
	char path[256];
	const char *root;
	int err = 0;

	if (!strcmp(prov, "kprobe"))
		return check_pmu(loc, "kprobe", "kprobes");
	if (!strcmp(prov, "kretprobe"))
		return check_pmu(loc, "kprobe", "kretprobes");
	if (!strcmp(prov, "uprobe") || !strcmp(prov, "usdt"))
		return check_pmu(loc, "uprobe", !strcmp(prov, "usdt") ?
				 "usdt probes" : "uprobes");
	if (!strcmp(prov, "uretprobe"))
		return check_pmu(loc, "uprobe", "uretprobes");
	if (!strcmp(prov, "hardware"))
		return check_pmu(loc, "cpu", "hardware perf events");
	if (!strcmp(prov, "watchpoint"))
		return check_pmu(loc, "breakpoint", "watchpoints");
	if (!strcmp(prov, "interval") || !strcmp(prov, "profile") ||
	    !strcmp(prov, "software"))
		return check_pmu(loc, "software", "software perf events");
	if (!strcmp(prov, "tracepoint"))
		return check_tracefs(loc, "tracepoints");
	if (!strcmp(prov, "fentry") || !strcmp(prov, "fexit")) {
		if (!path_exists("/sys/kernel/btf/vmlinux"))
			return missing(loc, prov, "no /sys/kernel/btf/vmlinux");
		root = tracefs_root(&err);
		if (!root)
			return check_tracefs(loc, prov);
		snprintf(path, sizeof(path), "%s/available_filter_functions", root);
		if (!path_exists(path))
			return missing(loc, prov,
				       "no BPF trampolines: ftrace's available_filter_functions is missing");
		return 0;
	}
	if (!strcmp(prov, "begin") || !strcmp(prov, "end") ||
	    !strcmp(prov, "rawtracepoint"))
		return 0;
	diag_error(loc, "bt-load cannot attach '%s' probes yet", prov);
	return -EOPNOTSUPP;
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
