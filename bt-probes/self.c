/*
 * self.c - the self provider: `self:signal:SIGUSR1` runs its program when
 * bpftrace itself receives the signal (bt-load catches it and runs the
 * program like begin and end).  Upstream accepts SIGUSR1 only.
 * ATTACH_POINT fields: "target" ("signal"), "func" (the signal name).
 */
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "provider.h"

static const char *const self_signals[] = { "SIGUSR1", NULL };

static int self_expand(struct arena *a, const struct val *parts,
		       struct val *out, struct probe_err *err)
{
	const char *what = provider_part(parts, 0), *sig = provider_part(parts, 1);
	struct val *ap;
	size_t i;

	err->status = 1;
	if (!parts || parts->n != 2 || !what || !sig) {
		snprintf(err->msg, sizeof(err->msg),
			 "self probe type requires 2 arguments");
		return -EINVAL;
	}
	if (strcmp(what, "signal")) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s is not a supported trigger", what);
		return -EINVAL;
	}
	for (i = 0; self_signals[i]; i++)
		if (!strcmp(sig, self_signals[i]))
			break;
	if (!self_signals[i]) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s is not a supported signal", sig);
		snprintf(err->hint, sizeof(err->hint),
			 "supported signals: SIGUSR1");
		return -EINVAL;
	}
	ap = provider_ap_new(a, &provider_self,
			     arena_printf(a, "self:signal:%s", sig));
	val_set_str(a, ap, "target", "signal");
	val_set_str(a, ap, "func", sig);
	val_push(a, out, ap);
	return 1;
}

static int self_list(struct arena *a, const char *pattern, bool verbose,
		     FILE *out)
{
	int i, n = 0;

	for (i = 0; self_signals[i]; i++) {
		const char *name = arena_printf(a, "self:signal:%s", self_signals[i]);

		if (pattern && fnmatch(pattern, name, 0))
			continue;
		fprintf(out, "%s\n", name);
		n++;
	}
	return n;
}

const struct provider provider_self = {
	.name = "self",
	.expand = self_expand,
	.list = self_list,
};
