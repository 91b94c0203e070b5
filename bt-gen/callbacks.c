/*
 * callbacks.c - `for` statements, whose bodies become callback functions:
 *
 *     for ($kv : @m) { ... }   bpf_for_each_map_elem(@m, cb, &ctx, 0)
 *     for ($i : lo..hi) { ... } bpf_loop(hi - lo, cb, &ctx, 0)
 *     while (cond) { ... }      bpf_loop(1 << 23, cb, &ctx, 0)
 *
 * hi is evaluated once, before the loop; the range excludes hi.  The
 * callback is a static function in .text (libbpf appends it to each
 * program that uses it); it has BTF func info like every function, as the
 * verifier requires for callbacks.
 *
 * Variables: a probe with a `for` keeps all its variables in bt_scratch,
 * so the callback reaches them through its own look-up of the same
 * per-CPU entry and sees the writes of the enclosing code.  The callback
 * context lives on the caller's stack:
 *
 *     struct { void *prog_ctx; s64 lo; u64 returned; s64 value; }
 *
 * `continue` returns 0 from the callback, `break` returns 1; `return` and
 * exit() set `returned` (and `value`, what `return` returns) and return 1,
 * and the caller then returns value too.
 *
 * callbacks_loop() is the same bpf_loop for code bt-gen writes itself (a
 * scan too long for the verifier to walk as a bounded loop): its callback
 * uses no variables and no scratch, only what its context points at.
 */
#include <string.h>

#include <linux/bpf.h>

#include "async.h"
#include "diag.h"
#include "gen.h"

struct fn_state {
	LLVMValueRef fn, ctxarg, scratch_base, scratch_call, frame, cb_ctx;
	LLVMBasicBlockRef entry, setup, init, body_start, rec_done, at;
	LLVMBuilderRef ab, ib;
	bool scratch_used;
	int64_t frame_off;
	LLVMBasicBlockRef loop_cont[16], loop_brk[16];
	int nloops;
	LLVMMetadataRef di_sp;
};

static void fn_save(struct gen *g, struct fn_state *s)
{
	s->fn = g->fn;
	s->ctxarg = g->ctxarg;
	s->scratch_base = g->scratch_base;
	s->scratch_call = g->scratch_call;
	s->frame = g->frame;
	s->cb_ctx = g->cb_ctx;
	s->entry = g->entry;
	s->setup = g->setup;
	s->init = g->init;
	s->body_start = g->body_start;
	s->rec_done = g->rec_done;
	s->at = LLVMGetInsertBlock(g->b);
	s->ab = g->ab;
	s->ib = g->ib;
	s->scratch_used = g->scratch_used;
	s->frame_off = g->frame_off;
	memcpy(s->loop_cont, g->loop_cont, sizeof(s->loop_cont));
	memcpy(s->loop_brk, g->loop_brk, sizeof(s->loop_brk));
	s->nloops = g->nloops;
	s->di_sp = g->di_sp;
}

static void fn_restore(struct gen *g, const struct fn_state *s)
{
	g->fn = s->fn;
	g->ctxarg = s->ctxarg;
	g->scratch_base = s->scratch_base;
	g->scratch_call = s->scratch_call;
	g->frame = s->frame;
	g->cb_ctx = s->cb_ctx;
	g->entry = s->entry;
	g->setup = s->setup;
	g->init = s->init;
	g->body_start = s->body_start;
	g->rec_done = s->rec_done;
	g->ab = s->ab;
	g->ib = s->ib;
	g->scratch_used = s->scratch_used;
	g->frame_off = s->frame_off;
	memcpy(g->loop_cont, s->loop_cont, sizeof(s->loop_cont));
	memcpy(g->loop_brk, s->loop_brk, sizeof(s->loop_brk));
	g->nloops = s->nloops;
	g->di_sp = s->di_sp;
	LLVMPositionBuilderAtEnd(g->b, s->at);
}

/*
 * The rest of a loop callback, from the body on: `continue` returns 0,
 * `break` 1; then back to the enclosing function (saved).
 */
static void callback_body(struct gen *g, const struct val *st,
			  struct fn_state *saved)
{
	LLVMBasicBlockRef cont = gen_block(g, "cb_continue");
	LLVMBasicBlockRef brk = gen_block(g, "cb_break");

