/*
 * software.c - the software provider: kernel software perf events
 * (`software:EVENT[:COUNT]`, aliases as upstream's probe_matcher.h).
 * ATTACH_POINT fields: "target" (the canonical event name), "alias" (as
 * written), "period" (COUNT or the event's default).
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

static const struct software_event {
	const char *name, *alias;
	int64_t period;
} software_events[] = {
	{ "alignment-faults", NULL, 1 },
	{ "bpf-output", NULL, 1 },
	{ "context-switches", "cs", 1000 },
	{ "cpu-clock", "cpu", 1000000 },
	{ "cpu-migrations", NULL, 1 },
	{ "dummy", NULL, 1 },
	{ "emulation-faults", NULL, 1 },
	{ "major-faults", NULL, 1 },
	{ "minor-faults", NULL, 100 },
	{ "page-faults", "faults", 100 },
	{ "task-clock", NULL, 1 },
};

#define N_EVENTS (sizeof(software_events) / sizeof(software_events[0]))

static int software_expand(struct arena *a, const struct val *parts,
			   struct val *out, struct probe_err *err)
{
	const char *ev = provider_part(parts, 0), *cnt = provider_part(parts, 1);
	const char *names[2 * N_EVENTS];
	const struct software_event *e = NULL;
	int64_t period;
	struct val *ap;
	size_t i;

	err->status = 1;
	if (!parts || parts->n < 1 || parts->n > 2 || !ev) {
		snprintf(err->msg, sizeof(err->msg),
			 "software probe type requires 1 or 2 arguments");
		return -EINVAL;
	}
	for (i = 0; i < N_EVENTS; i++) {
		names[i] = software_events[i].name;
		names[N_EVENTS + i] = software_events[i].alias;
		if (!strcmp(ev, software_events[i].name) ||
		    (software_events[i].alias &&
		     !strcmp(ev, software_events[i].alias)))
			e = &software_events[i];
	}
	if (!e) {
		const char *close = suggest_closest(ev, names, 2 * N_EVENTS);

		snprintf(err->msg, sizeof(err->msg),
			 "%s is not a software probe", ev);
		if (close)
			snprintf(err->hint, sizeof(err->hint),
				 "did you mean '%s'?", close);
		return -EINVAL;
	}
	period = e->period;
	if (cnt && *cnt) {
		char *end;

		period = strtoll(cnt, &end, 0);
		if (*end || period <= 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "invalid count for software probe: '%s'", cnt);
			return -EINVAL;
		}
	}
	ap = provider_ap_new(a, &provider_software,
			     cnt && *cnt ? arena_printf(a, "software:%s:%s", ev, cnt)
					 : arena_printf(a, "software:%s:", ev));
	val_set_str(a, ap, "target", e->name);
	val_set_str(a, ap, "alias", ev);
	val_set_int(a, ap, "period", period);
	val_push(a, out, ap);
	return 1;
}

static int software_list(struct arena *a, const char *pattern, bool verbose,
			 FILE *out)
{
	size_t i;
	int n = 0;

	for (i = 0; i < N_EVENTS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "software:%s:",
			 software_events[i].name);
		if (pattern && fnmatch(pattern, name, 0))
			continue;
		fprintf(out, "%s\n", name);
		n++;
	}
	return n;
}

static const char *const software_short[] = { "s", NULL };

const struct provider provider_software = {
	.name = "software",
	.short_names = software_short,
	.expand = software_expand,
	.list = software_list,
};
