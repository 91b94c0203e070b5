/*
 * attach.c - attach points: providers resolved (case-insensitive full
 * names, exact short names), wildcards expanded through bt-probes, and a
 * probe whose body depends on its attach point (args, probe, func, argN,
 * retval) split into one probe per expanded attach point (WIRE.md), or,
 * when it depends only through `probe`, kept whole and marked "cookie".
 * A rawtracepoint probe calling skboutput() is split too and marked
 * "tp_btf" (check_needs_tp_btf), and so is every probe with fentry/fexit
 * attach points among others (the kernel binds such a program to one
 * function).
 */
#include <ctype.h>
#include <regex.h>
#include <string.h>

#include "check.h"

/* is this builtin's value a property of the attach point? */
static bool check_name_depends_on_ap(const char *name)
{
	if (!strcmp(name, "args") || !strcmp(name, "probe") ||
	    !strcmp(name, "func") || !strcmp(name, "retval") ||
	    !strcmp(name, "probetype") || !strcmp(name, "ctx") ||
	    !strcmp(name, "uaddr"))   /* a PIE's load address, per point */
		return true;
	return !strncmp(name, "arg", 3) && isdigit((unsigned char)name[3]);
}

/*
 * Does node hold an identifier or call whose name `hit` accepts (with
 * arg passed through)?  The one walk behind both questions below.
 */
static bool check_body_names_any(const struct val *node,
				 bool (*hit)(const char *name, const char *arg),
				 const char *arg)
{
	const char *k, *name;
	size_t i;

	if (!node)
		return false;
	if (node->kind == VAL_ARR) {
		for (i = 0; i < node->n; i++)
			if (check_body_names_any(node->items[i], hit, arg))
				return true;
		return false;
	}
	if (node->kind != VAL_MAP)
		return false;
	k = val_get_str(node, "k");
	name = val_get_str(node, "name");
	if (k && name && (!strcmp(k, "ident") || !strcmp(k, "call")) &&
	    hit(name, arg))
		return true;
	for (i = 0; i < node->n; i++)
		if (check_body_names_any(node->kv[i].v, hit, arg))
			return true;
	return false;
}

static bool depends_on_ap(const char *name, const char *unused)
{
	(void)unused;
	return check_name_depends_on_ap(name);
}

bool check_body_depends_on_ap(const struct val *node)
{
	return check_body_names_any(node, depends_on_ap, NULL);
}

static bool calls_tracing_only(const char *name, const char *unused)
{
	(void)unused;
	return check_call_is_tracing_only(name);
}

/*
 * A rawtracepoint probe calling a helper that only BPF_PROG_TYPE_TRACING
 * programs may call (skboutput) is compiled as a tp_btf program instead
 * of a raw_tp one.  The kernel binds a tp_btf program to its tracepoint
 * when it loads it, so such a probe gets one program per attach point.
 */
static bool check_needs_tp_btf(const struct val *probe, const struct val *exp)
{
	size_t i;

	if (!check_body_names_any(val_get(probe, "body"), calls_tracing_only, NULL) &&
	    !check_body_names_any(val_get(probe, "pred"), calls_tracing_only, NULL))
		return false;
	for (i = 0; i < exp->n; i++) {
		const char *p = val_get_str(exp->items[i], "provider");

		if (p && !strcmp(p, "rawtracepoint"))
			return true;
	}
	return false;
}

/*
 * fentry and fexit programs are bound to their target function (in
 * vmlinux or in a running BPF program) when the kernel loads them: a
 * probe with one of them among several attach points is split.
 */
static bool check_has_fentry(const struct val *exp)
{
	size_t i;

	for (i = 0; i < exp->n; i++) {
		const char *p = val_get_str(exp->items[i], "provider");

		if (p && (!strcmp(p, "fentry") || !strcmp(p, "fexit")))
			return true;
	}
	return false;
}

/* probe (with its expanded attach points set) as a tp_btf program? */
static void check_mark_tp_btf(struct check *ck, struct val *probe)
{
	const struct val *exp = val_get(probe, "expanded");
	const char *p = val_get_str(val_at(exp, 0), "provider");

	if (exp->n == 1 && p && !strcmp(p, "rawtracepoint"))
		val_set(ck->a, probe, "tp_btf", val_bool(ck->a, true));
}

