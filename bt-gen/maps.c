/*
 * maps.c - the maps of a program: their kernel layout (WIRE.md "Maps in
 * the kernel"), their ".maps" globals, and the code that reads, writes,
 * deletes and aggregates into them.
 *
 * Keys are built in zeroed memory, so padding inside tuple keys and the
 * bytes after a string's NUL never make two equal keys differ.  A missing
 * key reads as zero.  Aggregations use per-CPU hashes, so the read-modify-
 * write of the current CPU's value needs no atomics; an element created by
 * one CPU has the other CPUs' values zeroed by the kernel.  Reading an
 * aggregation in a probe combines every CPU's value (percpu_combine).
 */
#include <errno.h>
#include <string.h>

#include <linux/bpf.h>

#include "bug.h"
#include "diag.h"
#include "async.h"
#include "gen.h"

static LLVMValueRef map_global(struct gen *g, struct gmap *m)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef fields[4] = { ptr, ptr, ptr, ptr };
	unsigned n = 2 + !!m->kkey + !!m->kval;
	LLVMTypeRef st = LLVMStructTypeInContext(g->ctx, fields, n, 0);
	LLVMValueRef gl = LLVMAddGlobal(g->mod, st, m->elf);

	LLVMSetInitializer(gl, LLVMConstNull(st));
	LLVMSetSection(gl, ".maps");
	LLVMSetAlignment(gl, 8);
	return gl;
}

static const char *elf_name(struct gen *g, const char *name)
{
	char *s = arena_printf(g->a, "AT_%s", name[0] == '@' ? name + 1 : name);
	char *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	return s;
}

static struct type *pair_type(struct gen *g, struct type *a, struct type *b)
{
	struct type *el[2] = { a, b };

	return type_tuple(g->a, el, 2);
}

/* fill kernel layout and map type of a user map */
static int map_layout(struct gen *g, struct gmap *m, const struct val *mv)
{
	const struct val *decl = val_get(mv, "decl");
	const char *kind = val_get_str(decl, "kind");
	struct type *u64 = type_int(g->a, 8, false);
	struct type *i64 = type_int(g->a, 8, true);
	bool lru = kind && strstr(kind, "lru");

	m->kkey = m->key ? m->key : u64;
	m->max_entries = val_get_int(decl, "size", g->max_map_keys);
	if (m->max_entries <= 0)
		m->max_entries = g->max_map_keys;
	if (kind && strcmp(kind, "hash") && strcmp(kind, "lruhash") &&
	    !(type_is_aggregation(m->val) && (!strcmp(kind, "percpuhash") ||
					      !strcmp(kind, "percpulruhash"))))
		return diag_error_at(mv, "map kind '%s' of '%s' is not "
				     "supported yet", kind, m->name);
	switch (m->val->kind) {
	case TY_COUNT:
		m->kval = u64;
		break;
	case TY_SUM:
		m->kval = m->val->is_signed ? i64 : u64;
		break;
	case TY_MIN: case TY_MAX: case TY_AVG: case TY_STATS:
		m->kval = pair_type(g, i64, u64);
		break;
	case TY_HIST: case TY_LHIST:
		m->kkey = pair_type(g, m->key ? m->key : u64, u64);
		m->kval = u64;
		break;
	case TY_TSERIES:
		async_tseries_layout(g, m);
		break;
	default:
		m->kval = m->val;
		m->bpf_type = lru ? GEN_MAP_LRU_HASH : GEN_MAP_HASH;
		m->bpf_name = lru ? "lru_hash" : "hash";
		return 0;
	}
	m->bpf_type = lru ? GEN_MAP_LRU_PERCPU_HASH : GEN_MAP_PERCPU_HASH;
	m->bpf_name = lru ? "lru_percpu_hash" : "percpu_hash";
	return 0;
}

static void own_map(struct gen *g, struct gmap *m, const char *elf,
		    int type, int64_t max, struct type *key, struct type *val)
{
	m->elf = elf;
	m->bpf_type = type;
	m->max_entries = max;
	m->kkey = key;
	m->kval = val;
	m->global = map_global(g, m);
}

void maps_own(struct gen *g, struct gmap *m, const char *elf, int type,
	      int64_t max, struct type *key, struct type *val)
{
	own_map(g, m, elf, type, max, key, val);
	btf_debug_map(g, m);
}

bool maps_uses_name(const struct val *v, const char *a, const char *b)
{
	const char *n;
	size_t i;

	if (!v)
		return false;
	if (v->kind == VAL_ARR) {
		for (i = 0; i < v->n; i++)
			if (maps_uses_name(v->items[i], a, b))
				return true;
		return false;
	}
	if (v->kind != VAL_MAP)
		return false;
	n = val_get_str(v, "name");
	if ((ast_kind(v) == AST_IDENT || ast_kind(v) == AST_CALL) && n &&
	    (!strcmp(n, a) || (b && !strcmp(n, b))))
		return true;
	for (i = 0; i < v->n; i++)
		if (maps_uses_name(v->kv[i].v, a, b))
			return true;
	return false;
}

