/*
 * codegen.c - the LLVM module of one bt program: target set-up (the BPF
 * target only), one BPF program per probe with its section name, the
 * memory for temporaries, and the emission of the ELF object.
 *
 * Each program's function has four parts, in order:
 *   entry   allocas only (so that LLVM promotes them), then a branch
 *   setup   looks up bt_scratch[this CPU] when the program needs scratch memory
 *           (the look-up is deleted again if nothing used it)
 *   init    zeroes the variable slots, so the verifier never sees an
 *           uninitialised read and `$x` reads 0 before its first write
 *   body    the predicate and the statements
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <linux/bpf.h>

#include "bug.h"
#include "cli.h"
#include "diag.h"
#include "async.h"
#include "gen.h"

LLVMTypeRef gen_int_type(struct gen *g, int64_t size)
{
	switch (size) {
	case 1: return LLVMInt8TypeInContext(g->ctx);
	case 2: return LLVMInt16TypeInContext(g->ctx);
	case 4: return LLVMInt32TypeInContext(g->ctx);
	default: return LLVMInt64TypeInContext(g->ctx);
	}
}

bool gen_is_scalar(const struct type *t)
{
	switch (t->kind) {
	case TY_INT: case TY_ENUM: case TY_BOOL: case TY_PTR: case TY_KSYM:
	case TY_TIMESTAMP: case TY_CGROUP_PATH: case TY_USERNAME:
	case TY_KSTACK: case TY_COUNT: case TY_SUM:
		return true;
	default:
		return false;
	}
}

/* the register type of a scalar; a pointer for aggregates */
LLVMTypeRef gen_llvm_type(struct gen *g, const struct type *t)
{
	if (t->kind == TY_BOOL)
		return LLVMInt1TypeInContext(g->ctx);
	if (gen_is_scalar(t))
		return gen_int_type(g, type_size(t));
	return LLVMPointerTypeInContext(g->ctx, 0);
}

int64_t gen_align_of(const struct type *t)
{
	int64_t al = type_align(t);

	return al > 8 ? 8 : al < 1 ? 1 : al;
}

LLVMValueRef gen_const(struct gen *g, int64_t size, uint64_t v)
{
	return LLVMConstInt(gen_int_type(g, size), v, 0);
}

LLVMValueRef gen_i64(struct gen *g, uint64_t v)
{
	return gen_const(g, 8, v);
}

LLVMBasicBlockRef gen_block(struct gen *g, const char *name)
{
	return LLVMAppendBasicBlockInContext(g->ctx, g->fn, name);
}

/* sizes bt-gen accepts: anything bigger is a broken stream */
static bool type_sane(const struct type *t, int depth)
{
	int i;

	if (!t || depth > 32 || type_size(t) < 0 ||
	    type_size(t) > GEN_TYPE_MAX)
		return false;
	if (t->kind == TY_ARRAY && (t->count < 0 || t->count > GEN_TYPE_MAX))
		return false;
	if (t->elem && !type_sane(t->elem, depth + 1))
		return false;
	for (i = 0; i < t->nfields; i++)
		if (!type_sane(t->fields[i].type, depth + 1) ||
		    t->fields[i].offset < 0 ||
		    t->fields[i].offset + type_size(t->fields[i].type) >
		    type_size(t))
			return false;
	if ((t->kind == TY_INT || t->kind == TY_ENUM) && t->size != 1 &&
	    t->size != 2 && t->size != 4 && t->size != 8)
		return false;
	return true;
}

struct type *gen_type_from(struct gen *g, const struct val *v,
			   const struct val *node)
{
	struct type *t = type_from_val(g->a, v);

	if (t && type_sane(t, 0))
		return t;
	diag_error_at(node, "malformed or oversized type in the typed-ast");
	return NULL;
}

struct type *gen_type_of(struct gen *g, const struct val *node)
{
	struct val *v = val_get(node, "t");
	struct type *t = v ? gen_type_from(g, v, node) : NULL;

	return t ? t : type_int(g->a, 8, false);
}

LLVMValueRef gen_load_u64_or_zero(struct gen *g, LLVMValueRef p, int64_t off)
{
	LLVMBasicBlockRef rd = gen_block(g, "u64_read");
	LLVMBasicBlockRef done = gen_block(g, "u64_done");
	LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b), blocks[2];
	LLVMValueRef ld, phi, vals[2];

	LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, p, ""), rd, done);
	LLVMPositionBuilderAtEnd(g->b, rd);
	ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8), gen_ptr_add(g, p, off), "");
	LLVMSetAlignment(ld, 8);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, gen_int_type(g, 8), "");
	vals[0] = ld;
	vals[1] = gen_i64(g, 0);
	blocks[0] = rd;
	blocks[1] = from;
	LLVMAddIncoming(phi, vals, blocks, 2);
	return phi;
}

LLVMValueRef gen_ptr_add(struct gen *g, LLVMValueRef p, int64_t off)
{
	LLVMValueRef idx;

	if (!off)
		return p;
	idx = gen_i64(g, (uint64_t)off);
	return LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx), p, &idx, 1,
			     "");
}

