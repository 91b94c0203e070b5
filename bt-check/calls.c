/*
 * calls.c - the function table: argument counts, argument checks and
 * result types of the calls the core language keeps (printf and the other
 * asynchronous actions, aggregations, map functions, str, time ...).
 *
 * Adding a function: add a row to call_table with its argument bounds and
 * a hook that checks the arguments and returns the result type; teach
 * bt-gen to emit it (same name); add a golden to tests/golden/bt-check/.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "bug.h"
#include "check.h"

typedef struct type *(*call_fn)(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map);

struct call_def {
	const char *name;
	int min, max;       /* argument count bounds (-1: no upper bound) */
	call_fn fn;
	bool aggregation;   /* only as the whole rhs of `@m[...] = f(...)` */
	/*
	 * calls a helper only BPF_PROG_TYPE_TRACING programs may call:
	 * allowed in fentry, fexit, iter and rawtracepoint probes only (a
	 * rawtracepoint probe then becomes a tp_btf program, attach.c)
	 */
	bool tracing;
};

/*
 * `pid()` is `pid`: in the final pass a call of a builtin without
 * arguments becomes the ident, so that bt-gen sees one form
 */
static void call_to_ident(struct check *ck, struct val *call)
{
	struct val *n;
	size_t i;

	if (!ck->final)
		return;
	n = val_map(ck->a);
	for (i = 0; i < call->n; i++)
		if (strcmp(call->kv[i].key, "args"))
			val_set(ck->a, n, call->kv[i].key, call->kv[i].v);
	val_set_str(ck->a, n, "k", "ident");
	*call = *n;
}

static struct type *void_type(struct check *ck)
{
	return type_new(ck->a, TY_VOID);
}

/* the argument as a literal integer, with upstream's message otherwise */
static bool call_int_literal(struct check *ck, struct val *call,
			     struct val *arg, int64_t *v)
{
	bool u;

	if (check_int_literal(arg, v, &u))
		return true;
	check_error(ck, call, "%s() expects a int literal (%s provided)",
		    val_get_str(call, "name"),
		    val_get(arg, "t") ? type_kind_name(type_from_val(ck->a,
				    val_get(arg, "t"))->kind) : "int");
	return false;
}

static bool call_is_map_ref(struct val *arg)
{
	return ast_kind(arg) == AST_MAP;
}

/* a map passed whole (print, clear, zero, for, len): no key access */
static struct check_map *call_map_ref(struct check *ck, struct val *call,
				      struct val *arg)
{
	struct check_map *m;

	if (!call_is_map_ref(arg)) {
		check_error(ck, arg, "%s() expects a map argument",
			    val_get_str(call, "name"));
		return NULL;
	}
	m = check_map_get(ck, val_get_str(arg, "name"));
	if (val_get(arg, "keys") && val_get(arg, "keys")->n)
		return m;
	if (ck->final && !m->assigned) {
		check_error(ck, arg, "Undefined map: %s", m->name);
		return NULL;
	}
	check_set_type(ck, arg, m->val);
	return m;
}

/*
 * Calls that bt-load carries out or whose output bt-load reads from the
 * ring buffer: nothing does that for a pinned iterator, which runs after
 * bpftrace has gone (printf() there writes into the pinned file).
 */
