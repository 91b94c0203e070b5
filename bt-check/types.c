/*
 * types.c - integer typing rules (upstream HEAD's, FEATURES L-18, L-43,
 * L-56) and typespec resolution.
 *
 * Literals take the smallest signed type that holds them (0, 1, -1 are
 * int8), uint64 above INT64_MAX, and adapt to the type they meet when they
 * fit it.  Two integer types unify to the wider one when the signs agree;
 * a signed and an unsigned type unify to a signed type twice the unsigned
 * width (int64 at most, with a warning when uint64 meets a signed type).
 */
#include <string.h>

#include "check.h"

struct type *check_literal_type(struct arena *a, int64_t v, bool is_uint)
{
	if (is_uint && (uint64_t)v > INT64_MAX)
		return type_int(a, 8, false);
	if (v >= -128 && v <= 127)
		return type_int(a, 1, true);
	if (v >= -32768 && v <= 32767)
		return type_int(a, 2, true);
	if (v >= INT32_MIN && v <= INT32_MAX)
		return type_int(a, 4, true);
	return type_int(a, 8, true);
}

bool check_literal_fits(int64_t v, bool is_uint, const struct type *t)
{
	int bits;

	if (!t || t->kind != TY_INT)
		return false;
	bits = (int)t->size * 8;
	if (is_uint && (uint64_t)v > INT64_MAX)
		return !t->is_signed && t->size == 8;
	if (t->is_signed)
		return bits == 64 ||
		       (v >= -(INT64_C(1) << (bits - 1)) &&
			v < (INT64_C(1) << (bits - 1)));
	if (v < 0)
		return false;
	return bits == 64 || v < (INT64_C(1) << bits);
}

bool check_is_intlike(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_ENUM ||
		     t->kind == TY_BOOL);
}

/* enums and bools as the integer they hold */
struct type *check_int_of(struct arena *a, struct type *t)
{
	if (!t)
		return NULL;
	if (t->kind == TY_BOOL)
		return type_int(a, 1, false);
	if (t->kind == TY_ENUM)
		return type_int(a, t->size ? (int)t->size : 8, t->is_signed);
	return t;
}

struct type *check_unify(struct check *ck, struct type *x, const struct val *nx,
			 struct type *y, const struct val *ny, bool *lossy)
{
	struct arena *a = ck->a;
	int64_t v;
	bool u;
	int i;

	if (!x)
		return y;
	if (!y)
		return x;
	if (x->kind == TY_INT && y->kind == TY_INT) {
		struct type *us, *sg;

		if (ny && check_int_literal(ny, &v, &u) && check_literal_fits(v, u, x))
			return x;
		if (nx && check_int_literal(nx, &v, &u) && check_literal_fits(v, u, y))
			return y;
		if (x->is_signed == y->is_signed)
			return x->size >= y->size ? x : y;
		us = x->is_signed ? y : x;
		sg = x->is_signed ? x : y;
		if (us->size < 8)
			return type_int(a, us->size * 2 > sg->size ?
					       (int)us->size * 2 : (int)sg->size,
					true);
		/* a uint64 literal above INT64_MAX cannot become signed */
		if ((nx && check_int_literal(nx, &v, &u) && u && (uint64_t)v > INT64_MAX) ||
		    (ny && check_int_literal(ny, &v, &u) && u && (uint64_t)v > INT64_MAX))
			return NULL;
		if (lossy)
			*lossy = true;
		return type_int(a, 8, true);
	}
	if (x->kind == TY_STRING && y->kind == TY_STRING)
		return x->size >= y->size ? x : y;
	/* an enum meeting a plain integer is an integer */
	if ((x->kind == TY_ENUM && y->kind == TY_INT) ||
	    (x->kind == TY_INT && y->kind == TY_ENUM))
		return check_unify(ck, check_int_of(a, x), nx, check_int_of(a, y),
				   ny, lossy);
	/* records with the same names in another order: x's order wins */
	if (x->kind == TY_RECORD && y->kind == TY_RECORD &&
	    x->nfields == y->nfields) {
		struct type *r = type_new(a, TY_RECORD);
		int j;

		r->fields = arena_alloc(a, sizeof(*r->fields) * (x->nfields + 1));
		r->nfields = x->nfields;
		for (i = 0; i < x->nfields; i++) {
			for (j = 0; j < y->nfields; j++)
				if (!strcmp(x->fields[i].name, y->fields[j].name))
					break;
			if (j == y->nfields)
				return NULL;
			r->fields[i].name = x->fields[i].name;
			r->fields[i].type = check_unify(ck, x->fields[i].type, NULL,
							y->fields[j].type, NULL, lossy);
			if (!r->fields[i].type)
				return NULL;
		}
		type_layout(r);
		return type_equal(r, x) ? x : r;
	}
	if (x->kind == TY_TUPLE && y->kind == TY_TUPLE &&
	    x->nfields == y->nfields) {
		struct type **el = arena_alloc(a, sizeof(*el) * (x->nfields + 1));

		for (i = 0; i < x->nfields; i++) {
			el[i] = check_unify(ck, x->fields[i].type, NULL,
					    y->fields[i].type, NULL, lossy);
			if (!el[i])
				return NULL;
		}
		return type_equal(x, y) ? x : type_tuple(a, el, x->nfields);
	}
	if (type_equal(x, y))
		return x;
	return NULL;
}