static LLVMValueRef ptr_add_with(struct gen *g, LLVMBuilderRef b,
				 LLVMValueRef p, int64_t off)
{
	LLVMValueRef idx;

	if (!off)
		return p;
	idx = gen_i64(g, (uint64_t)off);
	return LLVMBuildGEP2(b, LLVMInt8TypeInContext(g->ctx), p, &idx, 1, "");
}

struct gen_mark gen_mark(struct gen *g)
{
	return (struct gen_mark){ g->frame_off, g->scratch_off };
}

void gen_release(struct gen *g, struct gen_mark m)
{
	g->frame_off = m.frame_off;
	g->scratch_off = m.scratch_off;
}

static LLVMValueRef tmp_with(struct gen *g, LLVMBuilderRef b, int64_t size,
			     bool own)
{
	int64_t n = (size + 7) / 8;
	LLVMValueRef p;

	if (n < 1)
		n = 1;
	if (size <= GEN_STACK_MAX && own && !g->slots_in_scratch) {
		p = LLVMBuildAlloca(g->ab,
				    LLVMArrayType2(LLVMInt64TypeInContext(g->ctx),
						   (uint64_t)n), "var");
		LLVMSetAlignment(p, 8);
		return p;
	}
	if (size <= GEN_STACK_MAX && !own &&
	    g->frame_off + n * 8 <= GEN_FRAME_SIZE) {
		p = ptr_add_with(g, b, g->frame, g->frame_off);
		g->frame_off += n * 8;
		return p;
	}
	if (g->scratch_off + n * 8 > GEN_SCRATCH_MAX) {
		diag_error_at(g->probe, "probe needs more than %d bytes of "
			      "scratch memory", GEN_SCRATCH_MAX);
		diag_hint("use smaller strings (config max_strlen) or fewer "
			  "large temporaries");
		g->scratch_off = 0;
	}
	g->scratch_used = true;
	p = ptr_add_with(g, b, g->scratch_base, g->scratch_off);
	g->scratch_off += n * 8;
	if (g->scratch_off > g->region_need[g->region])
		g->region_need[g->region] = g->scratch_off;
	return p;
}

LLVMValueRef gen_tmp(struct gen *g, int64_t size)
{
	return tmp_with(g, g->b, size, false);
}

LLVMValueRef gen_tmp_in_scratch(struct gen *g, int64_t size)
{
	/* past GEN_STACK_MAX, tmp_with always takes scratch */
	return tmp_with(g, g->b, size > GEN_STACK_MAX ? size :
			GEN_STACK_MAX + 1, false);
}

LLVMValueRef gen_tmp_zeroed_at_start(struct gen *g, int64_t size)
{
	LLVMValueRef p = tmp_with(g, g->ib, size, true);

	gen_memzero(g, g->ib, p, size, 8);
	return p;
}

static int64_t chunk_for(int64_t off, int64_t left, int64_t align)
{
	int64_t c = 8;

	while (c > 1 && (c > align || off % c || c > left))
		c /= 2;
	return c;
}

/*
 * Copies and zeroing up to GEN_UNROLL_MAX bytes are unrolled into loads
 * and stores of the widest aligned size; longer ones are a loop (BPF
 * jumps reach 32767 instructions, and the verifier walks bounded loops).
 */
#define GEN_UNROLL_MAX 256

static void mem_loop(struct gen *g, LLVMBuilderRef b, LLVMValueRef dst,
		     LLVMValueRef src, int64_t size, int64_t c)
{
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(b);
	LLVMBasicBlockRef loop = gen_block(g, "mem_loop");
	LLVMBasicBlockRef done = gen_block(g, "mem_done");
	LLVMTypeRef it = gen_int_type(g, c), i8 = LLVMInt8TypeInContext(g->ctx);
	LLVMValueRef i, next, off, x, st, zero = gen_i64(g, 0);

	LLVMBuildBr(b, loop);
	LLVMPositionBuilderAtEnd(b, loop);
	i = LLVMBuildPhi(b, LLVMInt64TypeInContext(g->ctx), "i");
	off = LLVMBuildMul(b, i, gen_i64(g, (uint64_t)c), "");
	if (src) {
		x = LLVMBuildLoad2(b, it, LLVMBuildGEP2(b, i8, src, &off, 1, ""),
				   "");
		LLVMSetAlignment(x, (unsigned)c);
	} else {
		x = LLVMConstNull(it);
	}
	st = LLVMBuildStore(b, x, LLVMBuildGEP2(b, i8, dst, &off, 1, ""));
	LLVMSetAlignment(st, (unsigned)c);
	next = LLVMBuildAdd(b, i, gen_i64(g, 1), "");
	LLVMAddIncoming(i, &zero, &pre, 1);
	LLVMAddIncoming(i, &next, &loop, 1);
	LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntULT, next,
			gen_i64(g, (uint64_t)(size / c)), ""), loop, done);
	LLVMPositionBuilderAtEnd(b, done);
}

