/*
 * attach_perf.c - probes that are perf events: interval (software
 * cpu-clock on one CPU, fires every period), profile (cpu-clock on every
 * online CPU; "hz" is a frequency), software and hardware events (on
 * every online CPU, every "period" occurrences, else bpftrace's default
 * count for the event).
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

static int attach_on_cpu(struct load *l, struct load_probe *p,
			 const struct val *ap, struct perf_event_attr *attr,
			 int cpu)
{
	LIBBPF_OPTS(bpf_perf_event_opts, opts, .bpf_cookie = p->ap_cookie);
	struct bpf_link *link;
	int fd, err;

	fd = perf_open(attr, cpu < 0 ? l->pid : -1, cpu);
	if (fd < 0) {
		err = -errno;
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
	return attach_add_link(l, link);
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
		err = attach_on_cpu(l, p, ap, &attr, cpus[i]);
		if (err)
			break;
	}
	free(cpus);
	return err;
}