int maps_declare(struct gen *g)
{
	struct val *maps = val_get(g->prog, "maps");
	struct type *u32 = type_int(g->a, 4, false);
	struct type *u64 = type_int(g->a, 8, false);
	size_t i;
	int err = 0;

	g->max_map_keys = val_get_int(g->config, "max_map_keys", 4096);
	if (maps && maps->kind != VAL_ARR)
		maps = NULL;
	g->nmaps = maps ? (int)maps->n : 0;
	g->maps = arena_alloc(g->a, sizeof(*g->maps) * (size_t)(g->nmaps + 1));
	for (i = 0; maps && i < maps->n; i++) {
		const struct val *mv = maps->items[i];
		struct gmap *m = &g->maps[i];
		struct val *k = val_get(mv, "key");

		m->name = val_get_str(mv, "name");
		m->val = gen_type_from(g, val_get(mv, "val"), mv);
		m->key = k && k->kind == VAL_MAP ? gen_type_from(g, k, mv) : NULL;
		if (!m->name || !m->val || (k && k->kind == VAL_MAP && !m->key)) {
			err = diag_error_at(mv, "malformed map entry in "
					    "typed-ast");
			continue;
		}
		m->elf = elf_name(g, m->name);
		if (map_layout(g, m, mv)) {
			err = -EINVAL;
			continue;
		}
		if (type_size(m->kkey) <= 0 || type_size(m->kval) <= 0) {
			err = diag_error_at(mv, "map '%s' has an empty key or "
					    "value type", m->name);
			continue;
		}
		m->global = map_global(g, m);
		btf_debug_map(g, m);
	}
	own_map(g, &g->ringbuf, "bt_ringbuf", GEN_MAP_RINGBUF,
		GEN_RINGBUF_SIZE, NULL, NULL);
	btf_debug_map(g, &g->ringbuf);
	own_map(g, &g->lost, "bt_lost", GEN_MAP_PERCPU_ARRAY, 1, u32, u64);
	btf_debug_map(g, &g->lost);
	{
		/* struct { u64 start_ns; u64 cpid; u64 exit; u64 stop; u64 tai_off; }
		 * (async.h) */
		struct type *gl = type_new(g->a, TY_ARRAY);

		gl->elem = u64;
		gl->count = GLOBALS_SIZE / 8;
		own_map(g, &g->globals, "bt_globals", GEN_MAP_ARRAY, 1, u32,
			gl);
	}
	btf_debug_map(g, &g->globals);
	if (maps_uses_name(val_get(g->prog, "probes"), "kstack", "ustack")) {
		struct type *frames = type_new(g->a, TY_ARRAY);

		frames->elem = u64;
		frames->count = GEN_STACK_DEPTH;
		maps_own(g, &g->stacks, "bt_stacks", GEN_MAP_STACK_TRACE,
			 g->max_map_keys, u32, frames);
	}
	if (maps_uses_name(val_get(g->prog, "probes"), "skboutput", NULL)) {
		/* skboutput's perf buffer: max_entries 0 lets libbpf size it
		 * to the possible CPUs (bpf_skb_output writes the current
		 * CPU's ring) */
		maps_own(g, &g->skb, "bt_skb", GEN_MAP_PERF_EVENT_ARRAY, 0,
			 u32, u32);
	}
	dwunwind_declare_maps(g);
	/* the value type is set when every program is generated */
	/* one entry per possible CPU, indexed by the CPU the program runs on
	 * (bt-load sizes it): a per-CPU array would cap a value at 32 KiB */
	own_map(g, &g->scratch, "bt_scratch", GEN_MAP_ARRAY, 1, u32, u64);
	return err;
}

struct gmap *maps_find(struct gen *g, const char *name)
{
	int i;

	for (i = 0; name && i < g->nmaps; i++)
		if (!strcmp(g->maps[i].name, name))
			return &g->maps[i];
	return NULL;
}

int maps_index(struct gen *g, const struct gmap *m)
{
	return (int)(m - g->maps);
}

LLVMValueRef maps_lookup(struct gen *g, struct gmap *m, LLVMValueRef key)
{
	LLVMValueRef args[2] = { m->global, key };

	return gen_helper(g, BPF_FUNC_map_lookup_elem,
			  LLVMPointerTypeInContext(g->ctx, 0), args, 2);
}

