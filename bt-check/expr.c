/*
 * expr.c - typing of expressions.  check_expr() takes a reference to the
 * node so that it can replace it (positional parameters become literals,
 * sizeof a literal) or wrap it in an implicit cast (final pass only).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

struct type *check_set_type(struct check *ck, struct val *node, struct type *t)
{
	if (ck->final && t && node && node->kind == VAL_MAP)
		val_set(ck->a, node, "t", type_to_val(ck->a, t));
	return t;
}

void check_cast_to(struct check *ck, struct val **ref, struct type *from,
		   struct type *to)
{
	struct val *c;

	if (!ck->final || !ref || !*ref || !from || !to || type_equal(from, to))
		return;
	if (!(from->kind == TY_INT && to->kind == TY_INT) &&
	    !(from->kind == TY_STRING && to->kind == TY_STRING) &&
	    !(from->kind == TY_TUPLE && to->kind == TY_TUPLE) &&
	    !(from->kind == TY_BOOL && to->kind == TY_INT))
		return;
	c = check_node(ck, "cast", *ref);
	val_set_bool(ck->a, c, "implicit", true);
	val_set(ck->a, c, "t", type_to_val(ck->a, to));
	val_set(ck->a, c, "e", *ref);
	*ref = c;
}

bool check_int_literal(const struct val *node, int64_t *v, bool *is_uint)
{
	const char *k = val_kind_of(node);
	struct val *x;

	if (!strcmp(k, "int")) {
		x = val_get(node, "v");
		if (!x || !val_is_int(x))
			return false;
		*is_uint = x->kind == VAL_UINT && x->u > INT64_MAX;
		*v = x->kind == VAL_UINT ? (int64_t)x->u : x->i;
		return true;
	}
	if (!strcmp(k, "unop") && val_get_str(node, "op") &&
	    !strcmp(val_get_str(node, "op"), "-") &&
	    !val_get_bool(node, "post", false) &&
	    check_int_literal(val_get(node, "e"), v, is_uint)) {
		*v = -*v;
		*is_uint = false;
		return true;
	}
	return false;
}

/* $N and $# become literals (WIRE.md) */
static struct type *check_param(struct check *ck, struct val **ref)
{
	struct val *params = val_get(ck->hdr, "params");
	int64_t n = val_get_int(*ref, "n", 0);
	size_t np = params && params->kind == VAL_ARR ? params->n : 0;
	struct val *lit;
	const char *s;
	char *end;

	if (n == -1) {
		lit = check_node(ck, "int", *ref);
		val_set_int(ck->a, lit, "v", (int64_t)np);
	} else if (n < 1 || (size_t)n > np || !(s = provider_part(params, n - 1))) {
		lit = check_node(ck, "int", *ref);
		val_set_int(ck->a, lit, "v", 0);
	} else {
		long long v;
		unsigned long long uv;

		errno = 0;
		v = strtoll(s, &end, 0);
		if (*s && !*end && !errno && !isspace((unsigned char)*s)) {
			lit = check_node(ck, "int", *ref);
			val_set_int(ck->a, lit, "v", v);
		} else if (*s && *s != '-' && !isspace((unsigned char)*s) &&
			   (errno = 0, uv = strtoull(s, &end, 0), !*end && !errno)) {
			/* 0xffffffffffffffff: above INT64_MAX, a uint64 */
			lit = check_node(ck, "int", *ref);
			val_set(ck->a, lit, "v", val_uint(ck->a, uv));
		} else {
			lit = check_node(ck, "str", *ref);
			val_set_str(ck->a, lit, "v", s);
		}
	}
	*ref = lit;
	return check_expr(ck, ref);
}

static bool check_truthy(const struct type *t)
{
	return t && (check_is_intlike(t) || t->kind == TY_PTR);
}

static struct type *check_binop(struct check *ck, struct val *node)
{
	struct val **l = check_ref(node, "l"), **r = check_ref(node, "r");
	const char *op = val_get_str(node, "op");
	struct type *lt, *rt, *u;
	bool cmp, logic;