static int64_t loop_chunk(int64_t align)
{
	return align >= 8 ? 8 : align >= 4 ? 4 : align >= 2 ? 2 : 1;
}

void gen_memzero(struct gen *g, LLVMBuilderRef b, LLVMValueRef p,
		 int64_t size, int64_t align)
{
	int64_t off = 0, c;
	LLVMValueRef st;

	if (size > GEN_UNROLL_MAX) {
		c = loop_chunk(align);
		mem_loop(g, b, p, NULL, size, c);
		off = size / c * c;
	}
	while (off < size) {
		c = chunk_for(off, size - off, align);
		st = LLVMBuildStore(b, gen_const(g, c, 0),
				    ptr_add_with(g, b, p, off));
		LLVMSetAlignment(st, (unsigned)c);
		off += c;
	}
}

void gen_memcpy(struct gen *g, LLVMValueRef dst, LLVMValueRef src,
		int64_t size, int64_t align)
{
	int64_t off = 0, c;
	LLVMValueRef ld, st;
	/*
	 * Long copies are volatile: LLVM would otherwise hoist all the
	 * loads above the stores and spill the values to the 512-byte stack.
	 */
	bool vol = size / (align < 8 ? align : 8) > 8;

	if (size > GEN_UNROLL_MAX) {
		c = loop_chunk(align);
		mem_loop(g, g->b, dst, src, size, c);
		off = size / c * c;
	}
	while (off < size) {
		c = chunk_for(off, size - off, align);
		ld = LLVMBuildLoad2(g->b, gen_int_type(g, c),
				    gen_ptr_add(g, src, off), "");
		LLVMSetAlignment(ld, (unsigned)c);
		st = LLVMBuildStore(g->b, ld, gen_ptr_add(g, dst, off));
		LLVMSetAlignment(st, (unsigned)c);
		if (vol) {
			LLVMSetVolatile(ld, 1);
			LLVMSetVolatile(st, 1);
		}
		off += c;
	}
}

LLVMValueRef gen_helper(struct gen *g, int id, LLVMTypeRef ret,
			LLVMValueRef *args, int n)
{
	LLVMTypeRef params[8];
	LLVMTypeRef fty;
	LLVMValueRef callee;
	int i;

	BUG_ON(n > 8);
	for (i = 0; i < n; i++)
		params[i] = LLVMTypeOf(args[i]);
	fty = LLVMFunctionType(ret, params, (unsigned)n, 0);
	callee = LLVMConstIntToPtr(gen_i64(g, (uint64_t)id),
				   LLVMPointerTypeInContext(g->ctx, 0));
	return LLVMBuildCall2(g->b, fty, callee, args, (unsigned)n, "");
}

/*
 * `return` (v: its i64 value, NULL for none), exit(): leave the probe's
 * program with v, or from a `for` callback set `returned` and the value
 * in the callback context so that the caller returns it in turn.  The
 * value is what bench and test probes report (0 passes).
 */
void gen_return(struct gen *g, LLVMValueRef v)
{
	LLVMValueRef st;

	if (!v)
		v = gen_i64(g, 0);
	if (g->cb_ctx) {
		st = LLVMBuildStore(g->b, gen_i64(g, 1),
				    gen_ptr_add(g, g->cb_ctx, 16));
		LLVMSetAlignment(st, 8);
		st = LLVMBuildStore(g->b, v, gen_ptr_add(g, g->cb_ctx, 24));
		LLVMSetAlignment(st, 8);
		LLVMBuildRet(g->b, gen_i64(g, 1));
	} else {
		LLVMBuildRet(g->b, v);
	}
	LLVMPositionBuilderAtEnd(g->b, gen_block(g, "after_exit"));
}

void gen_return_zero(struct gen *g)
{
	gen_return(g, NULL);
}

struct gv gen_zero_value(struct gen *g, struct type *t)
{
	struct gv v = { NULL, t, 8 };

	if (gen_is_scalar(t)) {
		v.v = LLVMConstNull(gen_llvm_type(g, t));
		return v;
	}
	v.v = gen_tmp(g, type_size(t));
	gen_memzero(g, g->b, v.v, type_size(t), 8);
	return v;
}

struct gv gen_load(struct gen *g, LLVMValueRef p, struct type *t)
{
	struct gv v = { p, t, 0 };
	LLVMValueRef ld;

	if (!gen_is_scalar(t))
		return v;
	ld = LLVMBuildLoad2(g->b, gen_int_type(g, type_size(t)), p, "");
	LLVMSetAlignment(ld, (unsigned)gen_align_of(t));
	if (t->kind == TY_BOOL)
		ld = LLVMBuildICmp(g->b, LLVMIntNE, ld, gen_const(g, 1, 0), "");
	v.v = ld;
	return v;
}