/*
 * May one program serve every attach point of exp, telling them apart by
 * the BPF attach cookie (the index of the attach point)?  Yes when they
 * all have one provider whose attachment takes a cookie and the body
 * depends on the attach point only through `probe` (a lookup in bt-gen's
 * table of names), `probetype` (one provider) and, for uprobes, `func`
 * (the address read at run time, the name a row bt-gen picks by the
 * cookie).
 */
static bool check_cookie_ident_ok(const char *name, const char *prov)
{
	if (!strcmp(name, "probe") || !strcmp(name, "probetype"))
		return true;
	if (!strcmp(name, "args") && !strcmp(prov, "tracepoint"))
		return true;    /* only as args.FIELD: check_cookie_args() */
	return !strcmp(name, "func") && (!strcmp(prov, "uprobe") ||
					 !strcmp(prov, "uretprobe"));
}

/* a use of the attach point one shared program cannot serve */
static bool cookie_breaking(const char *name, const char *prov)
{
	return check_name_depends_on_ap(name) &&
	       !check_cookie_ident_ok(name, prov);
}

static bool check_cookie_body_ok(const struct val *node, const char *prov)
{
	return !check_body_names_any(node, cookie_breaking, prov);
}

/*
 * args.FIELD in a tracepoint cookie probe: every `args` must be the base of
 * a field access, collected in names (at most 16 different fields).
 */
#define COOKIE_MAX_FIELDS 16

static bool check_cookie_args_uses(const struct val *node, const char **names,
				   int *n)
{
	const char *k, *name;
	const struct val *e;
	size_t i;
	int j;

	if (!node)
		return true;
	if (node->kind == VAL_ARR) {
		for (i = 0; i < node->n; i++)
			if (!check_cookie_args_uses(node->items[i], names, n))
				return false;
		return true;
	}
	if (node->kind != VAL_MAP)
		return true;
	k = val_get_str(node, "k");
	name = val_get_str(node, "name");
	e = val_get(node, "e");
	if (k && !strcmp(k, "field") && name && e &&
	    !val_get(e, "e") && val_get_str(e, "k") &&
	    !strcmp(val_get_str(e, "k"), "ident") && val_get_str(e, "name") &&
	    !strcmp(val_get_str(e, "name"), "args")) {
		for (j = 0; j < *n && strcmp(names[j], name); j++)
			;
		if (j == *n) {
			if (*n == COOKIE_MAX_FIELDS)
				return false;
			names[(*n)++] = name;
		}
		return true;
	}
	if (k && name && (!strcmp(k, "ident") || !strcmp(k, "call")) &&
	    !strcmp(name, "args"))
		return false;   /* args as a whole */
	for (i = 0; i < node->n; i++)
		if (!check_cookie_args_uses(node->kv[i].v, names, n))
			return false;
	return true;
}