/*
 * A HELPER_ERROR record ({i64 retcode}) when ret, helper's result, is
 * negative; its id indexes the bundle's "helper_errors" table: the helper
 * and the script location of at.
 */
/* the record itself, here: helper's row in the table, ret (i64) */
static void helper_error_record(struct gen *g, int helper,
				const struct val *at, LLVMValueRef ret)
{
	LLVMValueRef rec, st;
	struct val *row;
	int64_t id;

	id = (int64_t)g->helper_errors->n;
	row = val_map(g->a);
	val_set_int(g->a, row, "helper", helper);
	if (val_get(at, "loc"))
		val_set(g->a, row, "loc", val_copy(g->a, val_get(at, "loc")));
	val_push(g->a, g->helper_errors, row);
	rec = builtin_record_begin(g, REC_HELPER_ERROR, id, 8);
	st = LLVMBuildStore(g->b, ret, gen_ptr_add(g, rec, 8));
	LLVMSetAlignment(st, 8);
	builtin_record_end(g, rec);
}

void maps_helper_error(struct gen *g, int helper, const struct val *at,
		       LLVMValueRef ret)
{
	LLVMBasicBlockRef fail = gen_block(g, "helper_failed");
	LLVMBasicBlockRef done = gen_block(g, "helper_done");
	LLVMValueRef failed;

	ret = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, ret,
			    LLVMInt32TypeInContext(g->ctx), ""),
			    LLVMInt64TypeInContext(g->ctx), "");
	failed = LLVMBuildICmp(g->b, LLVMIntSLT, ret, gen_i64(g, 0), "");
	LLVMBuildCondBr(g->b, failed, fail, done);
	LLVMPositionBuilderAtEnd(g->b, fail);
	helper_error_record(g, helper, at, ret);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* a failed update (a full hash: -E2BIG) is reported as upstream does */
void maps_update(struct gen *g, struct gmap *m, LLVMValueRef key,
		 LLVMValueRef val, uint64_t flags)
{
	LLVMValueRef args[4] = { m->global, key, val, gen_i64(g, flags) };
	LLVMValueRef ret;

	ret = gen_helper(g, BPF_FUNC_map_update_elem,
			 LLVMInt64TypeInContext(g->ctx), args, 4);
	if (g->update_at)
		maps_helper_error(g, BPF_FUNC_map_update_elem, g->update_at,
				  ret);
}

static struct gmap *map_of(struct gen *g, const struct val *mapnode)
{
	struct gmap *m = maps_find(g, val_get_str(mapnode, "name"));

	if (!m)
		diag_error_at(mapnode, "map '%s' is missing from the program's "
			      "map table (pipe through bt-check)",
			      val_get_str(mapnode, "name") ?
			      val_get_str(mapnode, "name") : "?");
	return m;
}

LLVMValueRef maps_key(struct gen *g, struct gmap *m,
		      const struct val *mapnode)
{
	struct val *keys = val_get(mapnode, "keys");
	int64_t size = type_size(m->kkey);
	LLVMValueRef p = gen_tmp(g, size);
	size_t n = keys && keys->kind == VAL_ARR ? keys->n : 0, i;
	struct type *ut = m->key;

	gen_memzero(g, g->b, p, size, 8);
	if (!n || !ut)
		return p;
	if (n == 1) {
		struct gv v = expr_convert(g, expr_gen(g, keys->items[0]), ut);

		gen_store(g, p, v, ut);
		return p;
	}
	if ((ut->kind != TY_TUPLE && ut->kind != TY_RECORD) ||
	    ut->nfields != (int)n) {
		diag_error_at(mapnode, "map key does not match the key type "
			      "'%s'", type_str(g->a, ut));
		return p;
	}
	for (i = 0; i < n; i++) {
		struct type *ft = ut->fields[i].type;
		struct gv v = expr_convert(g, expr_gen(g, keys->items[i]), ft);

		gen_store(g, gen_ptr_add(g, p, ut->fields[i].offset), v, ft);
	}
	return p;
}

/* if (p) then-block else else-block; builder ends in the merge block */
struct branch {
	LLVMBasicBlockRef found, missing, merge;
};

static struct branch branch_on_ptr(struct gen *g, LLVMValueRef p)
{
	struct branch br;

	br.found = gen_block(g, "found");
	br.missing = gen_block(g, "missing");
	br.merge = gen_block(g, "merge");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), br.missing,
			br.found);
	LLVMPositionBuilderAtEnd(g->b, br.found);
	return br;
}

static LLVMValueRef load_at(struct gen *g, LLVMValueRef p, int64_t off,
			    int64_t size)
{
	LLVMValueRef ld = LLVMBuildLoad2(g->b, gen_int_type(g, size),
					 gen_ptr_add(g, p, off), "");

	LLVMSetAlignment(ld, (unsigned)size);
	return ld;
}