static bool call_needs_bt_load(const char *name)
{
	static const char *const names[] = { "print", "clear", "zero", "time",
		"cat", "system", "join", "errorf", "warnf" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static struct type *call_printf(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	struct val *fmt = args->items[0];
	size_t i;

	for (i = 1; i < args->n; i++)
		check_expr(ck, &args->items[i]);
	if (ast_kind(fmt) != AST_STR) {
		struct type *t = check_expr(ck, &args->items[0]);

		check_error(ck, call, "%s() expects a string literal (%s provided)",
			    val_get_str(call, "name"),
			    t ? type_kind_name(t->kind) : "none");
		return void_type(ck);
	}
	check_expr(ck, &args->items[0]);
	if (ck->final &&
	    !check_printf_args(ck, call, val_get_str(call, "name"), fmt, args, 1) &&
	    !strcmp(val_get_str(call, "name"), "printf") && ck->prov &&
	    !strcmp(ck->prov->name, "iter"))
		seqprintf_check(ck, call, args);
	return void_type(ck);
}

/*
 * debugf(fmt, ...): printf's checks, then upstream's for
 * bpf_trace_printk: a warning, at most three arguments, and only %d %u
 * %x %p (integers) and %s (strings)
 */
static struct type *call_debugf(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	struct val *fmt = args->items[0];
	const char *f = val_get_str(fmt, "v"), *p;
	struct printf_spec sp;
	size_t i = 1, len;

	if (ck->final)
		check_warn(ck, call, "The debugf() builtin is not recommended for production use. For more information see bpf_trace_printk in bpf-helpers(7).");
	if (args->n > 4) {
		for (i = 0; i < args->n; i++)
			check_expr(ck, &args->items[i]);
		check_error(ck, call, "cannot use more than 3 conversion specifiers");
		return void_type(ck);
	}
	call_printf(ck, call, args, assign_map);
	if (!ck->final || ast_kind(fmt) != AST_STR || !f)
		return void_type(ck);
	for (p = f; *p && i < args->n; p++) {
		struct type *t;
		bool is_int;

		if (*p != '%' || !(len = check_printf_spec(p + 1, &sp)))
			continue;
		p += len;
		if (!strcmp(sp.conv, "%"))
			continue;
		t = type_from_val(ck->a, val_get(args->items[i++], "t"));
		if (!strchr("duxps", sp.conv[0]) || sp.conv[1]) {
			check_error(ck, fmt, "Invalid format specifier for `debugf`: %s",
				    sp.conv);
			continue;
		}
		is_int = t && (check_is_intlike(t) || t->kind == TY_PTR);
		if (t && (sp.conv[0] == 's' ? t->kind != TY_STRING : !is_int))
			check_error(ck, args->items[i - 1], "Type does not match format specifier: %s",
				    sp.conv);
	}
	return void_type(ck);
}

static struct type *call_print(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	struct val *arg = args->items[0];
	struct type *t;
	size_t i;

	if (call_is_map_ref(arg) && !(val_get(arg, "keys") &&
				      val_get(arg, "keys")->n)) {
		/* print(@x) prints the whole map, keyed or scalar */
		struct check_map *m = call_map_ref(ck, call, arg);

		if (m && m->val && m->val->kind == TY_STATS && args->n > 1 &&
		    ck->final)
			check_warn(ck, call, "print()'s top and div arguments are ignored when used on stats() maps.");
		for (i = 1; i < args->n; i++) {
			struct type *t = check_expr(ck, &args->items[i]);

			if (t && !check_is_intlike(t))
				check_error(ck, args->items[i], "print() expects integer arguments for top and div");
		}
		return void_type(ck);
	}
	if (args->n > 1) {
		check_error(ck, call, "Non-map print() only takes 1 argument, %zu found",
			    args->n);
		return void_type(ck);
	}
	t = check_expr(ck, &args->items[0]);
	if (!t || !ck->final)
		return void_type(ck);
	if (t->kind == TY_VOID)
		check_error(ck, call, "print() cannot print a value of type none");
	else if (t->kind == TY_HIST || t->kind == TY_LHIST ||
		 t->kind == TY_TSERIES)
		check_error(ck, call, "Map type %s_t cannot print the value of individual keys. You must print the whole map.",
			    type_kind_name(t->kind));
	return void_type(ck);
}

static struct type *call_clear(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	struct val *arg = args->items[0];

	if (call_is_map_ref(arg) && val_get(arg, "keys") && val_get(arg, "keys")->n) {
		check_error(ck, arg, "The map passed to %s() should not be indexed by a key",
			    val_get_str(call, "name"));
		return void_type(ck);
	}
	call_map_ref(ck, call, arg);
	return void_type(ck);
}

static struct type *call_delete(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	struct val *map = args->items[0];

	if (!call_is_map_ref(map)) {
		check_error(ck, map, "delete() expects a map argument");
		return void_type(ck);
	}
	if (args->n == 2) {
		/* delete(@m, k) -> delete(@m[k]) so that bt-gen sees one form */
		struct val *keys = val_arr(ck->a);

		if (val_get(map, "keys") && val_get(map, "keys")->n) {
			check_error(ck, map, "delete() with two arguments expects the map without a key");
			return void_type(ck);
		}
		val_push(ck->a, keys, args->items[1]);
		map = val_copy(ck->a, map);
		val_set(ck->a, map, "keys", keys);
		args->items[0] = map;
		args->n = 1;
	}
	check_map_read(ck, map);
	return type_new(ck->a, TY_BOOL);
}

static struct type *call_exit(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	if (args->n) {
		struct type *t = check_expr(ck, &args->items[0]);

		if (t && !check_is_intlike(t))
			check_error(ck, args->items[0], "exit() expects an integer exit code (%s provided)",
				    check_type_str(ck, t));
		else if (t)
			check_cast_to(ck, &args->items[0], check_int_of(ck->a, t),
				      type_int(ck->a, 8, true));
	}
	if (ck->loop_depth)
		check_error(ck, call, "exit() is not allowed inside a loop");
	return void_type(ck);
}

static struct type *call_str(struct check *ck, struct val *call,
			     struct val *args, struct val *assign_map)
{
	int64_t cap = ck->cfg.max_strlen, n;
	struct type *t;

	{
		/* str($1) is the parameter's text, str($1 + k) its tail */
		struct val *arg = args->items[0], *pn = NULL, *kn = NULL;
		int64_t k = 0;
		bool u;

		if (ast_kind(arg) == AST_PARAM)
			pn = arg;
		else if (ast_kind(arg) == AST_BINOP &&
			 !strcmp(val_get_str(arg, "op") ? val_get_str(arg, "op") : "", "+") &&
			 ast_kind(val_get(arg, "l")) == AST_PARAM &&
			 check_int_literal((kn = val_get(arg, "r")), &k, &u))
			pn = val_get(arg, "l");
		if (pn && val_get_int(pn, "n", 0) >= 1) {
			struct val *params = val_get(ck->hdr, "params");
			int64_t i = val_get_int(pn, "n", 0);
			const char *s = provider_part(params, i - 1);
			struct val *lit = check_node(ck, "str", arg);

			if (!s)
				s = "";
			if (k < 0 || (size_t)k > strlen(s)) {
				/* the first pass folds it: reported once, now */
				diag_error_at(arg, "cannot use offset %lld into a positional parameter of length %zu",
					      (long long)k, strlen(s));
				k = 0;
			}
			val_set_str(ck->a, lit, "v", s + k);
			args->items[0] = lit;
		}
	}
	t = check_expr(ck, &args->items[0]);
	if (args->n == 2) {
		struct type *nt = check_expr(ck, &args->items[1]);

		if (nt && !check_is_intlike(nt))
			check_error(ck, args->items[1], "str() expects an integer length");
		else if (check_int_literal(args->items[1], &n, &(bool){ 0 }) &&
			 n > 0 && n < cap)
			cap = n;
	}
	if (!t)
		return type_string(ck->a, cap);
	if (t->kind == TY_STRING)
		return t->size < cap || args->n == 1 ? t : type_string(ck->a, cap);
	if (!check_is_intlike(t) && t->kind != TY_PTR &&
	    !(t->kind == TY_ARRAY && t->elem && t->elem->size == 1)) {
		check_error(ck, call, "str() expects an integer or a pointer type as first argument (%s provided)",
			    check_type_str(ck, t));
	}
	return type_string(ck->a, cap);
}

static struct type *call_time(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	if (args->n && ast_kind(args->items[0]) != AST_STR)
		check_error(ck, call, "time() expects a string literal (%s provided)",
			    val_kind_of(args->items[0]));
	if (args->n)
		check_expr(ck, &args->items[0]);
	return void_type(ck);
}

static struct type *call_stack(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	const char *name = val_get_str(call, "name");
	struct type *t = type_new(ck->a, name[0] == 'k' ? TY_KSTACK : TY_USTACK);
	size_t i;

	t->mode = ck->cfg.stack_mode;
	t->limit = 127;
	for (i = 0; i < args->n; i++) {
		struct val *a = args->items[i];
		const char *mode = ast_kind(a) == AST_IDENT ? val_get_str(a, "name") : NULL;
		int64_t v;

		if (mode && (!strcmp(mode, "bpftrace") || !strcmp(mode, "perf") ||
			     !strcmp(mode, "raw") || !strcmp(mode, "build_id"))) {
			t->mode = mode;
			continue;
		}
		if (!call_int_literal(ck, call, a, &v))
			return t;
		if (v < 1 || v > 1024) {
			check_error(ck, a, "%s() limit must be between 1 and 1024", name);
			return t;
		}
		t->limit = v;
		check_expr(ck, &args->items[i]);
	}
	return t;
}

/* dw_ustack([mode,] [limit]): ustack's arguments and type */
static struct type *call_dw_stack(struct check *ck, struct val *call,
				  struct val *args, struct val *assign_map)
{
	if (!check_dw_ustack_allowed(ck, call))
		return NULL;
	return call_stack(ck, call, args, assign_map);
}

static struct type *call_sym(struct check *ck, struct val *call,
			     struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);
	const char *name = val_get_str(call, "name");

	if (t && !check_is_intlike(t) && t->kind != TY_PTR)
		check_error(ck, call, "%s() expects an integer or pointer argument", name);
	return type_new(ck->a, name[0] == 'k' ? TY_KSYM : TY_USYM);
}


/* check every argument, for functions whose arguments need nothing else */
static void call_check_args(struct check *ck, struct val *args, size_t from)
{
	size_t i;

	for (i = from; i < args->n; i++)
		check_expr(ck, &args->items[i]);
}

static bool call_is_stringish(const struct type *t)
{
	return t && (t->kind == TY_STRING ||
		     (t->kind == TY_ARRAY && t->elem && t->elem->size == 1) ||
		     (t->kind == TY_PTR && t->elem && t->elem->kind == TY_INT &&
		      t->elem->size == 1));
}

/* signal(name-or-number) */
/*
 * signal(sig) / signal_thread(sig): a name ("SIGKILL", "kill", "KILL")
 * becomes its number here; an integer literal must be 1..64 (bt-gen
 * checks other integers when the probe runs).  Upstream's messages.
 */
static struct type *call_signal(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	static const struct { const char *name; int num; } sigs[] = {
		{ "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 },
		{ "SIGILL", 4 }, { "SIGTRAP", 5 }, { "SIGABRT", 6 },
		{ "SIGBUS", 7 }, { "SIGFPE", 8 }, { "SIGKILL", 9 },
		{ "SIGUSR1", 10 }, { "SIGSEGV", 11 }, { "SIGUSR2", 12 },
		{ "SIGPIPE", 13 }, { "SIGALRM", 14 }, { "SIGTERM", 15 },
		{ "SIGCHLD", 17 }, { "SIGCONT", 18 }, { "SIGSTOP", 19 },
		{ "SIGTSTP", 20 }, { "SIGTTIN", 21 }, { "SIGTTOU", 22 },
		{ "SIGURG", 23 }, { "SIGXCPU", 24 }, { "SIGXFSZ", 25 },
		{ "SIGVTALRM", 26 }, { "SIGWINCH", 28 }, { "SIGPOLL", 29 },
		{ "SIGSYS", 31 },
	};
	const char *fn = val_get_str(call, "name");
	struct val *a = args->items[0];
	struct type *t = check_expr(ck, &args->items[0]);
	const char *name = val_get_str(a, "v");
	char up[32];
	int64_t v;
	size_t i;
	bool u;

	if (ast_kind(a) == AST_STR) {
		snprintf(up, sizeof(up), "%s%s", name && (name[0] == 'S' ||
			 name[0] == 's') ? "" : "SIG", name ? name : "");
		for (i = 0; up[i]; i++)
			up[i] = (char)toupper((unsigned char)up[i]);
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			if (!strcmp(up, sigs[i].name))
				break;
		if (!name || !*name || i == sizeof(sigs) / sizeof(sigs[0])) {
			check_error(ck, a, "Invalid string for signal: %s",
				    name ? name : "");
			return void_type(ck);
		}
		a = check_node(ck, "int", a);
		val_set_int(ck->a, a, "v", sigs[i].num);
		*args->items[0] = *a;
		check_set_type(ck, args->items[0], type_int(ck->a, 4, false));
		return void_type(ck);
	}
	if (check_int_literal(a, &v, &u)) {
		if (v < 1 || v > 64)
			check_error(ck, a, "%s() accepts a string literal or an integer between 1 and 64 (inclusive)",
				    fn);
	} else if (t && !check_is_intlike(t)) {
		check_error(ck, a, "%s() accepts a string literal or an integer",
			    fn);
	}
	return void_type(ck);
}

static struct type *call_join(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (args->n == 2 && ast_kind(args->items[1]) != AST_STR)
		check_error(ck, args->items[1], "join() expects a string literal as the delimiter");
	call_check_args(ck, args, 1);
	if (t && !check_is_intlike(t) && t->kind != TY_PTR)
		check_error(ck, call, "join() only supports int or pointer arguments (%s provided)",
			    check_type_str(ck, t));
	return void_type(ck);
}

static struct type *call_strftime(struct check *ck, struct val *call,
				  struct val *args, struct val *assign_map)
{
	struct type *t;

	if (ast_kind(args->items[0]) != AST_STR)
		check_error(ck, args->items[0], "strftime() expects a string literal as the format");
	call_check_args(ck, args, 0);
	t = type_from_val(ck->a, val_get(args->items[1], "t"));
	if (ck->final && t && !check_is_intlike(t))
		check_error(ck, args->items[1], "strftime() expects an integer timestamp (%s provided)",
			    check_type_str(ck, t));
	t = type_new(ck->a, TY_TIMESTAMP);
	t->mode = "boot";
	/* the format travels with the type (bt-fmt formats the value) */
	t->name = val_get_str(args->items[0], "v");
	return t;
}

static struct type *call_ntop(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	struct type *t = NULL;
	size_t i;

	for (i = 0; i < args->n; i++)
		t = check_expr(ck, &args->items[i]);
	if (t && !check_is_intlike(t) &&
	    !(t->kind == TY_ARRAY && (type_size(t) == 4 || type_size(t) == 16)) &&
	    !(t->kind == TY_STRING && (t->size == 4 || t->size == 16)))
		check_error(ck, call, "ntop() expects an integer or array argument, got %s",
			    check_type_str(ck, t));
	return type_new(ck->a, TY_INET);
}

static struct type *call_buf(struct check *ck, struct val *call,
			     struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]), *r;
	int64_t n = ck->cfg.max_strlen;
	bool u;

	r = type_new(ck->a, TY_BUFFER);
	if (args->n == 2) {
		check_expr(ck, &args->items[1]);
		if (check_int_literal(args->items[1], &n, &u) && n > ck->cfg.max_strlen) {
			check_warn(ck, call, "length param (%lld) is too long and will be shortened to %lld bytes (see BPFTRACE_MAX_STRLEN)",
				   (long long)n, (long long)ck->cfg.max_strlen);
			n = ck->cfg.max_strlen;
		}
	} else if (t && t->kind == TY_ARRAY) {
		n = type_size(t);
	} else if (t) {
		check_error(ck, call, "buf() expects a length argument for non-array type %s",
			    check_type_str(ck, t));
	}
	r->size = n;
	return r;
}