static const struct type_field *check_field_named(const struct type *t,
						  const char *name)
{
	int i;

	for (i = 0; t && i < t->nfields; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

/* do all the tracepoints lay the fields used out alike? */
static bool check_cookie_args(struct check *ck, const struct val *probe,
			      const struct val *exp)
{
	const char *names[COOKIE_MAX_FIELDS];
	const struct type *first = NULL;
	struct probe_err err = { { 0 } };
	int n = 0, j;
	size_t i;

	if (!check_cookie_args_uses(val_get(probe, "body"), names, &n) ||
	    !check_cookie_args_uses(val_get(probe, "pred"), names, &n))
		return false;
	if (!n)
		return true;
	for (i = 0; i < exp->n; i++) {
		const struct type *t = provider_tracepoint.args(ck->a,
							       exp->items[i],
							       &err);

		if (!t)
			return false;
		if (!first)
			first = t;
		for (j = 0; j < n; j++) {
			const struct type_field *a = check_field_named(first,
								       names[j]);
			const struct type_field *b = check_field_named(t,
								       names[j]);

			if (!a || !b || a->offset != b->offset ||
			    a->bitfield_bits != b->bitfield_bits ||
			    a->bitfield_offset != b->bitfield_offset ||
			    !type_equal(a->type, b->type))
				return false;
		}
	}
	return true;
}

static bool check_cookie_ok(struct check *ck, const struct val *probe,
			    const struct val *exp)
{
	static const char *const ok[] = { "tracepoint", "uprobe",
					  "uretprobe", "software", "profile",
					  "interval", NULL };
	const char *prov = val_get_str(val_at(exp, 0), "provider");
	size_t i, rows = 1, width = 1;

	for (i = 0; prov && ok[i] && strcmp(prov, ok[i]); i++)
		;
	if (!prov || !ok[i])
		return false;
	for (i = 0; i < exp->n; i++) {
		const char *p = val_get_str(exp->items[i], "provider");
		const char *name = val_get_str(exp->items[i], "name");

		if (!p || strcmp(p, prov))
			return false;
		if (name && strlen(name) + 1 > width)
			width = strlen(name) + 1;
	}
	/* bt-gen's table of names (rows padded to a power of two) must fit
	 * in one .rodata map value */
	while (rows < exp->n)
		rows <<= 1;
	if (rows * width > (1u << 22))
		return false;
	return check_cookie_body_ok(val_get(probe, "body"), prov) &&
	       check_cookie_body_ok(val_get(probe, "pred"), prov) &&
	       (strcmp(prov, "tracepoint") || check_cookie_args(ck, probe, exp));
}

/* expand one attach node into out; returns the count or negative */
enum expand_report { REPORT_ERROR, REPORT_WARN, REPORT_NONE };

static int check_expand_one(struct check *ck, struct val *att, struct val *out,
			    enum expand_report how)
{
	const char *pname = val_get_str(att, "provider");
	const struct provider *p = provider_find(pname);
	const char *missing = val_get_str(ck->config, "missing_probes");
	struct probe_err err = { { 0 } };
	int n;

	if (!p) {
		const char *close = check_suggest(pname ? pname : "",
						  provider_all_names(), 64);

		if (pname && provider_has_wildcard(pname))
			check_error(ck, att, "wildcards in the provider are not supported yet: %s",
				    pname);
		else
			check_error(ck, att, "Invalid probe type: %s",
				    pname ? pname : "");
		if (close)
			check_hint(ck, "did you mean '%s'?", close);
		return -EINVAL;
	}
	if (!p->expand) {
		check_error(ck, att, "%s probes are not supported yet", p->name);
		return -ENOTSUP;
	}
	n = p->expand(ck->a, val_get(att, "parts"), out, &err);
	if (n > 0)
		return n;
	if (n == 0 && !err.own_msg) {
		/* upstream's words: "No matches for tracepoint syscalls:nonsense." */
		const char *raw = val_get_str(att, "raw");
		const char *rest = raw && strchr(raw, ':') ? strchr(raw, ':') + 1 : "";
		struct val *parts = val_get(att, "parts");

		if (p == &provider_rawtracepoint && parts && parts->n == 1)
			snprintf(err.msg, sizeof(err.msg),
				 "Probe has no valid attach points.");
		else
			snprintf(err.msg, sizeof(err.msg), "No matches for %s %s.",
				 p->name, rest);
	}
	if (n == 0 && how == REPORT_NONE)
		return 0;
	if (n == 0 && ((missing && strcmp(missing, "error")) || how == REPORT_WARN)) {
		if (how == REPORT_WARN)
			check_warn(ck, att, "%s", err.msg);
		else if (!strcmp(missing, "warn"))
			check_warn(ck, att, "%s Skipping.", err.msg);
		return 0;
	}
	if (err.no_loc && ck->final)
		diag_error((struct diag_loc){ 0 }, "%s", err.msg);
	else
		check_error(ck, att, "%s", err.msg);
	if (err.hint[0])
		check_hint(ck, "%s", err.hint);
	if (err.status == 3)
		ck->sys_error = true;
	return n < 0 ? n : -ENOENT;
}

static bool check_attach_is_wild(const struct val *att)
{
	struct val *parts = val_get(att, "parts");
	size_t i;

	for (i = 0; parts && parts->kind == VAL_ARR && i < parts->n; i++)
		if (provider_has_wildcard(provider_part(parts, i)))
			return true;
	return false;
}

/* --probe-filter: drop the attach points whose name does not match */
static void check_probe_filter(struct check *ck, regex_t *re, struct val *exp)
{
	size_t i, n = 0;

	for (i = 0; i < exp->n; i++) {
		const char *prov = val_get_str(exp->items[i], "provider");
		const char *name = val_get_str(exp->items[i], "name");

		if ((prov && (!strcmp(prov, "begin") || !strcmp(prov, "end") ||
			      !strcmp(prov, "self"))) ||
		    (name && !regexec(re, name, 0, NULL, 0)))
			exp->items[n++] = exp->items[i];
	}
	exp->n = n;
}

/*
 * bench:NAME and test:NAME: a name is used once per kind (bt-load reports
 * results by name).  seen maps "bench:a" to the attach node that used it.
 */
static int check_unique_name(struct check *ck, struct val *seen,
			     const struct val *att, const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");
	const char *name = val_get_str(ap, "name");
	const struct val *other;

	if (!prov || !name || (strcmp(prov, "bench") && strcmp(prov, "test")))
		return 0;
	other = val_get(seen, name);
	if (!other) {
		val_set(ck->a, seen, name, (struct val *)att);
		return 0;
	}
	check_error(ck, att, "\"%s\" was used as the name for more than one %s probe",
		    val_get_str(ap, "target"), strcmp(prov, "bench") ? "TEST" : "BENCH");
	if (ck->final)
		diag_note(diag_loc_of(other), "this is the other instance");
	return -EINVAL;
}

/* the first identifier `name` in node, or NULL */
static struct val *check_find_ident(struct val *node, const char *name)
{
	const char *k, *n;
	struct val *hit;
	size_t i;

	if (!node || (node->kind != VAL_ARR && node->kind != VAL_MAP))
		return NULL;
	if (node->kind == VAL_MAP) {
		k = val_get_str(node, "k");
		n = val_get_str(node, "name");
		if (k && n && !strcmp(k, "ident") && !strcmp(n, name))
			return node;
	}
	for (i = 0; i < node->n; i++) {
		hit = check_find_ident(node->kind == VAL_ARR ? node->items[i]
							     : node->kv[i].v,
				       name);
		if (hit)
			return hit;
	}
	return NULL;
}

/*
 * fentry:bpf and fexit:bpf have no `args` (upstream's rule): said before
 * expanding, so the error does not depend on which programs run.  True
 * when the probe has such an attach point and uses `args`.
 */
static bool check_bpf_args(struct check *ck, struct val *probe)
{
	struct val *atts = val_get(probe, "attach"), *use;
	size_t j;

	for (j = 0; atts && atts->kind == VAL_ARR && j < atts->n; j++) {
		const struct provider *p = provider_find(
			val_get_str(atts->items[j], "provider"));

		if ((p != &provider_fentry && p != &provider_fexit) ||
		    !fentry_bpf_variant(val_get(atts->items[j], "parts")))
			continue;
		use = check_find_ident(val_get(probe, "pred"), "args");
		if (!use)
			use = check_find_ident(val_get(probe, "body"), "args");
		if (!use)
			return false;
		check_error(ck, use, "The args builtin cannot be used for 'fentry/fexit:bpf' probes");
		check_hint(ck, "fentry:bpf and fexit:bpf probes have no typed arguments (probe tells them apart; fexit:bpf has retval)");
		return true;
	}
	return false;
}

int check_attach(struct check *ck, struct val *prog)
{
	struct val *seen = val_map(ck->a);
	struct val *probes = val_get(prog, "probes");
	struct val *out = val_arr(ck->a);
	size_t i, j;
	int ret = 0;
	regex_t re;
	bool filter = false;

	if (ck->probe_filter) {
		if (regcomp(&re, ck->probe_filter, REG_EXTENDED | REG_NOSUB)) {
			diag_error((struct diag_loc){ 0 },
				   "invalid --probe-filter regular expression: %s",
				   ck->probe_filter);
			return -EINVAL;
		}
		filter = true;
	}

	for (i = 0; probes && probes->kind == VAL_ARR && i < probes->n; i++) {
		struct val *probe = probes->items[i];
		struct val *atts = val_get(probe, "attach");
		struct val *exp = val_arr(ck->a);
		bool split, tp_btf;

		/*
		 * A wildcard that matches nothing is only a warning when another
		 * attach point of the probe matched (upstream attaches the rest).
		 */
		bool unmatched = false;
		bool iter_seen = false;

		if (check_bpf_args(ck, probe)) {
			ret = -EINVAL;
			continue;
		}

		for (j = 0; atts && atts->kind == VAL_ARR && j < atts->n; j++) {
			size_t had = exp->n, k;
			int r;

			/* one iterator per program, as upstream's parser says */
			if (provider_find(val_get_str(atts->items[j], "provider")) ==
			    &provider_iter) {
				if (iter_seen) {
					check_error(ck, atts->items[j], "iter probe only supports one attach point.");
					ret = -EINVAL;
					continue;
				}
				iter_seen = true;
			}
			r = check_expand_one(ck, atts->items[j], exp,
					     check_attach_is_wild(atts->items[j]) ?
					     REPORT_NONE : REPORT_ERROR);

			if (r < 0)
				ret = -EINVAL;
			for (k = had; k < exp->n; k++)
				if (check_unique_name(ck, seen, atts->items[j],
						      exp->items[k]))
					ret = -EINVAL;
			if (!r && check_attach_is_wild(atts->items[j]))
				unmatched = true;
		}
		/* report the wildcards that matched nothing, now that we know */
		for (j = 0; unmatched && j < atts->n; j++)
			if (check_attach_is_wild(atts->items[j]) &&
			    check_expand_one(ck, atts->items[j], val_arr(ck->a),
					     REPORT_NONE) == 0 &&
			    check_expand_one(ck, atts->items[j], val_arr(ck->a),
					     exp->n ? REPORT_WARN : REPORT_ERROR) < 0)
				ret = -EINVAL;
		if (filter && exp->n) {
			check_probe_filter(ck, &re, exp);
			if (!exp->n)
				continue;   /* filtered out: not an error */
		}
		if (!exp->n) {
			const char *missing = val_get_str(ck->config, "missing_probes");

			if (ret == 0 && missing && !strcmp(missing, "warn"))
				check_warn(ck, probe, "Probe has no valid attach points. It is being removed which may cause issues with program behavior.");
			continue;
		}
		tp_btf = check_needs_tp_btf(probe, exp);
		split = exp->n > 1 &&
			(check_body_depends_on_ap(val_get(probe, "body")) ||
			 check_body_depends_on_ap(val_get(probe, "pred")));
		if (split && !tp_btf && check_cookie_ok(ck, probe, exp)) {
			/* one program, attach point i attached with cookie i */
			split = false;
			val_set(ck->a, probe, "cookie", val_bool(ck->a, true));
		}
		split |= exp->n > 1 && (tp_btf || check_has_fentry(exp));
		if (!split) {
			val_set(ck->a, probe, "expanded", exp);
			if (tp_btf)
				check_mark_tp_btf(ck, probe);
			val_push(ck->a, out, probe);
			continue;
		}
		for (j = 0; j < exp->n; j++) {
			struct val *copy = val_copy(ck->a, probe);
			struct val *one = val_arr(ck->a);

			val_push(ck->a, one, exp->items[j]);
			val_set(ck->a, copy, "expanded", one);
			if (tp_btf)
				check_mark_tp_btf(ck, copy);
			val_push(ck->a, out, copy);
		}
	}
	val_set(ck->a, prog, "probes", out);
	if (filter) {
		regfree(&re);
		if (!out->n && !ret) {
			diag_error((struct diag_loc){ 0 }, "No probes to attach");
			return -ENOENT;
		}
	}
	return ret;
}
