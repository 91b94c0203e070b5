/*
 * attach_perf.c - probes that are perf events: interval (software
 * cpu-clock on one CPU, fires every period), profile (cpu-clock on every
 * online CPU; "hz" is a frequency), software and hardware events (on
 * every online CPU, every "period" occurrences, else bpftrace's default
 * count for the event), and watchpoints (breakpoint events: on every
 * thread of the -p process or on the -c command, inherited by the threads
 * they create; a kernel address on every online CPU).  Watchpoint links
 * are remembered by address: unwatch(addr) destroys them while running.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <bpf/libbpf.h>

#include "bug.h"
#include "load.h"

struct perf_name {
	const char *name, *alias;
	uint64_t config;
	uint64_t period;   /* bpftrace's default */
};

static const struct perf_name software_events[] = {
	{ "cpu-clock", "cpu", PERF_COUNT_SW_CPU_CLOCK, 1000000 },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, 1000000 },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, 100 },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, 1000 },
	{ "cpu-migrations", NULL, PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, 100 },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 1 },
	{ "alignment-faults", NULL, PERF_COUNT_SW_ALIGNMENT_FAULTS, 1 },
	{ "emulation-faults", NULL, PERF_COUNT_SW_EMULATION_FAULTS, 1 },
	{ "dummy", NULL, PERF_COUNT_SW_DUMMY, 1 },
	{ "bpf-output", NULL, PERF_COUNT_SW_BPF_OUTPUT, 1 },
};

static const struct perf_name hardware_events[] = {
	{ "cpu-cycles", "cycles", PERF_COUNT_HW_CPU_CYCLES, 1000000 },
	{ "instructions", NULL, PERF_COUNT_HW_INSTRUCTIONS, 1000000 },
	{ "cache-references", NULL, PERF_COUNT_HW_CACHE_REFERENCES, 1000000 },
	{ "cache-misses", NULL, PERF_COUNT_HW_CACHE_MISSES, 1000000 },
	{ "branch-instructions", "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 100000 },
	{ "branch-misses", NULL, PERF_COUNT_HW_BRANCH_MISSES, 100000 },
	{ "bus-cycles", NULL, PERF_COUNT_HW_BUS_CYCLES, 100000 },
	{ "frontend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 1000000 },
	{ "backend-stalls", NULL, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 1000000 },
	{ "ref-cycles", NULL, PERF_COUNT_HW_REF_CPU_CYCLES, 1000000 },
};

static const struct perf_name *perf_find(const struct perf_name *t, size_t n,
					 const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name) ||
		    (t[i].alias && !strcmp(t[i].alias, name)))
			return &t[i];
	return NULL;
}

/* pid > 0: only that process (any CPU; cpu must be -1) */
static int perf_open(struct perf_event_attr *attr, int pid, int cpu)
{
	return syscall(__NR_perf_event_open, attr, pid > 0 ? pid : -1, cpu,
		       -1, PERF_FLAG_FD_CLOEXEC);
}

/* period in ns of an interval/profile attach point; 0 for a frequency */
static int64_t period_ns(const struct val *ap, const char *unit)
{
	int64_t n = val_get_int(ap, "period", 0);

	if (!strcmp(unit, "s"))
		return n * 1000000000ll;
	if (!strcmp(unit, "ms"))
		return n * 1000000ll;
	if (!strcmp(unit, "us"))
		return n * 1000ll;
	if (!strcmp(unit, "ns"))
		return n;
	return 0;
}

/* the event on one CPU (pid -1) or for one task (cpu -1) */
/* remember that link (an index in l->links) watches addr */
static int watch_add(struct load *l, uint64_t addr, int link)
{
	if (l->nwatches == l->capwatches) {
		int cap = l->capwatches ? l->capwatches * 2 : 8;
		struct load_watch *w = realloc(l->watches, sizeof(*w) * cap);

		if (!w)
			return -ENOMEM;
		l->watches = w;
		l->capwatches = cap;
	}
	l->watches[l->nwatches].addr = addr;
	l->watches[l->nwatches++].link = link;
	return 0;
}

void attach_unwatch(struct load *l, uint64_t addr)
{
	int i;

	for (i = 0; i < l->nwatches; i++) {
		struct load_watch *w = &l->watches[i];

		if (w->addr != addr || w->link < 0 || w->link >= l->nlinks)
			continue;
		bpf_link__destroy(l->links[w->link]);
		l->links[w->link] = NULL;
		w->link = -1;
	}
}

static int attach_on(struct load *l, struct load_probe *p,
		     const struct val *ap, struct perf_event_attr *attr,
		     int pid, int cpu)
{
	LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = p->ap_cookie);
	struct bpf_link *link;
	int fd, err;

	fd = perf_open(attr, pid, cpu);
	if (fd < 0) {
		err = -errno;
		if (pid > 0)
			attach_report(l, p->loc, "cannot open the perf event of probe '%s' for task %d: %s",
				      attach_describe(l->arena, ap), pid, attach_strerror(err));
		else
			attach_report(l, p->loc, "cannot open the perf event of probe '%s' on CPU %d: %s",
				      attach_describe(l->arena, ap), cpu, attach_strerror(err));
		return err;
	}
	link = bpf_program__attach_perf_event_opts(p->bpf, fd, &opts);
	if (!link) {
		err = -errno;
		close(fd);
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			   attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	err = attach_add_link(l, link);
	if (!err && attr->type == PERF_TYPE_BREAKPOINT)
		err = watch_add(l, attr->bp_addr, l->nlinks - 1);
	return err;
}