	g->loop_cont[0] = cont;
	g->loop_brk[0] = brk;
	g->nloops = 1;
	stmt_block(g, val_get(st, "body"));
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(g->b)))
		LLVMBuildBr(g->b, cont);
	LLVMPositionBuilderAtEnd(g->b, cont);
	LLVMBuildRet(g->b, gen_i64(g, 0));
	LLVMPositionBuilderAtEnd(g->b, brk);
	LLVMBuildRet(g->b, gen_i64(g, 1));
	gen_function_end(g);
	LLVMSetCurrentDebugLocation2(g->b, NULL);
	fn_restore(g, saved);
	btf_debug_loc(g, st);
}

/* after the helper call: return `value` if the body returned */
static void callback_returned(struct gen *g, LLVMValueRef ctx)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMBasicBlockRef ret_bb = gen_block(g, "cb_returned");
	LLVMBasicBlockRef go_on = gen_block(g, "cb_done");
	LLVMValueRef ld = LLVMBuildLoad2(g->b, i64, gen_ptr_add(g, ctx, 16), "");

	LLVMSetAlignment(ld, 8);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, ld, gen_i64(g, 0),
			""), ret_bb, go_on);
	LLVMPositionBuilderAtEnd(g->b, ret_bb);
	ld = LLVMBuildLoad2(g->b, i64, gen_ptr_add(g, ctx, 24), "");
	LLVMSetAlignment(ld, 8);
	gen_return(g, ld);
	LLVMBuildBr(g->b, go_on);
	LLVMPositionBuilderAtEnd(g->b, go_on);
}

static LLVMValueRef as_i64(struct gen *g, const struct val *e)
{
	struct gv v = expr_gen(g, e);

	return expr_convert(g, v, type_int(g->a, 8, v.t->is_signed)).v;
}

/* copy min(size of from, size of to) bytes of a map key or value */
static void copy_into(struct gen *g, LLVMValueRef dst, const struct type *to,
		      LLVMValueRef src, const struct type *from)
{
	int64_t n = type_size(to) < type_size(from) ? type_size(to) :
						      type_size(from);
	int64_t al = gen_align_of(to) < gen_align_of(from) ?
		     gen_align_of(to) : gen_align_of(from);

	gen_memcpy(g, dst, src, n, al);
}