	if (!l || !*l || !r || !*r || !op) {
		check_error(ck, node, "malformed binary operation");
		return NULL;
	}
	lt = check_expr(ck, l);
	rt = check_expr(ck, r);
	logic = !strcmp(op, "&&") || !strcmp(op, "||");
	cmp = !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") ||
	      !strcmp(op, "<=") || !strcmp(op, ">") || !strcmp(op, ">=");
	if (logic) {
		if (lt && !check_truthy(lt))
			check_error(ck, *l, "Invalid operand for '%s': %s", op,
				    check_type_str(ck, lt));
		if (rt && !check_truthy(rt))
			check_error(ck, *r, "Invalid operand for '%s': %s", op,
				    check_type_str(ck, rt));
		return type_new(ck->a, TY_BOOL);
	}
	if (!lt || !rt)
		return cmp ? type_new(ck->a, TY_BOOL) : NULL;
	if (cmp && lt->kind == TY_STRING && rt->kind == TY_STRING) {
		if (strcmp(op, "==") && strcmp(op, "!="))
			check_error(ck, node, "Type mismatch for '%s': comparing %s with %s",
				    op, check_type_str(ck, lt), check_type_str(ck, rt));
		return type_new(ck->a, TY_BOOL);
	}
	if (cmp && (!strcmp(op, "==") || !strcmp(op, "!=")) &&
	    ((lt->kind == TY_BUFFER && rt->kind == TY_BUFFER) ||
	     (lt->kind == TY_ARRAY && type_equal(lt, rt))))
		return type_new(ck->a, TY_BOOL);
	if (cmp && (!strcmp(op, "==") || !strcmp(op, "!=")) &&
	    (lt->kind == TY_TUPLE || lt->kind == TY_RECORD) &&
	    check_unify(ck, lt, NULL, rt, NULL, NULL))
		return type_new(ck->a, TY_BOOL);
	if (lt->kind == TY_PTR || rt->kind == TY_PTR) {
		struct type *other = lt->kind == TY_PTR ? rt : lt;

		if (cmp && (check_is_intlike(other) || other->kind == TY_PTR))
			return type_new(ck->a, TY_BOOL);
		if ((!strcmp(op, "+") || !strcmp(op, "-")) &&
		    check_is_intlike(other) &&
		    (lt->kind == TY_PTR || !strcmp(op, "+")))
			return lt->kind == TY_PTR ? lt : rt;
		if (!strcmp(op, "-") && lt->kind == TY_PTR && rt->kind == TY_PTR)
			return type_int(ck->a, 8, true);
	}
	if (!check_is_intlike(lt) || !check_is_intlike(rt)) {
		check_error(ck, node, "Type mismatch for '%s': comparing %s with %s",
			    op, check_type_str(ck, lt), check_type_str(ck, rt));
		return cmp ? type_new(ck->a, TY_BOOL) : NULL;
	}
	if (!cmp && lt->kind == TY_BOOL && rt->kind == TY_BOOL)
		return lt;
	u = check_unify(ck, check_int_of(ck->a, lt), *l, check_int_of(ck->a, rt),
			*r, NULL);
	if (!u) {
		check_error(ck, node, "Type mismatch for '%s': comparing %s with %s",
			    op, check_type_str(ck, lt), check_type_str(ck, rt));
		return cmp ? type_new(ck->a, TY_BOOL) : NULL;
	}
	if (cmp) {
		check_cast_to(ck, l, lt, u);
		check_cast_to(ck, r, rt, u);
		return type_new(ck->a, TY_BOOL);
	}
	/*
	 * Arithmetic is done in 64 bits, as upstream: the result is int64
	 * when either side is signed or the operator is '-', else uint64
	 * (so `$v = 123; $v *= 2` is 246, not an int8 overflow).
	 */
	u = type_int(ck->a, 8, u->is_signed);
	check_cast_to(ck, l, lt, u);
	check_cast_to(ck, r, rt, u);
	if (!strcmp(op, "-") && !u->is_signed)
		return type_int(ck->a, 8, true);
	return u;
}

struct type *check_lvalue(struct check *ck, struct val **ref)
{
	struct val *n = *ref;
	enum ast_kind k = ast_kind(n);

	if (k == AST_VAR) {
		const char *name = val_get_str(n, "name");
		int slot = check_var_lookup(ck, name ? name : "");

		if (slot < 0) {
			check_error(ck, n, "Undefined or undeclared variable: %s", name);
			return NULL;
		}
		val_set_int(ck->a, n, "slot", slot);
		return check_set_type(ck, n, ck->vars[slot].type);
	}
	if (k == AST_MAP) {
		struct check_map *m = check_map_get(ck, val_get_str(n, "name"));

		check_map_key(ck, n);
		m->assigned = true;
		if (!m->val) {
			/* `@x++` on a fresh map: an int64 counter */
			m->val = type_int(ck->a, 8, true);
			ck->changed++;
		}
		return check_set_type(ck, n, m->val);
	}
	check_error(ck, n, "The ++ and -- operators can only be used on scratch variables and maps");
	return NULL;
}

