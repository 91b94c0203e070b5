/*
 * program.c - the driver of bt-check's passes over one program, and the
 * small node helpers the other files share.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bug.h"
#include "check.h"

/* the inference passes stop when nothing widens; this bounds the loop */
#define CHECK_MAX_PASSES 32

int check_error(struct check *ck, const struct val *node, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!ck->final)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return diag_error(diag_loc_of(node), "%s", buf);
}

void check_warn(struct check *ck, const struct val *node, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!ck->final)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_warn(diag_loc_of(node), "%s", buf);
}

void check_hint(struct check *ck, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!ck->final)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_hint("%s", buf);
}

struct val **check_ref(struct val *map, const char *key)
{
	size_t i;

	if (!map || map->kind != VAL_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->kv[i].key, key))
			return &map->kv[i].v;
	return NULL;
}

struct val *check_node(struct check *ck, const char *kind,
		       const struct val *loc_from)
{
	struct val *n = val_map(ck->a);
	struct val *loc = val_get(loc_from, "loc");

	val_set_str(ck->a, n, "k", kind);
	if (loc)
		val_set(ck->a, n, "loc", loc);
	return n;
}

/* one pass over every probe */
static void check_pass(struct check *ck, struct val *prog)
{
	struct val *probes = val_get(prog, "probes");
	size_t i;

	ck->next_slot = 0;
	ck->scope = NULL;
	/* scalar/keyed use is judged in program order within one pass */
	for (i = 0; i < (size_t)ck->nmaps; i++)
		ck->maps[i].used_scalar = ck->maps[i].used_keyed = false;
	for (i = 0; probes && probes->kind == VAL_ARR && i < probes->n; i++) {
		struct val *probe = probes->items[i];
		struct val *exp = val_get(probe, "expanded");
		struct val **pred = check_ref(probe, "pred");
		struct val *body = val_get(probe, "body");

		ck->probe = probe;
		ck->ap = val_at(exp, 0);
		ck->prov = provider_find(val_get_str(ck->ap, "provider"));
		ck->loop_depth = 0;
		check_scope_push(ck);
		if (pred && *pred) {
			struct type *t = check_expr(ck, pred);

			if (t && !check_is_intlike(t) && t->kind != TY_PTR)
				check_error(ck, *pred,
					    "Invalid type for predicate: %s",
					    check_type_str(ck, t));
		}
		if (body && ast_kind(body) == AST_BLOCK)
			check_block(ck, body, false);
		check_scope_pop(ck);
	}
}

/* maps that are assigned somewhere, yet have no value type */
static bool untyped_maps(const struct check *ck)
{
	int i;

	for (i = 0; i < ck->nmaps; i++)
		if (ck->maps[i].assigned && !ck->maps[i].val)
			return true;
	return false;
}

int check_program(struct check *ck, struct val *prog)
{
	struct val *decls = val_get(prog, "decls");
	int pass;
	size_t i;

	ck->prog = prog;
	ck->final = true;
	check_config(ck, prog);
	/* types the C definitions failed to define would only cause more
	   errors further on */
	if (check_cdefs(ck, prog) < 0)
		return -EINVAL;
	check_macros(ck, prog);
	if (check_attach(ck, prog) < 0 && !diag_errors())
		return -EINVAL;
	for (i = 0; decls && decls->kind == VAL_ARR && i < decls->n; i++) {
		const char *name = val_get_str(decls->items[i], "name");

		if (name)
			check_map_get(ck, name)->decl = decls->items[i];
	}
	for (pass = 0; pass < CHECK_MAX_PASSES; pass++) {
		ck->final = false;
		ck->changed = 0;
		check_pass(ck, prog);
		if (ck->changed || !pass)
			continue;
		/* `@b = @b + 2` alone: a map that only gets values computed
		 * from itself reads as the int64 0 it starts as, as upstream */
		if (ck->unknown_maps_int || !untyped_maps(ck))
			break;
		ck->unknown_maps_int = true;
	}
	ck->final = true;
	check_pass(ck, prog);
	for (i = 0; i < (size_t)ck->nmaps; i++) {
		struct check_map *m = &ck->maps[i];

		if (m->decl && !m->used_scalar && !m->used_keyed)
			check_warn(ck, m->decl, "Unused map: %s", m->name);
	}
	val_set(ck->a, prog, "maps", check_maps_to_val(ck));
	val_set(ck->a, prog, "config", ck->config);
	if (ck->helper_warnings)
		val_set(ck->a, prog, "helper_warnings", val_bool(ck->a, true));
	return diag_errors() ? -EINVAL : 0;
}
