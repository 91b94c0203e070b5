/*
 * fentry.c - the fentry and fexit providers (aliases f/kfunc, fr/kretfunc)
 * and rawtracepoint (rt): BTF-typed kernel attach points.
 *
 * fentry/fexit attach to a kernel function found as a BTF FUNC; `args` is
 * a struct of its parameters, 8 bytes apart as in the trampoline's
 * context.  rawtracepoint attaches to a tracepoint by name; its typed
 * arguments come from the `btf_trace_NAME` typedef (a pointer to a
 * function whose first parameter is the context).  ATTACH_POINT fields:
 * "func" (function or event), "target" (module, when given), "btf_id".
 * `fentry:bpf:...` (running BPF programs as targets) is in fentry_bpf.c.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

/* the FUNC_PROTO id behind a FUNC or a btf_trace_ typedef, or 0 */
static __u32 fentry_proto(const struct btf *btf, __u32 id, bool raw_tp)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t)
		return 0;
	if (raw_tp) {
		/* typedef void (*btf_trace_x)(void *, args...) */
		while (t && (btf_is_typedef(t) || btf_is_ptr(t))) {
			id = t->type;
			t = btf__type_by_id(btf, id);
		}
		return t && btf_is_func_proto(t) ? id : 0;
	}
	return btf_is_func(t) ? t->type : 0;
}

static int fentry_expand_as(const struct provider *p, struct arena *a,
			    const struct val *parts, struct val *out,
			    struct probe_err *err)
{
	bool raw_tp = p == &provider_rawtracepoint;
	size_t np = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *mod = np == 2 ? provider_part(parts, 0) : NULL;
	const char *fn = provider_part(parts, np == 2 ? 1 : 0);
	struct btf *btf = kbtf_load();
	const char **names = NULL;
	__u32 id, n;
	int matched = 0, nnames = 0;

	err->status = 1;
	if (!raw_tp && fentry_bpf_variant(parts))
		return fentry_bpf_expand(p, a, parts, out, err);
	if (!raw_tp && np == 3) {
		snprintf(err->msg, sizeof(err->msg),
			 "Only the 'bpf' variant of this probe supports 4 arguments");
		snprintf(err->hint, sizeof(err->hint),
			 "fentry:bpf:ID:NAME attaches to a running BPF program; kernel functions are fentry[:MODULE]:FUNCTION");
		return -EINVAL;
	}
	if ((np != 1 && np != 2) || !fn || !*fn) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probe type requires 1 or 2 arguments", p->name);
		return -EINVAL;
	}
	if (!btf) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probes need kernel BTF, which is not available",
			 p->name);
		snprintf(err->hint, sizeof(err->hint),
			 "a kernel with CONFIG_DEBUG_INFO_BTF provides /sys/kernel/btf/vmlinux");
		err->status = 3;
		return -ENOENT;
	}
	if (mod && fnmatch(mod, "vmlinux", 0)) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s: module BTF is not searched yet (only vmlinux): '%s'",
			 p->name, mod);
		return 0;
	}
	n = btf__type_cnt(btf);
	names = arena_alloc(a, sizeof(*names) * 1024);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		struct val *ap;

		if (!name)
			continue;
		if (raw_tp) {
			if (!btf_is_typedef(t) || strncmp(name, "btf_trace_", 10))
				continue;
			name += 10;
		} else if (!btf_is_func(t)) {
			continue;
		}
		if (nnames < 1024 && !provider_has_wildcard(fn) &&
		    name[0] == fn[0])
			names[nnames++] = name;
		if (fnmatch(fn, name, 0))
			continue;
		ap = provider_ap_new(a, p, arena_printf(a, "%s:vmlinux:%s", p->name,
							name));
		val_set_str(a, ap, "func", name);
		val_set_str(a, ap, "target", "vmlinux");
		val_set_int(a, ap, "btf_id", id);
		val_push(a, out, ap);
		matched++;
	}
	if (matched)
		return matched;
	snprintf(err->msg, sizeof(err->msg), "%s: %s '%s' not found in BTF",
		 p->name, raw_tp ? "tracepoint" : "function", fn);
	if (suggest_closest(fn, names, nnames))
		snprintf(err->hint, sizeof(err->hint), "did you mean '%s'?",
			 suggest_closest(fn, names, nnames));
	return 0;
}