/*
 * Memory reached through a user pointer is user memory: the pointers
 * read from it (`*$pp`, `$p.next`, `$p.z[1]`) are user pointers too
 */
static struct type *expr_user(struct check *ck, struct type *t)
{
	struct type *c;

	if (!t || (t->kind != TY_PTR && t->kind != TY_ARRAY) ||
	    (t->kind == TY_PTR && t->user))
		return t;
	if (t->kind == TY_ARRAY && (!t->elem || (t->elem->kind != TY_PTR &&
						 t->elem->kind != TY_ARRAY)))
		return t;
	c = arena_alloc(ck->a, sizeof(*c));
	*c = *t;
	if (c->kind == TY_PTR)
		c->user = true;
	else
		c->elem = expr_user(ck, t->elem);
	return c;
}

static struct type *check_unop(struct check *ck, struct val *node)
{
	struct val **e = check_ref(node, "e");
	const char *op = val_get_str(node, "op");
	struct type *t;
	int64_t v;
	bool u;

	if (!e || !*e || !op) {
		check_error(ck, node, "malformed unary operation");
		return NULL;
	}
	if (!strcmp(op, "++") || !strcmp(op, "--")) {
		t = check_lvalue(ck, e);
		if (t && !check_is_intlike(t) && t->kind != TY_PTR) {
			check_error(ck, node, "The %s operator must be applied to an integer, not %s",
				    op, check_type_str(ck, t));
			return NULL;
		}
		/* `$i++` is `$i += 1`: 64-bit arithmetic widens the variable
		 * (else `$i = 0; while ($i < 1000) { $i++; }` never ends:
		 * the literal made $i an int8) */
		if (t && t->kind == TY_INT && t->size < 8 &&
		    ast_kind(*e) == AST_VAR) {
			int slot = (int)val_get_int(*e, "slot", -1);

			if (slot >= 0 && !ck->vars[slot].declared_type) {
				check_var_assign(ck, node, slot,
						 type_int(ck->a, 8, t->is_signed ||
							  !strcmp(op, "--")),
						 NULL);
				t = check_set_type(ck, *e, ck->vars[slot].type);
			}
		}
		return t;
	}
	if (!strcmp(op, "&")) {
		enum ast_kind k = ast_kind(*e);

		if (k != AST_VAR && k != AST_MAP) {
			check_error(ck, node, "address-of operator (&) can only be used on a map or variable");
			return NULL;
		}
		t = check_expr(ck, e);
		return t ? type_ptr(ck->a, t, false) : NULL;
	}
	t = check_expr(ck, e);
	if (!t)
		return !strcmp(op, "!") ? type_new(ck->a, TY_BOOL) : NULL;
	if (!strcmp(op, "!")) {
		if (!check_truthy(t))
			check_error(ck, node, "Invalid type for '!': %s",
				    check_type_str(ck, t));
		return type_new(ck->a, TY_BOOL);
	}
	if (!strcmp(op, "*")) {
		if (t->kind != TY_PTR) {
			check_error(ck, node, "Can not dereference type '%s'",
				    check_type_str(ck, t));
			return NULL;
		}
		if (!t->elem || t->elem->kind == TY_VOID) {
			check_error(ck, node, "Can not dereference a void pointer");
			return NULL;
		}
		{
			struct type *el = t->elem;

			/* `*p` copies the whole struct: it needs its size */
			if (el->kind == TY_STRUCT && !el->nfields &&
			    check_struct_full(ck, el))
				el = check_struct_full(ck, el);
			return t->user ? expr_user(ck, el) : el;
		}
	}
	if (!check_is_intlike(t)) {
		check_error(ck, node, "Invalid type for '%s': %s", op,
			    check_type_str(ck, t));
		return NULL;
	}
	t = check_int_of(ck->a, t);
	if (!strcmp(op, "-")) {
		if (check_int_literal(node, &v, &u))
			return check_literal_type(ck->a, v, false);
		return t->is_signed ? t : type_int(ck->a, (int)t->size, true);
	}
	return t;   /* ~ */
}

static struct type *check_ternary(struct check *ck, struct val *node)
{
	struct val **c = check_ref(node, "c"), **a = check_ref(node, "a");
	struct val **b = check_ref(node, "b");
	struct type *ct, *at, *bt, *u;