static void store_at(struct gen *g, LLVMValueRef p, int64_t off,
		     LLVMValueRef v)
{
	LLVMValueRef st = LLVMBuildStore(g->b, v, gen_ptr_add(g, p, off));

	LLVMSetAlignment(st, LLVMGetIntTypeWidth(LLVMTypeOf(v)) / 8);
}

/*
 * The number of possible CPUs: bt_ncpus, a u32 alone in section
 * ".rodata.bt_ncpus" that bt-load sets before loading (WIRE.md).  libbpf
 * freezes .rodata maps, so the verifier knows the value and a loop up to
 * it is bounded.  The load is volatile: LLVM must not fold the
 * placeholder initializer.
 */
static LLVMValueRef ncpus(struct gen *g)
{
	LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
	LLVMValueRef gl = LLVMGetNamedGlobal(g->mod, "bt_ncpus"), ld;

	if (!gl) {
		gl = LLVMAddGlobal(g->mod, i32, "bt_ncpus");
		LLVMSetInitializer(gl, LLVMConstInt(i32, 1, 0));
		LLVMSetSection(gl, ".rodata.bt_ncpus");
		LLVMSetAlignment(gl, 4);
	}
	ld = LLVMBuildLoad2(g->b, i32, gl, "");
	LLVMSetVolatile(ld, 1);
	LLVMSetAlignment(ld, 4);
	ld = LLVMBuildZExt(g->b, ld, LLVMInt64TypeInContext(g->ctx), "");
	/* never more than the kernel's NR_CPUS limit, whatever the value */
	return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntUGT, ld,
			       gen_i64(g, GEN_MAX_CPUS), ""),
			       gen_i64(g, GEN_MAX_CPUS), ld, "");
}

/*
 * An aggregation's value over all CPUs, as upstream combines it: count
 * and sum add up; min and max take the best value of the CPUs whose
 * "set" flag is on; avg adds totals and counts (acc[0], acc[1]).  One
 * bpf_map_lookup_percpu_elem per possible CPU; a CPU without the element
 * adds nothing.  acc is 16 bytes; acc[1] ends 0 when no CPU had a value
 * for min/max.
 */
static void percpu_combine(struct gen *g, struct gmap *m, LLVMValueRef key,
			   LLVMValueRef acc)
{
	LLVMBuilderRef b = g->b;
	LLVMValueRef n = ncpus(g), i, inext, q, args[3];
	LLVMValueRef x, s0, s1, better, take, zero = gen_i64(g, 0);
	LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
	LLVMBasicBlockRef head = gen_block(g, "cpu_head");
	LLVMBasicBlockRef body = gen_block(g, "cpu_body");
	LLVMBasicBlockRef have = gen_block(g, "cpu_have");
	LLVMBasicBlockRef next = gen_block(g, "cpu_next");
	LLVMBasicBlockRef done = gen_block(g, "cpu_done");
	bool is_min = m->val->kind == TY_MIN;

	store_at(g, acc, 0, gen_i64(g, 0));
	store_at(g, acc, 8, gen_i64(g, 0));
	LLVMBuildBr(b, head);
	/* the counter stays in a register, where the verifier tracks it */
	LLVMPositionBuilderAtEnd(b, head);
	i = LLVMBuildPhi(b, LLVMInt64TypeInContext(g->ctx), "cpu");
	LLVMAddIncoming(i, &zero, &from, 1);
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, i, n, ""), body, done);
	LLVMPositionBuilderAtEnd(b, body);
	args[0] = m->global;
	args[1] = key;
	args[2] = LLVMBuildTrunc(b, i, LLVMInt32TypeInContext(g->ctx), "");
	q = gen_helper(g, BPF_FUNC_map_lookup_percpu_elem,
		       LLVMPointerTypeInContext(g->ctx, 0), args, 3);
	LLVMBuildCondBr(b, LLVMBuildIsNull(b, q, ""), next, have);
	LLVMPositionBuilderAtEnd(b, have);
	x = load_at(g, q, 0, 8);
	s0 = load_at(g, acc, 0, 8);
	switch (m->val->kind) {
	case TY_MIN: case TY_MAX:
		s1 = load_at(g, acc, 8, 8);
		better = LLVMBuildICmp(b, m->val->is_signed ?
				       (is_min ? LLVMIntSLT : LLVMIntSGT) :
				       (is_min ? LLVMIntULT : LLVMIntUGT),
				       x, s0, "");
		take = LLVMBuildOr(b, LLVMBuildICmp(b, LLVMIntEQ, s1,
				   gen_i64(g, 0), ""), better, "");
		take = LLVMBuildAnd(b, take, LLVMBuildICmp(b, LLVMIntNE,
				    load_at(g, q, 8, 8), gen_i64(g, 0), ""), "");
		store_at(g, acc, 0, LLVMBuildSelect(b, take, x, s0, ""));
		store_at(g, acc, 8, LLVMBuildSelect(b, take, gen_i64(g, 1),
						    s1, ""));
		break;
	case TY_AVG: case TY_STATS:
		store_at(g, acc, 0, LLVMBuildAdd(b, s0, x, ""));
		store_at(g, acc, 8, LLVMBuildAdd(b, load_at(g, acc, 8, 8),
						 load_at(g, q, 8, 8), ""));
		break;
	default:
		store_at(g, acc, 0, LLVMBuildAdd(b, s0, x, ""));
		break;
	}
	LLVMBuildBr(b, next);
	LLVMPositionBuilderAtEnd(b, next);
	inext = LLVMBuildAdd(b, i, gen_i64(g, 1), "");
	LLVMAddIncoming(i, &inext, &next, 1);
	LLVMBuildBr(b, head);
	LLVMPositionBuilderAtEnd(b, done);
}