int attach_perf(struct load *l, struct load_probe *p, const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");
	const char *unit = val_get_str(ap, "unit");
	const char *ev = val_get_str(ap, "target");
	struct perf_event_attr attr = { .size = sizeof(attr) };
	const struct perf_name *pn;
	int64_t n = val_get_int(ap, "period", 0), ns;
	int *cpus = NULL, ncpus = 0, i, err;

	if (!ev)
		ev = val_get_str(ap, "func");
	if (!unit)
		unit = "";
	if (!strcmp(prov, "interval") || !strcmp(prov, "profile")) {
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = PERF_COUNT_SW_CPU_CLOCK;
		ns = period_ns(ap, unit);
		if (!strcmp(unit, "hz") && n > 0) {
			if (!strcmp(prov, "interval")) {
				attr.sample_period = 1000000000ll / n;
			} else {
				attr.freq = 1;
				attr.sample_freq = n;
			}
		} else {
			attr.sample_period = ns;
		}
		if (attr.sample_period == 0 && !attr.freq) {
			attach_report(l, p->loc, "probe '%s' has no valid period",
				   attach_describe(l->arena, ap));
			return -EINVAL;
		}
	} else {
		bool hw = !strcmp(prov, "hardware");

		pn = hw ? perf_find(hardware_events, ARRAY_SIZE(hardware_events), ev)
			: perf_find(software_events, ARRAY_SIZE(software_events), ev);
		if (!pn) {
			attach_report(l, p->loc, "unknown %s event '%s'", prov, ev ? ev : "");
			return -EINVAL;
		}
		attr.type = hw ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
		attr.config = pn->config;
		attr.sample_period = n > 0 ? (uint64_t)n : pn->period;
	}
	err = cpus_online(&cpus, &ncpus);
	if (err || !ncpus) {
		free(cpus);
		attach_report(l, p->loc, "cannot read the online CPUs: %s",
			   strerror(err ? -err : ENOENT));
		return err ? err : -ENOENT;
	}
	/* interval fires on one CPU only; with -p, profile, software and
	 * hardware events follow that process wherever it runs */
	if (!strcmp(prov, "interval"))
		ncpus = 1;
	else if (l->pid > 0)
		ncpus = 1, cpus[0] = -1;
	for (i = 0; i < ncpus; i++) {
		err = attach_on(l, p, ap, &attr, cpus[i] < 0 ? l->pid : -1,
				cpus[i]);
		if (err)
			break;
	}
	free(cpus);
	return err;
}

/* the watchpoint on each thread of pid (/proc/PID/task) */
static int watch_threads(struct load *l, struct load_probe *p,
			 const struct val *ap, struct perf_event_attr *attr,
			 int pid)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int err = 0, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return attach_on(l, p, ap, attr, pid, -1);
	while (!err && (d = readdir(dir))) {
		int tid = atoi(d->d_name);

		if (tid <= 0)
			continue;
		err = attach_on(l, p, ap, attr, tid, -1);
		/* a thread that ended meanwhile is no failure */
		if (err == -ESRCH)
			err = 0;
		else if (!err)
			n++;
	}
	closedir(dir);
	return err ? err : n ? 0 : attach_on(l, p, ap, attr, pid, -1);
}

int attach_watchpoint(struct load *l, struct load_probe *p,
		      const struct val *ap)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	const char *mode = val_get_str(ap, "mode");
	int pid = l->pid > 0 ? l->pid : l->child_pid > 0 ? l->child_pid : 0;
	int *cpus = NULL, ncpus = 0, i, err;

	attr.type = PERF_TYPE_BREAKPOINT;
	attr.bp_addr = (uint64_t)val_get_int(ap, "addr", 0);
	attr.bp_len = (uint64_t)val_get_int(ap, "len", 0);
	attr.bp_type = (mode && strchr(mode, 'r') ? HW_BREAKPOINT_R : 0) |
		       (mode && strchr(mode, 'w') ? HW_BREAKPOINT_W : 0) |
		       (mode && strchr(mode, 'x') ? HW_BREAKPOINT_X : 0);
	/* the kernel takes execute breakpoints only as long as a long */
	if (attr.bp_type == HW_BREAKPOINT_X)
		attr.bp_len = sizeof(long);
	attr.sample_period = 1;
	if (!attr.bp_addr || !attr.bp_len || !attr.bp_type) {
		attach_report(l, p->loc, "probe '%s' is not watchpoint:ADDR:LEN:MODE",
			      attach_describe(l->arena, ap));
		return -EINVAL;
	}
	if (pid > 0) {
		/* threads created later are watched too */
		attr.inherit = 1;
		return l->pid > 0 ? watch_threads(l, p, ap, &attr, pid)
				  : attach_on(l, p, ap, &attr, pid, -1);
	}
	err = cpus_online(&cpus, &ncpus);
	if (err || !ncpus) {
		free(cpus);
		attach_report(l, p->loc, "cannot read the online CPUs: %s",
			      strerror(err ? -err : ENOENT));
		return err ? err : -ENOENT;
	}
	for (i = 0; i < ncpus && !err; i++)
		err = attach_on(l, p, ap, &attr, -1, cpus[i]);
	free(cpus);
	return err;
}