	if (!c || !*c || !b || !*b) {
		check_error(ck, node, "malformed ternary");
		return NULL;
	}
	ct = check_expr(ck, c);
	if (ct && !check_truthy(ct))
		check_error(ck, *c, "Invalid condition in ternary: %s",
			    check_type_str(ck, ct));
	at = a && *a ? check_expr(ck, a) : ct;
	bt = check_expr(ck, b);
	if (!at || !bt)
		return at ? at : bt;
	if (at->kind == TY_VOID && bt->kind == TY_VOID)
		return at;
	u = check_unify(ck, check_is_intlike(at) ? check_int_of(ck->a, at) : at,
			a && *a ? *a : NULL,
			check_is_intlike(bt) ? check_int_of(ck->a, bt) : bt, *b,
			NULL);
	if (at->kind == TY_BOOL && bt->kind == TY_BOOL)
		u = at;
	/* buffers: the larger one holds either */
	if (at->kind == TY_BUFFER && bt->kind == TY_BUFFER)
		u = type_size(at) >= type_size(bt) ? at : bt;
	if (!u) {
		check_error(ck, node, "Ternary operator must return the same type: have '%s' and '%s'",
			    check_type_str(ck, at), check_type_str(ck, bt));
		return NULL;
	}
	if (a && *a)
		check_cast_to(ck, a, at, u);
	check_cast_to(ck, b, bt, u);
	return u;
}

/* a member by name, looking into anonymous structs and unions too */
static const struct type_field *check_find_field(struct check *ck,
						 struct type *t,
						 const char *name, int64_t *off)
{
	int i;

	for (i = 0; i < t->nfields; i++) {
		struct type_field *f = &t->fields[i];

		if (f->name && !strcmp(f->name, name)) {
			*off += f->offset;
			return f;
		}
	}
	for (i = 0; i < t->nfields; i++) {
		struct type_field *f = &t->fields[i];
		int64_t sub = *off + f->offset;
		const struct type_field *r;

		if ((f->name && *f->name) || !f->type ||
		    f->type->kind != TY_STRUCT)
			continue;
		r = check_find_field(ck, f->type, name, &sub);
		if (r) {
			*off = sub;
			return r;
		}
	}
	return NULL;
}

static struct type *check_field(struct check *ck, struct val *node)
{
	struct val **e = check_ref(node, "e");
	const char *name = val_get_str(node, "name");
	struct type *t;
	bool user;
	int i;

	if (!e || !*e || !name) {
		check_error(ck, node, "malformed field access");
		return NULL;
	}
	if ((ast_kind(*e) == AST_CALL || ast_kind(*e) == AST_IDENT) &&
	    (!strcmp(val_get_str(*e, "name") ? val_get_str(*e, "name") : "", "config") ||
	     !strcmp(val_get_str(*e, "name") ? val_get_str(*e, "name") : "", "__builtin_config")) &&
	    !(val_get(*e, "args") && val_get(*e, "args")->n)) {
		/* config().KEY: the resolved value, as a literal (E-24) */
		const struct val *cv = val_get(ck->config, name);
		struct val *lit;

		if (!cv) {
			check_error(ck, node, "config() has no field named '%s'", name);
			return NULL;
		}
		if (cv->kind == VAL_STR) {
			lit = check_node(ck, "str", node);
			val_set_str(ck->a, lit, "v", cv->s);
		} else if (cv->kind == VAL_BOOL) {
			lit = check_node(ck, "bool", node);
			val_set_bool(ck->a, lit, "v", cv->b);
		} else {
			lit = check_node(ck, "int", node);
			val_set(ck->a, lit, "v", (struct val *)cv);
		}
		*node = *lit;
		return check_expr(ck, &(struct val *){ node });
	}
	t = check_expr(ck, e);
	if (!t)
		return NULL;
	user = t->kind == TY_PTR && t->user;
	if (t->kind == TY_PTR && t->elem &&
	    (t->elem->kind == TY_STRUCT || t->elem->kind == TY_RECORD))
		t = t->elem;
	if (t->kind == TY_TUPLE) {
		char *end;
		long idx = strtol(name, &end, 10);

		if (*end || end == name) {
			check_error(ck, node, "Can not access field '%s' on expression of type '%s'",
				    name, check_type_str(ck, t));
			return NULL;
		}
		if (idx < 0 || idx >= t->nfields) {
			check_error(ck, node, "Invalid tuple index: %ld. Found %d elements in tuple.",
				    idx, t->nfields);
			return NULL;
		}
		val_set_int(ck->a, node, "offset", t->fields[idx].offset);
		return t->fields[idx].type;
	}
	if (t->kind == TY_STRUCT || t->kind == TY_RECORD) {
		const struct type_field *f;
		const char **names;
		struct type *ft;
		int64_t off = 0;

		if (t->kind == TY_STRUCT && !t->nfields && check_struct_full(ck, t))
			t = check_struct_full(ck, t);
		if (t->kind == TY_STRUCT && !t->nfields) {
			check_error(ck, node, "Unknown struct/union: '%s'",
				    t->name ? t->name : "?");
			if (!check_btf_available())
				check_hint(ck, "kernel BTF (/sys/kernel/btf/vmlinux) is needed for struct types");
			return NULL;
		}
		f = check_find_field(ck, t, name, &off);
		if (f) {
			ft = f->type;
			val_set_int(ck->a, node, "offset", off);
			if (f->bitfield_bits) {
				val_set_int(ck->a, node, "bits", f->bitfield_bits);
				val_set_int(ck->a, node, "bitoff", f->bitfield_offset);
			}
			if (ft->kind == TY_STRING && ft->mode &&
			    !strcmp(ft->mode, "data_loc")) {
				ft = type_string(ck->a, ck->cfg.max_strlen);
				val_set_bool(ck->a, node, "data_loc", true);
			} else if (ft->kind == TY_STRING && t->kind == TY_STRUCT &&
				   !f->bitfield_bits && ft->size > 0) {
				/* a char[N] member is read as a string of N
				 * characters and a NUL: all N print, with no
				 * truncation trailer (bt-gen reads "msize") */
				val_set_int(ck->a, node, "msize", ft->size);
				ft = type_string(ck->a, ft->size + 1);
			}
			return user ? expr_user(ck, ft) : ft;
		}
		names = arena_alloc(ck->a, sizeof(*names) * (t->nfields + 1));
		for (i = 0; i < t->nfields; i++)
			names[i] = t->fields[i].name;
		if (t->kind == TY_RECORD)
			check_error(ck, node, "Record does not contain a field named '%s'",
				    name);
		else
			check_error(ck, node, "Struct/union of type '%s' does not contain a field named '%s'",
				    t->name ? t->name : "?", name);
		if (check_suggest(name, names, t->nfields))
			check_hint(ck, "did you mean '%s'?",
				   check_suggest(name, names, t->nfields));
		return NULL;
	}
	check_error(ck, node, "Can not access field '%s' on expression of type '%s'",
		    name, check_type_str(ck, t));
	return NULL;
}

