/*
 * stdlib.c - the checks of the calls upstream bpftrace writes as macros of
 * its standard library (stdlib/strings.bt, meta.bt, internal.bt): bt has
 * no stdlib loader, so they are typed here and either folded to literals
 * or rewritten into core nodes, or left as calls for bt-gen.
 *
 *   strlen(s)              uint64, bt-gen counts (pointers become str(p))
 *   strcap(s)              capacity: a literal, or strlen() of a pointer
 *   default_str_length()   the literal max_strlen
 *   assert_str(x)          compile-time string-likeness check
 *   strstr(h, n)           int64, bt-gen scans (pointers become str(p))
 *   str_concat(a, b)       string[1024], bt-gen builds it in scratch
 *   memcmp(l, r, n)        int32, bt-gen compares the bytes
 *   fail(fmt, lits...)     an error formatted at compile time
 *   container_of(p, T, m)  (T *)((void *)p - offsetof(T, m))
 *   typeinfo(x)            record {btf_id, base_type, full_type}
 *
 * The hooks have call_table's signature (calls.c) and follow its rules:
 * arguments are checked here, the result type is returned, a rewritten
 * call is replaced in place and checked again.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "diag.h"

#define STR_CONCAT_SIZE 1024

static struct type *void_of(struct check *ck)
{
	return type_new(ck->a, TY_VOID);
}

/* replace node by an unsigned literal v and check it */
static struct type *stdlib_fold_int(struct check *ck, struct val *node,
				    uint64_t v)
{
	struct val *lit = check_node(ck, "int", node);

	val_set(ck->a, lit, "v", val_uint(ck->a, v));
	*node = *lit;
	return check_set_type(ck, node, type_int(ck->a, 8, false));
}

/*
 * upstream's assert_str(): strings, int8 arrays and int8 pointers are
 * string-like; false (after the error) otherwise
 */
static bool stdlib_assert_str(struct check *ck, struct val *at,
			      const struct type *t)
{
	bool int8 = t && t->elem && t->elem->kind == TY_INT &&
		    t->elem->size == 1 && t->elem->is_signed;

	if (!t || t->kind == TY_STRING)
		return true;
	if (t->kind == TY_ARRAY && !int8) {
		check_error(ck, at, "string-like arrays must contain a char-like type");
		return false;
	}
	if (t->kind == TY_PTR && !int8) {
		check_error(ck, at, "string-like pointers must point to a char-like type");
		return false;
	}
	if (t->kind != TY_ARRAY && t->kind != TY_PTR) {
		check_error(ck, at, "string-like values must be either strings, arrays or pointers");
		return false;
	}
	return true;
}

/* a char pointer argument is read as a string: *ref becomes str(*ref) */
static struct type *stdlib_read_ptr(struct check *ck, struct val **ref,
				    struct type *t)
{
	struct val *call, *args;

	if (!t || t->kind != TY_PTR)
		return t;
	call = check_node(ck, "call", *ref);
	args = val_arr(ck->a);
	val_push(ck->a, args, *ref);
	val_set_str(ck->a, call, "name", "str");
	val_set(ck->a, call, "args", args);
	*ref = call;
	return check_expr(ck, ref);
}

/* the string-like argument i, a pointer one read as a string */
static struct type *stdlib_str_arg(struct check *ck, struct val *call,
				   struct val *args, size_t i)
{
	struct type *t = check_expr(ck, &args->items[i]);

	if (!t || !stdlib_assert_str(ck, call, t))
		return NULL;
	return stdlib_read_ptr(ck, &args->items[i], t);
}

struct type *stdlib_check_assert_str(struct check *ck, struct val *call,
				     struct val *args, struct val *assign_map)
{
	struct val *a = args->items[0];
	struct type *t = ast_kind(a) == AST_TYPESPEC ? check_typespec(ck, a) :
			 check_expr(ck, &args->items[0]);

	stdlib_assert_str(ck, call, t);
	return void_of(ck);
}

