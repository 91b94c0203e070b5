/*
 * macros.c - expansion of the script's `macro NAME(params) { ... }`
 * definitions before type checking (FEATURES X-01..X-04).
 *
 * A call NAME(args) (or a bare NAME for a macro without parameters)
 * becomes a copy of the macro's body: a `$v` parameter is renamed to the
 * caller's variable (or to a fresh variable holding the argument), an
 * `@m` parameter to the caller's map, a bare `x` parameter is replaced by
 * the argument expression at every use, and the macro's own variables are
 * renamed so that they never clash with the caller's.  A body with a final
 * expression is a block_expr; one without replaces an expression statement
 * with a block.  Recursion is an error.
 */
#include <string.h>

#include "check.h"

#define MACRO_MAX_DEPTH 64

struct macro_ctx {
	struct check *ck;
	struct val *macros;
	const char *stack[MACRO_MAX_DEPTH];
	int depth;
	int uniq;
};

static struct val *macro_find(struct macro_ctx *m, const char *name, size_t nargs)
{
	size_t i;

	for (i = 0; m->macros && m->macros->kind == VAL_ARR && i < m->macros->n; i++) {
		struct val *d = m->macros->items[i];
		const char *dn = val_get_str(d, "name");
		struct val *params = val_get(d, "params");
		size_t np = params && params->kind == VAL_ARR ? params->n : 0;

		if (dn && !strcmp(dn, name) && np == nargs)
			return d;
	}
	return NULL;
}

/* rename vars/maps and substitute bare parameters inside a copied body */
struct macro_subst {
	const char **from, **to;      /* $v / @m renames */
	int nren;
	const char **ident;           /* bare parameters */
	struct val **arg;
	int nident;
	const char *prefix;           /* for the macro's own $vars */
	struct arena *a;
};

static void macro_rewrite(struct macro_subst *s, struct val **ref)
{
	struct val *n = *ref;
	const char *k, *name;
	size_t i;
	int j;

	if (!n)
		return;
	if (n->kind == VAL_ARR) {
		for (i = 0; i < n->n; i++)
			macro_rewrite(s, &n->items[i]);
		return;
	}
	if (n->kind != VAL_MAP)
		return;
	k = val_get_str(n, "k");
	name = val_get_str(n, "name");
	if (k && !strcmp(k, "typespec") && val_get_str(n, "base")) {
		/* a bare parameter used as a type: `sizeof(t*)`, `(t)x` */
		for (j = 0; j < s->nident; j++) {
			struct val *t = s->arg[j], *suf, *mine;

			if (strcmp(s->ident[j], val_get_str(n, "base")) ||
			    ast_kind(t) != AST_TYPESPEC)
				continue;
			/* typeof(T) passes T itself */
			while (!strcmp(val_get_str(t, "base") ? val_get_str(t, "base") : "", "typeof") &&
			       ast_kind(val_get(t, "type")) == AST_TYPESPEC)
				t = val_get(t, "type");
			t = val_copy(s->a, t);
			mine = val_get(n, "suffix");
			if (mine && mine->kind == VAL_ARR && mine->n) {
				struct val *old = val_get(t, "suffix");

				suf = val_arr(s->a);
				for (i = 0; old && old->kind == VAL_ARR && i < old->n; i++)
					val_push(s->a, suf, old->items[i]);
				for (i = 0; i < mine->n; i++)
					val_push(s->a, suf, mine->items[i]);
				val_set(s->a, t, "suffix", suf);
			}
			val_set(s->a, t, "loc", val_get(n, "loc"));
			*ref = t;
			return;
		}
	}
	if (k && name && !strcmp(k, "ident")) {
		for (j = 0; j < s->nident; j++)
			if (!strcmp(s->ident[j], name)) {
				*ref = val_copy(s->a, s->arg[j]);
				return;
			}
	}
	if (k && name && (!strcmp(k, "var") || !strcmp(k, "map") ||
			  !strcmp(k, "let") || !strcmp(k, "for"))) {
		bool done = false;

		for (j = 0; j < s->nren; j++)
			if (!strcmp(s->from[j], name)) {
				val_set_str(s->a, n, "name", s->to[j]);
				done = true;
				break;
			}
		if (!done && name[0] == '$')
			val_set_str(s->a, n, "name",
				    arena_printf(s->a, "$%s%s", s->prefix, name + 1));
	}
	for (i = 0; i < n->n; i++)
		macro_rewrite(s, &n->kv[i].v);
	/* sizeof(t)/offsetof(t, f) with a type argument: the operand is a type */
	if (k && (!strcmp(k, "sizeof") || !strcmp(k, "offsetof") ||
		  !strcmp(k, "typespec")))
		for (i = 0; i < n->n; i++)
			if (!strcmp(n->kv[i].key, "e") &&
			    ast_kind(n->kv[i].v) == AST_TYPESPEC)
				n->kv[i].key = "type";
}

static void macro_expand_tree(struct macro_ctx *m, struct val **ref,
			      bool stmt_pos);

