/*
 * strings.c - the byte scans of string-like values and memory: strlen,
 * strstr, strcontains, str_concat and memcmp (bt-check/stdlib.c typed them; pointers
 * arrive already read into strings).
 *
 * Scans are real loops, not unrolled code: the verifier walks a bounded
 * loop once per iteration with the index known, so every access has a
 * constant offset into the stack or bt_scratch and the program stays
 * small.  A loop that has found its answer leaves at once, so a scan of
 * capacity N costs the verifier about N iterations (strstr: haystack
 * capacity times needle capacity).
 *
 * str_concat builds its string[1024] in bt_scratch with
 * bpf_probe_read_kernel_str, which copies up to a NUL and says how much
 * it copied, so the second part lands right after the first.  The
 * buffer is twice the string: the verifier checks the copy's start and
 * size bounds independently, and only the sum of both worst cases fits.
 */
#include <linux/bpf.h>

#include "diag.h"
#include "gen.h"

#define STR_CONCAT_SIZE 1024

/* a counted loop: i from 0 while i < n; the builder is in the body */
struct strings_loop {
	LLVMBasicBlockRef head, body, next, out;
	LLVMValueRef i;
};

static void strings_loop_begin(struct gen *g, struct strings_loop *l,
			       LLVMValueRef n, const char *name)
{
	LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
	LLVMValueRef zero = gen_i64(g, 0);

	l->head = gen_block(g, name);
	l->body = gen_block(g, name);
	l->next = gen_block(g, name);
	l->out = gen_block(g, name);
	LLVMBuildBr(g->b, l->head);
	LLVMPositionBuilderAtEnd(g->b, l->head);
	l->i = LLVMBuildPhi(g->b, LLVMInt64TypeInContext(g->ctx), "i");
	LLVMAddIncoming(l->i, &zero, &pre, 1);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, l->i, n, ""),
			l->body, l->out);
	LLVMPositionBuilderAtEnd(g->b, l->body);
}

/* close the body (falls through to the next turn); builder at l->out */
static void strings_loop_end(struct gen *g, struct strings_loop *l)
{
	LLVMValueRef inc;
	LLVMBasicBlockRef at;

	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(g->b)))
		LLVMBuildBr(g->b, l->next);
	LLVMPositionBuilderAtEnd(g->b, l->next);
	inc = LLVMBuildAdd(g->b, l->i, gen_i64(g, 1), "");
	at = LLVMGetInsertBlock(g->b);
	LLVMAddIncoming(l->i, &inc, &at, 1);
	LLVMBuildBr(g->b, l->head);
	LLVMPositionBuilderAtEnd(g->b, l->out);
}

static LLVMValueRef strings_byte_at(struct gen *g, LLVMValueRef p,
				    LLVMValueRef i)
{
	LLVMTypeRef i8 = LLVMInt8TypeInContext(g->ctx);

	return LLVMBuildLoad2(g->b, i8, LLVMBuildGEP2(g->b, i8, p, &i, 1, ""),
			      "");
}

/* a phi of i64 values from blocks */
static LLVMValueRef strings_phi(struct gen *g, LLVMValueRef *vals,
				LLVMBasicBlockRef *from, unsigned n)
{
	LLVMValueRef phi = LLVMBuildPhi(g->b, LLVMInt64TypeInContext(g->ctx),
					"");

	LLVMAddIncoming(phi, vals, from, n);
	return phi;
}

static bool strings_is_bytes(const struct type *t)
{
	return t && (t->kind == TY_STRING ||
		     (t->kind == TY_ARRAY && t->elem && t->elem->size == 1));
}