static struct type *call_strcmp(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	const char *name = val_get_str(call, "name");
	struct type *x = check_expr(ck, &args->items[0]);
	struct type *y = args->n > 1 ? check_expr(ck, &args->items[1]) : NULL;

	call_check_args(ck, args, 2);
	if ((x && !call_is_stringish(x)) || (args->n > 1 && y && !call_is_stringish(y)))
		check_error(ck, call, "%s() expects string arguments", name);
	if (!strcmp(name, "strcontains"))
		return type_new(ck->a, TY_BOOL);
	return type_int(ck->a, 8, true);
}

static struct type *call_has_key(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	struct val *map = args->items[0];
	struct val *keys, *probe;

	if (!call_is_map_ref(map) || (val_get(map, "keys") && val_get(map, "keys")->n)) {
		check_error(ck, map, "has_key() expects a map without a key as the first argument");
		return type_new(ck->a, TY_BOOL);
	}
	{
		struct check_map *m = check_map_get(ck, val_get_str(map, "name"));

		if (m->val && !m->key) {
			check_error(ck, call, "call to has_key() expects a map with explicit keys (non-scalar map)");
			return type_new(ck->a, TY_BOOL);
		}
	}
	/* type the key against the map's key through a keyed copy */
	keys = val_arr(ck->a);
	val_push(ck->a, keys, args->items[1]);
	probe = val_copy(ck->a, map);
	val_set(ck->a, probe, "keys", keys);
	check_map_read(ck, probe);
	args->items[1] = keys->items[0];
	check_set_type(ck, map, check_map_get(ck, val_get_str(map, "name"))->val);
	return type_new(ck->a, TY_BOOL);
}

static struct type *call_len(struct check *ck, struct val *call,
			     struct val *args, struct val *assign_map)
{
	struct type *t;

	if (call_is_map_ref(args->items[0])) {
		struct check_map *m = call_map_ref(ck, call, args->items[0]);

		if (m && m->val && !m->key)
			check_error(ck, call, "call to len() expects a map with explicit keys (non-scalar map)");
		return type_int(ck->a, 8, true);
	}
	t = check_expr(ck, &args->items[0]);
	if (t && t->kind != TY_KSTACK && t->kind != TY_USTACK)
		check_error(ck, call, "len() expects a map or stack to be provided");
	return type_int(ck->a, 8, true);
}

static struct type *call_macaddr(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && !(t->kind == TY_PTR || t->kind == TY_ARRAY ||
		   t->kind == TY_STRING || check_is_intlike(t)))
		check_error(ck, call, "macaddr() only supports array or pointer arguments (%s provided)",
			    check_type_str(ck, t));
	if (t && (t->kind == TY_ARRAY || t->kind == TY_STRING) && type_size(t) < 6)
		check_error(ck, call, "macaddr() argument must be at least 6 bytes (%lld provided)",
			    (long long)type_size(t));
	return type_new(ck->a, TY_MACADDR);
}

static struct type *call_bswap(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && !check_is_intlike(t)) {
		check_error(ck, call, "bswap() only supports integer arguments (%s provided)",
			    check_type_str(ck, t));
		return NULL;
	}
	return t ? type_int(ck->a, (int)check_int_of(ck->a, t)->size, false) : NULL;
}

static struct type *call_cgroup_path(struct check *ck, struct val *call,
				     struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (args->n == 2 && ast_kind(args->items[1]) != AST_STR)
		check_error(ck, args->items[1], "cgroup_path() expects a string literal as the filter");
	call_check_args(ck, args, 1);
	if (t && !check_is_intlike(t))
		check_error(ck, call, "cgroup_path() only supports integer arguments (%s provided)",
			    check_type_str(ck, t));
	return type_new(ck->a, TY_CGROUP_PATH);
}

static struct type *call_reg(struct check *ck, struct val *call,
			     struct val *args, struct val *assign_map)
{
	static const char *const regs[] = {
		"r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9",
		"r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs",
		"flags", "sp", "ss", "pc",
	};
	const char *p = ck->prov ? ck->prov->name : "";
	const char *name = val_get_str(args->items[0], "v");
	size_t i;

	check_expr(ck, &args->items[0]);
	if (ast_kind(args->items[0]) != AST_STR) {
		check_error(ck, call, "reg() expects a string literal (%s provided)",
			    val_kind_of(args->items[0]));
		return type_int(ck->a, 8, false);
	}
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(regs[i], name))
			break;
	if (i == sizeof(regs) / sizeof(regs[0]))
		check_error(ck, call, "'%s' is not a valid register on this architecture", name);
	if (strcmp(p, "kprobe") && strcmp(p, "kretprobe") && strcmp(p, "uprobe") &&
	    strcmp(p, "uretprobe") && strcmp(p, "usdt") && strcmp(p, "profile") &&
	    strcmp(p, "interval") && strcmp(p, "software") && strcmp(p, "hardware"))
		check_error(ck, call, "reg can not be used with \"%s\" probes", p);
	return type_int(ck->a, 8, false);
}

static struct type *call_addrspace(struct check *ck, struct val *call,
				   struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]), *r;

	if (!t)
		return NULL;
	if (t->kind != TY_PTR) {
		check_error(ck, call, "%s() expects a pointer argument (%s provided)",
			    val_get_str(call, "name"), check_type_str(ck, t));
		return NULL;
	}
	r = type_ptr(ck->a, t->elem, val_get_str(call, "name")[0] == 'u');
	return r;
}

static struct type *call_strerror(struct check *ck, struct val *call,
				  struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && !check_is_intlike(t))
		check_error(ck, call, "strerror() only supports integer arguments (%s provided)",
			    check_type_str(ck, t));
	return type_string(ck->a, 64);
}


/* pid(curr_ns|init), tid(...): the namespace goes on the node as "ns" */
static struct type *call_pid(struct check *ck, struct val *call,
			     struct val *args, struct val *assign_map)
{
	const char *ns = args->n ? val_get_str(args->items[0], "name") : "curr_ns";

	if (!ns || (strcmp(ns, "curr_ns") && strcmp(ns, "init"))) {
		check_error(ck, call, "%s() only supports curr_ns and init as the argument (%s provided)",
			    val_get_str(call, "name"), ns ? ns : val_kind_of(args->items[0]));
		return type_int(ck->a, 4, false);
	}
	if (strcmp(ns, "curr_ns"))
		val_set_str(ck->a, call, "ns", ns);
	if (ck->final)
		args->n = 0;   /* the namespace is on the node now */
	if (!strcmp(ns, "curr_ns"))
		call_to_ident(ck, call);
	return type_int(ck->a, 4, false);
}