int callbacks_for(struct gen *g, const struct val *st)
{
	const struct val *mapnode = val_get(st, "map");
	struct type *vt = val_get(st, "vt") ?
		gen_type_from(g, val_get(st, "vt"), st) : NULL;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMTypeRef params[4] = { ptr, ptr, ptr, ptr };
	LLVMValueRef ctx, cb, lo = NULL, n = NULL, args[4], slot, ld, st8;
	struct gmap *m = NULL;
	struct fn_state saved;
	const char *name;
	bool range = !mapnode || mapnode->kind != VAL_MAP;

	if (!vt)
		return diag_error_at(st, "'for' without a variable type (pipe "
				     "through bt-check)");
	if (!g->slots_in_scratch)
		return diag_error_at(st, "internal error: 'for' with variables "
				     "on the stack");
	if (!range) {
		m = maps_find(g, val_get_str(mapnode, "name"));
		if (!m)
			return diag_error_at(mapnode, "map is missing from the "
					     "program's map table");
		/* per-CPU maps: the callback sees this CPU's value, and
		 * combines every CPU's (maps_percpu_value); bt-check lets
		 * only count, sum, min, max and avg through */
		switch (m->val->kind) {
		case TY_HIST: case TY_LHIST: case TY_STATS: case TY_TSERIES:
			return diag_error_at(mapnode, "Loop expression does "
					     "not support type: %s",
					     type_str(g->a, m->val));
		default:
			break;
		}
		if ((vt->kind != TY_TUPLE && vt->kind != TY_RECORD) ||
		    vt->nfields != 2)
			return diag_error_at(st, "'for' over a map needs a "
					     "(key, value) variable");
	}

	/* the context, on this function's stack */
	ctx = LLVMBuildAlloca(g->ab, LLVMArrayType2(i64, 4), "for_ctx");
	LLVMSetAlignment(ctx, 8);
	st8 = LLVMBuildStore(g->b, g->ctxarg, ctx);
	LLVMSetAlignment(st8, 8);
	st8 = LLVMBuildStore(g->b, gen_i64(g, 0), gen_ptr_add(g, ctx, 16));
	LLVMSetAlignment(st8, 8);
	if (range) {
		lo = as_i64(g, val_get(st, "lo"));
		n = LLVMBuildSub(g->b, as_i64(g, val_get(st, "hi")), lo, "");
		n = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSGT, n,
				    gen_i64(g, 0), ""), n, gen_i64(g, 0), "");
		st8 = LLVMBuildStore(g->b, lo, gen_ptr_add(g, ctx, 8));
		LLVMSetAlignment(st8, 8);
	}

	/* the callback */
	name = arena_printf(g->a, "for_cb_%d", g->ncallbacks++);
	if (range) {
		params[0] = i64;
		cb = LLVMAddFunction(g->mod, name, LLVMFunctionType(i64, params,
				     2, 0));
	} else {
		cb = LLVMAddFunction(g->mod, name, LLVMFunctionType(i64, params,
				     4, 0));
	}
	LLVMSetLinkage(cb, LLVMInternalLinkage);
	gen_fn_attributes(g, cb);
	fn_save(g, &saved);
	LLVMSetCurrentDebugLocation2(g->b, NULL);
	g->fn = cb;
	btf_debug_func(g, cb, name, range, range ? 1 : 4);
	g->cb_ctx = LLVMGetParam(cb, range ? 1 : 3);
	g->nloops = 0;
	gen_function_begin(g);
	btf_debug_loc(g, st);
	ld = LLVMBuildLoad2(g->b, ptr, g->cb_ctx, "prog_ctx");
	LLVMSetAlignment(ld, 8);
	g->ctxarg = ld;

	slot = stmt_slot(g, st, vt);
	if (range) {
		LLVMValueRef lo_cb = LLVMBuildLoad2(g->b, i64,
				gen_ptr_add(g, g->cb_ctx, 8), "");
		struct gv iv = { LLVMBuildAdd(g->b, lo_cb, LLVMGetParam(cb, 0),
					      ""), type_int(g->a, 8, true), 0 };

		LLVMSetAlignment(lo_cb, 8);
		struct type *st_t = stmt_slot_info(g, st)->t;

		gen_store(g, slot, expr_convert(g, iv, st_t), st_t);
	} else {
		struct type *kt = vt->fields[0].type, *vvt = vt->fields[1].type;

		if (!type_equal(stmt_slot_info(g, st)->t, vt))
			return diag_error_at(st, "'for' variable of two types");
		gen_memzero(g, g->b, slot, type_size(vt), 8);
		copy_into(g, gen_ptr_add(g, slot, vt->fields[0].offset), kt,
			  LLVMGetParam(cb, 1), m->kkey);
		if (type_is_aggregation(m->val))
			gen_store(g, gen_ptr_add(g, slot, vt->fields[1].offset),
				  expr_convert(g, maps_percpu_value(g, m,
					       LLVMGetParam(cb, 1)), vvt), vvt);
		else
			copy_into(g, gen_ptr_add(g, slot,
					vt->fields[1].offset), vvt,
				  LLVMGetParam(cb, 2), m->kval);
	}
	callback_body(g, st, &saved);

	/* the call, then return if the body did */
	if (range) {
		args[0] = LLVMBuildTrunc(g->b, n, LLVMInt32TypeInContext(g->ctx),
					 "");
		args[1] = cb;
		args[2] = ctx;
		args[3] = gen_i64(g, 0);
		gen_helper(g, BPF_FUNC_loop, i64, args, 4);
	} else {
		args[0] = m->global;
		args[1] = cb;
		args[2] = ctx;
		args[3] = gen_i64(g, 0);
		gen_helper(g, BPF_FUNC_for_each_map_elem, i64, args, 4);
	}
	callback_returned(g, ctx);
	return 0;
}

/*
 * while (cond) { ... }: bpf_loop(WHILE_MAX_ITERATIONS, cb, &ctx, 0), the
 * callback testing cond first.  The verifier checks the body once, so a
 * loop of any length loads (a plain loop of a few thousand turns with a
 * map update in it already exceeds what the verifier walks).  The context
 * is the range loop's with one more word, set when cond ended the loop:
 * a loop that used up bpf_loop's limit without it gets a runtime warning.
 */
#define WHILE_MAX_ITERATIONS (1 << 23)   /* the kernel's BPF_MAX_LOOPS */

