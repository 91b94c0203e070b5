/*
 * bench_test.c - the bench and test probes: `bench:NAME` and `test:NAME`
 * name a piece of the program that bt-load runs itself (BPF_PROG_TEST_RUN)
 * under --mode bench or --mode test, and ignores otherwise.  Nothing in
 * the system is probed, so nothing is listed by `-l`.
 * ATTACH_POINT fields: "target" (the NAME).  That names are unique per
 * kind is bt-check's rule (attach.c), since it spans probes.
 */
#include <errno.h>
#include <stdio.h>

#include "provider.h"

static int named_expand(struct arena *a, const struct provider *p,
			const struct val *parts, struct val *out,
			struct probe_err *err)
{
	size_t n = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *name = provider_part(parts, 0);
	struct val *ap;

	err->status = 1;
	if (n != 1) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probe type requires 1 arguments, found %zu",
			 p->name, n);
		return -EINVAL;
	}
	if (!name || !name[0]) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probes must have a name", p->name);
		return -EINVAL;
	}
	ap = provider_ap_new(a, p, arena_printf(a, "%s:%s", p->name, name));
	val_set_str(a, ap, "target", name);
	val_push(a, out, ap);
	return 1;
}

static int bench_expand(struct arena *a, const struct val *parts,
			struct val *out, struct probe_err *err)
{
	return named_expand(a, &provider_bench, parts, out, err);
}

static int test_expand(struct arena *a, const struct val *parts,
		       struct val *out, struct probe_err *err)
{
	return named_expand(a, &provider_test, parts, out, err);
}

const struct provider provider_bench = {
	.name = "bench",
	.expand = bench_expand,
};

const struct provider provider_test = {
	.name = "test",
	.expand = test_expand,
};
