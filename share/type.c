/*
 * type.c - layout, printing and wire codec of bt's types.
 */
#include <string.h>

#include "bug.h"
#include "type.h"

#define TYPE_NAME(id, name) name,
static const char *const kind_names[] = { TYPE_KINDS(TYPE_NAME) };
#undef TYPE_NAME

const char *type_kind_name(enum type_kind k)
{
	return k < TY__COUNT ? kind_names[k] : "?";
}

struct type *type_new(struct arena *a, enum type_kind k)
{
	struct type *t = arena_alloc(a, sizeof(*t));

	t->kind = k;
	switch (k) {
	case TY_BOOL:
	case TY_MACADDR:
		t->size = k == TY_BOOL ? 1 : 6;
		break;
	case TY_PTR: case TY_KSTACK: case TY_KSYM: case TY_TIMESTAMP:
	case TY_CGROUP_PATH: case TY_USERNAME: case TY_COUNT: case TY_SUM:
	case TY_HIST: case TY_LHIST:
		t->size = 8;
		break;
	case TY_USTACK: case TY_USYM: case TY_MIN: case TY_MAX: case TY_AVG:
	case TY_STATS: case TY_TSERIES:
		t->size = 16;
		break;
	case TY_INET:
		t->size = 20;
		break;
	default:
		break;
	}
	return t;
}

struct type *type_int(struct arena *a, int size, bool is_signed)
{
	struct type *t = type_new(a, TY_INT);

	t->size = size;
	t->is_signed = is_signed;
	return t;
}

struct type *type_string(struct arena *a, int64_t capacity)
{
	struct type *t = type_new(a, TY_STRING);

	t->size = capacity;
	return t;
}

struct type *type_ptr(struct arena *a, struct type *elem, bool user)
{
	struct type *t = type_new(a, TY_PTR);

	t->elem = elem;
	t->user = user;
	return t;
}

struct type *type_tuple(struct arena *a, struct type **elems, int n)
{
	struct type *t = type_new(a, TY_TUPLE);
	int i;

	t->fields = arena_alloc(a, sizeof(*t->fields) * (n ? n : 1));
	t->nfields = n;
	for (i = 0; i < n; i++)
		t->fields[i].type = elems[i];
	type_layout(t);
	return t;
}

int64_t type_align(const struct type *t)
{
	int64_t al = 1;
	int i;

	switch (t->kind) {
	case TY_INT: case TY_ENUM:
		return t->size ? t->size : 1;
	case TY_BOOL: case TY_STRING: case TY_MACADDR: case TY_VOID:
		return 1;
	case TY_BUFFER: case TY_INET:
		return 4;
	case TY_ARRAY:
		return t->elem ? type_align(t->elem) : 1;
	case TY_TUPLE: case TY_RECORD: case TY_STRUCT:
		for (i = 0; i < t->nfields; i++) {
			int64_t fa = type_align(t->fields[i].type);

			if (fa > al)
				al = fa;
		}
		if (t->kind == TY_STRUCT && !t->nfields)
			return t->size >= 8 ? 8 : (t->size ? t->size : 1);
		return al;
	default:
		return 8;
	}
}

/* sizes read from a stream are bounded (type_from_val), so no overflow */
int64_t type_size(const struct type *t)
{
	int64_t n;

	switch (t->kind) {
	case TY_BUFFER:
		return 4 + t->size;
	case TY_ARRAY:
		if (!t->elem ||
		    __builtin_mul_overflow(type_size(t->elem), t->count, &n) ||
		    n > TYPE_MAX_SIZE)
			return TYPE_MAX_SIZE;
		return n;
	default:
		return t->size;
	}
}

void type_layout(struct type *t)
{
	int64_t off = 0, al = 1;
	int i;

	if (t->kind != TY_TUPLE && t->kind != TY_RECORD)
		return;
	for (i = 0; i < t->nfields; i++) {
		struct type *ft = t->fields[i].type;
		int64_t fa = type_align(ft);

		type_layout(ft);
		off = (off + fa - 1) / fa * fa;
		t->fields[i].offset = off;
		off += type_size(ft);
		if (off > TYPE_MAX_SIZE)
			off = TYPE_MAX_SIZE;
		if (fa > al)
			al = fa;
	}
	t->size = (off + al - 1) / al * al;
}