/*
 * The FUNC_PROTO of an attach point (its "btf_id"), in *btf; NULL with err
 * filled when there is none
 */
static const struct btf_type *fentry_proto_of(struct arena *a,
					      const struct val *ap,
					      struct probe_err *err,
					      bool raw_tp, struct btf **btfp)
{
	struct btf *btf = kbtf_load();
	const struct btf_type *proto;
	__u32 pid;

	*btfp = btf;
	if (!btf) {
		snprintf(err->msg, sizeof(err->msg), "kernel BTF is not available");
		err->status = 3;
		return NULL;
	}
	pid = fentry_proto(btf, (__u32)val_get_int(ap, "btf_id", 0), raw_tp);
	if (raw_tp && val_get_str(ap, "func")) {
		/* __bpf_trace_NAME is a real function: its parameters have names */
		__s32 fid = btf__find_by_name_kind(btf,
			arena_printf(a, "__bpf_trace_%s", val_get_str(ap, "func")),
			BTF_KIND_FUNC);

		if (fid > 0)
			pid = fentry_proto(btf, (__u32)fid, false);
	}
	proto = pid ? btf__type_by_id(btf, pid) : NULL;
	if (!proto)
		snprintf(err->msg, sizeof(err->msg),
			 "no BTF function prototype for '%s'",
			 val_get_str(ap, "func") ? val_get_str(ap, "func") : "?");
	return proto;
}

static struct type *fentry_args_of(struct arena *a, const struct val *ap,
				   struct probe_err *err, bool raw_tp)
{
	struct btf *btf;
	const struct btf_type *proto = fentry_proto_of(a, ap, err, raw_tp, &btf);
	const struct btf_param *prm;
	struct type *st;
	int i, vlen, skip = raw_tp ? 1 : 0;

	if (!proto)
		return NULL;
	vlen = btf_vlen(proto);
	prm = btf_params(proto);
	st = type_new(a, TY_STRUCT);
	st->name = "args";
	st->fields = arena_alloc(a, sizeof(*st->fields) * (vlen + 1));
	for (i = skip; i < vlen; i++) {
		struct type_field *f = &st->fields[st->nfields++];
		const char *pn = btf__name_by_offset(btf, prm[i].name_off);

		f->name = arena_strdup(a, pn && *pn ? pn :
				       arena_printf(a, "arg%d", i - skip));
		f->type = kbtf_type(a, btf, prm[i].type, 1);
		f->offset = (i - skip) * 8;
	}
	st->size = st->nfields * 8;
	return st;
}

/* an attach point of the bpf variant (a running BPF program)? */
static bool fentry_on_bpf(const struct val *ap)
{
	const char *t = val_get_str(ap, "target");

	return t && !strcmp(t, "bpf");
}

/* fexit's retval: the function's return type (void reads as a u64 0) */
static struct type *fexit_retval(struct arena *a, const struct val *ap,
				 struct probe_err *err)
{
	struct btf *btf;
	const struct btf_type *proto;

	/* a BPF function returns its value in r0: read it whole */
	if (fentry_on_bpf(ap))
		return type_int(a, 8, false);
	proto = fentry_proto_of(a, ap, err, false, &btf);
	if (!proto)
		return NULL;
	if (!proto->type)
		return type_int(a, 8, false);
	return kbtf_type(a, btf, proto->type, 1);
}

static struct type *fentry_args(struct arena *a, const struct val *ap,
				struct probe_err *err)
{
	if (fentry_on_bpf(ap)) {
		snprintf(err->msg, sizeof(err->msg),
			 "The args builtin cannot be used for 'fentry/fexit:bpf' probes");
		return NULL;
	}
	return fentry_args_of(a, ap, err, false);
}

