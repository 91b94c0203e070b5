/*
 * meta.c - the `meta` event, the first of every events stream: the
 * printf formats (parsed here, once), print() value types, time()
 * formats and the map descriptions, indexed by the ids later events use.
 *
 * Everything lives in the arena passed in (bt-fmt's meta arena, kept for
 * the whole run, separate from the per-event arena).
 */
#include <errno.h>
#include <string.h>

#include "fmt.h"

static int meta_error(const char *what)
{
	fprintf(stderr, "bt-fmt: bad meta event: %s\n", what);
	return -EBADMSG;
}

static size_t arr_len(const struct val *v)
{
	return v && v->kind == VAL_ARR ? v->n : 0;
}

static int load_printf(struct arena *a, const struct val *list,
		       struct fmt_meta *m)
{
	size_t i, j;

	m->nprintf = arr_len(list);
	m->printf = arena_alloc(a, (m->nprintf + 1) * sizeof(*m->printf));
	for (i = 0; i < m->nprintf; i++) {
		const struct val *e = list->items[i];
		const char *fmt = val_get_str(e, "fmt");
		const struct val *args = val_get(e, "args");
		struct printf_fmt *pf = &m->printf[i];

		const char *sev = val_get_str(e, "severity");
		const struct val *loc = val_get(e, "loc");
		const struct val *from;

		if (!fmt)
			return meta_error("printf entry without 'fmt'");
		printf_parse(a, fmt, pf);
		if (sev && !strcmp(sev, "error"))
			pf->severity = 2;
		else if (sev && !strcmp(sev, "warning"))
			pf->severity = 1;
		else if (sev)
			return meta_error("unknown printf severity");
		if (loc && loc->kind == VAL_ARR && loc->n == 2) {
			pf->loc_start = val_as_uint(loc->items[0]);
			pf->loc_end = val_as_uint(loc->items[1]);
		}
		from = val_get(e, "expanded_from");
		pf->nfrom = (int)arr_len(from);
		pf->from = arena_alloc(a, (pf->nfrom + 1) * sizeof(*pf->from));
		for (j = 0; j < (size_t)pf->nfrom; j++) {
			const struct val *l = from->items[j];

			if (l->kind != VAL_ARR || l->n != 2)
				return meta_error("printf 'expanded_from' entry "
						  "is not a location");
			pf->from[j].start = val_as_uint(l->items[0]);
			pf->from[j].end = val_as_uint(l->items[1]);
		}
		pf->nargs = (int)arr_len(args);
		pf->args = arena_alloc(a, (pf->nargs + 1) * sizeof(*pf->args));
		for (j = 0; j < (size_t)pf->nargs; j++) {
			pf->args[j] = type_from_val(a, args->items[j]);
			if (!pf->args[j])
				return meta_error("printf argument with a "
						  "bad type");
		}
	}
	return 0;
}

static int load_maps(struct arena *a, const struct val *list,
		     struct fmt_meta *m)
{
	size_t i;

	m->nmaps = arr_len(list);
	m->maps = arena_alloc(a, (m->nmaps + 1) * sizeof(*m->maps));
	for (i = 0; i < m->nmaps; i++) {
		const struct val *e = list->items[i];
		const struct val *key = val_get(e, "key");
		struct fmt_map *fm = &m->maps[i];

		fm->name = val_get_str(e, "name");
		if (!fm->name)
			return meta_error("map without a 'name'");
		fm->name = arena_strdup(a, fm->name);
		fm->key = NULL;
		if (key && key->kind != VAL_NIL) {
			fm->key = type_from_val(a, key);
			if (!fm->key)
				return meta_error("map key with a bad type");
		}
		fm->val = type_from_val(a, val_get(e, "val"));
		if (!fm->val)
			return meta_error("map value with a bad type");
	}
	return 0;
}

int meta_load(struct arena *a, const struct val *ev, struct fmt_meta *m)
{
	const struct val *list, *cfg;
	const char *trailer;
	size_t i;
	int err;

	memset(m, 0, sizeof(*m));
	if (!ev || ev->kind != VAL_MAP || strcmp(val_get_str(ev, "e") ?
						 val_get_str(ev, "e") : "",
						 "meta"))
		return meta_error("the first event must be 'meta'");
	err = load_printf(a, val_get(ev, "printf"), m);
	if (err)
		return err;
	list = val_get(ev, "print");
	m->nprint = arr_len(list);
	m->print = arena_alloc(a, (m->nprint + 1) * sizeof(*m->print));
	for (i = 0; i < m->nprint; i++) {
		m->print[i] = type_from_val(a, val_get(list->items[i], "type"));
		if (!m->print[i])
			return meta_error("print entry with a bad type");
	}
	list = val_get(ev, "time");
	m->ntime = arr_len(list);
	m->time = arena_alloc(a, (m->ntime + 1) * sizeof(*m->time));
	for (i = 0; i < m->ntime; i++) {
		if (list->items[i]->kind != VAL_STR)
			return meta_error("time format is not a string");
		m->time[i] = arena_strdup(a, list->items[i]->s);
	}
	err = load_maps(a, val_get(ev, "maps"), m);
	if (err)
		return err;
	cfg = val_get(ev, "config");
	list = val_get(cfg, "print_maps_on_exit");
	if (list && (list->kind == VAL_BOOL || val_is_int(list)))
		m->no_exit_maps = !val_as_int(list);
	trailer = val_get_str(cfg, "str_trunc_trailer");
	if (trailer)
		value_trunc_trailer = arena_strdup(a, trailer);
	return 0;
}