const char *check_type_str(struct check *ck, const struct type *t)
{
	if (t && (t->kind == TY_KSTACK || t->kind == TY_USTACK))
		return arena_printf(ck->a, "%s_%s_%d", type_kind_name(t->kind),
				    t->mode ? t->mode : "bpftrace",
				    (int)(t->limit ? t->limit : 127));
	return type_str(ck->a, t);
}

bool check_is_unreadable_agg(const struct type *t)
{
	return t && (t->kind == TY_HIST || t->kind == TY_LHIST ||
		     t->kind == TY_STATS || t->kind == TY_TSERIES);
}

const char *check_agg_hint(const struct type *t)
{
	switch (t ? t->kind : TY_VOID) {
	case TY_COUNT: return "count()";
	case TY_SUM: return "sum(retval)";
	case TY_MIN: return "min(retval)";
	case TY_MAX: return "max(retval)";
	case TY_AVG: return "avg(retval)";
	case TY_HIST: return "hist(retval)";
	case TY_LHIST: return "lhist(rand %10, 0, 10, 1)";
	case TY_TSERIES: return "tseries(rand %10, 10s, 1)";
	case TY_STATS: return "stats(arg2)";
	default: return NULL;
	}
}

static const struct {
	const char *name;
	int size;
	bool sgn;
} check_int_names[] = {
	{ "int8", 1, true }, { "int16", 2, true }, { "int32", 4, true },
	{ "int64", 8, true }, { "uint8", 1, false }, { "uint16", 2, false },
	{ "uint32", 4, false }, { "uint64", 8, false },
	{ "int8_t", 1, true }, { "int16_t", 2, true }, { "int32_t", 4, true },
	{ "int64_t", 8, true }, { "uint8_t", 1, false },
	{ "uint16_t", 2, false }, { "uint32_t", 4, false },
	{ "uint64_t", 8, false }, { "s8", 1, true }, { "s16", 2, true },
	{ "s32", 4, true }, { "s64", 8, true }, { "u8", 1, false },
	{ "u16", 2, false }, { "u32", 4, false }, { "u64", 8, false },
	{ "char", 1, true }, { "short", 2, true }, { "int", 4, true },
	{ "long", 8, true }, { "unsigned char", 1, false },
	{ "unsigned short", 2, false }, { "unsigned int", 4, false },
	{ "unsigned long", 8, false }, { "size_t", 8, false },
	{ "pid_t", 4, true }, { "uid_t", 4, false }, { "gid_t", 4, false },
};

struct type *check_typespec(struct check *ck, const struct val *spec)
{
	const char *base = val_get_str(spec, "base");
	struct val *suffix = val_get(spec, "suffix");
	struct type *t = NULL;
	size_t i;

