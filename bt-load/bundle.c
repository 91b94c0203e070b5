/*
 * bundle.c - turn the bundle map (WIRE.md "bundle") into struct load:
 * probes with their locations, user maps with decoded key and value
 * types, printf argument tuples, print() types and the names of the
 * runtime maps.  Everything malformed is reported in one line and gives
 * -EBADMSG (bt-load exits 2: a bad input stream).
 */
#include <errno.h>
#include <string.h>

#include "load.h"

static int bad(const char *what)
{
	fprintf(stderr, "bt-load: malformed bundle: %s\n", what);
	return -EBADMSG;
}

static int read_probes(struct load *l, const struct val *probes)
{
	size_t i, j;

	if (!probes || probes->kind != VAL_ARR)
		return bad("'probes' is not an array");
	l->nprobes = probes->n;
	l->probes = arena_alloc(l->arena, sizeof(*l->probes) * (probes->n + 1));
	for (i = 0; i < probes->n; i++) {
		const struct val *pv = probes->items[i];
		struct load_probe *p = &l->probes[i];

		p->prog = val_get_str(pv, "prog");
		p->attach = val_get(pv, "attach");
		if (!p->prog || !p->attach || p->attach->kind != VAL_ARR)
			return bad("a probe lacks 'prog' or 'attach'");
		for (j = 0; j < p->attach->n; j++) {
			if (p->attach->items[j]->kind != VAL_MAP ||
			    !val_get_str(p->attach->items[j], "provider"))
				return bad("an attach point lacks 'provider'");
			p->nbegin += !strcmp(val_get_str(p->attach->items[j], "provider"), "begin");
			p->nend += !strcmp(val_get_str(p->attach->items[j], "provider"), "end");
			p->niter += !strcmp(val_get_str(p->attach->items[j], "provider"), "iter");
			p->nrun += !strcmp(val_get_str(p->attach->items[j], "provider"), "bench") ||
				   !strcmp(val_get_str(p->attach->items[j], "provider"), "test");
		}
		p->loc = diag_loc_of(pv);
		p->cookie = val_get(pv, "cookie") != NULL;
	}
	return 0;
}

static int read_maps(struct load *l, const struct val *maps)
{
	size_t i;

	if (!maps)
		return 0;
	if (maps->kind != VAL_ARR)
		return bad("'maps' is not an array");
	l->nmaps = maps->n;
	l->maps = arena_alloc(l->arena, sizeof(*l->maps) * (maps->n + 1));
	for (i = 0; i < maps->n; i++) {
		const struct val *mv = maps->items[i];
		struct load_map *m = &l->maps[i];
		const struct val *key = val_get(mv, "key");

		m->id = i;
		m->fd = -1;
		m->name = val_get_str(mv, "name");
		m->elf = val_get_str(mv, "elf");
		if (!m->name || !m->elf)
			return bad("a map lacks 'name' or 'elf'");
		if (key && key->kind != VAL_NIL) {
			m->key = type_from_val(l->arena, key);
			if (!m->key)
				return bad("a map key type is not a type");
		}
		m->val = type_from_val(l->arena, val_get(mv, "val"));
		if (!m->val)
			return bad("a map value type is not a type");
	}
	return 0;
}

static int read_printf(struct load *l, const struct val *list)
{
	size_t i, j;

	if (!list)
		return 0;
	if (list->kind != VAL_ARR)
		return bad("'printf' is not an array");
	l->nprintf = list->n;
	l->printf_args = arena_alloc(l->arena, sizeof(struct type *) * (list->n + 1));
	for (i = 0; i < list->n; i++) {
		const struct val *args = val_get(list->items[i], "args");
		struct type **elems;
		size_t n = args && args->kind == VAL_ARR ? args->n : 0;

		if (args && args->kind != VAL_ARR)
			return bad("printf 'args' is not an array");
		elems = arena_alloc(l->arena, sizeof(*elems) * (n + 1));
		for (j = 0; j < n; j++) {
			elems[j] = type_from_val(l->arena, args->items[j]);
			if (!elems[j])
				return bad("a printf argument type is not a type");
		}
		l->printf_args[i] = type_tuple(l->arena, elems, n);
	}
	return 0;
}