/* the index of the first NUL in the n bytes at p, or n */
static LLVMValueRef strings_len(struct gen *g, LLVMValueRef p, int64_t n)
{
	struct strings_loop l;
	LLVMBasicBlockRef nul, done, from[2];
	LLVMValueRef vals[2];

	strings_loop_begin(g, &l, gen_i64(g, (uint64_t)n), "strlen");
	nul = gen_block(g, "strlen_nul");
	done = gen_block(g, "strlen_done");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ,
			strings_byte_at(g, p, l.i), gen_const(g, 1, 0), ""),
			nul, l.next);
	strings_loop_end(g, &l);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, nul);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	vals[0] = gen_i64(g, (uint64_t)n);
	from[0] = l.out;
	vals[1] = l.i;
	from[1] = nul;
	return strings_phi(g, vals, from, 2);
}

/* strlen(s) of a string or char array: the first NUL, or the capacity */
struct gv strings_strlen(struct gen *g, const struct val *e)
{
	struct gv s = expr_gen(g, call_arg(e, 0));

	if (!strings_is_bytes(s.t))
		return expr_unsupported(g, e, "strlen() of this type");
	return expr_convert(g, (struct gv){ strings_len(g, s.v, type_size(s.t)),
			    type_int(g->a, 8, false), 0 }, gen_type_of(g, e));
}

/*
 * One start position i of a long strstr, as a bpf_loop callback: the
 * context holds { h, n, &result }; the turn stops the loop (returns 1)
 * when it finds the needle at i (result = i) or when no later start can
 * fit, and goes on (returns 0) on a mismatch.  result is in bt_scratch,
 * where the verifier does not follow it: were it on the stack, every turn
 * would leave a different state and the verifier would walk them all.
 */
struct strstr_sizes {
	int64_t hn, nn;
};

static void strstr_turn(struct gen *g, LLVMValueRef i, LLVMValueRef ctx,
			void *arg)
{
	const struct strstr_sizes *sz = arg;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMBasicBlockRef in = gen_block(g, "strstr_in");
	LLVMBasicBlockRef scan = gen_block(g, "strstr_from");
	LLVMBasicBlockRef stop = gen_block(g, "strstr_stop");
	LLVMBasicBlockRef next = gen_block(g, "strstr_next");
	LLVMBasicBlockRef found = gen_block(g, "strstr_found");
	LLVMBasicBlockRef more, cmp;
	struct strings_loop inner;
	LLVMValueRef h, n, nc, k, st, res;

	h = LLVMBuildLoad2(g->b, ptr, ctx, "h");
	LLVMSetAlignment(h, 8);
	n = LLVMBuildLoad2(g->b, ptr, gen_ptr_add(g, ctx, 8), "n");
	LLVMSetAlignment(n, 8);
	/* bpf_loop stays below hn; the test tells the verifier so */
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, i,
			gen_i64(g, (uint64_t)sz->hn), ""), in, stop);
	LLVMPositionBuilderAtEnd(g->b, in);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ,
			strings_byte_at(g, h, i), gen_const(g, 1, 0), ""),
			stop, scan);
	LLVMPositionBuilderAtEnd(g->b, scan);
	strings_loop_begin(g, &inner, gen_i64(g, (uint64_t)sz->nn),
			   "strstr_cmp");
	nc = strings_byte_at(g, n, inner.i);
	more = gen_block(g, "strstr_more");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, nc,
			gen_const(g, 1, 0), ""), found, more);
	LLVMPositionBuilderAtEnd(g->b, more);
	k = LLVMBuildAdd(g->b, i, inner.i, "");
	cmp = gen_block(g, "strstr_byte");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGE, k,
			gen_i64(g, (uint64_t)sz->hn), ""), stop, cmp);
	LLVMPositionBuilderAtEnd(g->b, cmp);
	/*
	 * h again, by a load LLVM must repeat: with h + i hoisted out of
	 * the loop, the verifier would see i < hn and j < nn apart, not
	 * i + j < hn
	 */
	h = LLVMBuildLoad2(g->b, ptr, ctx, "h");
	LLVMSetAlignment(h, 8);
	LLVMSetVolatile(h, 1);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ,
			strings_byte_at(g, h, k), nc, ""), inner.next, next);
	strings_loop_end(g, &inner);
	LLVMBuildBr(g->b, found);

	LLVMPositionBuilderAtEnd(g->b, found);
	res = LLVMBuildLoad2(g->b, ptr, gen_ptr_add(g, ctx, 16), "res");
	LLVMSetAlignment(res, 8);
	st = LLVMBuildStore(g->b, i, res);
	LLVMSetAlignment(st, 8);
	LLVMBuildRet(g->b, gen_i64(g, 1));
	LLVMPositionBuilderAtEnd(g->b, stop);
	LLVMBuildRet(g->b, gen_i64(g, 1));
	LLVMPositionBuilderAtEnd(g->b, next);
	LLVMBuildRet(g->b, gen_i64(g, 0));
}