	if (!base) {
		check_error(ck, spec, "invalid type");
		return NULL;
	}
	if (!strcmp(base, "typeof")) {
		/* typeof(TYPE) or typeof(expr): the expression is only typed */
		struct val **e = check_ref((struct val *)spec, "e");

		if (val_get(spec, "type")) {
			t = check_typespec(ck, val_get(spec, "type"));
		} else if (e && *e && ast_kind(*e) == AST_IDENT) {
			/* typeof(size_t): a bare name is a value if it is one */
			bool known = false;
			const char *nm = val_get_str(*e, "name");

			t = check_builtin(ck, *e, nm ? nm : "", &known);
			if (!known) {
				struct val *sp = check_node(ck, "typespec", *e);

				val_set_str(ck->a, sp, "base", nm ? nm : "");
				t = check_typespec(ck, sp);
			}
		} else if (e && *e) {
			t = check_expr(ck, e);
		}
		if (!t)
			return NULL;
		base = NULL;
	}
	for (i = 0; base && i < sizeof(check_int_names) / sizeof(check_int_names[0]); i++)
		if (!strcmp(base, check_int_names[i].name))
			t = type_int(ck->a, check_int_names[i].size,
				     check_int_names[i].sgn);
	if (t)
		;
	else if (check_cdef_struct(base))
		t = check_cdef_struct(base);
	else if (!strcmp(base, "bool"))
		t = type_new(ck->a, TY_BOOL);
	else if (!strcmp(base, "void"))
		t = type_new(ck->a, TY_VOID);
	else if (!strcmp(base, "string"))
		t = type_string(ck->a, val_get_int(spec, "size", ck->cfg.max_strlen));
	else if (!strcmp(base, "buffer")) {
		t = type_new(ck->a, TY_BUFFER);
		t->size = val_get_int(spec, "size", 64);
	} else if (!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6)) {
		t = type_new(ck->a, TY_STRUCT);
		t->name = arena_strdup(ck->a, base);
		if (check_struct_full(ck, t))
			t = check_struct_full(ck, t);
		else if (check_btf_available()) {
			check_error(ck, spec, "Cannot resolve unknown type \"%s\"", base);
			return NULL;
		}
	} else if (!strncmp(base, "enum ", 5)) {
		t = type_new(ck->a, TY_ENUM);
		t->name = arena_strdup(ck->a, base);
		t->size = 8;
	} else if (!(t = check_btf_typedef(ck, base))) {
		check_error(ck, spec, "Cannot resolve unknown type \"%s\"", base);
		return NULL;
	}
	for (i = 0; suffix && suffix->kind == VAL_ARR && i < suffix->n; i++) {
		struct val *s = suffix->items[i];

		if (s->kind == VAL_STR) {
			t = type_ptr(ck->a, t, false);
		} else {
			struct type *arr = type_new(ck->a, TY_ARRAY);

			arr->elem = t;
			arr->count = val_as_int(s);
			t = arr;
		}
	}
	return t;
}

const char *check_suggest(const char *want, const char *const *names, size_t n)
{
	return suggest_closest(want, names, n);
}

struct type *check_store_type(struct check *ck, struct check_lits *lits,
			      struct type *old, struct type *t,
			      const struct val *rhs, bool *lossy)
{
	int64_t v;
	bool u, lit = rhs && check_int_literal(rhs, &v, &u) && !u;

	if (!old) {
		lits->only = lit;
		lits->min = lits->max = lit ? v : 0;
		return t;
	}
	if (lits->only && old->kind == TY_INT && t && t->kind == TY_INT) {
		if (lit) {
			if (v < lits->min)
				lits->min = v;
			if (v > lits->max)
				lits->max = v;
			return check_unify(ck, old, NULL,
					   check_literal_type(ck->a, v, false),
					   NULL, lossy);
		}
		lits->only = false;
		if (check_literal_fits(lits->min, false, t) &&
		    check_literal_fits(lits->max, false, t))
			return t;
	}
	if (!lit)
		lits->only = false;
	return check_unify(ck, old, NULL, t, rhs, lossy);
}

bool check_const_eval(const struct val *node, int64_t *v)
{
	const char *k = val_kind_of(node), *op;
	int64_t l, r;
	bool u;

	if (check_int_literal(node, v, &u))
		return !u;
	if (!strcmp(k, "cast") && val_get_bool(node, "implicit", false))
		return check_const_eval(val_get(node, "e"), v);
	if (strcmp(k, "binop"))
		return false;
	op = val_get_str(node, "op");
	if (!op || !check_const_eval(val_get(node, "l"), &l) ||
	    !check_const_eval(val_get(node, "r"), &r))
		return false;
	switch (op[0]) {
	case '+': *v = (int64_t)((uint64_t)l + (uint64_t)r); return !op[1];
	case '-': *v = (int64_t)((uint64_t)l - (uint64_t)r); return !op[1];
	case '*': *v = (int64_t)((uint64_t)l * (uint64_t)r); return !op[1];
	case '/': if (!r || op[1]) return false; *v = l / r; return true;
	case '%': if (!r || op[1]) return false; *v = l % r; return true;
	case '&': *v = l & r; return !op[1];
	case '|': *v = l | r; return !op[1];
	case '^': *v = l ^ r; return !op[1];
	case '<': if (op[1] != '<' || r < 0 || r > 63) return false;
		*v = (int64_t)((uint64_t)l << r); return true;
	case '>': if (op[1] != '>' || r < 0 || r > 63) return false;
		*v = l >> r; return true;
	}
	return false;
}