/* comm(pid): another process's name */
static struct type *call_comm(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	struct type *t;

	if (!args->n) {
		call_to_ident(ck, call);
		return type_string(ck->a, 16);
	}
	t = check_expr(ck, &args->items[0]);
	if (t && !check_is_intlike(t)) {
		check_error(ck, call, "Only integer supported for comm()'s pid");
		return type_string(ck->a, 64);
	}
	/* bpf_task_from_pid is a kfunc: only where the kernel allows it */
	if (!check_btf_kfunc_allowed(ck, "bpf_task_from_pid")) {
		const char *pt = check_provider_name(ck);

		/* upstream names the probetype, "special" for begin/end */
		check_error(ck, call, "Syntax comm(PID) is not supported in this probe type yet. Type: %s",
			    !strcmp(pt, "begin") || !strcmp(pt, "end") ?
			    "special" : pt);
		return type_string(ck->a, 64);
	}
	/* curtask->comm, typed here: bt-gen reads it (CO-RE) from the task */
	{
		struct val *task = check_node(ck, "ident", call), *f;

		val_set_str(ck->a, task, "name", "curtask");
		f = check_node(ck, "field", call);
		val_set(ck->a, f, "e", task);
		val_set_str(ck->a, f, "name", "comm");
		val_set_bool(ck->a, f, "arrow", true);
		val_set(ck->a, call, "comm_field", f);
		check_expr(ck, &(struct val *){ f });
	}
	return type_string(ck->a, 64);
}

/* pton("addr"): the address bytes at compile time, on the node as "v" */
static struct type *call_pton(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	const char *s = val_get_str(args->items[0], "v");
	unsigned char buf[16];
	struct type *t;

	check_expr(ck, &args->items[0]);
	if (ast_kind(args->items[0]) != AST_STR || !s) {
		check_error(ck, call, "pton() expects a string literal argument");
		return NULL;
	}
	t = type_new(ck->a, TY_ARRAY);
	t->elem = type_int(ck->a, 1, false);
	if (inet_pton(AF_INET, s, buf) == 1) {
		t->count = 4;
	} else if (inet_pton(AF_INET6, s, buf) == 1) {
		t->count = 16;
	} else {
		check_error(ck, call, "pton() expects a valid IPv4 or IPv6 address, got %s", s);
		return NULL;
	}
	val_set(ck->a, call, "v", val_bin(ck->a, buf, (size_t)t->count));
	return t;
}

/* write_user(dst, src, len): bpf_probe_write_user, only with --unsafe */
static struct type *call_write_user(struct check *ck, struct val *call,
				    struct val *args, struct val *assign_map)
{
	struct type *d = check_expr(ck, &args->items[0]);

	call_check_args(ck, args, 1);
	if (!provider_unsafe) {
		check_error(ck, call, "write_user() is unsafe. To use you need the --unsafe flag");
		return type_new(ck->a, TY_BOOL);
	}
	if (d && d->kind != TY_PTR && !check_is_intlike(d))
		check_error(ck, call, "write_user() expects a pointer destination (%s provided)",
			    check_type_str(ck, d));
	return type_new(ck->a, TY_BOOL);
}

/* path(struct path * [, size]): bpf_d_path, for BTF-typed probes */
static struct type *call_path(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	static const char *const ok[] = { "fentry", "fexit", "iter", NULL };
	const char *p = ck->prov ? ck->prov->name : "";
	struct type *t = check_expr(ck, &args->items[0]);
	int64_t n = ck->cfg.max_strlen;
	size_t i;

	for (i = 0; ok[i] && strcmp(ok[i], p); i++)
		;
	if (!ok[i])
		check_error(ck, call, "The path function can only be used with 'fentry', 'fexit', 'iter' probes");
	if (t && t->kind != TY_PTR && t->kind != TY_STRUCT)
		check_error(ck, call, "path() only supports pointer or C type argument (%s provided)",
			    check_type_str(ck, t));
	if (args->n == 2) {
		check_expr(ck, &args->items[1]);
		if (!call_int_literal(ck, call, args->items[1], &n))
			n = ck->cfg.max_strlen;
	}
	return type_string(ck->a, n);
}

/* kaddr("sym"): a kernel symbol's address from /proc/kallsyms, folded */
/*
 * str("lit") -- what str($1) becomes with a text parameter -- where a
 * string literal is wanted is that literal (upstream folds it too)
 */
static void call_unwrap_str(struct check *ck, struct val **ref)
{
	struct val *n = *ref, *args = val_get(n, "args");

	if (ast_kind(n) != AST_CALL || strcmp(val_get_str(n, "name") ?: "",
					      "str") ||
	    !args || args->kind != VAL_ARR || args->n != 1)
		return;
	check_expr(ck, ref);
	n = *ref;
	args = val_get(n, "args");
	if (ast_kind(n) == AST_CALL && args && args->kind == VAL_ARR &&
	    args->n == 1 && ast_kind(args->items[0]) == AST_STR)
		*ref = args->items[0];
}

static struct type *call_kaddr(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	const char *sym;
	char line[512], name[256];
	unsigned long long addr = 0;
	bool found = false;
	struct val *lit;
	FILE *f;

	call_unwrap_str(ck, &args->items[0]);
	sym = val_get_str(args->items[0], "v");
	check_expr(ck, &args->items[0]);
	if (ast_kind(args->items[0]) != AST_STR || !sym) {
		check_error(ck, call, "kaddr() expects a string literal");
		return type_int(ck->a, 8, false);
	}
	f = fopen("/proc/kallsyms", "r");
	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*c %255s", &addr, name) == 2 &&
		    !strcmp(name, sym))
			found = true;
	if (f)
		fclose(f);
	if (!found) {
		check_error(ck, call, "Failed to resolve kernel symbol: %s", sym);
		return type_int(ck->a, 8, false);
	}
	if (!addr)
		check_warn(ck, call, "kernel symbol addresses read as 0: /proc/kallsyms needs root");
	lit = check_node(ck, "int", call);
	val_set(ck->a, lit, "v", val_uint(ck->a, addr));
	*call = *lit;
	return type_int(ck->a, 8, false);
}

/*
 * getopt(name [, default [, description]]): a named program option.  The
 * values given after `--` are in the header as "named_params":
 * {"name": "text" | true} (main.c takes them out of "params").  Folded
 * into a literal of the default's type: bool when there is none, uint64
 * for a non-negative integer, int64 for a negative one, string.  Every
 * option is recorded in ck->getopts for the "unexpected option" check.
 */
static void getopt_bad(struct check *ck, const char *name, const char *value,
		       const char *err)
{
	if (ck->getopt_failed)
		return;   /* the call became a literal: reported once */
	ck->getopt_failed = true;
	diag_error((struct diag_loc){ 0 },
		   "program command line option --%s %s (value: %s)", name,
		   err, value);
}

static bool getopt_bool(const char *s, bool *b)
{
	static const char *const t[] = { "true", "1", "yes", "on" };
	static const char *const f[] = { "false", "0", "no", "off" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, t[i]))
			return *b = true, true;
		if (!strcasecmp(s, f[i]))
			return *b = false, true;
	}
	return false;
}

static struct type *call_getopt(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	const char *name = val_get_str(args->items[0], "v");
	struct val *def = args->n > 1 ? args->items[1] : NULL;
	struct val *named = val_get(ck->hdr, "named_params"), *lit;
	const struct val *given_v = name ? val_get(named, name) : NULL;
	const char *given = given_v && given_v->kind == VAL_STR ? given_v->s : NULL;
	bool given_flag = given_v && given_v->kind == VAL_BOOL;
	enum ast_kind dk = def ? ast_kind(def) : AST_BOOL;
	int64_t v = 0;
	bool u = false;

	if (ast_kind(args->items[0]) != AST_STR || !name) {
		check_error(ck, call, "getopt() expects a string literal as the option name");
		return NULL;
	}
	if (args->n > 2 && ast_kind(args->items[2]) != AST_STR) {
		check_error(ck, call, "getopt() expects a string literal as the description");
		return NULL;
	}
	if (def && dk != AST_INT && dk != AST_STR && dk != AST_BOOL &&
	    !check_int_literal(def, &v, &u)) {
		check_error(ck, call, "getopt() expects a literal default (int, string or bool)");
		return NULL;
	}
	{
		/* the first pass folds the call: record it then */
		if (!ck->getopts)
			ck->getopts = val_map(ck->a);
		val_set_str(ck->a, ck->getopts, name,
			    args->n > 2 ? val_get_str(args->items[2], "v") : "");
	}
	if (def && check_int_literal(def, &v, &u))
		dk = AST_INT;
	if (dk == AST_STR) {
		if (given_flag)
			getopt_bad(ck, name, "true", "expects a string");
		lit = check_node(ck, "str", call);
		val_set_str(ck->a, lit, "v", given ? given : val_get_str(def, "v"));
	} else if (dk == AST_INT) {
		bool neg = !u && v < 0;
		char *end = NULL;

		lit = check_node(ck, "int", call);
		if (given_flag) {
			getopt_bad(ck, name, "true", "expects an integer");
		} else if (given) {
			errno = 0;
			if (neg)
				v = strtoll(given, &end, 0);
			else
				v = (int64_t)strtoull(given, &end, 0);
			if (!*given || *end || (!neg && given[0] == '-'))
				getopt_bad(ck, name, given, "invalid integer");
			else if (errno == ERANGE)
				getopt_bad(ck, name, given, "value is out of range");
			u = !neg;
		}
		if (u && v < 0)
			val_set(ck->a, lit, "v", val_uint(ck->a, (uint64_t)v));
		else
			val_set_int(ck->a, lit, "v", v);
	} else {
		bool b = def ? val_get_bool(def, "v", false) : false;

		if (given_flag)
			b = true;
		else if (given && !getopt_bool(given, &b))
			getopt_bad(ck, name, given, "expects a boolean (e.g. 'true')");
		lit = check_node(ck, "bool", call);
		val_set_bool(ck->a, lit, "v", b);
	}
	*call = *lit;
	return check_expr(ck, &(struct val *){ call });
}

