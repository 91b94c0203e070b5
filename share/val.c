/*
 * val.c - constructors and accessors of the generic value tree.
 */
#include <string.h>

#include "bug.h"
#include "val.h"

static struct val *val_new(struct arena *a, enum val_kind kind)
{
	struct val *v = arena_alloc(a, sizeof(*v));

	v->kind = kind;
	return v;
}

struct val *val_nil(struct arena *a)
{
	return val_new(a, VAL_NIL);
}

struct val *val_bool(struct arena *a, bool b)
{
	struct val *v = val_new(a, VAL_BOOL);

	v->b = b;
	return v;
}

struct val *val_int(struct arena *a, int64_t i)
{
	struct val *v = val_new(a, VAL_INT);

	v->i = i;
	return v;
}

struct val *val_uint(struct arena *a, uint64_t u)
{
	struct val *v = val_new(a, VAL_UINT);

	v->u = u;
	return v;
}

struct val *val_strn(struct arena *a, const char *s, size_t n)
{
	struct val *v = val_new(a, VAL_STR);

	v->s = arena_strndup(a, s, n);
	v->n = n;
	return v;
}

struct val *val_str(struct arena *a, const char *s)
{
	return val_strn(a, s, strlen(s));
}

struct val *val_bin(struct arena *a, const void *p, size_t n)
{
	struct val *v = val_new(a, VAL_BIN);

	v->s = arena_alloc(a, n + 1);
	if (n)
		memcpy(v->s, p, n);
	v->n = n;
	return v;
}

struct val *val_arr(struct arena *a)
{
	return val_new(a, VAL_ARR);
}

struct val *val_map(struct arena *a)
{
	return val_new(a, VAL_MAP);
}

static void *grow(struct arena *a, void *old, size_t elem, size_t n,
		  size_t *cap)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return old;
	ncap = *cap ? *cap * 2 : 4;
	p = arena_alloc(a, ncap * elem);
	if (n)
		memcpy(p, old, n * elem);
	*cap = ncap;
	return p;
}

void val_push(struct arena *a, struct val *arr, struct val *v)
{
	BUG_ON(arr->kind != VAL_ARR);
	arr->items = grow(a, arr->items, sizeof(*arr->items), arr->n,
			  &arr->cap);
	arr->items[arr->n++] = v;
}

void val_set(struct arena *a, struct val *map, const char *key,
	     struct val *v)
{
	size_t i;

	BUG_ON(map->kind != VAL_MAP);
	for (i = 0; i < map->n; i++) {
		if (!strcmp(map->kv[i].key, key)) {
			map->kv[i].v = v;
			return;
		}
	}
	map->kv = grow(a, map->kv, sizeof(*map->kv), map->n, &map->cap);
	map->kv[map->n].key = arena_strdup(a, key);
	map->kv[map->n].v = v;
	map->n++;
}

void val_set_int(struct arena *a, struct val *map, const char *key, int64_t i)
{
	val_set(a, map, key, val_int(a, i));
}

void val_set_str(struct arena *a, struct val *map, const char *key,
		 const char *s)
{
	val_set(a, map, key, val_str(a, s));
}

void val_set_bool(struct arena *a, struct val *map, const char *key, bool b)
{
	val_set(a, map, key, val_bool(a, b));
}

struct val *val_get(const struct val *map, const char *key)
{
	size_t i;

	if (!map || map->kind != VAL_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->kv[i].key, key))
			return map->kv[i].v;
	return NULL;
}

const char *val_get_str(const struct val *map, const char *key)
{
	struct val *v = val_get(map, key);

	return v && v->kind == VAL_STR ? v->s : NULL;
}

int64_t val_get_int(const struct val *map, const char *key, int64_t def)
{
	struct val *v = val_get(map, key);

	return v && (val_is_int(v) || v->kind == VAL_BOOL) ? val_as_int(v)
							    : def;
}

bool val_get_bool(const struct val *map, const char *key, bool def)
{
	struct val *v = val_get(map, key);

	if (!v)
		return def;
	if (v->kind == VAL_BOOL)
		return v->b;
	return val_as_int(v) != 0;
}

struct val *val_at(const struct val *arr, size_t i)
{
	if (!arr || arr->kind != VAL_ARR || i >= arr->n)
		return NULL;
	return arr->items[i];
}

bool val_is_int(const struct val *v)
{
	return v && (v->kind == VAL_INT || v->kind == VAL_UINT);
}

int64_t val_as_int(const struct val *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case VAL_INT:
		return v->i;
	case VAL_UINT:
		return (int64_t)v->u;
	case VAL_BOOL:
		return v->b;
	default:
		return 0;
	}
}

uint64_t val_as_uint(const struct val *v)
{
	return (uint64_t)val_as_int(v);
}

const char *val_kind_of(const struct val *node)
{
	const char *k = val_get_str(node, "k");

	return k ? k : "";
}

struct val *val_copy(struct arena *a, const struct val *v)
{
	struct val *c;
	size_t i;

	if (!v)
		return NULL;
	switch (v->kind) {
	case VAL_STR:
		return val_strn(a, v->s, v->n);
	case VAL_BIN:
		return val_bin(a, v->s, v->n);
	case VAL_ARR:
		c = val_arr(a);
		for (i = 0; i < v->n; i++)
			val_push(a, c, val_copy(a, v->items[i]));
		return c;
	case VAL_MAP:
		c = val_map(a);
		for (i = 0; i < v->n; i++)
			val_set(a, c, v->kv[i].key, val_copy(a, v->kv[i].v));
		return c;
	default:
		c = arena_alloc(a, sizeof(*c));
		*c = *v;
		return c;
	}
}

bool val_equal(const struct val *x, const struct val *y)
{
	size_t i;

	if (!x || !y)
		return x == y;
	if (val_is_int(x) && val_is_int(y))
		return val_as_int(x) == val_as_int(y) &&
		       (x->kind == y->kind || val_as_int(x) >= 0);
	if (x->kind != y->kind)
		return false;
	switch (x->kind) {
	case VAL_NIL:
		return true;
	case VAL_BOOL:
		return x->b == y->b;
	case VAL_STR:
	case VAL_BIN:
		return x->n == y->n && !memcmp(x->s, y->s, x->n);
	case VAL_ARR:
		if (x->n != y->n)
			return false;
		for (i = 0; i < x->n; i++)
			if (!val_equal(x->items[i], y->items[i]))
				return false;
		return true;
	case VAL_MAP:
		if (x->n != y->n)
			return false;
		for (i = 0; i < x->n; i++)
			if (!val_equal(x->kv[i].v, val_get(y, x->kv[i].key)))
				return false;
		return true;
	default:
		return false;
	}
}