/* strstr of h (hn bytes) and n (nn) with each start in a bpf_loop turn */
static LLVMValueRef strstr_by_loop(struct gen *g, const struct val *e,
				   struct gv h, struct gv n,
				   struct strstr_sizes *sz)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMValueRef ctx, st, r, res = gen_tmp_in_scratch(g, 8);

	ctx = LLVMBuildAlloca(g->ab, LLVMArrayType2(i64, 3), "strstr_ctx");
	LLVMSetAlignment(ctx, 8);
	st = LLVMBuildStore(g->b, h.v, ctx);
	LLVMSetAlignment(st, 8);
	st = LLVMBuildStore(g->b, n.v, gen_ptr_add(g, ctx, 8));
	LLVMSetAlignment(st, 8);
	st = LLVMBuildStore(g->b, res, gen_ptr_add(g, ctx, 16));
	LLVMSetAlignment(st, 8);
	st = LLVMBuildStore(g->b, gen_i64(g, (uint64_t)-1), res);
	LLVMSetAlignment(st, 8);
	callbacks_loop(g, e, gen_i64(g, (uint64_t)sz->hn), ctx, strstr_turn,
		       sz);
	r = LLVMBuildLoad2(g->b, i64, res, "");
	LLVMSetAlignment(r, 8);
	return r;
}

/*
 * strstr(h, n): the first i where n's bytes up to its NUL (or its
 * capacity) are h's bytes from i; -1 when h ends (NUL or capacity)
 * first.  An empty needle is found at 0.  Up to STRSTR_WALK bytes
 * compared at most, a bounded loop; beyond, each start position is a
 * turn of bpf_loop, so the verifier walks one turn, not all of them.
 */
#define STRSTR_WALK (64 * 64)

