/*
 * maps.c - map key and value types, inferred over the whole program.
 *
 * A map is scalar (`@x`) or keyed (`@x[k]`, `@x[a, b]` = tuple key), never
 * both.  Key and value types widen as upstream's do (integers to a type
 * that holds every use, strings to the longest); anything else that
 * disagrees is an error in upstream's words.  Aggregation calls set the
 * value type to the aggregation type (count_t, sum_t, hist_t ...).
 */
#include <string.h>

#include "check.h"

struct check_map *check_map_get(struct check *ck, const char *name)
{
	int i;

	if (!name)
		name = "@";
	for (i = 0; i < ck->nmaps; i++)
		if (!strcmp(ck->maps[i].name, name))
			return &ck->maps[i];
	if (ck->nmaps == ck->capmaps) {
		int cap = ck->capmaps ? ck->capmaps * 2 : 16;
		struct check_map *nm = arena_alloc(ck->a, sizeof(*nm) * cap);

		if (ck->nmaps)
			memcpy(nm, ck->maps, sizeof(*nm) * ck->nmaps);
		ck->maps = nm;
		ck->capmaps = cap;
	}
	memset(&ck->maps[ck->nmaps], 0, sizeof(ck->maps[0]));
	ck->maps[ck->nmaps].name = arena_strdup(ck->a, name);
	return &ck->maps[ck->nmaps++];
}

/* check the keys of a map node; returns the key type (NULL for scalar) */
struct type *check_map_key(struct check *ck, struct val *node)
{
	struct check_map *m = check_map_get(ck, val_get_str(node, "name"));
	struct val *keys = val_get(node, "keys");
	struct type **el, *kt, *u;
	bool lossy = false;
	size_t i, n;

	if (!keys || keys->kind != VAL_ARR || !keys->n) {
		if (m->used_keyed)
			check_error(ck, node, "%s used as a map without an explicit key (scalar map), previously used with an explicit key (non-scalar map)",
				    m->name);
		m->used_scalar = true;
		return NULL;
	}
	if (m->used_scalar)
		check_error(ck, node, "%s used as a map with an explicit key (non-scalar map), previously used without an explicit key (scalar map)",
			    m->name);
	m->used_keyed = true;
	n = keys->n;
	el = arena_alloc(ck->a, sizeof(*el) * (n + 1));
	for (i = 0; i < n; i++) {
		el[i] = check_expr(ck, &keys->items[i]);
		if (!el[i])
			return NULL;
		if (el[i]->kind == TY_VOID || type_is_aggregation(el[i])) {
			check_error(ck, keys->items[i], "%s cannot be used as a map key",
				    check_type_str(ck, el[i]));
			return NULL;
		}
	}
	kt = n == 1 ? el[0] : type_tuple(ck->a, el, (int)n);
	u = check_unify(ck, m->key, NULL, kt, n == 1 ? keys->items[0] : NULL,
			&lossy);
	if (!u) {
		check_error(ck, node, "Argument mismatch for %s: trying to access with arguments: '%s' when map expects arguments: '%s'",
			    m->name, check_type_str(ck, kt),
			    check_type_str(ck, m->key));
		return kt;
	}
	if (lossy)
		check_warn(ck, node, "Implicit conversion of %s key from '%s' to '%s' may change the value",
			   m->name, check_type_str(ck, kt), check_type_str(ck, u));
	if (!m->key || !type_equal(u, m->key)) {
		m->key = u;
		ck->changed++;
	}
	if (ck->final) {
		if (n == 1) {
			check_cast_to(ck, &keys->items[0], el[0], m->key);
		} else if (m->key->kind == TY_TUPLE && m->key->nfields == (int)n) {
			for (i = 0; i < n; i++)
				check_cast_to(ck, &keys->items[i], el[i],
					      m->key->fields[i].type);
		}
	}
	return m->key;
}

static bool check_agg_compatible(struct type *x, struct type *y)
{
	if (x->kind != y->kind)
		return false;
	if (x->kind == TY_HIST)
		return x->k == y->k;
	if (x->kind == TY_LHIST)
		return x->min == y->min && x->max == y->max && x->step == y->step;
	return true;
}