static struct type *check_index(struct check *ck, struct val *node)
{
	struct val **e = check_ref(node, "e"), **i = check_ref(node, "i");
	struct type *t, *it;
	int64_t v;
	bool u;

	if (!e || !*e || !i || !*i) {
		check_error(ck, node, "malformed index");
		return NULL;
	}
	t = check_expr(ck, e);
	it = check_expr(ck, i);
	if (!t || !it)
		return NULL;
	if (t->kind == TY_TUPLE) {
		if (!check_const_eval(*i, &v) || v < 0 || v >= t->nfields) {
			check_error(ck, *i, "Tuple index must be a constant between 0 and %d",
				    t->nfields - 1);
			return NULL;
		}
		val_set_int(ck->a, node, "offset", t->fields[v].offset);
		val_set_int(ck->a, node, "index", v);
		return t->fields[v].type;
	}
	if (!check_is_intlike(it)) {
		check_error(ck, *i, "The array index must be an integer, not %s",
			    check_type_str(ck, it));
		return NULL;
	}
	if (t->kind == TY_STRING)
		return type_int(ck->a, 1, true);
	if ((t->kind == TY_ARRAY || t->kind == TY_PTR) && t->elem) {
		/* count 0 is a flexible array member: no bounds to check */
		if (t->kind == TY_ARRAY && t->count && check_int_literal(*i, &v, &u) &&
		    (v < 0 || v >= t->count)) {
			check_error(ck, *i, "the index %lld is out of bounds for array of size %lld",
				    (long long)v, (long long)t->count);
			return NULL;
		}
		{
			struct type *el = t->elem;

			if (el->kind == TY_STRUCT && !el->nfields &&
			    check_struct_full(ck, el))
				el = check_struct_full(ck, el);
			return t->kind == TY_PTR && t->user ? expr_user(ck, el) : el;
		}
	}
	check_error(ck, node, "The array index operator [] can only be used on arrays and pointers, found %s",
		    check_type_str(ck, t));
	return NULL;
}

static struct type *check_tuple(struct check *ck, struct val *node)
{
	struct val *elems = val_get(node, "elems");
	struct type **el;
	size_t i, n = elems && elems->kind == VAL_ARR ? elems->n : 0;
	bool ok = true;