/* the field of from that becomes field i of to: records match by name */
static int record_field(const struct type *from, const struct type *to,
			int i)
{
	int j;

	if (from->kind != TY_RECORD || to->kind != TY_RECORD ||
	    !to->fields[i].name)
		return i;
	for (j = 0; j < from->nfields; j++)
		if (from->fields[j].name &&
		    !strcmp(from->fields[j].name, to->fields[i].name))
			return j;
	return i;
}

int64_t gen_align_at(int64_t base_align, int64_t off)
{
	int64_t al = base_align > 8 ? 8 : base_align;

	while (al > 1 && off % al)
		al /= 2;
	return al < 1 ? 1 : al;
}

void gen_store(struct gen *g, LLVMValueRef p, struct gv v,
	       const struct type *to)
{
	gen_store_aligned(g, p, gen_align_of(to), v, to);
}

void gen_store_aligned(struct gen *g, LLVMValueRef p, int64_t dalign,
		       struct gv v, const struct type *to)
{
	int64_t salign = v.align ? v.align : gen_align_of(v.t);
	LLVMValueRef x, st;
	int64_t sz = type_size(to), from_sz = type_size(v.t), n, i;

	if (gen_is_scalar(to)) {
		x = v.v;
		if (!gen_is_scalar(v.t)) {
			BUG("storing %s as %s", type_kind_name(v.t->kind),
			    type_kind_name(to->kind));
		}
		if (LLVMGetIntTypeWidth(LLVMTypeOf(x)) < sz * 8)
			x = (v.t->is_signed && v.t->kind != TY_BOOL) ?
				LLVMBuildSExt(g->b, x, gen_int_type(g, sz), "") :
				LLVMBuildZExt(g->b, x, gen_int_type(g, sz), "");
		else if (LLVMGetIntTypeWidth(LLVMTypeOf(x)) > sz * 8)
			x = LLVMBuildTrunc(g->b, x, gen_int_type(g, sz), "");
		st = LLVMBuildStore(g->b, x, p);
		LLVMSetAlignment(st, (unsigned)gen_align_of(to));
		return;
	}
	if ((to->kind == TY_TUPLE || to->kind == TY_RECORD) &&
	    (v.t->kind == TY_TUPLE || v.t->kind == TY_RECORD) &&
	    to->nfields == v.t->nfields && !type_equal(to, v.t)) {
		gen_memzero(g, g->b, p, sz, dalign);
		for (i = 0; i < to->nfields; i++) {
			int j = record_field(v.t, to, (int)i);
			int64_t so = v.t->fields[j].offset;
			int64_t doff = to->fields[i].offset;
			struct gv f = gen_load(g, gen_ptr_add(g, v.v, so),
					       v.t->fields[j].type);

			f.align = gen_align_at(salign, so);
			f = expr_convert(g, f, to->fields[i].type);
			gen_store_aligned(g, gen_ptr_add(g, p, doff),
					  gen_align_at(dalign, doff), f,
					  to->fields[i].type);
		}
		return;
	}
	n = from_sz < sz ? from_sz : sz;
	gen_memcpy(g, p, v.v, n, dalign < salign ? dalign : salign);
	if (n < sz) {
		gen_memzero(g, g->b, gen_ptr_add(g, p, n), sz - n,
			    gen_align_at(dalign, n));
	} else if (to->kind == TY_STRING && from_sz > sz && sz > 0) {
		st = LLVMBuildStore(g->b, gen_const(g, 1, 0),
				    gen_ptr_add(g, p, sz - 1));
		LLVMSetAlignment(st, 1);
	}
}

/* ------------------------------------------------------------ programs */

/*
 * nounwind: no .eh_frame.  no-builtins: LLVM must not turn copies and
 * zeroing into memcpy/memset calls, which BPF cannot make past 128
 * stores (large strings).
 */
void gen_fn_attributes(struct gen *g, LLVMValueRef fn)
{
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
		LLVMCreateEnumAttribute(g->ctx,
			LLVMGetEnumAttributeKindForName("nounwind", 8), 0));
	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
		LLVMCreateStringAttribute(g->ctx, "no-builtins", 11, "", 0));
}

static const char *section_of(struct gen *g, const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");
	const char *target = val_get_str(ap, "target");
	const char *func = val_get_str(ap, "func");

	if (!prov)
		return NULL;
	/* begin, end and self:signal run through BPF_PROG_TEST_RUN */
	if (!strcmp(prov, "begin") || !strcmp(prov, "end") ||
	    !strcmp(prov, "self"))
		return "raw_tp";
	/* bench and test run through BPF_PROG_TEST_RUN too, but repeatedly
	 * and timed: raw_tp refuses `repeat`, XDP (as upstream) takes it */
	if (!strcmp(prov, "bench") || !strcmp(prov, "test"))
		return "xdp";
	if (!strcmp(prov, "tracepoint"))
		return arena_printf(g->a, "tracepoint/%s/%s",
				    target ? target : "", func ? func : "");
	/* a probe calling a tracing-only helper (bt-check's "tp_btf") is a
	 * BPF_PROG_TYPE_TRACING program bound to btf_trace_<func> at load */
	if (!strcmp(prov, "rawtracepoint") && val_get_bool(g->probe, "tp_btf",
							    false))
		return arena_printf(g->a, "tp_btf/%s", func ? func : "");
	if (!strcmp(prov, "rawtracepoint"))
		return arena_printf(g->a, "raw_tp/%s", func ? func : "");
	if (!strcmp(prov, "profile") || !strcmp(prov, "interval") ||
	    !strcmp(prov, "software") || !strcmp(prov, "hardware") ||
	    !strcmp(prov, "watchpoint"))
		return "perf_event";
	if (!strcmp(prov, "kprobe") || !strcmp(prov, "kretprobe") ||
	    !strcmp(prov, "uprobe") || !strcmp(prov, "uretprobe"))
		return prov;
	if (!strcmp(prov, "usdt"))
		return "uprobe";
	if (!strcmp(prov, "fentry") || !strcmp(prov, "fexit"))
		return arena_printf(g->a, "%s/%s", prov, func ? func : "");
	if (!strcmp(prov, "iter"))
		return arena_printf(g->a, "iter/%s", func ? func : "");
	return NULL;
}