struct type *stdlib_check_default_str_length(struct check *ck,
					     struct val *call,
					     struct val *args,
					     struct val *assign_map)
{
	return stdlib_fold_int(ck, call, (uint64_t)ck->cfg.max_strlen);
}

/* strcap(s): sizeof a string, the element count of an array, else strlen */
struct type *stdlib_check_strcap(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	struct type *t = check_expr(ck, &args->items[0]);

	if (!t || !stdlib_assert_str(ck, call, t))
		return type_int(ck->a, 8, false);
	if (t->kind == TY_STRING)
		return stdlib_fold_int(ck, call, (uint64_t)type_size(t));
	if (t->kind == TY_ARRAY)
		return stdlib_fold_int(ck, call, (uint64_t)t->count);
	val_set_str(ck->a, call, "name", "strlen");
	return check_expr(ck, &(struct val *){ call });
}

/* strlen(s): uint64; a pointer is read as a string first */
struct type *stdlib_check_strlen(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	stdlib_str_arg(ck, call, args, 0);
	return type_int(ck->a, 8, false);
}

/* strstr(haystack, needle): int64 index or -1 */
struct type *stdlib_check_strstr(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	stdlib_str_arg(ck, call, args, 0);
	stdlib_str_arg(ck, call, args, 1);
	return type_int(ck->a, 8, true);
}

/* str_concat(a, b): string[1024] */
struct type *stdlib_check_str_concat(struct check *ck, struct val *call,
				     struct val *args, struct val *assign_map)
{
	stdlib_str_arg(ck, call, args, 0);
	stdlib_str_arg(ck, call, args, 1);
	return type_string(ck->a, STR_CONCAT_SIZE);
}

/* memcmp(left, right, count): int32, any values compared as bytes */
struct type *stdlib_check_memcmp(struct check *ck, struct val *call,
				 struct val *args, struct val *assign_map)
{
	size_t i;
	struct type *t;

	for (i = 0; i < 2; i++) {
		t = check_expr(ck, &args->items[i]);
		if (t && (t->kind == TY_VOID || type_size(t) <= 0))
			check_error(ck, args->items[i], "memcmp() cannot compare a value of type '%s'",
				    check_type_str(ck, t));
	}
	t = check_expr(ck, &args->items[2]);
	if (t && !check_is_intlike(t))
		check_error(ck, args->items[2], "memcmp() expects an integer count (%s provided)",
			    check_type_str(ck, t));
	else if (t)
		check_cast_to(ck, &args->items[2], t, type_int(ck->a, 8, false));
	return type_int(ck->a, 4, true);
}

/* one conversion of fail()'s format with a literal argument */
static void stdlib_format_one(struct check *ck, char **out, const char *spec,
			      char conv, const struct val *arg)
{
	char buf[512];
	int64_t v = 0;
	bool u = false;
	const char *s = val_get_str(arg, "v");

	if (ast_kind(arg) == AST_STR && s) {
		snprintf(buf, sizeof(buf), "%s", s);
	} else if (ast_kind(arg) == AST_BOOL) {
		snprintf(buf, sizeof(buf), "%s",
			 conv == 's' ? (val_get_bool(arg, "v", false) ? "true" :
					"false") :
			 val_get_bool(arg, "v", false) ? "1" : "0");
	} else if (check_int_literal(arg, &v, &u)) {
		char f[64];

		/* the flags and width the script gave, 64-bit conversion */
		snprintf(f, sizeof(f), "%.*sll%c", (int)(strlen(spec) - 1), spec,
			 conv == 's' ? 'd' : conv);
		if (conv == 'd' || conv == 'i' || conv == 's')
			snprintf(buf, sizeof(buf), f, (long long)v);
		else
			snprintf(buf, sizeof(buf), f, (unsigned long long)v);
	} else {
		buf[0] = 0;
	}
	*out = arena_printf(ck->a, "%s%s", *out, buf);
}

/* fail(fmt, literals...): the formatted message is the error */
struct type *stdlib_check_fail(struct check *ck, struct val *call,
			       struct val *args, struct val *assign_map)
{
	const char *fmt, *p;
	char *out;
	size_t i, next = 1;
	bool ok = true;

