/*
 * special.c - the begin and end probes: run once, before anything else is
 * attached and after everything is detached.  They take no arguments and
 * are not listed by `-l` (upstream does not list them either).
 */
#include <errno.h>
#include <stdio.h>

#include "provider.h"

static int special_expand(struct arena *a, const struct provider *p,
			  const struct val *parts, struct val *out,
			  struct probe_err *err)
{
	size_t n = parts && parts->kind == VAL_ARR ? parts->n : 0;

	/* `BEGIN:` splits into one empty part; accept nothing else */
	if (n > 1 || (n == 1 && provider_part(parts, 0) &&
		      provider_part(parts, 0)[0])) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probe type requires 0 arguments", p->name);
		err->status = 1;
		return -EINVAL;
	}
	val_push(a, out, provider_ap_new(a, p, p->name));
	return 1;
}

static int begin_expand(struct arena *a, const struct val *parts,
			struct val *out, struct probe_err *err)
{
	return special_expand(a, &provider_begin, parts, out, err);
}

static int end_expand(struct arena *a, const struct val *parts,
		      struct val *out, struct probe_err *err)
{
	return special_expand(a, &provider_end, parts, out, err);
}

const struct provider provider_begin = {
	.name = "begin",
	.expand = begin_expand,
};

const struct provider provider_end = {
	.name = "end",
	.expand = end_expand,
};