static const char *prog_name(struct gen *g, const struct val *ap, int n)
{
	const char *name = val_get_str(ap, "name");
	char *s = arena_printf(g->a, "%s_%d", name ? name : "probe", n);
	char *p;

	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			*p = '_';
	return s;
}

void gen_function_begin(struct gen *g)
{
	LLVMValueRef key, args[2], isnull, idx;
	LLVMBasicBlockRef fail;

	LLVMSetCurrentDebugLocation2(g->b, NULL);
	g->entry = gen_block(g, "entry");
	g->setup = gen_block(g, "setup");
	g->init = gen_block(g, "init");
	g->body_start = gen_block(g, "body");
	fail = gen_block(g, "no_scratch");

	g->ab = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderAtEnd(g->ab, g->entry);
	g->ib = LLVMCreateBuilderInContext(g->ctx);
	LLVMPositionBuilderAtEnd(g->ib, g->init);

	LLVMPositionBuilderAtEnd(g->b, g->setup);
	key = LLVMBuildAlloca(g->ab, LLVMInt32TypeInContext(g->ctx), "zero");
	LLVMSetAlignment(key, 4);
	g->frame = LLVMBuildAlloca(g->ab, LLVMArrayType2(
		LLVMInt64TypeInContext(g->ctx), GEN_FRAME_SIZE / 8), "frame");
	LLVMSetAlignment(g->frame, 8);
	g->frame_off = 0;
	/* this CPU's entry: programs run with migration disabled */
	LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, gen_helper(g,
		       BPF_FUNC_get_smp_processor_id,
		       LLVMInt64TypeInContext(g->ctx), NULL, 0),
		       LLVMInt32TypeInContext(g->ctx), ""), key);
	args[0] = g->scratch.global;
	args[1] = key;
	g->scratch_call = gen_helper(g, BPF_FUNC_map_lookup_elem,
				     LLVMPointerTypeInContext(g->ctx, 0),
				     args, 2);
	/* this program's region of scratch; the offset is set at the end */
	idx = gen_i64(g, 8);
	g->scratch_base = LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx),
					g->scratch_call, &idx, 1, "scratch");
	g->bases[g->nbases] = g->scratch_base;
	g->base_region[g->nbases++] = g->region;
	isnull = LLVMBuildIsNull(g->b, g->scratch_call, "");
	LLVMBuildCondBr(g->b, isnull, fail, g->init);
	LLVMPositionBuilderAtEnd(g->b, fail);
	LLVMBuildRet(g->b, gen_i64(g, 0));

	g->scratch_used = false;
	LLVMPositionBuilderAtEnd(g->b, g->body_start);
}

void gen_function_end(struct gen *g)
{
	LLVMValueRef i, next;

	LLVMBuildBr(g->ab, g->setup);
	LLVMBuildBr(g->ib, g->body_start);
	if (!g->scratch_used) {
		/* nothing used scratch: setup becomes a plain branch (erase
		 * users before what they use) */
		for (i = LLVMGetLastInstruction(g->setup); i; i = next) {
			next = LLVMGetPreviousInstruction(i);
			LLVMInstructionEraseFromParent(i);
		}
		g->nbases--;
		LLVMPositionBuilderAtEnd(g->b, g->setup);
		LLVMBuildBr(g->b, g->init);
	}
	LLVMDisposeBuilder(g->ab);
	LLVMDisposeBuilder(g->ib);
}

static bool has_callback_loop(const struct val *v);

/* programs run under the kernel's shared recursion guard (bpf_prog_active) */
static bool shares_region(const char *prov)
{
	static const char *const shared[] = { "tracepoint", "kprobe",
		"kretprobe", "uprobe", "uretprobe", "usdt", "profile",
		"interval", "software", "hardware" };
	size_t i;

	for (i = 0; prov && i < ARRAY_SIZE(shared); i++)
		if (!strcmp(prov, shared[i]))
			return true;
	return false;
}