static int read_print(struct load *l, const struct val *list)
{
	size_t i;

	if (!list)
		return 0;
	if (list->kind != VAL_ARR)
		return bad("'print' is not an array");
	l->nprint = list->n;
	l->print_types = arena_alloc(l->arena, sizeof(struct type *) * (list->n + 1));
	for (i = 0; i < list->n; i++) {
		l->print_types[i] = type_from_val(l->arena,
						  val_get(list->items[i], "type"));
		if (!l->print_types[i])
			return bad("a print type is not a type");
	}
	return 0;
}

/* the settings bt-load acts on; bt-check has validated them */
static int read_config(struct load *l, const struct val *config)
{
	const struct val *pm = val_get(config, "print_maps_on_exit");
	const char *mp = val_get_str(config, "missing_probes");

	l->print_maps_on_exit = !pm || (pm->kind == VAL_BOOL ? pm->b : val_as_int(pm) != 0);
	symbolize_set_debug_info(val_get_bool(config, "show_debug_info", true));
	l->missing_probes = MISSING_ERROR;
	if (mp && !strcmp(mp, "warn"))
		l->missing_probes = MISSING_WARN;
	else if (mp && !strcmp(mp, "ignore"))
		l->missing_probes = MISSING_IGNORE;
	else if (mp && strcmp(mp, "error"))
		return bad("config 'missing_probes' is not error, warn or ignore");
	return 0;
}

int bundle_read(struct load *l, const struct val *hdr, const struct val *bundle)
{
	const struct val *elf, *time, *funcs;
	size_t i;
	int err;

	if (!bundle || bundle->kind != VAL_MAP)
		return bad("the payload is not a map");
	l->hdr = hdr;
	l->bundle = bundle;
	elf = val_get(bundle, "elf");
	if (!elf || elf->kind != VAL_BIN || !elf->n)
		return bad("'elf' is missing or not binary");
	if ((err = read_probes(l, val_get(bundle, "probes"))) ||
	    (err = read_maps(l, val_get(bundle, "maps"))) ||
	    (err = read_printf(l, val_get(bundle, "printf"))) ||
	    (err = read_print(l, val_get(bundle, "print"))))
		return err;
	time = val_get(bundle, "time");
	if (time && time->kind != VAL_ARR)
		return bad("'time' is not an array");
	l->ntime = time ? time->n : 0;
	funcs = val_get(bundle, "funcs");
	for (i = 0; funcs && funcs->kind == VAL_ARR && i < funcs->n; i++)
		if (funcs->items[i]->kind != VAL_STR &&
		    funcs->items[i]->kind != VAL_NIL)
			break;
	if (funcs && (funcs->kind != VAL_ARR || i < funcs->n))
		return bad("'funcs' is not an array of names");
	symbolize_set_funcs(funcs);
	l->helper_errors = val_get(bundle, "helper_errors");
	if (l->helper_errors && l->helper_errors->kind != VAL_ARR)
		return bad("'helper_errors' is not an array");
	l->ringbuf_name = val_get_str(bundle, "ringbuf");
	l->globals_name = val_get_str(bundle, "globals");
	l->lost_name = val_get_str(bundle, "lost");
	if ((err = read_config(l, val_get(bundle, "config"))) ||
	    (err = actions_read(l, bundle)) ||
	    (err = skboutput_read(l, bundle)))
		return err;
	if (!l->ringbuf_name)
		l->ringbuf_name = "bt_ringbuf";
	if (!l->globals_name)
		l->globals_name = "bt_globals";
	if (!l->lost_name)
		l->lost_name = "bt_lost";
	return 0;
}

/* what bpftrace reports as "Attaching N probes": every attach point */
int bundle_count_attach(const struct load *l)
{
	int i, n = 0;

	/* bench: and test: count only when their mode runs them */
	for (i = 0; i < l->nprobes; i++)
		n += l->probes[i].attach->n -
		     (l->mode == MODE_RUN ? l->probes[i].nrun : 0);
	return n;
}