/* is_err(ptr): an ERR_PTR-encoded value (the last 4095 addresses) */
static struct type *call_is_err(struct check *ck, struct val *call,
				struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && t->kind != TY_PTR && !check_is_intlike(t))
		check_error(ck, call, "is_err() expects a pointer (%s provided)",
			    check_type_str(ck, t));
	return type_new(ck->a, TY_BOOL);
}

/* percpu_kaddr("var" [, cpu]): a pointer to a per-CPU kernel variable */
static struct type *call_percpu_kaddr(struct check *ck, struct val *call,
				      struct val *args, struct val *assign_map)
{
	const char *sym = val_get_str(args->items[0], "v");
	struct type *t;

	call_check_args(ck, args, 0);
	if (ast_kind(args->items[0]) != AST_STR || !sym) {
		check_error(ck, call, "percpu_kaddr() expects a string literal as the variable name");
		return NULL;
	}
	t = check_btf_var(ck, sym);
	if (!t) {
		check_error(ck, call, "Could not resolve variable \"%s\" from BTF", sym);
		return NULL;
	}
	return type_ptr(ck->a, t, false);
}

/* comptime e: a constant expression folded into a literal */
static struct type *call_comptime(struct check *ck, struct val *call,
				  struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);
	struct val *lit;
	int64_t v;

	if (!check_const_eval(args->items[0], &v)) {
		if (ast_kind(args->items[0]) == AST_BOOL || ast_kind(args->items[0]) == AST_STR)
			return t;
		check_error(ck, call, "Unable to resolve comptime expression");
		return t;
	}
	lit = check_node(ck, "int", call);
	val_set_int(ck->a, lit, "v", v);
	*call = *lit;
	return check_literal_type(ck->a, v, false);
}

/* nsecs([boot|monotonic|tai|sw_tai]): the clock goes on the node as "mode" */
static struct type *call_nsecs(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	static const char *const modes[] = { "boot", "monotonic", "tai", "sw_tai" };
	const char *m = args->n ? val_get_str(args->items[0], "name") : "boot";
	size_t i;

	for (i = 0; m && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(m, modes[i])) {
			if (i)
				val_set_str(ck->a, call, "mode", modes[i]);
			if (ck->final)
				args->n = 0;   /* the clock is on the node now */
			if (!i)
				call_to_ident(ck, call);
			return type_int(ck->a, 8, false);
		}
	check_error(ck, call, "Invalid timestamp mode: %s", m ? m : val_kind_of(args->items[0]));
	check_hint(ck, "valid modes are boot, monotonic, tai and sw_tai");
	return type_int(ck->a, 8, false);
}

static struct type *call_signal_name(struct check *ck, struct val *call,
				     struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && !check_is_intlike(t))
		check_error(ck, call, "%s() only supports integer arguments (%s provided)",
			    val_get_str(call, "name"), check_type_str(ck, t));
	return type_string(ck->a, 64);
}

/* tseries(n, interval, count [, "avg"|"max"|"min"|"sum"]) */
static struct type *call_tseries(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	struct type *vt, *t;
	int64_t interval, count;
	const char *agg = NULL;
	size_t i;

	if (!assign_map) {
		call_check_args(ck, args, 0);
		check_error(ck, call, "tseries() must be assigned directly to a map");
		return NULL;
	}
	vt = check_expr(ck, &args->items[0]);
	for (i = 1; i < args->n; i++)
		check_expr(ck, &args->items[i]);
	if (vt && !check_is_intlike(vt)) {
		check_error(ck, args->items[0], "tseries() only supports int arguments (%s provided)",
			    check_type_str(ck, vt));
		return NULL;
	}
	if (!call_int_literal(ck, call, args->items[1], &interval) ||
	    !call_int_literal(ck, call, args->items[2], &count))
		return NULL;
	if (interval <= 0) {
		check_error(ck, call, "tseries() interval_ns must be >= 1 (%lld provided)",
			    (long long)interval);
		return NULL;
	}
	if (count <= 0 || count > 1000000) {
		check_error(ck, call, "tseries() num_intervals must be >= 1 and <= 1000000 (%lld provided)",
			    (long long)count);
		return NULL;
	}
	if (args->n == 4) {
		agg = val_get_str(args->items[3], "v");
		if (ast_kind(args->items[3]) != AST_STR || !agg ||
		    (strcmp(agg, "avg") && strcmp(agg, "max") && strcmp(agg, "min") &&
		     strcmp(agg, "sum"))) {
			check_error(ck, call, "tseries() expects one of the following aggregation functions: avg, max, min, sum");
			return NULL;
		}
	}
	if (!strcmp(val_get_str(ck->config, "unstable_tseries") ?
		    val_get_str(ck->config, "unstable_tseries") : "", "error"))
		check_error(ck, call, "tseries is an unstable feature, enable it with config unstable_tseries=enable");
	t = type_new(ck->a, TY_TSERIES);
	t->interval_ns = interval;
	t->count = count;
	t->mode = agg;
	t->is_signed = vt ? check_int_of(ck->a, vt)->is_signed : true;
	if (vt)
		check_cast_to(ck, &args->items[0], check_int_of(ck->a, vt),
			      type_int(ck->a, 8, t->is_signed));
	return t;
}

/* count sum avg min max stats hist lhist */
static struct type *call_aggregation(struct check *ck, struct val *call,
				     struct val *args, struct val *assign_map)
{
	const char *name = val_get_str(call, "name");
	struct type *vt = NULL, *t;
	int64_t k = 0, mn, mx, step;
	size_t i;

	if (!assign_map) {
		for (i = 0; i < args->n; i++)
			check_expr(ck, &args->items[i]);
		check_error(ck, call, "%s() must be assigned directly to a map", name);
		return NULL;
	}
	if (args->n) {
		vt = check_expr(ck, &args->items[0]);
		if (vt && !check_is_intlike(vt)) {
			check_error(ck, args->items[0], "%s() only supports int arguments (%s provided)",
				    name, check_type_str(ck, vt));
			return NULL;
		}
		vt = check_int_of(ck->a, vt);
	}
	if (!strcmp(name, "count"))
		return type_new(ck->a, TY_COUNT);
	if (!strcmp(name, "hist")) {
		t = type_new(ck->a, TY_HIST);
		if (args->n == 2) {
			check_expr(ck, &args->items[1]);
			if (!call_int_literal(ck, call, args->items[1], &k))
				return NULL;
			if (k < 0 || k > 5) {
				check_error(ck, call, "hist: bits %lld must be 0..5",
					    (long long)k);
				return NULL;
			}
		}
		t->k = k;
		if (vt)
			check_cast_to(ck, &args->items[0], vt, type_int(ck->a, 8, true));
		return t;
	}
	if (!strcmp(name, "lhist")) {
		for (i = 1; i < 4; i++)
			check_expr(ck, &args->items[i]);
		if (!call_int_literal(ck, call, args->items[1], &mn) ||
		    !call_int_literal(ck, call, args->items[2], &mx) ||
		    !call_int_literal(ck, call, args->items[3], &step))
			return NULL;
		if (step <= 0) {
			check_error(ck, call, "lhist() step must be >= 1 (%lld provided)",
				    (long long)step);
			return NULL;
		}
		if (mn < 0) {
			check_error(ck, call, "lhist() min must be non-negative (provided min %lld)",
				    (long long)mn);
			return NULL;
		}
		if (mn > mx) {
			check_error(ck, call, "lhist() min must be less than max (provided min %lld and max %lld)",
				    (long long)mn, (long long)mx);
			return NULL;
		}
		if ((mx - mn) / step > 1000) {
			check_error(ck, call, "lhist() too many buckets, must be <= 1000 (would need %lld)",
				    (long long)((mx - mn) / step));
			return NULL;
		}
		t = type_new(ck->a, TY_LHIST);
		t->min = mn;
		t->max = mx;
		t->step = step;
		if (vt)
			check_cast_to(ck, &args->items[0], vt, type_int(ck->a, 8, true));
		return t;
	}
	t = type_new(ck->a, !strcmp(name, "sum") ? TY_SUM :
			    !strcmp(name, "min") ? TY_MIN :
			    !strcmp(name, "max") ? TY_MAX :
			    !strcmp(name, "avg") ? TY_AVG : TY_STATS);
	t->is_signed = vt ? vt->is_signed : true;
	if (vt)
		check_cast_to(ck, &args->items[0], vt, type_int(ck->a, 8, t->is_signed));
	return t;
}

