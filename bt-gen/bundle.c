/*
 * bundle.c - the `bundle` stream's payload (WIRE.md "bundle"): the ELF
 * object and the tables bt-load and bt-fmt need to run and render it.
 */
#include "async.h"
#include "gen.h"

static struct val *type_or_nil(struct gen *g, const struct type *t)
{
	return t ? type_to_val(g->a, t) : val_nil(g->a);
}

struct val *bundle_make(struct gen *g, const void *obj, size_t len)
{
	struct val *b = val_map(g->a), *maps = val_arr(g->a), *m;
	const struct val *cfg = val_get(g->prog, "config");
	int i;

	val_set(g->a, b, "elf", val_bin(g->a, obj, len));
	val_set(g->a, b, "probes", g->probes);
	for (i = 0; i < g->nmaps; i++) {
		const struct gmap *gm = &g->maps[i];

		m = val_map(g->a);
		val_set_str(g->a, m, "name", gm->name);
		val_set_str(g->a, m, "elf", gm->elf);
		val_set(g->a, m, "key", type_or_nil(g, gm->key));
		val_set(g->a, m, "val", type_to_val(g->a, gm->val));
		val_set_str(g->a, m, "bpf", gm->bpf_name);
		val_set_int(g->a, m, "max_entries", gm->max_entries);
		val_push(g->a, maps, m);
	}
	val_set(g->a, b, "maps", maps);
	val_set(g->a, b, "printf", g->printfs);
	val_set(g->a, b, "print", g->prints);
	val_set(g->a, b, "time", g->times);
	val_set(g->a, b, "helper_errors", g->helper_errors);
	if (g->uses_trace_pipe)
		val_set(g->a, b, "trace_pipe", val_bool(g->a, true));
	if (g->funcs->n)
		val_set(g->a, b, "funcs", g->funcs);
	async_bundle(g, b);
	skboutput_bundle(g, b);
	val_set(g->a, b, "config", cfg && cfg->kind == VAL_MAP ?
		val_copy(g->a, cfg) : val_map(g->a));
	val_set_str(g->a, b, "ringbuf", g->ringbuf.elf);
	val_set_str(g->a, b, "globals", g->globals.elf);
	val_set_str(g->a, b, "lost", g->lost.elf);
	val_set_str(g->a, b, "scratch", g->scratch.elf);
	if (g->stacks.elf)
		val_set_str(g->a, b, "stacks", g->stacks.elf);
	if (g->dw_rows.elf) {
		struct val *dw = val_map(g->a);

		val_set_str(g->a, dw, "rows", g->dw_rows.elf);
		val_set_str(g->a, dw, "pids", g->dw_pids.elf);
		val_set_str(g->a, dw, "stacks", g->dw_stacks.elf);
		val_set(g->a, b, "dwunwind", dw);
	}
	return b;
}