/*
 * The value of aggregation m's element at key over all CPUs, as an int64
 * of type *t (uint64 for count and unsigned sums, int64 otherwise): count
 * and sum add up, min and max are the best set value (0 when none), avg
 * is the total over the count.
 */
struct gv maps_percpu_value(struct gen *g, struct gmap *m, LLVMValueRef key)
{
	struct type *i64 = type_int(g->a, 8, true);
	struct type *u64 = type_int(g->a, 8, false);
	LLVMValueRef acc = gen_tmp(g, 16), cnt;
	struct gv v;

	percpu_combine(g, m, key, acc);
	v.t = m->val->kind == TY_COUNT || !m->val->is_signed ? u64 : i64;
	v.align = 0;
	if (m->val->kind != TY_AVG) {
		v.v = load_at(g, acc, 0, 8);
		return v;
	}
	cnt = load_at(g, acc, 8, 8);
	/* no count on any CPU (an element deleted meanwhile) */
	cnt = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, cnt,
			      gen_i64(g, 0), ""), gen_i64(g, 1), cnt, "");
	v.v = expr_arith(g, "/", load_at(g, acc, 0, 8), cnt, v.t);
	return v;
}

/* -k: reading a key that is not there warns, as upstream (retcode 0) */
static void lookup_missed(struct gen *g, const struct val *mapnode)
{
	if (g->helper_warnings)
		helper_error_record(g, BPF_FUNC_map_lookup_elem, mapnode,
				    gen_i64(g, 0));
}

struct gv maps_read(struct gen *g, const struct val *mapnode)
{
	struct gmap *m = map_of(g, mapnode);
	struct type *t = gen_type_of(g, mapnode);
	LLVMValueRef key, p, phi, vals[2], found_v;
	LLVMBasicBlockRef blocks[2];
	struct branch br;
	struct gv v, out;

	if (!m)
		return expr_dummy(g, t);
	switch (m->val->kind) {
	case TY_HIST: case TY_LHIST: case TY_TSERIES:
		/* bt-check lets no such read through */
		diag_error_at(mapnode, "the value of a %s() map cannot be read",
			      type_kind_name(m->val->kind));
		return expr_dummy(g, t);
	case TY_STATS:
		/* print(@s[k]): every CPU's total and count, as stored */
		key = maps_key(g, m, mapnode);
		out.t = m->val;
		out.align = 8;
		out.v = gen_tmp(g, 16);
		percpu_combine(g, m, key, out.v);
		return out;
	default:
		break;
	}
	key = maps_key(g, m, mapnode);
	p = maps_lookup(g, m, key);
	if (!gen_is_scalar(t) && !gen_is_scalar(m->kval)) {
		/* aggregate value: copy it out, or zero */
		out.t = t;
		out.v = gen_tmp(g, type_size(t));
		br = branch_on_ptr(g, p);
		/* map values are 8-aligned */
		gen_store_aligned(g, out.v, 8, (struct gv){ p, m->kval, 8 }, t);
		LLVMBuildBr(g->b, br.merge);
		LLVMPositionBuilderAtEnd(g->b, br.missing);
		lookup_missed(g, mapnode);
		gen_memzero(g, g->b, out.v, type_size(t), 8);
		LLVMBuildBr(g->b, br.merge);
		LLVMPositionBuilderAtEnd(g->b, br.merge);
		return out;
	}
	br = branch_on_ptr(g, p);
	if (type_is_aggregation(m->val))
		/* p is this CPU's slot only: combine all of them */
		v = maps_percpu_value(g, m, key);
	else
		v = gen_load(g, p, m->kval);
	v = expr_convert(g, v, t);
	found_v = v.v;
	blocks[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.missing);
	lookup_missed(g, mapnode);
	blocks[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.merge);
	phi = LLVMBuildPhi(g->b, LLVMTypeOf(found_v), "");
	vals[0] = found_v;
	vals[1] = LLVMConstNull(LLVMTypeOf(found_v));
	LLVMAddIncoming(phi, vals, blocks, 2);
	return (struct gv){ phi, t };
}