	for (i = 0; i < args->n; i++) {
		struct val *a = args->items[i];
		int64_t v;
		bool u;

		if (ast_kind(a) == AST_PARAM)
			check_expr(ck, &args->items[i]);
		a = args->items[i];
		if (ast_kind(a) != AST_STR && ast_kind(a) != AST_BOOL &&
		    !check_int_literal(a, &v, &u)) {
			check_error(ck, call, "fail() arguments need to be literals");
			ok = false;
		} else if (i == 0 && ast_kind(a) != AST_STR) {
			check_error(ck, call, "first argument to fail() must be a string literal");
			ok = false;
		}
	}
	if (!ok)
		return void_of(ck);
	fmt = val_get_str(args->items[0], "v");
	out = arena_printf(ck->a, "%s", "");
	for (p = fmt ? fmt : ""; *p; p++) {
		const char *start = p;
		char spec[32];
		size_t n;

		if (*p != '%') {
			out = arena_printf(ck->a, "%s%c", out, *p);
			continue;
		}
		if (p[1] == '%') {
			out = arena_printf(ck->a, "%s%%", out);
			p++;
			continue;
		}
		p++;
		while (*p && strchr("-+ #0123456789.", *p))
			p++;
		while (*p && strchr("hlzjt", *p))
			p++;
		if (!*p)
			break;
		n = (size_t)(p - start);
		/* keep the flags and width, drop the length modifiers */
		{
			size_t k, j = 0;

			for (k = 0; k < n && j < sizeof(spec) - 2; k++)
				if (!strchr("hlzjt", start[k]))
					spec[j++] = start[k];
			spec[j++] = *p;
			spec[j] = 0;
		}
		if (next < args->n)
			stdlib_format_one(ck, &out, spec, *p, args->items[next++]);
	}
	check_error(ck, call, "%s", out);
	return void_of(ck);
}

/*
 * container_of(ptr, TYPE, member): the pointer to the TYPE holding
 * *ptr as member, i.e. (TYPE *)((void *)ptr - offsetof(TYPE, member))
 */
struct type *stdlib_check_container_of(struct check *ck, struct val *call,
				       struct val *args, struct val *assign_map)
{
	struct val *tspec = args->items[1], *member = args->items[2];
	struct val *ptrspec, *vspec, *voidp, *off, *sub, *cast, *suffix, *fields;
	const struct val *old;
	size_t i;

	if (ast_kind(tspec) == AST_IDENT) {
		struct val *spec = check_node(ck, "typespec", tspec);

		val_set_str(ck->a, spec, "base", val_get_str(tspec, "name"));
		tspec = spec;
	}
	if (ast_kind(tspec) != AST_TYPESPEC) {
		check_expr(ck, &args->items[1]);
		check_error(ck, args->items[1], "container_of() expects a type as the second argument");
		return NULL;
	}
	if (ast_kind(member) != AST_IDENT || !val_get_str(member, "name")) {
		check_error(ck, member, "container_of() expects a member name as the third argument");
		return NULL;
	}
	/* (TYPE *): the type with one more '*' */
	ptrspec = val_copy(ck->a, tspec);
	suffix = val_arr(ck->a);
	old = val_get(tspec, "suffix");
	for (i = 0; old && old->kind == VAL_ARR && i < old->n; i++)
		val_push(ck->a, suffix, old->items[i]);
	val_push(ck->a, suffix, val_str(ck->a, "*"));
	val_set(ck->a, ptrspec, "suffix", suffix);

	vspec = check_node(ck, "typespec", call);
	val_set_str(ck->a, vspec, "base", "void");
	suffix = val_arr(ck->a);
	val_push(ck->a, suffix, val_str(ck->a, "*"));
	val_set(ck->a, vspec, "suffix", suffix);
	voidp = check_node(ck, "cast", args->items[0]);
	val_set(ck->a, voidp, "type", vspec);
	val_set(ck->a, voidp, "e", args->items[0]);

