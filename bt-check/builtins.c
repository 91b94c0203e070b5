/*
 * builtins.c - the builtin identifiers (pid, comm, args, ...) and their
 * types, mirroring upstream's (FEATURES section B).
 *
 * Adding a builtin: add a row to builtin_table (a fixed type, or a hook
 * for types that depend on the probe), teach bt-gen to emit it (same
 * name), and add a case to tests/unit/test_check.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "check.h"

typedef struct type *(*builtin_fn)(struct check *ck, struct val *node,
				   const char *name);

const char *check_provider_name(struct check *ck)
{
	return ck->prov ? ck->prov->name : "?";
}

static bool provider_is(struct check *ck, const char *const *names)
{
	for (; *names; names++)
		if (ck->prov && !strcmp(ck->prov->name, *names))
			return true;
	return false;
}

static struct type *builtin_argn(struct check *ck, struct val *node,
				 const char *name)
{
	static const char *const ok[] = { "kprobe", "uprobe", "usdt",
					  "rawtracepoint", NULL };

	if (!provider_is(ck, ok)) {
		check_error(ck, node, "The %s builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes",
			    name);
		return NULL;
	}
	if (!strcmp(ck->prov->name, "usdt")) {
		/*
		 * int64, as upstream (v0.26) types every usdt argument: bt-gen
		 * reads it by the note's spec ("-4@%edi 8@%rsi": size and
		 * sign) and widens it to 64 bits; an argument the note does
		 * not have reads 0, as upstream's bpf_usdt_arg() leaves it
		 */
		return type_int(ck->a, 8, true);
	}
	return type_int(ck->a, 8, false);
}

static struct type *builtin_args(struct check *ck, struct val *node,
				 const char *name);

static struct type *builtin_retval(struct check *ck, struct val *node,
				   const char *name)
{
	static const char *const ok[] = { "kretprobe", "uretprobe", "fexit",
					  NULL };

	struct probe_err err = { { 0 } };
	struct type *args, *t;

	if (!provider_is(ck, ok)) {
		check_error(ck, node, "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'fentry' probes");
		return NULL;
	}
	if (!ck->prov->retval)
		return type_int(ck->a, 8, false);
	/* fexit: the slot after the arguments in the u64 context array;
	 * fexit:bpf has no `args`, its attach point counts them */
	args = val_get(ck->ap, "nargs") ? NULL : builtin_args(ck, node, "args");
	if (!args && !val_get(ck->ap, "nargs"))
		return NULL;
	t = ck->prov->retval(ck->a, ck->ap, &err);
	if (!t) {
		check_error(ck, node, "%s", err.msg);
		return NULL;
	}
	val_set_int(ck->a, node, "offset", args ? type_size(args) :
		    8 * val_get_int(ck->ap, "nargs", 0));
	return t;
}

/* one `args` struct per attach point name, read once per run */
static struct type *builtin_args(struct check *ck, struct val *node,
				 const char *name)
{
	static struct { const char *ap; struct type *t; } cache[64];
	static int ncache;
	const char *apname = val_get_str(ck->ap, "name");
	struct probe_err err = { { 0 } };
	struct type *t;
	int i;

	if (!ck->prov || !ck->prov->args) {
		const char *p = check_provider_name(ck);

		check_error(ck, node, "The args builtin can only be used with tracepoint, rawtracepoint, fentry/fexit, and uprobe probes (%s used here)",
			    !strcmp(p, "begin") || !strcmp(p, "end") ? "special" : p);
		return NULL;
	}
	for (i = 0; i < ncache; i++)
		if (apname && !strcmp(cache[i].ap, apname))
			return cache[i].t;
	t = ck->prov->args(ck->a, ck->ap, &err);
	if (!t) {
		check_error(ck, node, "%s", err.msg);
		if (err.hint[0])
			check_hint(ck, "%s", err.hint);
		if (err.status == 3 && ck->final)
			ck->sys_error = true;
		return NULL;
	}
	if (ncache < 64 && apname) {
		cache[ncache].ap = apname;
		cache[ncache++].t = t;
	}
	return t;
}

static struct type *builtin_probe(struct check *ck, struct val *node,
				  const char *name)
{
	const char *ap = val_get_str(ck->ap, "name");
	struct val *exp = val_get(ck->probe, "expanded");
	int64_t len = ap ? (int64_t)strlen(ap) + 1 : 64;
	size_t i;

	/* a cookie probe: the longest of its attach points' names */
	for (i = 0; val_get(ck->probe, "cookie") && exp && i < exp->n; i++) {
		const char *n = val_get_str(exp->items[i], "name");

		if (n && (int64_t)strlen(n) + 1 > len)
			len = (int64_t)strlen(n) + 1;
	}
	return type_string(ck->a, len);
}