int maps_write(struct gen *g, const struct val *mapnode, struct gv v)
{
	struct gmap *m = map_of(g, mapnode);
	LLVMValueRef key, buf;

	if (!m)
		return -EINVAL;
	if (type_is_aggregation(m->val))
		return diag_error_at(mapnode, "assigning to the %s() map '%s' "
				     "is not supported", type_kind_name(
				     m->val->kind), m->name);
	key = maps_key(g, m, mapnode);
	buf = gen_tmp(g, type_size(m->kval));
	if (!gen_is_scalar(m->kval))
		gen_memzero(g, g->b, buf, type_size(m->kval), 8);
	gen_store(g, buf, expr_convert(g, v, m->kval), m->kval);
	maps_update(g, m, key, buf, BPF_ANY);
	return 0;
}

/* one bucket of a bucketed map's key: ctx = { key, &deleted } */
static void delete_bucket(struct gen *g, LLVMValueRef i, LLVMValueRef ctx,
			  void *arg)
{
	struct gmap *m = arg;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMValueRef key, done, args[2], r, gone;

	key = LLVMBuildLoad2(g->b, ptr, ctx, "key");
	LLVMSetAlignment(key, 8);
	done = LLVMBuildLoad2(g->b, ptr, gen_ptr_add(g, ctx, 8), "deleted");
	LLVMSetAlignment(done, 8);
	store_at(g, key, m->kkey->fields[1].offset, i);
	args[0] = m->global;
	args[1] = key;
	r = gen_helper(g, BPF_FUNC_map_delete_elem,
		       LLVMInt64TypeInContext(g->ctx), args, 2);
	gone = LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, r,
			     gen_i64(g, 0), ""), LLVMInt64TypeInContext(g->ctx),
			     "");
	store_at(g, done, 0, LLVMBuildOr(g->b, load_at(g, done, 0, 8), gone,
					 ""));
	LLVMBuildRet(g->b, gen_i64(g, 0));
}

/*
 * hist, lhist and tseries maps keep one kernel entry per bucket of a key
 * ({KEY; u64 bucket}): deleting the key deletes every bucket, in a
 * bpf_loop; true when any was there
 */
static LLVMValueRef delete_buckets(struct gen *g, struct gmap *m,
				   const struct val *mapnode)
{
	int64_t n;
	LLVMValueRef key, ctx, done;

	if (m->val->kind == TY_HIST)
		n = ((65 - m->val->k) << m->val->k) + 1;   /* hist_index() */
	else if (m->val->kind == TY_LHIST)
		n = m->val->step > 0 ? (m->val->max - m->val->min) /
					m->val->step + 2 : 2;
	else
		n = m->val->count > 0 ? m->val->count : 1;
	key = gen_tmp_in_scratch(g, type_size(m->kkey));
	gen_memcpy(g, key, maps_key(g, m, mapnode), type_size(m->kkey), 8);
	done = gen_tmp_in_scratch(g, 8);
	store_at(g, done, 0, gen_i64(g, 0));
	ctx = LLVMBuildAlloca(g->ab, LLVMArrayType2(
		LLVMInt64TypeInContext(g->ctx), 2), "delete_ctx");
	LLVMSetAlignment(ctx, 8);
	LLVMSetAlignment(LLVMBuildStore(g->b, key, ctx), 8);
	LLVMSetAlignment(LLVMBuildStore(g->b, done, gen_ptr_add(g, ctx, 8)), 8);
	callbacks_loop(g, mapnode, gen_i64(g, (uint64_t)n), ctx,
		       delete_bucket, m);
	return LLVMBuildICmp(g->b, LLVMIntNE, load_at(g, done, 0, 8),
			     gen_i64(g, 0), "");
}

LLVMValueRef maps_delete(struct gen *g, const struct val *mapnode)
{
	struct gmap *m = map_of(g, mapnode);
	LLVMValueRef args[2], r;

	if (!m)
		return LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 0, 0);
	if ((m->val->kind == TY_HIST || m->val->kind == TY_LHIST ||
	     m->val->kind == TY_TSERIES) && m->kkey->nfields > 1)
		return delete_buckets(g, m, mapnode);
	args[0] = m->global;
	args[1] = maps_key(g, m, mapnode);
	r = gen_helper(g, BPF_FUNC_map_delete_elem,
		       LLVMInt64TypeInContext(g->ctx), args, 2);
	return LLVMBuildICmp(g->b, LLVMIntEQ, r, gen_i64(g, 0), "");
}

