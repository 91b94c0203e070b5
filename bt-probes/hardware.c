/*
 * hardware.c - the hardware provider: CPU performance counters
 * (`hardware:EVENT[:COUNT]`, names and aliases as upstream's
 * probe_matcher.h).  Listed and expanded even where the kernel has no PMU
 * (a VM): bt-load then refuses to attach with a clear message, as upstream
 * does.  ATTACH_POINT fields as software.c's.
 */
#include "provider.h"

static const struct perf_event_def hardware_events[] = {
	{ "backend-stalls", NULL, 1000000 },
	{ "branch-instructions", "branches", 100000 },
	{ "branch-misses", NULL, 100000 },
	{ "bus-cycles", NULL, 100000 },
	{ "cache-misses", NULL, 1000000 },
	{ "cache-references", NULL, 1000000 },
	{ "cpu-cycles", "cycles", 1000000 },
	{ "frontend-stalls", NULL, 1000000 },
	{ "instructions", NULL, 1000000 },
	{ "ref-cycles", NULL, 1000000 },
	{ NULL, NULL, 0 },
};

static int hardware_expand(struct arena *a, const struct val *parts,
			   struct val *out, struct probe_err *err)
{
	return perf_event_expand(a, &provider_hardware, hardware_events,
				 parts, out, err);
}

static int hardware_list(struct arena *a, const char *pattern, bool verbose,
			 FILE *out)
{
	return perf_event_list(&provider_hardware, hardware_events, pattern,
			       out);
}

static const char *const hardware_short[] = { "h", NULL };

const struct provider provider_hardware = {
	.name = "hardware",
	.short_names = hardware_short,
	.expand = hardware_expand,
	.list = hardware_list,
};