/* the call becomes a bool literal (compile-time predicates) */
static struct type *call_fold_bool(struct check *ck, struct val *call, bool b)
{
	struct val *lit = check_node(ck, "bool", call);

	val_set_bool(ck->a, lit, "v", b);
	*call = *lit;
	return type_new(ck->a, TY_BOOL);
}

/* is_str is_ptr is_array is_integer is_unsigned_integer is_literal (F-56) */
static struct type *call_is_type(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	const char *name = val_get_str(call, "name");
	struct val *arg = args->items[0];
	enum ast_kind k = ast_kind(arg);
	struct type *t;
	int64_t v;
	bool u;

	if (!strcmp(name, "is_literal"))
		return call_fold_bool(ck, call, k == AST_INT || k == AST_STR ||
				      k == AST_BOOL || check_int_literal(arg, &v, &u));
	t = k == AST_TYPESPEC ? check_typespec(ck, arg) : check_expr(ck, &args->items[0]);
	if (!t)
		return type_new(ck->a, TY_BOOL);
	if (!strcmp(name, "is_str"))
		return call_fold_bool(ck, call, t->kind == TY_STRING);
	if (!strcmp(name, "is_ptr"))
		return call_fold_bool(ck, call, t->kind == TY_PTR);
	if (!strcmp(name, "is_array"))
		return call_fold_bool(ck, call, t->kind == TY_ARRAY);
	if (!strcmp(name, "is_integer"))
		return call_fold_bool(ck, call, t->kind == TY_INT || t->kind == TY_ENUM);
	return call_fold_bool(ck, call, (t->kind == TY_INT || t->kind == TY_ENUM) &&
			      !t->is_signed);
}

/* is_scalar(@m): the map has no keys (F-57) */
static struct type *call_is_scalar(struct check *ck, struct val *call,
				   struct val *args, struct val *assign_map)
{
	struct check_map *m;

	if (!call_is_map_ref(args->items[0])) {
		check_error(ck, call, "is_scalar() expects a map argument");
		return type_new(ck->a, TY_BOOL);
	}
	m = check_map_get(ck, val_get_str(args->items[0], "name"));
	if (!ck->final)
		return type_new(ck->a, TY_BOOL);   /* keys known at the end */
	return call_fold_bool(ck, call, !m->used_keyed);
}

/* kfunc_exist("f"): the kfunc is in vmlinux BTF; kfunc_allowed("f"): and
 * this probe's program type may call it */
static struct type *call_kfunc_exist(struct check *ck, struct val *call,
				     struct val *args, struct val *assign_map)
{
	const char *fn = val_get_str(args->items[0], "v");

	if (ast_kind(args->items[0]) != AST_STR || !fn) {
		check_error(ck, call, "%s() expects a string literal",
			    val_get_str(call, "name"));
		return type_new(ck->a, TY_BOOL);
	}
	if (!strcmp(val_get_str(call, "name"), "kfunc_allowed"))
		return call_fold_bool(ck, call, check_btf_kfunc_allowed(ck, fn));
	return call_fold_bool(ck, call, check_btf_func_exists(fn));
}

/* a literal string, or a field of a record literal that is one */
static const char *call_const_str(const struct val *n)
{
	const struct val *fields;
	const char *name = val_get_str(n, "name");
	size_t i;

	if (ast_kind(n) == AST_STR)
		return val_get_str(n, "v");
	if (strcmp(val_kind_of(n), "field") || !name ||
	    strcmp(val_kind_of(val_get(n, "e")), "record"))
		return NULL;
	fields = val_get(val_get(n, "e"), "fields");
	for (i = 0; fields && fields->kind == VAL_ARR && i < fields->n; i++)
		if (val_get_str(fields->items[i], "name") &&
		    !strcmp(val_get_str(fields->items[i], "name"), name))
			return call_const_str(val_get(fields->items[i], "e"));
	return NULL;
}

/* a constant condition: check_const_eval plus comparisons and ! && || */
bool check_const_cond(const struct val *n, int64_t *v)
{
	const char *op = val_get_str(n, "op");
	const char *ls, *rs;
	int64_t l, r;

	if (ast_kind(n) == AST_BINOP && op &&
	    (!strcmp(op, "==") || !strcmp(op, "!=")) &&
	    (ls = call_const_str(val_get(n, "l"))) &&
	    (rs = call_const_str(val_get(n, "r")))) {
		*v = !strcmp(ls, rs) == !strcmp(op, "==");
		return true;
	}

	if (ast_kind(n) == AST_BOOL) {
		*v = val_get_bool(n, "v", false);
		return true;
	}
	if (ast_kind(n) == AST_UNOP && op && !strcmp(op, "!") &&
	    check_const_cond(val_get(n, "e"), &l)) {
		*v = !l;
		return true;
	}
	if (ast_kind(n) != AST_BINOP || !op ||
	    !check_const_cond(val_get(n, "l"), &l) ||
	    !check_const_cond(val_get(n, "r"), &r))
		return check_const_eval(n, v);
	if (!strcmp(op, "==")) *v = l == r;
	else if (!strcmp(op, "!=")) *v = l != r;
	else if (!strcmp(op, "<")) *v = l < r;
	else if (!strcmp(op, "<=")) *v = l <= r;
	else if (!strcmp(op, ">")) *v = l > r;
	else if (!strcmp(op, ">=")) *v = l >= r;
	else if (!strcmp(op, "&&")) *v = l && r;
	else if (!strcmp(op, "||")) *v = l || r;
	else return check_const_eval(n, v);
	return true;
}

/*
 * static_assert(cond [, msg]): an error at the call when the constant
 * cond is false; upstream's macro puts cond under `if comptime`, whose
 * error a condition known only at run time gets
 */
static struct type *call_static_assert(struct check *ck, struct val *call,
				       struct val *args, struct val *assign_map)
{
	struct val *msgn = args->n > 1 ? args->items[1] : NULL;
	const char *msg = msgn ? val_get_str(msgn, "v") : NULL;
	int64_t v = 0;

	if (msgn && (ast_kind(msgn) != AST_STR || !msg)) {
		check_error(ck, msgn, "static_assert() expects a string literal message");
		return void_type(ck);
	}
	if (!check_const_cond(args->items[0], &v) &&
	    (check_expr(ck, &args->items[0]),
	     !check_const_cond(args->items[0], &v))) {
		check_error(ck, args->items[0], "Unable to resolve comptime expression");
		return void_type(ck);
	}
	if (!v)
		check_error(ck, call, "%s", msg ? msg : "static assertion failed");
	return void_type(ck);
}

/* find(@m, key, $v): bool; on a hit $v gets the value (M-15) */
static struct type *call_find(struct check *ck, struct val *call,
			      struct val *args, struct val *assign_map)
{
	struct val *map = args->items[0], *keys, *probe;
	struct type *vt;
	int slot;

	if (!call_is_map_ref(map) || (val_get(map, "keys") && val_get(map, "keys")->n)) {
		check_error(ck, map, "find() expects a map without a key as the first argument");
		return type_new(ck->a, TY_BOOL);
	}
	if (ast_kind(args->items[2]) != AST_VAR) {
		check_error(ck, args->items[2], "find() expects a scratch variable as the third argument");
		return type_new(ck->a, TY_BOOL);
	}
	keys = val_arr(ck->a);
	val_push(ck->a, keys, args->items[1]);
	probe = val_copy(ck->a, map);
	val_set(ck->a, probe, "keys", keys);
	vt = check_map_read(ck, probe);
	args->items[1] = keys->items[0];
	check_set_type(ck, map, check_map_get(ck, val_get_str(map, "name"))->val);
	slot = check_var_lookup(ck, val_get_str(args->items[2], "name"));
	if (slot < 0)
		slot = check_var_declare(ck, val_get_str(args->items[2], "name"));
	if (vt)
		check_var_assign(ck, args->items[2], slot, vt, NULL);
	check_expr(ck, &args->items[2]);
	return type_new(ck->a, TY_BOOL);
}