static struct type *builtin_func(struct check *ck, struct val *node,
				 const char *name)
{
	static const char *const ok[] = { "kprobe", "kretprobe", "uprobe",
					  "uretprobe", "fentry", "fexit", NULL };

	if (!provider_is(ck, ok)) {
		check_error(ck, node, "The func builtin can not be used with '%s' probes",
			    check_provider_name(ck));
		return NULL;
	}
	return type_new(ck->a, !strncmp(check_provider_name(ck), "u", 1) ?
				       TY_USYM : TY_KSYM);
}

static struct type *builtin_probetype(struct check *ck, struct val *node,
				      const char *name)
{
	const char *p = check_provider_name(ck);

	if (!strcmp(p, "begin") || !strcmp(p, "end"))
		p = "special";
	else if (!strcmp(p, "bench"))
		p = "benchmark";   /* upstream's name for the type */
	return type_string(ck->a, (int64_t)strlen(p) + 1);
}

static struct type *builtin_curtask(struct check *ck, struct val *node,
				    const char *name)
{
	struct type *st = type_new(ck->a, TY_STRUCT);

	st->name = "struct task_struct";
	return type_ptr(ck->a, st, false);
}

static struct type *builtin_stack(struct check *ck, struct val *node,
				  const char *name)
{
	struct type *t = type_new(ck->a, name[0] == 'k' ? TY_KSTACK : TY_USTACK);

	t->mode = ck->cfg.stack_mode;
	t->limit = 127;
	return t;
}

bool check_dw_ustack_allowed(struct check *ck, const struct val *node)
{
	const char *cfg = val_get_str(ck->config, "unstable_dw_ustack");
	struct utsname u;

	/* the unwinder bt-gen emits follows x86_64's registers */
	if (uname(&u) || strcmp(u.machine, "x86_64")) {
		check_error(ck, node, "dw_ustack is not available in this build (requires x86_64)");
		return false;
	}
	if (cfg && !strcmp(cfg, "error")) {
		check_error(ck, node, "dw_ustack (DWARF stack unwinding) feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_dw_ustack=enable");
		return false;
	}
	if ((!cfg || !strcmp(cfg, "warn")) && ck->final &&
	    !ck->dw_ustack_warned) {
		ck->dw_ustack_warned = true;
		diag_warn((struct diag_loc){ 0, 0 }, "Script is using an unstable feature: dw_ustack (DWARF stack unwinding). To prevent this warning you must explicitly enable it in the config e.g. unstable_dw_ustack=enable");
	}
	return true;
}

/* dw_ustack: a ustack value (bt-gen unwinds it with the CFI tables) */
static struct type *builtin_dw_stack(struct check *ck, struct val *node,
				     const char *name)
{
	if (!check_dw_ustack_allowed(ck, node))
		return NULL;
	return builtin_stack(ck, node, "ustack");
}

static struct type *builtin_ctx(struct check *ck, struct val *node,
				const char *name)
{
	if (ck->prov && !strcmp(ck->prov->name, "iter")) {
		struct type *st = type_new(ck->a, TY_STRUCT);

		st->name = arena_printf(ck->a, "struct bpf_iter__%s",
					val_get_str(ck->ap, "func"));
		return type_ptr(ck->a, check_struct_full(ck, st) ?
				    check_struct_full(ck, st) : st, false);
	}
	{
		/* what the program gets: pt_regs for the kprobe-type
		 * programs, the perf event data for perf-event ones (bt-gen
		 * hands out a copy of it), else an untyped pointer to cast */
		static const char *const regs[] = { "kprobe", "kretprobe",
			"uprobe", "uretprobe", "usdt", NULL };
		static const char *const perf[] = { "profile", "interval",
			"software", "hardware", "watchpoint", NULL };
		struct type *st = type_new(ck->a, TY_STRUCT);

		if (provider_is(ck, regs))
			st->name = "struct pt_regs";
		else if (provider_is(ck, perf))
			st->name = "struct bpf_perf_event_data";
		else
			return type_ptr(ck->a, type_new(ck->a, TY_VOID), false);
		return type_ptr(ck->a, check_struct_full(ck, st) ?
				check_struct_full(ck, st) : st, false);
	}
}

static const struct builtin {
	const char *name;
	int size;           /* fixed integer type, if fn is NULL */
	bool is_signed;
	enum type_kind kind;/* TY_INT, or another fixed kind (string: size) */
	builtin_fn fn;
} builtin_table[] = {
	{ "pid", 4, false, TY_INT },
	{ "tid", 4, false, TY_INT },
	{ "uid", 8, false, TY_INT },
	{ "gid", 8, false, TY_INT },
	{ "comm", 16, false, TY_STRING },
	{ "nsecs", 8, false, TY_INT },
	{ "elapsed", 8, false, TY_INT },
	{ "cpu", 4, false, TY_INT },
	{ "ncpus", 8, false, TY_INT },
	{ "numaid", 4, false, TY_INT },
	{ "cgroup", 8, false, TY_INT },
	{ "rand", 4, false, TY_INT },
	{ "jiffies", 8, false, TY_INT },
	{ "usermode", 1, false, TY_INT },
	{ "cpid", 4, false, TY_INT },
	{ "has_cpid", 1, false, TY_BOOL },
	{ "username", 8, false, TY_USERNAME },
	{ "probe", 0, false, TY_STRING, builtin_probe },
	{ "probetype", 0, false, TY_STRING, builtin_probetype },
	{ "func", 0, false, TY_KSYM, builtin_func },
	{ "retval", 0, false, TY_INT, builtin_retval },
	{ "args", 0, false, TY_STRUCT, builtin_args },
	{ "curtask", 0, false, TY_PTR, builtin_curtask },
	{ "kstack", 0, false, TY_KSTACK, builtin_stack },
	{ "ustack", 0, false, TY_USTACK, builtin_stack },
	{ "dw_ustack", 0, false, TY_USTACK, builtin_dw_stack },
	{ "ctx", 0, false, TY_PTR, builtin_ctx },
};

