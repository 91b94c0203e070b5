/*
 * iter.c - the iter provider: BPF iterators over kernel objects
 * (`iter:task`, `iter:task_file`, `iter:task_vma`, any `bpf_iter__NAME`
 * struct in BTF), with an optional pin path (`iter:task:/sys/fs/bpf/x`,
 * or `iter:task:x`, relative to /sys/fs/bpf as upstream's).
 * `ctx` in an iter probe is a pointer to struct bpf_iter__NAME.
 * ATTACH_POINT fields: "func" (NAME), "pin" (when given: the absolute
 * path; "name" keeps the pin as written).
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#include "provider.h"

static int iter_expand(struct arena *a, const struct val *parts,
		       struct val *out, struct probe_err *err)
{
	size_t np = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *name = provider_part(parts, 0), *pin = provider_part(parts, 1);
	struct btf *btf = kbtf_load();
	struct val *ap;

	err->status = 1;
	if ((np != 1 && np != 2) || !name || !*name) {
		snprintf(err->msg, sizeof(err->msg),
			 "iter probe type requires 1 or 2 arguments");
		return -EINVAL;
	}
	if (provider_has_wildcard(name) || (pin && provider_has_wildcard(pin))) {
		snprintf(err->msg, sizeof(err->msg),
			 "iter probe type does not support wildcards");
		return -EINVAL;
	}
	if (btf && btf__find_by_name_kind(btf, arena_printf(a, "bpf_iter__%s", name),
					  BTF_KIND_STRUCT) < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "iter %s not available for your kernel version", name);
		err->own_msg = true;
		return 0;
	}
	ap = provider_ap_new(a, &provider_iter,
			     pin ? arena_printf(a, "iter:%s:%s", name, pin)
				 : arena_printf(a, "iter:%s", name));
	val_set_str(a, ap, "func", name);
	/* a relative pin is a name under bpffs' usual mount, as upstream */
	if (pin && *pin)
		val_set_str(a, ap, "pin", *pin == '/' ? pin :
			    arena_printf(a, "/sys/fs/bpf/%s", pin));
	val_push(a, out, ap);
	return 1;
}

static int iter_list(struct arena *a, const char *pattern, bool verbose,
		     FILE *out)
{
	struct btf *btf = kbtf_load();
	__u32 id, n;
	int printed = 0;

	if (!btf)
		return 0;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *nm = btf__name_by_offset(btf, t->name_off);
		const char *full;

		/* bpf_iter__task__safe_trusted and such are helper types */
		if (!btf_is_struct(t) || !nm || strncmp(nm, "bpf_iter__", 10) ||
		    strstr(nm + 10, "__"))
			continue;
		full = arena_printf(a, "iter:%s", nm + 10);
		if (pattern && fnmatch(pattern, full, 0))
			continue;
		fprintf(out, "%s\n", full);
		printed++;
	}
	return printed;
}

static const char *const iter_short[] = { "it", NULL };

const struct provider provider_iter = {
	.name = "iter",
	.short_names = iter_short,
	.expand = iter_expand,
	.list = iter_list,
};