static struct type *rawtp_args(struct arena *a, const struct val *ap,
			       struct probe_err *err)
{
	return fentry_args_of(a, ap, err, true);
}

/* `fentry:vmlinux:NAME` lines, with -v the typed arguments */
static int fentry_list_as(const struct provider *p, struct arena *a,
			  const char *pattern, bool verbose, FILE *out)
{
	bool raw_tp = p == &provider_rawtracepoint;
	struct btf *btf;
	__u32 id, n;
	int printed = 0;

	if (!raw_tp && pattern && strstr(pattern, ":bpf:"))
		return fentry_bpf_list(p, a, pattern, out);
	btf = kbtf_load();
	if (!btf)
		return 0;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		const char *full;

		if (!name)
			continue;
		if (raw_tp) {
			if (!btf_is_typedef(t) || strncmp(name, "btf_trace_", 10))
				continue;
			name += 10;
		} else if (!btf_is_func(t)) {
			continue;
		}
		full = arena_printf(a, "%s:vmlinux:%s", p->name, name);
		if (pattern && fnmatch(pattern, full, 0))
			continue;
		fprintf(out, "%s\n", full);
		printed++;
		if (verbose) {
			struct val *ap = val_map(a);
			struct probe_err err = { { 0 } };
			struct type *st;
			int i;

			val_set_str(a, ap, "func", name);
			val_set_int(a, ap, "btf_id", id);
			st = fentry_args_of(a, ap, &err, raw_tp);
			for (i = 0; st && i < st->nfields; i++)
				fprintf(out, "    %s %s\n",
					type_str(a, st->fields[i].type),
					st->fields[i].name);
			if (st && p == &provider_fexit &&
			    (st = fexit_retval(a, ap, &err)))
				fprintf(out, "    %s retval\n", type_str(a, st));
		}
	}
	return printed;
}

static int fentry_list(struct arena *a, const char *pattern, bool verbose,
		       FILE *out)
{
	return fentry_list_as(&provider_fentry, a, pattern, verbose, out);
}

static int fexit_list(struct arena *a, const char *pattern, bool verbose,
		      FILE *out)
{
	return fentry_list_as(&provider_fexit, a, pattern, verbose, out);
}

static int rawtp_list(struct arena *a, const char *pattern, bool verbose,
		      FILE *out)
{
	return fentry_list_as(&provider_rawtracepoint, a, pattern, verbose, out);
}

static int fentry_expand(struct arena *a, const struct val *parts,
			 struct val *out, struct probe_err *err)
{
	return fentry_expand_as(&provider_fentry, a, parts, out, err);
}

static int fexit_expand(struct arena *a, const struct val *parts,
			struct val *out, struct probe_err *err)
{
	return fentry_expand_as(&provider_fexit, a, parts, out, err);
}

static int rawtp_expand(struct arena *a, const struct val *parts,
			struct val *out, struct probe_err *err)
{
	return fentry_expand_as(&provider_rawtracepoint, a, parts, out, err);
}

static const char *const fentry_short[] = { "f", "kfunc", NULL };
static const char *const fexit_short[] = { "fr", "kretfunc", NULL };
static const char *const rawtp_short[] = { "rt", NULL };

const struct provider provider_fentry = {
	.name = "fentry",
	.short_names = fentry_short,
	.expand = fentry_expand,
	.list = fentry_list,
	.args = fentry_args,
	.has_func = true,
};

const struct provider provider_fexit = {
	.name = "fexit",
	.short_names = fexit_short,
	.expand = fexit_expand,
	.list = fexit_list,
	.args = fentry_args,
	.retval = fexit_retval,
	.has_retval = true,
	.has_func = true,
};

const struct provider provider_rawtracepoint = {
	.name = "rawtracepoint",
	.short_names = rawtp_short,
	.expand = rawtp_expand,
	.list = rawtp_list,
	.args = rawtp_args,
	.has_argn = true,
};