struct type *check_builtin(struct check *ck, struct val *node,
			   const char *name, bool *known)
{
	size_t i;

	*known = true;
	/* the stdlib's primitives are the builtins under another name */
	if (!strncmp(name, "__builtin_", 10)) {
		name += 10;
		/* bt-gen sees one spelling (the node's name is not used below) */
		if (ck->final && val_get_str(node, "name") &&
		    !strncmp(val_get_str(node, "name"), "__builtin_", 10))
			val_set_str(ck->a, node, "name", name);
	}
	/* a for body is a callback: the probe's context is not there */
	if (ck->for_depth && (!strcmp(name, "retval") || !strcmp(name, "args") ||
			      !strcmp(name, "ctx") ||
			      (!strncmp(name, "arg", 3) && isdigit((unsigned char)name[3])))) {
		check_error(ck, node, "'%s' builtin is not allowed in a for-loop", name);
		return NULL;
	}
	/* uaddr() in a PIE: the probe's address (calls.c) */
	if (!strcmp(name, "__bt_func_ip"))
		return type_int(ck->a, 8, false);
	if (!strncmp(name, "sarg", 4)) {
		/* v0.17's stack arguments, deleted upstream */
		check_error(ck, node, "sarg* is deleted. This was deprecated in v0.21 and was last available in v0.24.");
		check_hint(ck, "Use *(reg(\"sp\") + <stack_offset>) instead.");
		return NULL;
	}
	if (!strncmp(name, "arg", 3) && name[3]) {
		for (i = 3; isdigit((unsigned char)name[i]); i++)
			;
		if (!name[i])
			return builtin_argn(ck, node, name);
	}
	for (i = 0; i < sizeof(builtin_table) / sizeof(builtin_table[0]); i++) {
		const struct builtin *b = &builtin_table[i];
		struct type *t;

		if (strcmp(b->name, name))
			continue;
		if (b->fn)
			return b->fn(ck, node, name);
		if (b->kind == TY_INT)
			return type_int(ck->a, b->size, b->is_signed);
		if (b->kind == TY_STRING)
			return type_string(ck->a, b->size);
		t = type_new(ck->a, b->kind);
		return t;
	}
	*known = false;
	return NULL;
}

/*
 * ppid, pcomm, leader_tid, leader_comm (and the forms taking a task) are
 * upstream stdlib macros over the task struct: `task.real_parent.pid` /
 * `.comm`, `task.group_leader.pid` / `.comm`.  They are rewritten into
 * that field access here; returns true when *ref changed.
 */
bool check_builtin_rewrite(struct check *ck, struct val **ref)
{
	static const struct { const char *name, *link, *field; } macros[] = {
		{ "ppid", "real_parent", "pid" },
		{ "pcomm", "real_parent", "comm" },
		{ "leader_tid", "group_leader", "pid" },
		{ "leader_comm", "group_leader", "comm" },
	};
	struct val *n = *ref, *args = val_get(n, "args"), *task, *parent, *f;
	const char *name = val_get_str(n, "name");
	size_t i;

	for (i = 0; name && i < sizeof(macros) / sizeof(macros[0]); i++)
		if (!strcmp(name, macros[i].name))
			break;
	if (!name || i == sizeof(macros) / sizeof(macros[0]))
		return false;
	if (args && args->kind == VAL_ARR && args->n > 1)
		return false;
	if (args && args->kind == VAL_ARR && args->n == 1) {
		task = args->items[0];
	} else {
		task = check_node(ck, "ident", n);
		val_set_str(ck->a, task, "name", "curtask");
	}
	parent = check_node(ck, "field", n);
	val_set(ck->a, parent, "e", task);
	val_set_str(ck->a, parent, "name", macros[i].link);
	val_set_bool(ck->a, parent, "arrow", true);
	f = check_node(ck, "field", n);
	val_set(ck->a, f, "e", parent);
	val_set_str(ck->a, f, "name", macros[i].field);
	val_set_bool(ck->a, f, "arrow", true);
	*ref = f;
	return true;
}