static LLVMValueRef strstr_at(struct gen *g, const struct val *e)
{
	struct gv h = expr_gen(g, call_arg(e, 0)), n = expr_gen(g, call_arg(e, 1));
	int64_t hn = type_size(h.t), nn = type_size(n.t);
	struct strings_loop outer, inner;
	LLVMBasicBlockRef found, none, done, more, cmp, from[3];
	LLVMValueRef hc, nc, k, vals[3], at_i;
	struct strstr_sizes *sz;

	if (!strings_is_bytes(h.t) || !strings_is_bytes(n.t)) {
		expr_unsupported(g, e, "strstr() of these arguments");
		return NULL;
	}
	found = gen_block(g, "strstr_found");
	none = gen_block(g, "strstr_none");
	done = gen_block(g, "strstr_done");

	/* an empty needle is at 0, even in an empty haystack */
	more = gen_block(g, "strstr_scan");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ,
			strings_byte_at(g, n.v, gen_i64(g, 0)),
			gen_const(g, 1, 0), ""), done, more);
	from[0] = LLVMGetInsertBlock(g->b);
	vals[0] = gen_i64(g, 0);
	LLVMPositionBuilderAtEnd(g->b, more);

	if (hn * nn > STRSTR_WALK) {
		sz = arena_alloc(g->a, sizeof(*sz));
		sz->hn = hn;
		sz->nn = nn;
		vals[1] = strstr_by_loop(g, e, h, n, sz);
		from[1] = LLVMGetInsertBlock(g->b);
		LLVMBuildBr(g->b, done);
		LLVMDeleteBasicBlock(found);
		LLVMDeleteBasicBlock(none);
		LLVMPositionBuilderAtEnd(g->b, done);
		return strings_phi(g, vals, from, 2);
	}
	strings_loop_begin(g, &outer, gen_i64(g, (uint64_t)hn), "strstr_at");
	hc = strings_byte_at(g, h.v, outer.i);
	more = gen_block(g, "strstr_from");
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, hc,
			gen_const(g, 1, 0), ""), none, more);
	LLVMPositionBuilderAtEnd(g->b, more);

	strings_loop_begin(g, &inner, gen_i64(g, (uint64_t)nn), "strstr_cmp");
	nc = strings_byte_at(g, n.v, inner.i);
	more = gen_block(g, "strstr_more");
	/* the needle ended: found at i */
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, nc,
			gen_const(g, 1, 0), ""), found, more);
	LLVMPositionBuilderAtEnd(g->b, more);
	k = LLVMBuildAdd(g->b, outer.i, inner.i, "");
	cmp = gen_block(g, "strstr_byte");
	/* the haystack's capacity ended first: no later start fits either */
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntUGE, k,
			gen_i64(g, (uint64_t)hn), ""), none, cmp);
	LLVMPositionBuilderAtEnd(g->b, cmp);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ,
			strings_byte_at(g, h.v, k), nc, ""), inner.next,
			outer.next);
	strings_loop_end(g, &inner);
	/* the needle's capacity ended with every byte equal */
	LLVMBuildBr(g->b, found);
	strings_loop_end(g, &outer);
	LLVMBuildBr(g->b, none);

	LLVMPositionBuilderAtEnd(g->b, found);
	at_i = outer.i;
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, none);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	vals[1] = at_i;
	from[1] = found;
	vals[2] = gen_i64(g, (uint64_t)-1);
	from[2] = none;
	return strings_phi(g, vals, from, 3);
}

struct gv strings_strstr(struct gen *g, const struct val *e)
{
	LLVMValueRef at = strstr_at(g, e);

	if (!at)
		return expr_dummy(g, gen_type_of(g, e));
	return expr_convert(g, (struct gv){ at, type_int(g->a, 8, true), 0 },
			    gen_type_of(g, e));
}

struct gv strings_strcontains(struct gen *g, const struct val *e)
{
	LLVMValueRef at = strstr_at(g, e);

	if (!at)
		return expr_dummy(g, gen_type_of(g, e));
	return expr_convert(g, (struct gv){ LLVMBuildICmp(g->b, LLVMIntSGE,
			    at, gen_i64(g, 0), ""), type_new(g->a, TY_BOOL),
			    0 }, gen_type_of(g, e));
}

/* a NUL-terminated copy of the string-like s (capacity + 1 bytes) */
static LLVMValueRef strings_terminated(struct gen *g, struct gv s)
{
	int64_t n = type_size(s.t);
	LLVMValueRef p = gen_tmp(g, n + 1);

	gen_memcpy(g, p, s.v, n, 1);
	LLVMBuildStore(g->b, gen_const(g, 1, 0), gen_ptr_add(g, p, n));
	return p;
}

static LLVMValueRef strings_read_str(struct gen *g, LLVMValueRef dst,
				     LLVMValueRef size, LLVMValueRef src)
{
	LLVMValueRef args[3] = { dst, size, src };

	return gen_helper(g, BPF_FUNC_probe_read_kernel_str,
			  LLVMInt64TypeInContext(g->ctx), args, 3);
}

/* str_concat(a, b): string[1024] holding a's text then b's, truncated */
struct gv strings_str_concat(struct gen *g, const struct val *e)
{
	struct gv a = expr_gen(g, call_arg(e, 0)), b = expr_gen(g, call_arg(e, 1));
	LLVMValueRef dst, pa, pb, n, len, idx;