	el = arena_alloc(ck->a, sizeof(*el) * (n + 1));
	for (i = 0; i < n; i++) {
		el[i] = check_expr(ck, &elems->items[i]);
		if (!el[i])
			ok = false;
		else if (el[i]->kind == TY_VOID || type_is_aggregation(el[i])) {
			check_error(ck, elems->items[i], "%s cannot be part of a tuple",
				    check_type_str(ck, el[i]));
			ok = false;
		}
	}
	return ok ? type_tuple(ck->a, el, (int)n) : NULL;
}

static struct type *check_record(struct check *ck, struct val *node)
{
	struct val *fields = val_get(node, "fields");
	size_t i, j, n = fields && fields->kind == VAL_ARR ? fields->n : 0;
	struct type *t = type_new(ck->a, TY_RECORD);
	bool ok = true;

	t->fields = arena_alloc(ck->a, sizeof(*t->fields) * (n + 1));
	t->nfields = (int)n;
	for (i = 0; i < n; i++) {
		struct val *f = fields->items[i];
		struct val **e = check_ref(f, "e");
		const char *name = val_get_str(f, "name");

		t->fields[i].name = name ? name : "";
		for (j = 0; j < i; j++)
			if (!strcmp(t->fields[j].name, t->fields[i].name))
				check_error(ck, node, "Named argument list already contains name: %s",
					    t->fields[i].name);
		t->fields[i].type = e && *e ? check_expr(ck, e) : NULL;
		if (!t->fields[i].type)
			ok = false;
	}
	if (!ok)
		return NULL;
	type_layout(t);
	return t;
}

static struct type *check_cast(struct check *ck, struct val *node)
{
	struct val **e = check_ref(node, "e");
	struct type *to = check_typespec(ck, val_get(node, "type"));
	struct type *from;

	if (!e || !*e)
		return to;
	if (val_get_bool(node, "implicit", false))
		return check_expr(ck, e) ? type_from_val(ck->a, val_get(node, "t")) : NULL;
	from = check_expr(ck, e);
	if (!to || !from)
		return to;
	/* pointers made from user probe arguments point to user memory */
	if (to->kind == TY_PTR && ck->prov && ck->prov->user_args)
		to->user = true;
	/*
	 * a narrow signed int becomes an address zero-extended, as upstream
	 * does: (uint8 *)-1 is 0xff
	 */
	if (to->kind == TY_PTR && from->kind == TY_INT && from->is_signed &&
	    from->size < 8)
		check_cast_to(ck, e, from, type_int(ck->a, (int)from->size, false));
	if ((to->kind == TY_INT || to->kind == TY_BOOL || to->kind == TY_ENUM ||
	     to->kind == TY_PTR) &&
	    (check_is_intlike(from) || from->kind == TY_PTR))
		return to;
	if (to->kind == TY_ARRAY && to->elem && (to->elem->kind == TY_INT ||
						 to->elem->kind == TY_BOOL) &&
	    check_is_intlike(from)) {
		int64_t lv;
		bool lu;

		/* an integer literal takes the array's size */
		if (to->count && check_int_literal(*e, &lv, &lu) &&
		    type_size(to) != type_size(from) &&
		    (type_size(to) == 1 || type_size(to) == 2 ||
		     type_size(to) == 4 || type_size(to) == 8)) {
			struct type *w = type_int(ck->a, (int)type_size(to),
						  from->is_signed);

			check_cast_to(ck, e, from, w);
			from = w;
		}
		if (!to->count)
			to->count = type_size(from) / to->elem->size;
		if (type_size(to) != type_size(from)) {
			check_error(ck, node, "Cannot cast from \"%s\" to \"%s\"",
				    check_type_str(ck, from), check_type_str(ck, to));
			return NULL;
		}
		return to;
	}
	if (to->kind == TY_INT && from->kind == TY_ARRAY &&
	    type_size(from) == to->size)
		return to;
	/* a string's bytes, NUL included, as an array of bytes */
	if (to->kind == TY_ARRAY && to->elem && to->elem->kind == TY_INT &&
	    to->elem->size == 1 && from->kind == TY_STRING) {
		if (!to->count)
			to->count = type_size(from);
		if (type_size(to) == type_size(from))
			return to;
	}
	check_error(ck, node, "Cannot cast from \"%s\" to \"%s\"",
		    check_type_str(ck, from), check_type_str(ck, to));
	return NULL;
}

static struct type *check_sizeof(struct check *ck, struct val **ref)
{
	struct val *node = *ref, **e = check_ref(node, "e");
	struct type *t = NULL;
	struct val *lit;
	bool known = false;