/*
 * uaddr("sym"): the address of a global of the uprobe's binary, as a user
 * pointer to an integer of the symbol's size.  In a PIE or a library the
 * load address is added at run time: the probe's own address
 * (bpf_get_func_ip, __bt_func_ip) less its address in the file.
 */
static struct type *call_uaddr(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	const char *sym = val_get_str(args->items[0], "v");
	const char *prov = ck->prov ? ck->prov->name : "";
	const char *path = ck->ap ? val_get_str(ck->ap, "target") : NULL;
	uint64_t addr = 0, size = 0;
	struct type *t;
	struct val *lit, *cast;

	if (ast_kind(args->items[0]) != AST_STR || !sym) {
		check_error(ck, call, "uaddr() expects a string literal");
		return NULL;
	}
	if (strcmp(prov, "uprobe") && strcmp(prov, "uretprobe") && strcmp(prov, "usdt")) {
		check_error(ck, call, "uaddr can only be used with 'uprobes', 'uretprobes' and 'usdt' probes");
		return NULL;
	}
	if (!path || uprobe_find_symbol(ck->a, path, sym, &addr, &size) < 0) {
		check_error(ck, call, "Could not resolve symbol: %s:%s",
			    path ? path : "?", sym);
		return NULL;
	}
	t = type_ptr(ck->a, type_int(ck->a, size == 1 || size == 2 || size == 4 ||
					    size == 8 ? (int)size : 8, false), true);
	{
		/* (uintN *)ADDR, checked like any cast from here on */
		struct val *spec = check_node(ck, "typespec", call);
		struct val *suffix = val_arr(ck->a);

		val_set_str(ck->a, spec, "base",
			    arena_printf(ck->a, "uint%d", (int)t->elem->size * 8));
		val_push(ck->a, suffix, val_str(ck->a, "*"));
		val_set(ck->a, spec, "suffix", suffix);
		lit = check_node(ck, "int", call);
		val_set(ck->a, lit, "v", val_uint(ck->a, addr));
		if (uprobe_elf_is_dyn(path)) {
			uint64_t at = (uint64_t)val_get_int(ck->ap, "address", 0) +
				      (uint64_t)val_get_int(ck->ap, "offset", 0);
			struct val *ip = check_node(ck, "ident", call);
			struct val *sum = check_node(ck, "binop", call);

			val_set_str(ck->a, ip, "name", "__bt_func_ip");
			val_set(ck->a, lit, "v", val_uint(ck->a, addr - at));
			val_set_str(ck->a, sum, "op", "+");
			val_set(ck->a, sum, "l", ip);
			val_set(ck->a, sum, "r", lit);
			lit = sum;
		}
		cast = check_node(ck, "cast", call);
		val_set(ck->a, cast, "type", spec);
		val_set(ck->a, cast, "e", lit);
		*call = *cast;
	}
	return check_expr(ck, &(struct val *){ call });
}

/* socket_cookie(struct sock *): uint64 */
static struct type *call_socket_cookie(struct check *ck, struct val *call,
				       struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && t->kind != TY_PTR)
		check_error(ck, call, "socket_cookie() only supports 'struct sock *' as the argument (%s provided)",
			    check_type_str(ck, t));
	return type_int(ck->a, 8, false);
}

/*
 * skboutput(file, skb, len, offset): uint32, 0 or a negative error.  The
 * file name and the offset are literals: bt-load opens the file before
 * the run and drops the first offset bytes of every packet
 */
static struct type *call_skboutput(struct check *ck, struct val *call,
				   struct val *args, struct val *assign_map)
{
	struct type *t[4];
	int64_t off;
	size_t i;

	for (i = 0; i < 4; i++)
		t[i] = check_expr(ck, &args->items[i]);
	if (!ck->final)
		return type_int(ck->a, 4, false);
	if (ast_kind(args->items[0]) != AST_STR) {
		check_error(ck, call, "skboutput() expects a string literal (%s provided)",
			    t[0] ? type_kind_name(t[0]->kind) : "none");
		check_hint(ck, "name the pcap file in the script: skboutput(\"out.pcap\", skb, len, offset)");
	}
	if (t[1] && t[1]->kind != TY_PTR)
		check_error(ck, call, "skboutput() only supports pointer arguments (%s provided)",
			    type_kind_name(t[1]->kind));
	if (t[2] && !check_is_intlike(t[2]))
		check_error(ck, call, "skboutput() only supports int arguments (%s provided)",
			    type_kind_name(t[2]->kind));
	if (t[3] && !check_is_intlike(t[3]))
		check_error(ck, call, "skboutput() only supports int arguments (%s provided)",
			    type_kind_name(t[3]->kind));
	else if (t[3] && call_int_literal(ck, call, args->items[3], &off) &&
		 off < 0)
		check_error(ck, args->items[3], "skboutput() offset must not be negative (%lld provided)",
			    (long long)off);
	return type_int(ck->a, 4, false);
}

/* override(rc): kprobe only, unsafe */
static struct type *call_override(struct check *ck, struct val *call,
				  struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (!ck->prov || strcmp(ck->prov->name, "kprobe"))
		check_error(ck, call, "override can only be used with 'kprobe' probes");
	else if (t && !check_is_intlike(t))
		check_error(ck, call, "override() only supports integer arguments (%s provided)",
			    check_type_str(ck, t));
	return void_type(ck);
}

/* unwatch(addr): async removal of a watchpoint */
static struct type *call_unwatch(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (t && !check_is_intlike(t) && t->kind != TY_PTR)
		check_error(ck, call, "unwatch() expects an integer argument (%s provided)",
			    check_type_str(ck, t));
	return void_type(ck);
}

/* cgroupid("path"): the cgroup v2 id (inode) of path, at compile time */
static struct type *call_cgroupid(struct check *ck, struct val *call,
				  struct val *args, struct val *assign_map)
{
	const char *path = val_get_str(args->items[0], "v");
	struct val *lit;
	struct stat st;

	if (ast_kind(args->items[0]) != AST_STR || !path) {
		check_error(ck, call, "cgroupid() expects a string literal");
		return type_int(ck->a, 8, false);
	}
	if (stat(path, &st) < 0) {
		check_error(ck, call, "Failed to get cgroup id for '%s': %s", path,
			    strerror(errno));
		return type_int(ck->a, 8, false);
	}
	lit = check_node(ck, "int", call);
	val_set(ck->a, lit, "v", val_uint(ck->a, (uint64_t)st.st_ino));
	*call = *lit;
	return check_expr(ck, &(struct val *){ call });
}