/* x as i64, extended by its signedness */
static LLVMValueRef as_i64(struct gen *g, struct gv x)
{
	struct type *t = x.t->is_signed ? type_int(g->a, 8, true) :
					  type_int(g->a, 8, false);

	return expr_convert(g, x, t).v;
}

/*
 * hist index, as upstream bpftrace's log2 with 2^k sub-buckets:
 * 0 for n < 0; n + 1 for n < 2^k; else with l the index of the top bit,
 * ((l - k + 1) << k) + ((n >> (l - k)) & (2^k - 1)) + 1.
 */
static LLVMValueRef hist_index(struct gen *g, LLVMValueRef n, int64_t k)
{
	LLVMBuilderRef b = g->b;
	uint64_t mask = (1ull << k) - 1;
	LLVMValueRef x = n, l = gen_i64(g, 0), shift, ge, r, small, neg;
	int i;

	for (i = 5; i >= 0; i--) {
		ge = LLVMBuildICmp(b, LLVMIntUGE, x,
				   gen_i64(g, 1ull << (1u << i)), "");
		shift = LLVMBuildShl(b, LLVMBuildZExt(b, ge,
				     LLVMInt64TypeInContext(g->ctx), ""),
				     gen_i64(g, (uint64_t)i), "");
		x = LLVMBuildLShr(b, x, shift, "");
		l = LLVMBuildAdd(b, l, shift, "");
	}
	l = LLVMBuildSub(b, l, gen_i64(g, (uint64_t)k), "");
	r = LLVMBuildAnd(b, LLVMBuildLShr(b, n, l, ""), gen_i64(g, mask), "");
	r = LLVMBuildAdd(b, LLVMBuildShl(b, LLVMBuildAdd(b, l, gen_i64(g, 1),
			 ""), gen_i64(g, (uint64_t)k), ""), r, "");
	r = LLVMBuildAdd(b, r, gen_i64(g, 1), "");
	small = LLVMBuildICmp(b, LLVMIntULE, n, gen_i64(g, mask), "");
	r = LLVMBuildSelect(b, small, LLVMBuildAdd(b, n, gen_i64(g, 1), ""),
			    r, "");
	neg = LLVMBuildICmp(b, LLVMIntSLT, n, gen_i64(g, 0), "");
	return LLVMBuildSelect(b, neg, gen_i64(g, 0), r, "");
}

/* lhist index: 0 below min, 1 + (n - min) / step, 1 + (max - min) / step
 * above max (upstream's linear()) */
static LLVMValueRef lhist_index(struct gen *g, LLVMValueRef n,
				const struct type *t)
{
	LLVMBuilderRef b = g->b;
	int64_t step = t->step > 0 ? t->step : 1;
	LLVMValueRef lo, hi, in, r;

	lo = LLVMBuildICmp(b, LLVMIntSLT, n, gen_i64(g, (uint64_t)t->min), "");
	hi = LLVMBuildICmp(b, LLVMIntSGT, n, gen_i64(g, (uint64_t)t->max), "");
	in = LLVMBuildUDiv(b, LLVMBuildSub(b, n, gen_i64(g, (uint64_t)t->min),
					   ""), gen_i64(g, (uint64_t)step), "");
	r = LLVMBuildSelect(b, hi, gen_i64(g, (uint64_t)((t->max - t->min) /
			    step)), in, "");
	r = LLVMBuildAdd(b, r, gen_i64(g, 1), "");
	return LLVMBuildSelect(b, lo, gen_i64(g, 0), r, "");
}

/* *p += d (current CPU), or insert d; for count, sum, hist */
static void add_or_insert(struct gen *g, struct gmap *m, LLVMValueRef key,
			  LLVMValueRef d)
{
	LLVMValueRef p = maps_lookup(g, m, key), buf;
	struct branch br = branch_on_ptr(g, p);

	store_at(g, p, 0, LLVMBuildAdd(g->b, load_at(g, p, 0, 8), d, ""));
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.missing);
	buf = gen_tmp(g, 8);
	store_at(g, buf, 0, d);
	maps_update(g, m, key, buf, BPF_ANY);
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.merge);
}