/* lay the regions out one after the other and set every base */
static void scratch_layout(struct gen *g)
{
	int64_t *start = arena_alloc(g->a, sizeof(*start) *
				     (size_t)(g->nregions + 1));
	int64_t off = 0;
	int i;

	for (i = 0; i <= g->nregions; i++) {
		start[i] = off;
		off += (g->region_need[i] + 7) / 8 * 8;
	}
	g->scratch_need = off;
	for (i = 0; i < g->nbases; i++)
		LLVMSetOperand(g->bases[i], 1,
			       gen_i64(g, (uint64_t)start[g->base_region[i]]));
}

/*
 * An iterator calls its program once more after the last object, with
 * the object pointer (the field after `meta` in struct bpf_iter__NAME)
 * NULL, for a footer; upstream's scripts never see that call.
 */
static void iter_skip_end(struct gen *g)
{
	LLVMBasicBlockRef end = gen_block(g, "iter_end");
	LLVMBasicBlockRef go = gen_block(g, "iter_object");
	LLVMValueRef obj = LLVMBuildLoad2(g->b, gen_int_type(g, 8),
					  gen_ptr_add(g, g->ctxarg, 8), "");

	LLVMSetAlignment(obj, 8);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, obj,
			gen_i64(g, 0), ""), end, go);
	LLVMPositionBuilderAtEnd(g->b, end);
	LLVMBuildRet(g->b, gen_i64(g, 0));
	LLVMPositionBuilderAtEnd(g->b, go);
}

static int gen_probe(struct gen *g, const struct val *probe)
{
	struct val *exp = val_get(probe, "expanded");
	const struct val *ap = val_at(exp, 0);
	const char *sec, *name;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0), fty;
	struct val *pv, *arr;
	const struct val *pred;
	LLVMBasicBlockRef yes, no;
	size_t i;

	if (!ap) {
		return diag_error_at(probe, "probe has no expanded attach "
				     "points (pipe through bt-check)");
	}
	g->probe = probe;
	g->attach = ap;
	g->provider = val_get_str(ap, "provider");
	sec = section_of(g, ap);
	if (!sec)
		return diag_error_at(probe, "probe type '%s' is not supported "
				     "yet", g->provider ? g->provider : "?");
	name = prog_name(g, ap, g->nprog++);
	fty = LLVMFunctionType(LLVMInt64TypeInContext(g->ctx), &ptr, 1, 0);
	g->fn = LLVMAddFunction(g->mod, name, fty);
	LLVMSetSection(g->fn, sec);
	gen_fn_attributes(g, g->fn);
	g->ctxarg = LLVMGetParam(g->fn, 0);
	btf_debug_func(g, g->fn, name, false, 1);
	g->scratch_off = 0;
	g->region = shares_region(g->provider) ? 0 : ++g->nregions;
	g->cb_ctx = NULL;
	gen_function_begin(g);

	memset(g->slots, 0, sizeof(*g->slots) * (size_t)g->nslots);
	g->slots_in_scratch = has_callback_loop(probe);
	stmt_alloc_slots(g, probe);
	/*
	 * No stop gate in iter programs: a pinned iterator runs whenever its
	 * file is read, long after bt-load set the gate and left, and an
	 * unpinned one only inside bt-load's read, before the gate is set.
	 */
	if (strcmp(g->provider, "begin") && strcmp(g->provider, "end") &&
	    strcmp(g->provider, "self") && strcmp(g->provider, "bench") &&
	    strcmp(g->provider, "test") && strcmp(g->provider, "iter"))
		async_stop_gate(g);
	if (!strcmp(g->provider, "iter"))
		iter_skip_end(g);
	pred = val_get(probe, "pred");
	if (pred && pred->kind == VAL_MAP) {
		btf_debug_loc(g, pred);
		yes = gen_block(g, "pred_true");
		no = gen_block(g, "pred_false");
		LLVMBuildCondBr(g->b, expr_cond(g, pred), yes, no);
		LLVMPositionBuilderAtEnd(g->b, no);
		LLVMBuildRet(g->b, gen_i64(g, 0));
		LLVMPositionBuilderAtEnd(g->b, yes);
	}
	stmt_block(g, val_get(probe, "body"));
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(g->b)))
		LLVMBuildRet(g->b, gen_i64(g, 0));
	gen_function_end(g);

	pv = val_map(g->a);
	val_set_str(g->a, pv, "prog", name);
	arr = val_arr(g->a);
	for (i = 0; i < exp->n; i++)
		val_push(g->a, arr, val_copy(g->a, exp->items[i]));
	val_set(g->a, pv, "attach", arr);
	if (val_get(probe, "cookie"))
		val_set(g->a, pv, "cookie", val_bool(g->a, true));
	if (val_get(probe, "loc"))
		val_set(g->a, pv, "loc", val_copy(g->a, val_get(probe, "loc")));
	val_set_str(g->a, pv, "section", sec);
	val_push(g->a, g->probes, pv);
	return 0;
}