static const struct call_def call_table[] = {
	{ "printf", 1, -1, call_printf },
	{ "errorf", 1, -1, call_printf },
	{ "warnf", 1, -1, call_printf },
	{ "print", 1, 3, call_print },
	{ "clear", 1, 1, call_clear },
	{ "zero", 1, 1, call_clear },
	{ "delete", 1, 2, call_delete },
	{ "exit", 0, 1, call_exit },
	{ "debugf", 1, -1, call_debugf },
	{ "system", 1, -1, call_printf },
	{ "cat", 1, -1, call_printf },
	{ "signal", 1, 1, call_signal },
	{ "join", 1, 2, call_join },
	{ "str", 1, 2, call_str },
	{ "buf", 1, 2, call_buf },
	{ "strncmp", 3, 3, call_strcmp },
	{ "strcontains", 2, 2, call_strcmp },
	{ "strstr", 2, 2, stdlib_check_strstr },
	{ "strcap", 1, 1, stdlib_check_strcap },
	{ "str_concat", 2, 2, stdlib_check_str_concat },
	{ "memcmp", 3, 3, stdlib_check_memcmp },
	{ "assert_str", 1, 1, stdlib_check_assert_str },
	{ "default_str_length", 0, 0, stdlib_check_default_str_length },
	{ "container_of", 3, 3, stdlib_check_container_of },
	{ "typeinfo", 1, 1, stdlib_check_typeinfo },
	{ "strftime", 2, 2, call_strftime },
	{ "strerror", 1, 1, call_strerror },
	{ "ntop", 1, 2, call_ntop },
	{ "macaddr", 1, 1, call_macaddr },
	{ "bswap", 1, 1, call_bswap },
	{ "cgroup_path", 1, 2, call_cgroup_path },
	{ "reg", 1, 1, call_reg },
	{ "kptr", 1, 1, call_addrspace },
	{ "uptr", 1, 1, call_addrspace },
	{ "has_key", 2, 2, call_has_key },
	{ "nsecs", 0, 1, call_nsecs },
	{ "comptime", 1, 1, call_comptime },
	{ "pton", 1, 1, call_pton },
	{ "kaddr", 1, 1, call_kaddr },
	{ "is_err", 1, 1, call_is_err },
	{ "percpu_kaddr", 1, 2, call_percpu_kaddr },
	{ "getopt", 1, 3, call_getopt },
	{ "write_user", 3, 3, call_write_user },
	{ "path", 1, 2, call_path },
	{ "pid", 0, 1, call_pid },
	{ "tid", 0, 1, call_pid },
	{ "comm", 0, 1, call_comm },
	{ "strlen", 1, 1, stdlib_check_strlen },
	{ "signal_name", 1, 1, call_signal_name },
	{ "syscall_name", 1, 1, call_signal_name },
	{ "tseries", 3, 4, call_tseries, true },
	{ "len", 1, 1, call_len },
	{ "is_str", 1, 1, call_is_type },
	{ "is_ptr", 1, 1, call_is_type },
	{ "is_array", 1, 1, call_is_type },
	{ "is_integer", 1, 1, call_is_type },
	{ "is_unsigned_integer", 1, 1, call_is_type },
	{ "is_literal", 1, 1, call_is_type },
	{ "is_scalar", 1, 1, call_is_scalar },
	{ "kfunc_exist", 1, 1, call_kfunc_exist },
	{ "kfunc_allowed", 1, 1, call_kfunc_exist },
	{ "static_assert", 1, 2, call_static_assert },
	{ "fail", 1, -1, stdlib_check_fail },
	{ "find", 3, 3, call_find },
	{ "cgroupid", 1, 1, call_cgroupid },
	{ "uaddr", 1, 1, call_uaddr },
	{ "socket_cookie", 1, 1, call_socket_cookie, false, true },
	{ "skboutput", 4, 4, call_skboutput, false, true },
	{ "override", 1, 1, call_override },
	{ "unwatch", 1, 1, call_unwatch },
	{ "signal_thread", 1, 1, call_signal },
	{ "time", 0, 1, call_time },
	{ "kstack", 0, 2, call_stack },
	{ "ustack", 0, 2, call_stack },
	{ "dw_ustack", 0, 2, call_dw_stack },
	{ "ksym", 1, 1, call_sym },
	{ "usym", 1, 1, call_sym },
	{ "count", 0, 0, call_aggregation, true },
	{ "sum", 1, 1, call_aggregation, true },
	{ "avg", 1, 1, call_aggregation, true },
	{ "min", 1, 1, call_aggregation, true },
	{ "max", 1, 1, call_aggregation, true },
	{ "stats", 1, 1, call_aggregation, true },
	{ "hist", 1, 2, call_aggregation, true },
	{ "lhist", 4, 4, call_aggregation, true },
};

#define N_CALLS (sizeof(call_table) / sizeof(call_table[0]))

bool check_call_is_aggregation(const char *name)
{
	size_t i;

	for (i = 0; name && i < N_CALLS; i++)
		if (!strcmp(call_table[i].name, name))
			return call_table[i].aggregation;
	return false;
}

bool check_call_is_tracing_only(const char *name)
{
	size_t i;

	for (i = 0; name && i < N_CALLS; i++)
		if (!strcmp(call_table[i].name, name))
			return call_table[i].tracing;
	return false;
}

/*
 * upstream's probe availability check of a tracing-only call: one error
 * per probe type among the probe's attach points that is not of
 * BPF_PROG_TYPE_TRACING (fentry, fexit, iter; rawtracepoint, which bt
 * then compiles as tp_btf)
 */
static void call_check_tracing(struct check *ck, struct val *call,
			       const char *name)
{
	static const char *const ok[] = { "fentry", "fexit", "iter",
					  "rawtracepoint" };
	const struct val *exp = val_get(ck->probe, "expanded");
	const char *seen[16];
	size_t i, j, nseen = 0;

	if (!ck->final)
		return;
	for (i = 0; exp && i < exp->n; i++) {
		const char *p = val_get_str(exp->items[i], "provider");
		bool allowed = false;

		for (j = 0; p && j < ARRAY_SIZE(ok); j++)
			allowed |= !strcmp(p, ok[j]);
		for (j = 0; p && j < nseen; j++)
			allowed |= !strcmp(p, seen[j]);
		if (allowed || !p)
			continue;
		if (nseen < ARRAY_SIZE(seen))
			seen[nseen++] = p;
		check_error(ck, call, "%s can not be used with \"%s\" probes",
			    name, p);
		check_hint(ck, "%s() calls a helper of BPF tracing programs: use it in rawtracepoint, fentry, fexit or iter probes",
			   name);
	}
}

struct type *check_call(struct check *ck, struct val **ref, bool is_stmt,
			struct val *assign_map)
{
	struct val *call = *ref;
	const char *name = val_get_str(call, "name");
	struct val *args = val_get(call, "args");
	const struct call_def *def = NULL;
	const char *names[N_CALLS + 1];
	bool known = false;
	struct type *t;
	size_t i;

	if (!name) {
		check_error(ck, call, "malformed call");
		return NULL;
	}
	if (val_get_bool(call, "macro_error", false))
		return NULL;   /* already reported by macros.c */
	if (!args || args->kind != VAL_ARR) {
		args = val_arr(ck->a);
		val_set(ck->a, call, "args", args);
	}
	for (i = 0; i < N_CALLS; i++) {
		names[i] = call_table[i].name;
		if (!strcmp(name, call_table[i].name))
			def = &call_table[i];
	}
	/* $N arguments are literals before any argument is looked at */
	if (strcmp(name, "str"))
		for (i = 0; i < args->n; i++)
			if (ast_kind(args->items[i]) == AST_PARAM)
				check_expr(ck, &args->items[i]);
	if (!def && !args->n) {
		/* builtins may be called: comm() == comm */
		t = check_builtin(ck, call, name, &known);
		if (known) {
			call_to_ident(ck, call);
			return t;
		}
	}
	if (!def) {
		const char *close = check_suggest(name, names, N_CALLS);

		for (i = 0; i < args->n; i++)
			check_expr(ck, &args->items[i]);
		check_error(ck, call, "Unknown function: '%s'", name);
		if (close)
			check_hint(ck, "did you mean '%s'?", close);
		return NULL;
	}
	/* upstream's safe mode (pre_type_check.cpp and the stdlib macros) */
	if (!provider_unsafe && !strcmp(name, "system"))
		check_error(ck, call, "system() is an unsafe function being used in safe mode");
	if (!strcmp(name, "signal") || !strcmp(name, "signal_thread")) {
		static const char *const ok[] = { "kprobe", "kretprobe", "uprobe",
			"uretprobe", "usdt", "tracepoint", "profile", "fentry",
			"fexit", "rawtracepoint" };
		const char *pt = ck->prov ? ck->prov->name : "";
		bool allowed = false;

		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			allowed |= !strcmp(pt, ok[i]);
		if (!allowed) {
			check_error(ck, call, "%s() can not be used for this probetype %s",
				    name, pt);
			return void_type(ck);
		}
		if (!provider_unsafe) {
			check_error(ck, call, "%s() is unsafe. To use you need the --unsafe flag",
				    name);
			return void_type(ck);
		}
	}
	if (def->tracing)
		call_check_tracing(ck, call, name);
	if (ck->prov && !strcmp(ck->prov->name, "iter") &&
	    val_get_str(ck->ap, "pin") && call_needs_bt_load(name)) {
		check_error(ck, call, "%s() cannot be used in a pinned iter probe",
			    name);
		check_hint(ck, "its output would go through bpftrace's event "
			   "stream, which nobody reads once the iterator is pinned "
			   "and bpftrace has exited; printf() writes into the "
			   "pinned file");
		return void_type(ck);
	}
	if (!strcmp(name, "override") && ck->prov &&
	    !strcmp(ck->prov->name, "kprobe") && !provider_unsafe) {
		check_error(ck, call, "override() is unsafe. To use you need the --unsafe flag");
		return void_type(ck);
	}
	if ((int)args->n < def->min || (def->max >= 0 && (int)args->n > def->max)) {
		if (def->min == def->max)
			check_error(ck, call, "%s() requires %d argument%s (%zu provided)",
				    name, def->min, def->min == 1 ? "" : "s", args->n);
		else if (def->max < 0)
			check_error(ck, call, "%s() requires at least %d argument%s (%zu provided)",
				    name, def->min, def->min == 1 ? "" : "s", args->n);
		else
			check_error(ck, call, "%s() takes %d to %d arguments (%zu provided)",
				    name, def->min, def->max, args->n);
		return NULL;
	}
	return def->fn(ck, call, args, def->aggregation ? assign_map : NULL);
}