void check_map_assign(struct check *ck, struct val *stmt,
		      struct val *node, struct type *t, struct val **rhs_ref)
{
	struct check_map *m = check_map_get(ck, val_get_str(node, "name"));
	struct type *u;
	bool lossy = false;

	m->assigned = true;
	if (!t)
		return;
	if (t->kind == TY_VOID) {
		check_error(ck, stmt, "Value 'none' cannot be assigned to a map.");
		return;
	}
	if (rhs_ref && check_is_unreadable_agg(t)) {
		/* @b = @a where @a holds a hist/lhist/stats/tseries */
		check_error(ck, stmt, "Map value '%s' cannot be assigned from one map to another. The function that returns this type must be called directly e.g. `%s = %s;`.",
			    check_type_str(ck, t), m->name, check_agg_hint(t));
		return;
	}
	if (!m->val) {
		m->val = check_store_type(ck, &m->lits, NULL, t,
					  rhs_ref ? *rhs_ref : NULL, NULL);
		ck->changed++;
		check_set_type(ck, node, m->val);
		return;
	}
	if (type_is_aggregation(t) || type_is_aggregation(m->val)) {
		if (!type_is_aggregation(t) || !type_is_aggregation(m->val) ||
		    !check_agg_compatible(t, m->val)) {
			check_error(ck, stmt, "Type mismatch for %s: trying to assign value of type '%s' when map already has a type '%s'",
				    m->name, check_type_str(ck, t),
				    check_type_str(ck, m->val));
			return;
		}
		if (t->is_signed && !m->val->is_signed) {
			m->val = t;
			ck->changed++;
		}
		check_set_type(ck, node, m->val);
		return;
	}
	u = check_store_type(ck, &m->lits, m->val, t,
			     rhs_ref ? *rhs_ref : NULL, &lossy);
	if (!u) {
		check_error(ck, stmt, "Type mismatch for %s: trying to assign value of type '%s' when map already has a type '%s'",
			    m->name, check_type_str(ck, t),
			    check_type_str(ck, m->val));
		return;
	}
	if (lossy)
		check_warn(ck, stmt, "Implicit conversion of %s value from '%s' to '%s' may change the value",
			   m->name, check_type_str(ck, t), check_type_str(ck, u));
	if (!type_equal(u, m->val)) {
		m->val = u;
		ck->changed++;
	}
	check_set_type(ck, node, m->val);
	if (rhs_ref)
		check_cast_to(ck, rhs_ref, t, m->val);
}

struct type *check_map_read(struct check *ck, struct val *node)
{
	struct check_map *m = check_map_get(ck, val_get_str(node, "name"));

	check_map_key(ck, node);
	if (!m->val && m->assigned && ck->unknown_maps_int)
		return type_int(ck->a, 8, true);
	if (!m->val) {
		if (ck->final && !m->assigned)
			check_error(ck, node, "Undefined map: %s", m->name);
		return NULL;
	}
	switch (m->val->kind) {
	case TY_COUNT:
		return type_int(ck->a, 8, false);
	case TY_SUM: case TY_MIN: case TY_MAX: case TY_AVG:
		return type_int(ck->a, 8, m->val->is_signed);
	default:
		return m->val;
	}
}

struct val *check_maps_to_val(struct check *ck)
{
	struct val *arr = val_arr(ck->a);
	int i;

	for (i = 0; i < ck->nmaps; i++) {
		struct check_map *m = &ck->maps[i];
		struct val *v;

		if (!m->val)
			continue;
		v = val_map(ck->a);
		val_set_str(ck->a, v, "name", m->name);
		val_set(ck->a, v, "key", m->key && m->used_keyed ?
			type_to_val(ck->a, m->key) : val_nil(ck->a));
		val_set(ck->a, v, "val", type_to_val(ck->a, m->val));
		if (m->decl) {
			struct val *d = val_map(ck->a);

			val_set_str(ck->a, d, "kind",
				    val_get_str(m->decl, "kind") ?
				    val_get_str(m->decl, "kind") : "hash");
			val_set_int(ck->a, d, "size",
				    val_get_int(m->decl, "size", ck->cfg.max_map_keys));
			val_set(ck->a, v, "decl", d);
		}
		val_push(ck->a, arr, v);
	}
	return arr;
}