/*
 * Calls in a copied macro body raise their errors and warnings (errorf,
 * warnf, ...) at run time at their place in the macro; "expanded_from"
 * lists where that body was expanded: the call of the macro first, then
 * where the macro holding that call was expanded, and so on.
 */
static void macro_mark_calls(struct arena *a, struct val *n,
			     const struct val *chain)
{
	size_t i;

	if (!n)
		return;
	if (n->kind == VAL_ARR) {
		for (i = 0; i < n->n; i++)
			macro_mark_calls(a, n->items[i], chain);
		return;
	}
	if (n->kind != VAL_MAP)
		return;
	if (ast_kind(n) == AST_CALL)
		val_set(a, n, "expanded_from", val_copy(a, chain));
	for (i = 0; i < n->n; i++)
		macro_mark_calls(a, n->kv[i].v, chain);
}

/* the expansion of one call of d with args; NULL after an error */
static struct val *macro_instantiate(struct macro_ctx *m, struct val *d,
				     struct val *call, struct val *args,
				     bool stmt_pos)
{
	struct arena *a = m->ck->a;
	struct val *params = val_get(d, "params");
	struct val *body = val_copy(a, val_get(d, "body"));
	struct val *pre = val_arr(a);
	size_t np = params && params->kind == VAL_ARR ? params->n : 0, i;
	struct macro_subst s = { .a = a };
	const char *mname = val_get_str(d, "name");

	s.from = arena_alloc(a, sizeof(*s.from) * (np + 1));
	s.to = arena_alloc(a, sizeof(*s.to) * (np + 1));
	s.ident = arena_alloc(a, sizeof(*s.ident) * (np + 1));
	s.arg = arena_alloc(a, sizeof(*s.arg) * (np + 1));
	s.prefix = arena_printf(a, "__%s_%d_", mname, ++m->uniq);
	if (val_get(call, "loc")) {
		struct val *chain = val_arr(a), *outer;

		val_push(a, chain, val_copy(a, val_get(call, "loc")));
		outer = val_get(call, "expanded_from");
		for (i = 0; outer && outer->kind == VAL_ARR && i < outer->n; i++)
			val_push(a, chain, val_copy(a, outer->items[i]));
		macro_mark_calls(a, body, chain);
	}
	for (i = 0; i < np; i++) {
		const char *p = provider_part(params, i);
		struct val *arg = val_at(args, i);

		if (!p || !arg)
			return NULL;
		if (p[0] == '@') {
			if (ast_kind(arg) != AST_MAP ||
			    (val_get(arg, "keys") && val_get(arg, "keys")->n)) {
				diag_error_at(arg, "macro '%s' expects a map for parameter %s",
					      mname, p);
				return NULL;
			}
			s.from[s.nren] = p;
			s.to[s.nren++] = val_get_str(arg, "name");
		} else if (p[0] == '$') {
			s.from[s.nren] = p;
			if (ast_kind(arg) == AST_VAR) {
				s.to[s.nren++] = val_get_str(arg, "name");
			} else {
				/* an expression: evaluated once into a fresh variable */
				struct val *let = check_node(m->ck, "let", arg);
				const char *fresh = arena_printf(a, "$%s%s", s.prefix, p + 1);

				val_set_str(a, let, "name", fresh);
				val_set(a, let, "init", arg);
				val_push(a, pre, let);
				s.to[s.nren++] = fresh;
			}
		} else {
			s.ident[s.nident] = p;
			s.arg[s.nident++] = arg;
		}
	}
	macro_rewrite(&s, &body);
	if (pre->n) {
		struct val *stmts = val_get(body, "stmts");
		struct val *all = val_arr(a);

		for (i = 0; i < pre->n; i++)
			val_push(a, all, pre->items[i]);
		for (i = 0; stmts && stmts->kind == VAL_ARR && i < stmts->n; i++)
			val_push(a, all, stmts->items[i]);
		val_set(a, body, "stmts", all);
	}
	if (ast_kind(body) == AST_BLOCK && !stmt_pos) {
		/* a value-less macro used as an expression */
		val_set_str(a, body, "k", "block_expr");
	}
	val_set(a, body, "loc", val_get(call, "loc"));
	/* a macro that is only a literal is that literal, where the
	 * language wants one (printf's format, kaddr's name...) */
	if (ast_kind(body) == AST_BLOCK_EXPR && val_get(body, "e") &&
	    (!val_get(body, "stmts") || !val_get(body, "stmts")->n)) {
		struct val *e = val_get(body, "e");
		enum ast_kind k = ast_kind(e);

		if (k == AST_STR || k == AST_INT || k == AST_BOOL) {
			e = val_copy(a, e);
			val_set(a, e, "loc", val_get(call, "loc"));
			return e;
		}
	}
	return body;
}

