/*
 * kprobe.c - the kprobe and kretprobe providers: entry and return of
 * kernel functions, expanded against /proc/kallsyms (text symbols).
 *
 * `kprobe:FUNC`, `kprobe:MODULE:FUNC`, `kprobe:FUNC+OFFSET`; wildcards in
 * FUNC and MODULE.  ATTACH_POINT fields: "func", "target" (module, when
 * given), "offset".  Whether this kernel can attach kprobes at all is
 * bt-load's question (this machine's kernel cannot): compile here, run
 * there.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

struct ksym {
	const char *name, *module;
};

static int ksym_cmp(const void *x, const void *y)
{
	const struct ksym *a = x, *b = y;

	return strcmp(a->name, b->name);
}

/* every text symbol of /proc/kallsyms, sorted; count or negative errno */
static int kprobe_symbols(struct arena *a, struct ksym **out)
{
	static struct ksym *cache;
	static int ncache = -1;
	FILE *f;
	char line[512];
	size_t cap = 0, n = 0;
	struct ksym *syms = NULL;

	if (ncache >= 0) {
		*out = cache;
		return ncache;
	}
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char type, name[256], mod[128] = "";
		int k = sscanf(line, "%*s %c %255s [%127[^]]]", &type, name, mod);

		if (k < 2 || (type != 't' && type != 'T'))
			continue;
		if (n == cap) {
			struct ksym *ns;

			cap = cap ? cap * 2 : 65536;
			ns = arena_alloc(a, sizeof(*ns) * cap);
			if (n)
				memcpy(ns, syms, sizeof(*ns) * n);
			syms = ns;
		}
		syms[n].name = arena_strdup(a, name);
		syms[n].module = mod[0] ? arena_strdup(a, mod) : NULL;
		n++;
	}
	fclose(f);
	if (n)
		qsort(syms, n, sizeof(*syms), ksym_cmp);
	cache = syms;
	ncache = (int)n;
	*out = syms;
	return (int)n;
}

static int kprobe_expand_as(const struct provider *p, struct arena *a,
			    const struct val *parts, struct val *out,
			    struct probe_err *err)
{
	size_t np = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *mod = np == 2 ? provider_part(parts, 0) : NULL;
	const char *fn = provider_part(parts, np == 2 ? 1 : 0);
	const char **names;
	struct ksym *syms;
	int64_t offset = 0;
	char *plus;
	int n, i, matched = 0;

	err->status = 1;
	if ((np != 1 && np != 2) || !fn || !*fn) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probe type requires 1 or 2 arguments", p->name);
		return -EINVAL;
	}
	fn = arena_strdup(a, fn);
	plus = strchr(fn, '+');
	if (plus) {
		char *end;

		if (p == &provider_kretprobe) {
			snprintf(err->msg, sizeof(err->msg),
				 "kretprobe can not take an offset");
			return -EINVAL;
		}
		*plus = '\0';
		offset = strtoll(plus + 1, &end, 0);
		if (*end || offset < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "invalid offset '%s'", plus + 1);
			return -EINVAL;
		}
	}
	n = kprobe_symbols(a, &syms);
	if (n <= 0) {
		/* no kallsyms: take the name as written, bt-load decides */
		struct val *ap;

		if (provider_has_wildcard(fn)) {
			snprintf(err->msg, sizeof(err->msg),
				 "cannot expand '%s': /proc/kallsyms is not readable",
				 fn);
			err->status = 3;
			return -EACCES;
		}
		ap = provider_ap_new(a, p, arena_printf(a, "%s:%s", p->name, fn));
		val_set_str(a, ap, "func", fn);
		val_set_int(a, ap, "offset", offset);
		val_push(a, out, ap);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct val *ap;

		if (fnmatch(fn, syms[i].name, 0) ||
		    (mod && fnmatch(mod, syms[i].module ? syms[i].module :
					 "vmlinux", 0)) ||
		    (i && !strcmp(syms[i].name, syms[i - 1].name)))
			continue;
		/* compiler-made copies (foo.cold, foo.isra.0) only when asked */
		if (provider_has_wildcard(fn) && !strchr(fn, '.') &&
		    strchr(syms[i].name, '.'))
			continue;
		ap = provider_ap_new(a, p, offset ?
				     arena_printf(a, "%s:%s+%" PRId64, p->name,
						  syms[i].name, offset) :
				     arena_printf(a, "%s:%s", p->name, syms[i].name));
		val_set_str(a, ap, "func", syms[i].name);
		if (syms[i].module)
			val_set_str(a, ap, "target", syms[i].module);
		val_set_int(a, ap, "offset", offset);
		val_push(a, out, ap);
		matched++;
	}
	if (matched)
		return matched;
	if (mod && !provider_has_wildcard(mod) && strcmp(mod, "vmlinux")) {
		for (i = 0; i < n; i++)
			if (syms[i].module && !strcmp(syms[i].module, mod))
				break;
		if (i == n) {
			snprintf(err->msg, sizeof(err->msg),
				 "specified module %s in probe %s:%s:%s is not loaded.",
				 mod, p->name, mod, fn);
			err->own_msg = true;
			return 0;
		}
	}
	snprintf(err->msg, sizeof(err->msg), "%s: function '%s' not found",
		 p->name, fn);
	if (!provider_has_wildcard(fn)) {
		names = arena_alloc(a, sizeof(*names) * n);
		for (i = 0; i < n; i++)
			names[i] = syms[i].name;
		if (suggest_closest(fn, names, n))
			snprintf(err->hint, sizeof(err->hint), "did you mean '%s'?",
				 suggest_closest(fn, names, n));
	}
	return 0;
}

static int kprobe_list_as(const struct provider *p, struct arena *a,
			  const char *pattern, FILE *out)
{
	struct ksym *syms;
	int n, i, printed = 0;

	n = kprobe_symbols(a, &syms);
	for (i = 0; i < n; i++) {
		const char *name;

		if ((i && !strcmp(syms[i].name, syms[i - 1].name)) ||
		    strchr(syms[i].name, '.'))
			continue;
		name = arena_printf(a, "%s:%s", p->name, syms[i].name);
		if (pattern && fnmatch(pattern, name, 0))
			continue;
		fprintf(out, "%s\n", name);
		printed++;
	}
	return printed;
}

static int kprobe_expand(struct arena *a, const struct val *parts,
			 struct val *out, struct probe_err *err)
{
	return kprobe_expand_as(&provider_kprobe, a, parts, out, err);
}

static int kretprobe_expand(struct arena *a, const struct val *parts,
			    struct val *out, struct probe_err *err)
{
	return kprobe_expand_as(&provider_kretprobe, a, parts, out, err);
}

static int kprobe_list(struct arena *a, const char *pattern, bool verbose,
		       FILE *out)
{
	return kprobe_list_as(&provider_kprobe, a, pattern, out);
}

static const char *const kprobe_short[] = { "k", NULL };
static const char *const kretprobe_short[] = { "kr", NULL };

const struct provider provider_kprobe = {
	.name = "kprobe",
	.short_names = kprobe_short,
	.expand = kprobe_expand,
	.list = kprobe_list,
	.has_argn = true,
	.has_func = true,
};

const struct provider provider_kretprobe = {
	.name = "kretprobe",
	.short_names = kretprobe_short,
	.expand = kretprobe_expand,
	.has_retval = true,
	.has_func = true,
};
