/*
 * attach.c - attach points: providers resolved (case-insensitive full
 * names, exact short names), wildcards expanded through bt-probes, and a
 * probe whose body depends on its attach point (args, probe, func, argN,
 * retval) split into one probe per expanded attach point (WIRE.md).
 */
#include <ctype.h>
#include <regex.h>
#include <string.h>

#include "check.h"

bool check_body_depends_on_ap(const struct val *node)
{
	const char *k, *name;
	size_t i;

	if (!node)
		return false;
	if (node->kind == VAL_ARR) {
		for (i = 0; i < node->n; i++)
			if (check_body_depends_on_ap(node->items[i]))
				return true;
		return false;
	}
	if (node->kind != VAL_MAP)
		return false;
	k = val_get_str(node, "k");
	name = val_get_str(node, "name");
	if (k && name && (!strcmp(k, "ident") || !strcmp(k, "call"))) {
		if (!strcmp(name, "args") || !strcmp(name, "probe") ||
		    !strcmp(name, "func") || !strcmp(name, "retval") ||
		    !strcmp(name, "probetype") ||
		    !strcmp(name, "ctx"))
			return true;
		if (!strncmp(name, "arg", 3) && isdigit((unsigned char)name[3]))
			return true;
	}
	for (i = 0; i < node->n; i++)
		if (check_body_depends_on_ap(node->kv[i].v))
			return true;
	return false;
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

int check_attach(struct check *ck, struct val *prog)
{
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
		bool split;

		/*
		 * A wildcard that matches nothing is only a warning when another
		 * attach point of the probe matched (upstream attaches the rest).
		 */
		bool unmatched = false;

		for (j = 0; atts && atts->kind == VAL_ARR && j < atts->n; j++) {
			int r = check_expand_one(ck, atts->items[j], exp,
						 check_attach_is_wild(atts->items[j]) ?
						 REPORT_NONE : REPORT_ERROR);

			if (r < 0)
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
		split = exp->n > 1 &&
			(check_body_depends_on_ap(val_get(probe, "body")) ||
			 check_body_depends_on_ap(val_get(probe, "pred")));
		if (!split) {
			val_set(ck->a, probe, "expanded", exp);
			val_push(ck->a, out, probe);
			continue;
		}
		for (j = 0; j < exp->n; j++) {
			struct val *copy = val_copy(ck->a, probe);
			struct val *one = val_arr(ck->a);

			val_push(ck->a, one, exp->items[j]);
			val_set(ck->a, copy, "expanded", one);
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