bool type_equal(const struct type *x, const struct type *y)
{
	int i;

	if (x == y)
		return true;
	if (!x || !y || x->kind != y->kind)
		return false;
	switch (x->kind) {
	case TY_INT:
		return x->size == y->size && x->is_signed == y->is_signed;
	case TY_STRING: case TY_BUFFER:
		return x->size == y->size;
	case TY_PTR:
		return x->user == y->user && type_equal(x->elem, y->elem);
	case TY_ARRAY:
		return x->count == y->count && type_equal(x->elem, y->elem);
	case TY_STRUCT: case TY_ENUM:
		return x->name && y->name && !strcmp(x->name, y->name);
	case TY_TUPLE: case TY_RECORD:
		if (x->nfields != y->nfields)
			return false;
		for (i = 0; i < x->nfields; i++) {
			if (x->kind == TY_RECORD &&
			    strcmp(x->fields[i].name, y->fields[i].name))
				return false;
			if (!type_equal(x->fields[i].type, y->fields[i].type))
				return false;
		}
		return true;
	case TY_HIST:
		return x->k == y->k;
	case TY_LHIST:
		return x->min == y->min && x->max == y->max &&
		       x->step == y->step;
	case TY_SUM: case TY_MIN: case TY_MAX: case TY_AVG: case TY_STATS:
		return x->is_signed == y->is_signed;
	default:
		return true;
	}
}

bool type_is_int(const struct type *t)
{
	return t && (t->kind == TY_INT || t->kind == TY_ENUM);
}

bool type_is_aggregation(const struct type *t)
{
	return t && t->kind >= TY_COUNT && t->kind <= TY_TSERIES;
}

char *type_str(struct arena *a, const struct type *t)
{
	char *s;
	int i;

	if (!t)
		return "none";
	switch (t->kind) {
	case TY_INT:
		return arena_printf(a, "%sint%d", t->is_signed ? "" : "u",
				    (int)t->size * 8);
	case TY_STRING:
		return arena_printf(a, "string[%d]", (int)t->size);
	case TY_BUFFER:
		return arena_printf(a, "buffer[%d]", (int)t->size);
	case TY_PTR:
		return arena_printf(a, "%s *", type_str(a, t->elem));
	case TY_ARRAY:
		return arena_printf(a, "%s[%d]", type_str(a, t->elem),
				    (int)t->count);
	case TY_STRUCT: case TY_ENUM:
		return arena_strdup(a, t->name ? t->name : kind_names[t->kind]);
	case TY_TUPLE: case TY_RECORD:
		s = "(";
		for (i = 0; i < t->nfields; i++) {
			const char *f = type_str(a, t->fields[i].type);

			if (t->kind == TY_RECORD)
				f = arena_printf(a, "%s=%s", t->fields[i].name, f);
			s = arena_printf(a, "%s%s%s", s, i ? "," : "", f);
		}
		return arena_printf(a, "%s)", s);
	case TY_SUM: case TY_MIN: case TY_MAX: case TY_AVG: case TY_STATS:
		return arena_printf(a, "%s%s_t", t->is_signed ? "" : "u",
				    kind_names[t->kind]);
	case TY_COUNT:
		return "count_t";
	case TY_HIST:
		return "hist_t";
	case TY_LHIST:
		return "lhist_t";
	case TY_TSERIES:
		return "tseries_t";
	case TY_MACADDR:
		return "macaddr_t";
	case TY_CGROUP_PATH:
		return "cgroup_path_t";
	case TY_USERNAME:
		return "username_t";
	default:
		return (char *)kind_names[t->kind];
	}
}

struct val *type_to_val(struct arena *a, const struct type *t)
{
	struct val *v = val_map(a), *arr;
	int i;