static void minmax(struct gen *g, struct gmap *m, LLVMValueRef key,
		   LLVMValueRef x)
{
	bool is_min = m->val->kind == TY_MIN;
	LLVMIntPredicate pr = m->val->is_signed ?
		(is_min ? LLVMIntSLT : LLVMIntSGT) :
		(is_min ? LLVMIntULT : LLVMIntUGT);
	LLVMValueRef p = maps_lookup(g, m, key), buf, better, unset;
	struct branch br = branch_on_ptr(g, p);
	LLVMBasicBlockRef set = gen_block(g, "minmax_set");

	unset = LLVMBuildICmp(g->b, LLVMIntEQ, load_at(g, p, 8, 8),
			      gen_i64(g, 0), "");
	better = LLVMBuildICmp(g->b, pr, x, load_at(g, p, 0, 8), "");
	LLVMBuildCondBr(g->b, LLVMBuildOr(g->b, unset, better, ""), set,
			br.merge);
	LLVMPositionBuilderAtEnd(g->b, set);
	store_at(g, p, 0, x);
	store_at(g, p, 8, gen_i64(g, 1));
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.missing);
	buf = gen_tmp(g, 16);
	store_at(g, buf, 0, x);
	store_at(g, buf, 8, gen_i64(g, 1));
	maps_update(g, m, key, buf, BPF_ANY);
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.merge);
}

static void avg_add(struct gen *g, struct gmap *m, LLVMValueRef key,
		    LLVMValueRef x)
{
	LLVMValueRef p = maps_lookup(g, m, key), buf;
	struct branch br = branch_on_ptr(g, p);

	store_at(g, p, 0, LLVMBuildAdd(g->b, load_at(g, p, 0, 8), x, ""));
	store_at(g, p, 8, LLVMBuildAdd(g->b, load_at(g, p, 8, 8),
				       gen_i64(g, 1), ""));
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.missing);
	buf = gen_tmp(g, 16);
	store_at(g, buf, 0, x);
	store_at(g, buf, 8, gen_i64(g, 1));
	maps_update(g, m, key, buf, BPF_ANY);
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.merge);
}

int maps_aggregate(struct gen *g, const struct val *mapnode,
		   const struct val *call)
{
	struct gmap *m = map_of(g, mapnode);
	const char *fn = val_get_str(call, "name");
	struct val *args = val_get(call, "args");
	LLVMValueRef key, x = NULL, idx;
	int64_t off;

	if (!m)
		return -EINVAL;
	g->update_at = call;
	if (!type_is_aggregation(m->val) || !fn ||
	    strcmp(fn, type_kind_name(m->val->kind)))
		return diag_error_at(call, "'%s' does not match the type of "
				     "map '%s' (%s)", fn ? fn : "?", m->name,
				     type_str(g->a, m->val));
	if (m->val->kind != TY_COUNT) {
		const struct val *a0 = val_at(args, 0);

		if (!a0)
			return diag_error_at(call, "%s() needs an argument", fn);
		x = as_i64(g, expr_gen(g, a0));
	}
	key = maps_key(g, m, mapnode);
	switch (m->val->kind) {
	case TY_COUNT:
		add_or_insert(g, m, key, gen_i64(g, 1));
		break;
	case TY_SUM:
		add_or_insert(g, m, key, x);
		break;
	case TY_MIN: case TY_MAX:
		minmax(g, m, key, x);
		break;
	case TY_AVG: case TY_STATS:
		avg_add(g, m, key, x);
		break;
	case TY_HIST: case TY_LHIST:
		if (m->val->kind == TY_HIST && (m->val->k < 0 || m->val->k > 5))
			return diag_error_at(call, "hist() bits must be 0 to 5");
		if (m->val->kind == TY_LHIST && (m->val->step <= 0 ||
						 m->val->max < m->val->min))
			return diag_error_at(call, "lhist() needs min <= max "
					     "and step > 0");
		idx = m->val->kind == TY_HIST ? hist_index(g, x, m->val->k) :
						lhist_index(g, x, m->val);
		off = m->kkey->fields[1].offset;
		store_at(g, key, off, idx);
		add_or_insert(g, m, key, gen_i64(g, 1));
		break;
	case TY_TSERIES:
		async_tseries(g, m, key, x);
		break;
	default:
		return diag_error_at(call, "%s() is not supported yet", fn);
	}
	return 0;
}

void maps_count_lost(struct gen *g)
{
	LLVMValueRef key = gen_tmp(g, 4), p;
	struct branch br;

	store_at(g, key, 0, gen_const(g, 4, 0));
	p = maps_lookup(g, &g->lost, key);
	br = branch_on_ptr(g, p);
	store_at(g, p, 0, LLVMBuildAdd(g->b, load_at(g, p, 0, 8),
				       gen_i64(g, 1), ""));
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.missing);
	LLVMBuildBr(g->b, br.merge);
	LLVMPositionBuilderAtEnd(g->b, br.merge);
}