/* does the tree hold a `for` or `while` statement (a callback)? */
static bool has_callback_loop(const struct val *v)
{
	size_t i;

	if (!v)
		return false;
	if (v->kind == VAL_MAP &&
	    (ast_kind(v) == AST_FOR || ast_kind(v) == AST_WHILE))
		return true;
	if (v->kind == VAL_MAP) {
		for (i = 0; i < v->n; i++)
			if (has_callback_loop(v->kv[i].v))
				return true;
	} else if (v->kind == VAL_ARR) {
		for (i = 0; i < v->n; i++)
			if (has_callback_loop(v->items[i]))
				return true;
	}
	return false;
}

/* probes, `for` and `while` statements: an upper bound of the functions */
static size_t count_fns(const struct val *v)
{
	size_t i, n = 0;

	if (!v)
		return 0;
	if (v->kind == VAL_MAP) {
		if (ast_kind(v) == AST_PROBE || ast_kind(v) == AST_FOR ||
		    ast_kind(v) == AST_WHILE)
			n++;
		for (i = 0; i < v->n; i++)
			n += count_fns(v->kv[i].v);
	} else if (v->kind == VAL_ARR) {
		for (i = 0; i < v->n; i++)
			n += count_fns(v->items[i]);
	}
	return n;
}

/* highest slot number used anywhere in the tree, plus one */
static int max_slot(const struct val *v)
{
	int m = 0, x;
	size_t i;

	if (!v)
		return 0;
	if (v->kind == VAL_MAP) {
		struct val *s = val_get(v, "slot");

		if (s && val_is_int(s) && val_as_int(s) >= 0 &&
		    val_as_int(s) < 1000000)
			m = (int)val_as_int(s) + 1;
		for (i = 0; i < v->n; i++)
			if ((x = max_slot(v->kv[i].v)) > m)
				m = x;
	} else if (v->kind == VAL_ARR) {
		for (i = 0; i < v->n; i++)
			if ((x = max_slot(v->items[i])) > m)
				m = x;
	}
	return m;
}

/*
 * LLVM's fatal errors do not return.  Say what happened in bt-gen's words
 * and exit 1 (the program is beyond what bt-gen can compile), instead of
 * LLVM's abort; this is the one exit outside main.
 */
static struct gen *fatal_gen;   /* for llvm_fatal's clean-up */

static void llvm_fatal(const char *reason)
{
	if (fatal_gen)
		btf_debug_cleanup(fatal_gen);
	fprintf(stderr, "bt-gen: ERROR: the program cannot be compiled: %s\n",
		reason);
	fprintf(stderr, "HINT: smaller strings (config max_strlen) or fewer "
		"statements per probe may help\n");
	_exit(EXIT_SCRIPT);
}

static void llvm_diagnostic(LLVMDiagnosticInfoRef di, void *arg)
{
	struct gen *g = arg;
	char *msg;

	if (LLVMGetDiagInfoSeverity(di) != LLVMDSError)
		return;
	msg = LLVMGetDiagInfoDescription(di);
	/* LLVM repeats a message for every instruction it concerns */
	if (!g->llvm_last_error || strcmp(g->llvm_last_error, msg)) {
		fprintf(stderr, "bt-gen: ERROR: %s\n", msg);
		g->llvm_last_error = arena_strdup(g->a, msg);
	}
	LLVMDisposeMessage(msg);
	g->llvm_failed = true;
}

static int target_init(struct gen *g)
{
	char *err = NULL;
	LLVMTargetRef target;

	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	fatal_gen = g;
	LLVMInstallFatalErrorHandler(llvm_fatal);
	if (LLVMGetTargetFromTriple("bpfel", &target, &err)) {
		fprintf(stderr, "bt-gen: no BPF target in LLVM: %s\n", err);
		LLVMDisposeMessage(err);
		return -ENOSYS;
	}
	/* v3: 32-bit jumps and ALU; no signed division (done by hand) */
	g->tm = LLVMCreateTargetMachine(target, "bpfel", "v3", "",
					LLVMCodeGenLevelDefault,
					LLVMRelocDefault, LLVMCodeModelDefault);
	return g->tm ? 0 : -ENOSYS;
}

