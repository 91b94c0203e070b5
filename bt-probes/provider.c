/*
 * provider.c - the table of probe providers and the lookup by name.
 *
 * Adding a provider:
 *   1. write bt-probes/<name>.c defining `const struct provider
 *      provider_<name>` (expand, list, args, flags; see provider.h);
 *   2. declare it in provider.h and add a row to provider_table below
 *      (the order is the order of `bt-probes -l`);
 *   3. document its ATTACH_POINT fields in share/WIRE.md if it adds any;
 *   4. teach bt-load to attach it and bt-gen its program section;
 *   5. add a bats case to tests/cli/bt-probes.bats and a unit test to
 *      tests/unit/test_probes.c.
 */
#include <string.h>
#include <strings.h>

#include "provider.h"

bool provider_unsafe;

const struct provider *const provider_table[] = {
	&provider_begin,
	&provider_end,
	&provider_kprobe,
	&provider_kretprobe,
	&provider_tracepoint,
	&provider_rawtracepoint,
	&provider_fentry,
	&provider_fexit,
	&provider_software,
	&provider_interval,
	&provider_profile,
	&provider_uprobe,
	&provider_uretprobe,
	&provider_usdt,
	&provider_iter,
	NULL,
};

const struct provider *provider_find(const char *name)
{
	const struct provider *const *p;
	const char *const *s;

	if (!name)
		return NULL;
	for (p = provider_table; *p; p++) {
		if (!strcasecmp((*p)->name, name))
			return *p;
		for (s = (*p)->short_names; s && *s; s++)
			if (!strcmp(*s, name))
				return *p;
	}
	return NULL;
}

const char *const *provider_all_names(void)
{
	static const char *names[64];
	const struct provider *const *p;
	const char *const *s;
	size_t n = 0;

	if (names[0])
		return names;
	for (p = provider_table; *p; p++) {
		names[n++] = (*p)->name;
		for (s = (*p)->short_names; s && *s && n < 62; s++)
			names[n++] = *s;
	}
	names[n] = NULL;
	return names;
}

bool provider_has_wildcard(const char *s)
{
	return s && (strchr(s, '*') || strchr(s, '?') || strchr(s, '['));
}

struct val *provider_ap_new(struct arena *a, const struct provider *p,
			    const char *name)
{
	struct val *ap = val_map(a);

	val_set_str(a, ap, "provider", p->name);
	val_set_str(a, ap, "name", name);
	return ap;
}

const char *provider_part(const struct val *parts, size_t i)
{
	const struct val *v = val_at(parts, i);

	return v && v->kind == VAL_STR ? v->s : NULL;
}