	if (!strings_is_bytes(a.t) || !strings_is_bytes(b.t))
		return expr_unsupported(g, e, "str_concat() of these arguments");
	pa = strings_terminated(g, a);
	pb = strings_terminated(g, b);
	dst = gen_tmp(g, 2 * STR_CONCAT_SIZE);
	LLVMBuildStore(g->b, gen_const(g, 1, 0), dst);
	n = strings_read_str(g, dst, gen_const(g, 4, STR_CONCAT_SIZE), pa);
	/* bytes copied with the NUL; 0 (an empty a) on a failed read */
	len = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSGT, n,
			      gen_i64(g, 0), ""),
			      LLVMBuildSub(g->b, n, gen_i64(g, 1), ""),
			      gen_i64(g, 0), "");
	len = LLVMBuildAnd(g->b, len, gen_i64(g, STR_CONCAT_SIZE - 1), "");
	idx = len;
	strings_read_str(g, LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx),
					  dst, &idx, 1, ""),
			 LLVMBuildTrunc(g->b, LLVMBuildSub(g->b,
				gen_i64(g, STR_CONCAT_SIZE), len, ""),
				LLVMInt32TypeInContext(g->ctx), ""), pb);
	return (struct gv){ dst, type_string(g->a, STR_CONCAT_SIZE), 8 };
}

/* the bytes of a value: aggregates are in memory, scalars are stored */
static LLVMValueRef strings_bytes_of(struct gen *g, struct gv v)
{
	LLVMValueRef p;

	if (!gen_is_scalar(v.t))
		return v.v;
	p = gen_tmp(g, type_size(v.t));
	gen_store(g, p, v, v.t);
	return p;
}

/*
 * memcmp(l, r, count): 0 when the first count bytes are equal, else the
 * difference of the first differing bytes (as signed chars); never
 * reads past the smaller of the two values
 */
struct gv strings_memcmp(struct gen *g, const struct val *e)
{
	struct gv l = expr_gen(g, call_arg(e, 0)), r = expr_gen(g, call_arg(e, 1));
	struct gv cnt = expr_gen(g, call_arg(e, 2));
	int64_t ls = type_size(l.t), rs = type_size(r.t);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	struct strings_loop loop;
	LLVMBasicBlockRef differ, done, from[2];
	LLVMValueRef pl, pr, bl, br, n, vals[2], diff;

	if (!gen_is_scalar(cnt.t))
		return expr_unsupported(g, e, "memcmp() with this count");
	pl = strings_bytes_of(g, l);
	pr = strings_bytes_of(g, r);
	n = LLVMBuildZExtOrBitCast(g->b, cnt.v, i64, "");
	n = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntULT, n,
			    gen_i64(g, (uint64_t)(ls < rs ? ls : rs)), ""),
			    n, gen_i64(g, (uint64_t)(ls < rs ? ls : rs)), "");
	differ = gen_block(g, "memcmp_differ");
	done = gen_block(g, "memcmp_done");
	strings_loop_begin(g, &loop, n, "memcmp");
	bl = strings_byte_at(g, pl, loop.i);
	br = strings_byte_at(g, pr, loop.i);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE, bl, br, ""),
			differ, loop.next);
	strings_loop_end(g, &loop);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, differ);
	diff = LLVMBuildSub(g->b, LLVMBuildSExt(g->b, bl, i64, ""),
			    LLVMBuildSExt(g->b, br, i64, ""), "");
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	vals[0] = gen_i64(g, 0);
	from[0] = loop.out;
	vals[1] = diff;
	from[1] = differ;
	return expr_convert(g, (struct gv){ strings_phi(g, vals, from, 2),
			    type_int(g->a, 8, true), 0 }, gen_type_of(g, e));
}
