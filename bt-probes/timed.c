/*
 * timed.c - the interval and profile providers: perf timers that fire
 * every N units on one CPU (interval) or on every CPU (profile).
 *
 * Spellings (FEATURES P-33/34): `interval:s:1`, `i:ms:100`, `profile:hz:99`,
 * and the one-part forms `interval:1s`, `profile:99` (a bare number is
 * nanoseconds, at least 1000; a unit suffix ns/us/ms/s may follow).
 * ATTACH_POINT fields: "unit" ("s" "ms" "us" "hz", or "ns" for the
 * one-part form without a unit) and "period" (N in that unit).
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

static const char *const timed_units[] = { "s", "ms", "us", "hz" };

static bool timed_number(const char *s, int64_t *out, const char **rest)
{
	char *end;
	long long v;

	if (!s || !*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || v <= 0)
		return false;
	*out = v;
	*rest = end;
	return true;
}

int timed_parse(const struct val *parts, const char **unit, int64_t *period,
		struct probe_err *err)
{
	size_t n = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *p0 = provider_part(parts, 0), *p1 = provider_part(parts, 1);
	const char *rest;
	size_t i;

	if (n == 2) {
		for (i = 0; i < sizeof(timed_units) / sizeof(timed_units[0]); i++)
			if (p0 && !strcmp(p0, timed_units[i]))
				*unit = timed_units[i];
		if (!*unit) {
			snprintf(err->msg, sizeof(err->msg),
				 "%s is not an accepted unit", p0 ? p0 : "''");
			snprintf(err->hint, sizeof(err->hint),
				 "accepted units are hz, s, ms and us");
			return -EINVAL;
		}
		if (!provider_parse_count(p1, period)) {
			snprintf(err->msg, sizeof(err->msg),
				 "invalid rate of %s probe: '%s'", "timed",
				 p1 ? p1 : "");
			return -EINVAL;
		}
		return 0;
	}
	if (n == 1 && timed_number(p0, period, &rest)) {
		static const struct { const char *sfx; const char *unit; } sfx[] = {
			{ "", "ns" }, { "ns", "ns" }, { "us", "us" },
			{ "ms", "ms" }, { "s", "s" }, { "hz", "hz" },
		};

		for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			if (strcmp(rest, sfx[i].sfx))
				continue;
			*unit = sfx[i].unit;
			if (!strcmp(*unit, "ns") && *period < 1000) {
				snprintf(err->msg, sizeof(err->msg),
					 "a period of %" PRId64 "ns is too short",
					 *period);
				snprintf(err->hint, sizeof(err->hint),
					 "the shortest period is 1000ns (1us)");
				return -EINVAL;
			}
			return 0;
		}
	}
	snprintf(err->msg, sizeof(err->msg), "%s probe type requires 2 arguments",
		 "timed");
	return -EINVAL;
}

static int timed_expand(struct arena *a, const struct provider *p,
			const struct val *parts, struct val *out,
			struct probe_err *err)
{
	const char *unit = NULL;
	int64_t period = 0;
	struct val *ap;
	int r;

	err->status = 1;
	r = timed_parse(parts, &unit, &period, err);
	if (r < 0) {
		/* name the provider in the message */
		char *t = strstr(err->msg, "timed");

		if (t) {
			char buf[sizeof(err->msg)];

			snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(t - err->msg),
				 err->msg, p->name, t + 5);
			snprintf(err->msg, sizeof(err->msg), "%s", buf);
		}
		return r;
	}
	if (parts->n == 2)
		ap = provider_ap_new(a, p, arena_printf(a, "%s:%s:%" PRId64,
							p->name, unit, period));
	else
		ap = provider_ap_new(a, p, arena_printf(a, "%s:%s", p->name,
							provider_part(parts, 0)));
	val_set_str(a, ap, "unit", unit);
	val_set_int(a, ap, "period", period);
	val_push(a, out, ap);
	return 1;
}

static int timed_list(const struct provider *p, const char *pattern,
		      FILE *out)
{
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(timed_units) / sizeof(timed_units[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s:%s:", p->name, timed_units[i]);
		if (pattern && fnmatch(pattern, name, 0))
			continue;
		fprintf(out, "%s\n", name);
		n++;
	}
	return n;
}

static int interval_expand(struct arena *a, const struct val *parts,
			   struct val *out, struct probe_err *err)
{
	return timed_expand(a, &provider_interval, parts, out, err);
}

static int profile_expand(struct arena *a, const struct val *parts,
			  struct val *out, struct probe_err *err)
{
	return timed_expand(a, &provider_profile, parts, out, err);
}

static int interval_list(struct arena *a, const char *pattern, bool verbose,
			 FILE *out)
{
	return timed_list(&provider_interval, pattern, out);
}

static int profile_list(struct arena *a, const char *pattern, bool verbose,
			FILE *out)
{
	return timed_list(&provider_profile, pattern, out);
}

static const char *const interval_short[] = { "i", NULL };
static const char *const profile_short[] = { "p", NULL };

const struct provider provider_interval = {
	.name = "interval",
	.short_names = interval_short,
	.expand = interval_expand,
	.list = interval_list,
};

const struct provider provider_profile = {
	.name = "profile",
	.short_names = profile_short,
	.expand = profile_expand,
	.list = profile_list,
};