	if (val_get(node, "type")) {
		t = check_typespec(ck, val_get(node, "type"));
	} else if (e && *e && ast_kind(*e) == AST_IDENT &&
		   !check_builtin(ck, *e, val_get_str(*e, "name") ?
				  val_get_str(*e, "name") : "", &known) && !known &&
		   !check_cdef_const(val_get_str(*e, "name"), &(int64_t){ 0 },
				     &(struct type *){ NULL }) &&
		   !check_btf_enum_const(ck, val_get_str(*e, "name"), &(int64_t){ 0 },
					 &(struct type *){ NULL })) {
		/* sizeof(uint64_t): a bare name that is not a value is a type */
		struct val *spec = check_node(ck, "typespec", *e);

		val_set_str(ck->a, spec, "base", val_get_str(*e, "name"));
		t = check_typespec(ck, spec);
	} else if (e && *e) {
		t = check_expr(ck, e);
	}
	if (!t)
		return NULL;
	if (t->kind == TY_STRUCT && !t->size) {
		check_error(ck, node, "Unknown struct/union: '%s'",
			    t->name ? t->name : "?");
		return NULL;
	}
	lit = check_node(ck, "int", node);
	val_set(ck->a, lit, "v", val_uint(ck->a, (uint64_t)type_size(t)));
	*ref = lit;
	return check_set_type(ck, lit, type_int(ck->a, 8, false));
}

/* offsetof(TYPE|expr, a.b.c) is a compile-time uint64 */
static struct type *check_offsetof(struct check *ck, struct val **ref)
{
	struct val *node = *ref, **e = check_ref(node, "e");
	struct val *fields = val_get(node, "fields"), *lit;
	struct type *t = NULL;
	int64_t total = 0;
	size_t i;

	if (val_get(node, "type"))
		t = check_typespec(ck, val_get(node, "type"));
	else if (e && *e)
		t = check_expr(ck, e);
	if (!t)
		return NULL;
	for (i = 0; fields && fields->kind == VAL_ARR && i < fields->n; i++) {
		const char *f = provider_part(fields, i);
		const struct type_field *tf;
		int64_t off = 0;

		if (t->kind == TY_STRUCT && !t->nfields && check_struct_full(ck, t))
			t = check_struct_full(ck, t);
		if ((t->kind != TY_STRUCT && t->kind != TY_RECORD) || !f) {
			check_error(ck, node, "'%s' is not a struct or union",
				    check_type_str(ck, t));
			return NULL;
		}
		tf = check_find_field(ck, t, f, &off);
		if (!tf) {
			check_error(ck, node, "'%s' has no field named '%s'",
				    t->name ? t->name : check_type_str(ck, t), f);
			return NULL;
		}
		total += off;
		t = tf->type;
	}
	lit = check_node(ck, "int", node);
	val_set(ck->a, lit, "v", val_uint(ck->a, (uint64_t)total));
	*ref = lit;
	return check_set_type(ck, lit, type_int(ck->a, 8, false));
}

/* `if c { a } else { b }` in expression position: like a ternary */
static struct type *check_if_expr(struct check *ck, struct val *node)
{
	struct val **c = check_ref(node, "cond");
	struct val **a = check_ref(node, "then"), **b = check_ref(node, "else");
	struct type *ct, *at, *bt, *u;

	if (!c || !*c || !a || !*a) {
		check_error(ck, node, "malformed if expression");
		return NULL;
	}
	ct = check_expr(ck, c);
	if (ct && !check_is_intlike(ct) && ct->kind != TY_PTR)
		check_error(ck, *c, "Invalid condition in if: %s",
			    check_type_str(ck, ct));
	at = check_expr(ck, a);
	if (!b || !*b)
		return type_new(ck->a, TY_VOID);
	bt = check_expr(ck, b);
	if (!at || !bt)
		return at ? at : bt;
	if (at->kind == TY_VOID || bt->kind == TY_VOID)
		return type_new(ck->a, TY_VOID);
	u = check_unify(ck, check_is_intlike(at) ? check_int_of(ck->a, at) : at,
			NULL, check_is_intlike(bt) ? check_int_of(ck->a, bt) : bt,
			NULL, NULL);
	if (at->kind == TY_BOOL && bt->kind == TY_BOOL)
		u = at;
	if (!u) {
		check_error(ck, node, "Branches of an if expression must have the same type: have '%s' and '%s'",
			    check_type_str(ck, at), check_type_str(ck, bt));
		return NULL;
	}
	return u;
}

static struct type *check_block_expr(struct check *ck, struct val *node)
{
	struct val *stmts = val_get(node, "stmts");
	struct val **e = check_ref(node, "e");
	struct type *t = NULL;
	size_t i;