int callbacks_while(struct gen *g, const struct val *st)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMTypeRef params[2] = { i64, ptr };
	LLVMValueRef ctx, cb, args[4], ld, st8, turns, cond_ended, used_up;
	LLVMBasicBlockRef body, ended;
	struct fn_state saved;
	const char *name;

	if (!g->slots_in_scratch)
		return diag_error_at(st, "internal error: 'while' with "
				     "variables on the stack");
	ctx = LLVMBuildAlloca(g->ab, LLVMArrayType2(i64, 5), "while_ctx");
	LLVMSetAlignment(ctx, 8);
	st8 = LLVMBuildStore(g->b, g->ctxarg, ctx);
	LLVMSetAlignment(st8, 8);
	st8 = LLVMBuildStore(g->b, gen_i64(g, 0), gen_ptr_add(g, ctx, 16));
	LLVMSetAlignment(st8, 8);
	st8 = LLVMBuildStore(g->b, gen_i64(g, 0), gen_ptr_add(g, ctx, 32));
	LLVMSetAlignment(st8, 8);

	name = arena_printf(g->a, "while_cb_%d", g->ncallbacks++);
	cb = LLVMAddFunction(g->mod, name, LLVMFunctionType(i64, params, 2, 0));
	LLVMSetLinkage(cb, LLVMInternalLinkage);
	gen_fn_attributes(g, cb);
	fn_save(g, &saved);
	LLVMSetCurrentDebugLocation2(g->b, NULL);
	g->fn = cb;
	btf_debug_func(g, cb, name, true, 2);
	g->cb_ctx = LLVMGetParam(cb, 1);
	g->nloops = 0;
	gen_function_begin(g);
	btf_debug_loc(g, st);
	ld = LLVMBuildLoad2(g->b, ptr, g->cb_ctx, "prog_ctx");
	LLVMSetAlignment(ld, 8);
	g->ctxarg = ld;

	body = gen_block(g, "while_body");
	ended = gen_block(g, "while_ended");
	LLVMBuildCondBr(g->b, expr_cond(g, val_get(st, "cond")), body, ended);
	LLVMPositionBuilderAtEnd(g->b, ended);
	st8 = LLVMBuildStore(g->b, gen_i64(g, 1), gen_ptr_add(g, g->cb_ctx, 32));
	LLVMSetAlignment(st8, 8);
	LLVMBuildRet(g->b, gen_i64(g, 1));
	LLVMPositionBuilderAtEnd(g->b, body);
	callback_body(g, st, &saved);

	args[0] = LLVMConstInt(LLVMInt32TypeInContext(g->ctx),
			       WHILE_MAX_ITERATIONS, 0);
	args[1] = cb;
	args[2] = ctx;
	args[3] = gen_i64(g, 0);
	turns = gen_helper(g, BPF_FUNC_loop, i64, args, 4);

	callback_returned(g, ctx);

	cond_ended = LLVMBuildLoad2(g->b, i64, gen_ptr_add(g, ctx, 32), "");
	LLVMSetAlignment(cond_ended, 8);
	used_up = LLVMBuildAnd(g->b,
		LLVMBuildICmp(g->b, LLVMIntSGE, turns,
			      gen_i64(g, WHILE_MAX_ITERATIONS), ""),
		LLVMBuildICmp(g->b, LLVMIntEQ, cond_ended, gen_i64(g, 0), ""),
		"");
	async_warn_if(g, st, "while loop stopped after 8388608 iterations, "
		      "the most bpf_loop runs", used_up);
	return 0;
}

/*
 * bpf_loop(n, cb, ctx, 0), where cb(i, ctx) is written by body() with the
 * builder in cb's first block; body ends every path with a return (0 for
 * the next turn, 1 to stop).  Returns the number of turns taken.
 */
LLVMValueRef callbacks_loop(struct gen *g, const struct val *at,
			    LLVMValueRef n, LLVMValueRef ctx,
			    callbacks_body_fn body, void *arg)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMTypeRef params[2] = { i64, ptr };
	LLVMValueRef cb, args[4], fn = g->fn;
	LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
	LLVMMetadataRef di_sp = g->di_sp;
	const char *name = arena_printf(g->a, "loop_cb_%d", g->ncallbacks++);

	cb = LLVMAddFunction(g->mod, name, LLVMFunctionType(i64, params, 2, 0));
	LLVMSetLinkage(cb, LLVMInternalLinkage);
	gen_fn_attributes(g, cb);
	LLVMSetCurrentDebugLocation2(g->b, NULL);
	g->fn = cb;
	btf_debug_func(g, cb, name, true, 1);
	LLVMPositionBuilderAtEnd(g->b, gen_block(g, "entry"));
	btf_debug_loc(g, at);
	body(g, LLVMGetParam(cb, 0), LLVMGetParam(cb, 1), arg);
	LLVMSetCurrentDebugLocation2(g->b, NULL);
	g->fn = fn;
	g->di_sp = di_sp;
	LLVMPositionBuilderAtEnd(g->b, from);
	btf_debug_loc(g, at);

	args[0] = LLVMBuildTrunc(g->b, n, LLVMInt32TypeInContext(g->ctx), "");
	args[1] = cb;
	args[2] = ctx;
	args[3] = gen_i64(g, 0);
	return gen_helper(g, BPF_FUNC_loop, i64, args, 4);
}
