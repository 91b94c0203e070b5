/*
 * software.c - the software provider: kernel software perf events
 * (`software:EVENT[:COUNT]`, aliases as upstream's probe_matcher.h).
 * ATTACH_POINT fields: "target" (the canonical event name), "alias" (as
 * written), "period" (COUNT or the event's default).  The expansion and
 * listing code is shared with hardware.c (perf_event_expand/list).
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

static const struct perf_event_def software_events[] = {
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
	{ NULL, NULL, 0 },
};

int perf_event_expand(struct arena *a, const struct provider *p,
		      const struct perf_event_def *events,
		      const struct val *parts, struct val *out,
		      struct probe_err *err)
{
	const char *ev = provider_part(parts, 0), *cnt = provider_part(parts, 1);
	const char *names[64];
	const struct perf_event_def *e = NULL, *d;
	int64_t period;
	struct val *ap;
	size_t n = 0;

	err->status = 1;
	if (!parts || parts->n < 1 || parts->n > 2 || !ev) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probe type requires 1 or 2 arguments", p->name);
		return -EINVAL;
	}
	for (d = events; d->name; d++) {
		if (n < 62) {
			names[n++] = d->name;
			if (d->alias)
				names[n++] = d->alias;
		}
		if (!strcmp(ev, d->name) || (d->alias && !strcmp(ev, d->alias)))
			e = d;
	}
	if (!e) {
		const char *close = suggest_closest(ev, names, n);

		snprintf(err->msg, sizeof(err->msg),
			 "%s is not a %s probe", ev, p->name);
		if (close)
			snprintf(err->hint, sizeof(err->hint),
				 "did you mean '%s'?", close);
		return -EINVAL;
	}
	period = e->period;
	if (cnt && *cnt) {
		if (!provider_parse_count(cnt, &period)) {
			snprintf(err->msg, sizeof(err->msg),
				 "invalid count for %s probe: '%s'", p->name, cnt);
			return -EINVAL;
		}
	}
	ap = provider_ap_new(a, p,
			     cnt && *cnt ? arena_printf(a, "%s:%s:%s", p->name, ev, cnt)
					 : arena_printf(a, "%s:%s:", p->name, ev));
	val_set_str(a, ap, "target", e->name);
	val_set_str(a, ap, "alias", ev);
	val_set_int(a, ap, "period", period);
	val_push(a, out, ap);
	return 1;
}

/* upstream lists every name and alias, sorted: `software:cpu:` too */
static int perf_name_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int perf_event_list(const struct provider *p,
		    const struct perf_event_def *events, const char *pattern,
		    FILE *out)
{
	const char *names[64];
	const struct perf_event_def *d;
	size_t n = 0, i;
	int printed = 0;

	for (d = events; d->name && n < 62; d++) {
		names[n++] = d->name;
		if (d->alias)
			names[n++] = d->alias;
	}
	qsort(names, n, sizeof(names[0]), perf_name_cmp);
	for (i = 0; i < n; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s:%s:", p->name, names[i]);
		if (pattern && fnmatch(pattern, name, 0))
			continue;
		fprintf(out, "%s\n", name);
		printed++;
	}
	return printed;
}

static int software_expand(struct arena *a, const struct val *parts,
			   struct val *out, struct probe_err *err)
{
	return perf_event_expand(a, &provider_software, software_events,
				 parts, out, err);
}

static int software_list(struct arena *a, const char *pattern, bool verbose,
			 FILE *out)
{
	return perf_event_list(&provider_software, software_events, pattern,
			       out);
}

static const char *const software_short[] = { "s", NULL };

const struct provider provider_software = {
	.name = "software",
	.short_names = software_short,
	.expand = software_expand,
	.list = software_list,
};