	val_set_str(a, v, "t", kind_names[t->kind]);
	if (t->size)
		val_set_int(a, v, "size", t->size);
	if (t->is_signed)
		val_set_bool(a, v, "signed", true);
	if (t->user)
		val_set_bool(a, v, "user", true);
	if (t->name)
		val_set_str(a, v, "name", t->name);
	if (t->elem)
		val_set(a, v, "elem", type_to_val(a, t->elem));
	if (t->count)
		val_set_int(a, v, "count", t->count);
	if (t->nfields || t->kind == TY_TUPLE || t->kind == TY_RECORD) {
		arr = val_arr(a);
		for (i = 0; i < t->nfields; i++) {
			const struct type_field *f = &t->fields[i];
			struct val *fv = val_map(a);

			if (f->name)
				val_set_str(a, fv, "name", f->name);
			val_set(a, fv, "type", type_to_val(a, f->type));
			val_set_int(a, fv, "offset", f->offset);
			if (f->bitfield_bits) {
				val_set_int(a, fv, "bits", f->bitfield_bits);
				val_set_int(a, fv, "bitoff", f->bitfield_offset);
			}
			val_push(a, arr, fv);
		}
		val_set(a, v, "fields", arr);
	}
	if (t->nenums) {
		arr = val_arr(a);
		for (i = 0; i < t->nenums; i++) {
			struct val *e = val_arr(a);

			val_push(a, e, val_str(a, t->enums[i].name));
			val_push(a, e, val_int(a, t->enums[i].value));
			val_push(a, arr, e);
		}
		val_set(a, v, "enums", arr);
	}
	if (t->mode)
		val_set_str(a, v, "mode", t->mode);
	if (t->limit)
		val_set_int(a, v, "limit", t->limit);
	if (t->kind == TY_HIST)
		val_set_int(a, v, "k", t->k);
	if (t->kind == TY_LHIST) {
		val_set_int(a, v, "min", t->min);
		val_set_int(a, v, "max", t->max);
		val_set_int(a, v, "step", t->step);
	}
	if (t->interval_ns)
		val_set_int(a, v, "interval", t->interval_ns);
	return v;
}

struct type *type_from_val(struct arena *a, const struct val *v)
{
	const char *name = val_get_str(v, "t");
	struct val *arr;
	struct type *t;
	size_t i;
	int k = -1;

	if (!name)
		return NULL;
	for (i = 0; i < TY__COUNT; i++)
		if (!strcmp(kind_names[i], name))
			k = (int)i;
	if (k < 0)
		return NULL;
	t = type_new(a, (enum type_kind)k);
	t->size = val_get_int(v, "size", t->size);
	if (t->size < 0 || t->size > TYPE_MAX_SIZE ||
	    val_get_int(v, "count", 0) < 0 ||
	    val_get_int(v, "count", 0) > TYPE_MAX_SIZE)
		return NULL;
	t->is_signed = val_get_bool(v, "signed", false);
	t->user = val_get_bool(v, "user", false);
	if (val_get_str(v, "name"))
		t->name = arena_strdup(a, val_get_str(v, "name"));
	if (val_get(v, "elem") && !(t->elem = type_from_val(a, val_get(v, "elem"))))
		return NULL;
	t->count = val_get_int(v, "count", 0);
	arr = val_get(v, "fields");
	if (arr && arr->kind == VAL_ARR) {
		t->nfields = (int)arr->n;
		t->fields = arena_alloc(a, sizeof(*t->fields) * (arr->n + 1));
		for (i = 0; i < arr->n; i++) {
			struct type_field *f = &t->fields[i];
			const struct val *fv = arr->items[i];

			if (val_get_str(fv, "name"))
				f->name = arena_strdup(a, val_get_str(fv, "name"));
			f->type = type_from_val(a, val_get(fv, "type"));
			if (!f->type)
				return NULL;
			f->offset = val_get_int(fv, "offset", 0);
			f->bitfield_bits = (int)val_get_int(fv, "bits", 0);
			f->bitfield_offset = (int)val_get_int(fv, "bitoff", 0);
		}
	}
	arr = val_get(v, "enums");
	if (arr && arr->kind == VAL_ARR) {
		t->nenums = (int)arr->n;
		t->enums = arena_alloc(a, sizeof(*t->enums) * (arr->n + 1));
		for (i = 0; i < arr->n; i++) {
			struct val *e = arr->items[i];

			if (!e || e->kind != VAL_ARR || e->n != 2 ||
			    e->items[0]->kind != VAL_STR)
				return NULL;
			t->enums[i].name = arena_strdup(a, e->items[0]->s);
			t->enums[i].value = val_as_int(e->items[1]);
		}
	}
	if (val_get_str(v, "mode"))
		t->mode = arena_strdup(a, val_get_str(v, "mode"));
	t->limit = val_get_int(v, "limit", 0);
	t->k = val_get_int(v, "k", 0);
	t->min = val_get_int(v, "min", 0);
	t->max = val_get_int(v, "max", 0);
	t->step = val_get_int(v, "step", 0);
	t->interval_ns = val_get_int(v, "interval", 0);
	if (t->kind == TY_TUPLE || t->kind == TY_RECORD)
		type_layout(t);
	return t;
}