	check_scope_push(ck);
	for (i = 0; stmts && stmts->kind == VAL_ARR && i < stmts->n; i++)
		check_stmt(ck, &stmts->items[i]);
	if (e && *e)
		t = check_expr(ck, e);
	check_scope_pop(ck);
	return t;
}

struct type *check_expr(struct check *ck, struct val **ref)
{
	struct val *n = *ref;
	struct type *t = NULL;
	int64_t v;
	bool u, known = false;
	const char *name;
	int slot;

	if (!n || n->kind != VAL_MAP) {
		check_error(ck, n, "malformed expression");
		return NULL;
	}
	switch (ast_kind(n)) {
	case AST_INT:
		if (val_get_str(n, "enum") && val_get(n, "t")) {
			/* an enumerator: keeps its enum type */
			t = type_from_val(ck->a, val_get(n, "t"));
			break;
		}
		if (!check_int_literal(n, &v, &u)) {
			check_error(ck, n, "malformed integer literal");
			return NULL;
		}
		t = check_literal_type(ck->a, v, u);
		break;
	case AST_STR: {
		struct val *s = val_get(n, "v");

		t = type_string(ck->a, (s && s->kind == VAL_STR ? (int64_t)s->n : 0) + 1);
		break;
	}
	case AST_BOOL:
		t = type_new(ck->a, TY_BOOL);
		break;
	case AST_VAR:
		name = val_get_str(n, "name");
		slot = check_var_lookup(ck, name ? name : "");
		if (slot < 0) {
			check_error(ck, n, "Undefined or undeclared variable: %s",
				    name ? name : "");
			return NULL;
		}
		val_set_int(ck->a, n, "slot", slot);
		t = ck->vars[slot].type;
		if (!t && ck->final)
			check_error(ck, n, "Variable used before it was assigned: %s",
				    name);
		break;
	case AST_MAP:
		t = check_map_read(ck, n);
		break;
	case AST_PARAM:
		return check_param(ck, ref);
	case AST_IDENT:
		if (check_builtin_rewrite(ck, ref))
			return check_expr(ck, ref);
		name = val_get_str(n, "name");
		t = check_builtin(ck, n, name ? name : "", &known);
		if (!known && (check_cdef_const(name ? name : "", &v, &t) ||
			       check_btf_enum_const(ck, name ? name : "", &v, &t))) {
			struct val *lit = check_node(ck, "int", n);

			val_set_int(ck->a, lit, "v", v);
			if (t) {
				val_set_str(ck->a, lit, "enum", t->name);
				val_set(ck->a, lit, "t", type_to_val(ck->a, t));
			}
			*ref = lit;
			return check_expr(ck, ref);
		}
		if (!known) {
			check_error(ck, n, "Unknown identifier: '%s'", name ? name : "");
			return NULL;
		}
		break;
	case AST_CALL:
		if (check_builtin_rewrite(ck, ref))
			return check_expr(ck, ref);
		t = check_call(ck, ref, false, NULL);
		n = *ref;
		break;
	case AST_BINOP:
		t = check_binop(ck, n);
		break;
	case AST_UNOP:
		t = check_unop(ck, n);
		break;
	case AST_TERNARY:
		t = check_ternary(ck, n);
		break;
	case AST_FIELD:
		t = check_field(ck, n);
		break;
	case AST_INDEX:
		t = check_index(ck, n);
		break;
	case AST_TUPLE:
		t = check_tuple(ck, n);
		break;
	case AST_RECORD:
		t = check_record(ck, n);
		break;
	case AST_CAST:
		t = check_cast(ck, n);
		break;
	case AST_SIZEOF:
		return check_sizeof(ck, ref);
	case AST_BLOCK_EXPR:
		t = check_block_expr(ck, n);
		break;
	case AST_IF:
		t = check_if_expr(ck, n);
		break;
	case AST_OFFSETOF:
		return check_offsetof(ck, ref);
	case AST_TYPESPEC:
		/* typeof(x) and type names only mean something where a type
		 * belongs; as a value they would silently be nothing */
		check_error(ck, n, "a type is not a value: %s cannot be used as an expression",
			    strcmp(val_get_str(n, "base") ?: "", "typeof") ?
			    "a type name" : "typeof()");
		check_hint(ck, "types are allowed in casts, `let` annotations, sizeof(), offsetof(), typeinfo() and macro arguments");
		return NULL;
	default:
		check_error(ck, n, "unexpected '%s' node where an expression belongs",
			    val_kind_of(n));
		return NULL;
	}
	return check_set_type(ck, n, t);
}