int gen_program(struct gen *g)
{
	struct val *probes = val_get(g->prog, "probes");
	LLVMTargetDataRef td;
	LLVMValueRef lic;
	char *dl, *err = NULL;
	size_t i;
	int ret;

	ret = target_init(g);
	if (ret)
		return ret;
	g->ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(g->ctx, llvm_diagnostic, g);
	g->mod = LLVMModuleCreateWithNameInContext("bt", g->ctx);
	LLVMSetTarget(g->mod, "bpfel");
	td = LLVMCreateTargetDataLayout(g->tm);
	dl = LLVMCopyStringRepOfTargetData(td);
	LLVMSetDataLayout(g->mod, dl);
	LLVMDisposeMessage(dl);
	LLVMDisposeTargetData(td);
	g->b = LLVMCreateBuilderInContext(g->ctx);

	{
		struct val *src = val_get(g->hdr, "src");

		btf_debug_init(g, val_get_str(g->hdr, "file"),
			       src && src->kind == VAL_STR ? src->s : NULL,
			       src && src->kind == VAL_STR ? src->n : 0);
	}
	ret = maps_declare(g);
	if (ret)
		return ret;

	lic = LLVMAddGlobal(g->mod, LLVMArrayType2(LLVMInt8TypeInContext(g->ctx),
						   4), "LICENSE");
	LLVMSetInitializer(lic, LLVMConstStringInContext(g->ctx, "GPL", 3, 0));
	LLVMSetSection(lic, "license");
	LLVMSetAlignment(lic, 1);

	g->nslots = max_slot(probes);
	{
		/* functions: one per probe plus callbacks (a for each) */
		size_t nfn = count_fns(probes) + 1;

		g->bases = arena_alloc(g->a, sizeof(*g->bases) * nfn);
		g->base_region = arena_alloc(g->a, sizeof(int) * nfn);
		g->region_need = arena_alloc(g->a, sizeof(int64_t) * nfn);
	}
	g->slots = arena_alloc(g->a, sizeof(*g->slots) *
			       (size_t)(g->nslots + 1));
	for (i = 0; probes && probes->kind == VAL_ARR && i < probes->n; i++)
		gen_probe(g, probes->items[i]);
	if (diag_errors())
		return -EINVAL;

	/* the scratch map holds every region */
	scratch_layout(g);
	if (g->scratch_need > GEN_SCRATCH_MAX) {
		fprintf(stderr, "bt-gen: ERROR: the probes need %lld bytes of "
			"scratch memory, more than %d\n",
			(long long)g->scratch_need, GEN_SCRATCH_MAX);
		return -EINVAL;
	}
	if (g->scratch_need < 8)
		g->scratch_need = 8;
	g->scratch.kval = type_new(g->a, TY_ARRAY);
	g->scratch.kval->elem = type_int(g->a, 1, false);
	g->scratch.kval->count = g->scratch_need;
	btf_debug_map(g, &g->scratch);
	btf_debug_finish(g);

	if (LLVMVerifyModule(g->mod, LLVMReturnStatusAction, &err)) {
		fprintf(stderr, "bt-gen: internal error: invalid IR: %s\n",
			err);
		LLVMDisposeMessage(err);
		return -EFAULT;
	}
	LLVMDisposeMessage(err);
	return 0;
}

/* the module's IR into PREFIX.SUFFIX (--llvm-files) */
static int ir_to_file(struct gen *g, const char *suffix)
{
	char *path = arena_printf(g->a, "%s.%s", g->llvm_files, suffix);
	char *err = NULL;

	if (LLVMPrintModuleToFile(g->mod, path, &err)) {
		fprintf(stderr, "bt-gen: cannot write '%s': %s\n", path,
			err ? err : "?");
		LLVMDisposeMessage(err);
		return -EIO;
	}
	return 0;
}

int gen_emit_object(struct gen *g, void **obj, size_t *len)
{
	LLVMPassBuilderOptionsRef opts;
	LLVMMemoryBufferRef buf;
	LLVMErrorRef perr;
	char *err = NULL;
	int ret;

	if (g->llvm_files && ir_to_file(g, "original.ll")) {
		btf_debug_cleanup(g);
		return -EIO;
	}
	if (g->verify_ir && LLVMVerifyModule(g->mod, LLVMReturnStatusAction,
					     &err)) {
		fprintf(stderr, "bt-gen: the LLVM IR verifier failed:\n%s\n",
			err ? err : "");
		LLVMDisposeMessage(err);
		btf_debug_cleanup(g);
		return -EFAULT;
	}
	LLVMDisposeMessage(err);
	err = NULL;
	opts = LLVMCreatePassBuilderOptions();
	perr = LLVMRunPasses(g->mod, "default<O2>", g->tm, opts);
	LLVMDisposePassBuilderOptions(opts);
	if (perr) {
		char *m = LLVMGetErrorMessage(perr);

		fprintf(stderr, "bt-gen: internal error: %s\n", m);
		LLVMDisposeErrorMessage(m);
		btf_debug_cleanup(g);
		return -EFAULT;
	}
	if (g->llvm_files && ir_to_file(g, "optimized.ll")) {
		btf_debug_cleanup(g);
		return -EIO;
	}
	ret = LLVMTargetMachineEmitToMemoryBuffer(g->tm, g->mod, LLVMObjectFile,
						  &err, &buf);
	btf_debug_cleanup(g);
	if (ret) {
		fprintf(stderr, "bt-gen: internal error: %s\n", err);
		LLVMDisposeMessage(err);
		return -EFAULT;
	}
	if (g->llvm_failed) {
		LLVMDisposeMemoryBuffer(buf);
		return -EINVAL;
	}
	*len = LLVMGetBufferSize(buf);
	*obj = arena_alloc(g->a, *len ? *len : 1);
	memcpy(*obj, LLVMGetBufferStart(buf), *len);
	LLVMDisposeMemoryBuffer(buf);
	return 0;
}