	off = check_node(ck, "offsetof", call);
	val_set(ck->a, off, "type", tspec);
	fields = val_arr(ck->a);
	val_push(ck->a, fields, val_str(ck->a, val_get_str(member, "name")));
	val_set(ck->a, off, "fields", fields);

	sub = check_node(ck, "binop", call);
	val_set_str(ck->a, sub, "op", "-");
	val_set(ck->a, sub, "l", voidp);
	val_set(ck->a, sub, "r", off);

	cast = check_node(ck, "cast", call);
	val_set(ck->a, cast, "type", ptrspec);
	val_set(ck->a, cast, "e", sub);
	*call = *cast;
	return check_expr(ck, &(struct val *){ call });
}

/* upstream's names of the kinds of types (typeinfo's base_type) */
static const char *stdlib_base_type(const struct type *t)
{
	switch (t->kind) {
	case TY_INT: case TY_ENUM: return "int";
	case TY_PTR: return "pointer";
	case TY_STRUCT: return "c_type";
	case TY_KSTACK: return "kstack";
	case TY_USTACK: return "ustack";
	case TY_KSYM: return "ksym_t";
	case TY_USYM: return "usym_t";
	case TY_MACADDR: return "mac_address";
	case TY_CGROUP_PATH: return "cgroup_path_t";
	case TY_USERNAME: return "username_t";
	case TY_COUNT: return "count_t";
	case TY_SUM: return "sum_t";
	case TY_MIN: return "min_t";
	case TY_MAX: return "max_t";
	case TY_AVG: return "avg_t";
	case TY_STATS: return "stats_t";
	case TY_HIST: return "hist_t";
	case TY_LHIST: return "lhist_t";
	case TY_TSERIES: return "tseries_t";
	default: return type_kind_name(t->kind);
	}
}

static struct val *stdlib_field(struct check *ck, const struct val *at,
				const char *name, struct val *e)
{
	struct val *f = val_map(ck->a);

	val_set_str(ck->a, f, "name", name);
	val_set(ck->a, f, "e", e);
	if (val_get(at, "loc"))
		val_set(ck->a, f, "loc", val_get(at, "loc"));
	return f;
}

/* typeinfo(TYPE|expr): the record (btf_id = 0, base_type, full_type) */
struct type *stdlib_check_typeinfo(struct check *ck, struct val *call,
				   struct val *args, struct val *assign_map)
{
	const char *cfg = val_get_str(ck->config, "unstable_typeinfo");
	struct val *a = args->items[0], *rec, *fields, *id, *base, *full;
	struct type *t;

	if (!cfg || !strcmp(cfg, "error")) {
		check_error(ck, call, "typeinfo feature is not enabled by default. To enable this unstable feature, set the config flag to enable. unstable_typeinfo=enable");
		return NULL;
	}
	if (!strcmp(cfg, "warn") && ck->final && !ck->typeinfo_warned) {
		ck->typeinfo_warned = true;
		diag_warn((struct diag_loc){ 0, 0 }, "Script is using an unstable feature: typeinfo. To prevent this warning you must explicitly enable it in the config e.g. unstable_typeinfo=enable");
	}
	t = ast_kind(a) == AST_TYPESPEC ? check_typespec(ck, a) :
	    check_expr(ck, &args->items[0]);
	if (!t)
		return NULL;
	id = check_node(ck, "int", call);
	val_set(ck->a, id, "v", val_uint(ck->a, 0));
	base = check_node(ck, "str", call);
	val_set(ck->a, base, "v", val_str(ck->a, stdlib_base_type(t)));
	full = check_node(ck, "str", call);
	val_set(ck->a, full, "v", val_str(ck->a, check_type_str(ck, t)));
	fields = val_arr(ck->a);
	val_push(ck->a, fields, stdlib_field(ck, call, "btf_id", id));
	val_push(ck->a, fields, stdlib_field(ck, call, "base_type", base));
	val_push(ck->a, fields, stdlib_field(ck, call, "full_type", full));
	rec = check_node(ck, "record", call);
	val_set(ck->a, rec, "fields", fields);
	*call = *rec;
	return check_expr(ck, &(struct val *){ call });
}