static void macro_expand_tree(struct macro_ctx *m, struct val **ref,
			      bool stmt_pos)
{
	struct val *n = *ref, *d, *args, *exp;
	const char *k, *name;
	size_t i;
	int j;

	if (!n)
		return;
	if (n->kind == VAL_ARR) {
		for (i = 0; i < n->n; i++)
			macro_expand_tree(m, &n->items[i], false);
		return;
	}
	if (n->kind != VAL_MAP)
		return;
	k = val_get_str(n, "k");
	if (k && !strcmp(k, "expr") && val_get(n, "e") &&
	    ast_kind(val_get(n, "e")) == AST_CALL &&
	    !strcmp(val_get_str(val_get(n, "e"), "name") ?
		    val_get_str(val_get(n, "e"), "name") : "", "assert") &&
	    val_get(val_get(n, "e"), "args") &&
	    val_get(val_get(n, "e"), "args")->n == 2 &&
	    !macro_find(m, "assert", 2)) {
		/*
		 * upstream's stdlib macro: assert(cond, msg) is
		 * if (!cond) { errorf("assert failed: %s", msg); exit(1); }
		 */
		struct arena *a = m->ck->a;
		struct val *call = val_get(n, "e"), *args = val_get(call, "args");
		struct val *ifn = check_node(m->ck, "if", call);
		struct val *not = check_node(m->ck, "unop", call);
		struct val *then = check_node(m->ck, "block", call);
		struct val *stmts = val_arr(a), *st, *c, *cargs, *lit;

		val_set_str(a, not, "op", "!");
		val_set(a, not, "e", args->items[0]);
		val_set_bool(a, not, "post", false);
		c = check_node(m->ck, "call", call);
		val_set_str(a, c, "name", "errorf");
		cargs = val_arr(a);
		lit = check_node(m->ck, "str", call);
		val_set_str(a, lit, "v", "assert failed: %s");
		val_push(a, cargs, lit);
		val_push(a, cargs, args->items[1]);
		val_set(a, c, "args", cargs);
		st = check_node(m->ck, "expr", call);
		val_set(a, st, "e", c);
		val_push(a, stmts, st);
		c = check_node(m->ck, "call", call);
		val_set_str(a, c, "name", "exit");
		cargs = val_arr(a);
		lit = check_node(m->ck, "int", call);
		val_set_int(a, lit, "v", 1);
		val_push(a, cargs, lit);
		val_set(a, c, "args", cargs);
		st = check_node(m->ck, "expr", call);
		val_set(a, st, "e", c);
		val_push(a, stmts, st);
		val_set(a, then, "stmts", stmts);
		val_set(a, ifn, "cond", not);
		val_set(a, ifn, "then", then);
		*ref = ifn;
		macro_expand_tree(m, ref, true);
		return;
	}
	if (k && !strcmp(k, "expr") && val_get(n, "e")) {
		struct val **e = check_ref(n, "e");

		macro_expand_tree(m, e, true);
		if (ast_kind(*e) == AST_BLOCK)
			*ref = *e;   /* a statement macro: its block is the statement */
		return;
	}
	name = val_get_str(n, "name");
	args = val_get(n, "args");
	d = NULL;
	if (k && name && !strcmp(k, "call"))
		d = macro_find(m, name, args && args->kind == VAL_ARR ? args->n : 0);
	else if (k && name && !strcmp(k, "ident"))
		d = macro_find(m, name, 0);
	if (!d) {
		for (i = 0; i < n->n; i++)
			macro_expand_tree(m, &n->kv[i].v, false);
		return;
	}
	/* the arguments first, in the caller's context */
	for (i = 0; args && args->kind == VAL_ARR && i < args->n; i++)
		macro_expand_tree(m, &args->items[i], false);
	for (j = 0; j < m->depth; j++)
		if (!strcmp(m->stack[j], name)) {
			diag_error_at(n, "Recursive macro call detected. Call chain: %s",
				      name);
			val_set_bool(m->ck->a, n, "macro_error", true);
			return;
		}
	if (m->depth == MACRO_MAX_DEPTH) {
		diag_error_at(n, "macro expansion too deep");
		return;
	}
	exp = macro_instantiate(m, d, n, args, stmt_pos);
	if (!exp)
		return;
	m->stack[m->depth++] = name;
	if (ast_kind(exp) == AST_BLOCK) {
		struct val *stmts = val_get(exp, "stmts");

		for (i = 0; stmts && stmts->kind == VAL_ARR && i < stmts->n; i++)
			macro_expand_tree(m, &stmts->items[i], true);
	} else {
		for (i = 0; i < exp->n; i++)
			macro_expand_tree(m, &exp->kv[i].v, false);
	}
	m->depth--;
	*ref = exp;
}

int check_macros(struct check *ck, struct val *prog)
{
	struct macro_ctx m = { ck, val_get(prog, "macros") };
	struct val *probes = val_get(prog, "probes");
	unsigned before = diag_errors();
	size_t i;

	/* no user macros: still walked for the built-in ones (assert) */
	if (m.macros && m.macros->kind != VAL_ARR)
		m.macros = NULL;
	for (i = 0; probes && probes->kind == VAL_ARR && i < probes->n; i++) {
		struct val *p = probes->items[i];

		if (check_ref(p, "pred"))
			macro_expand_tree(&m, check_ref(p, "pred"), false);
		if (check_ref(p, "body"))
			macro_expand_tree(&m, check_ref(p, "body"), false);
	}
	return diag_errors() > before ? -EINVAL : 0;
}
