/*
 * expr.c - expressions: literals, variables, operators, ternaries,
 * tuples, casts and member access, compiled with the types bt-check put
 * on every node (the operands of a binop already have the operation's
 * type; `cast` nodes mark every change of type).
 *
 * Signed division and remainder are done on magnitudes (BPF ISA v3 has
 * no signed division): q = |a| / |b| with the sign of a ^ b, r = |a| % |b|
 * with the sign of a, as C does.  Strings compare byte by byte up to the
 * first NUL, unrolled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "bug.h"
#include "async.h"
#include "diag.h"
#include "gen.h"

struct gv expr_dummy(struct gen *g, struct type *t)
{
	return gen_zero_value(g, t);
}

struct gv expr_unsupported(struct gen *g, const struct val *e,
			   const char *what)
{
	diag_error_at(e, "%s is not supported yet", what);
	return expr_dummy(g, gen_type_of(g, e));
}

struct gv expr_void(struct gen *g)
{
	return (struct gv){ gen_i64(g, 0), type_int(g->a, 8, false), 0 };
}

const struct val *call_arg(const struct val *call, size_t i)
{
	return val_at(val_get(call, "args"), i);
}

size_t call_nargs(const struct val *call)
{
	struct val *a = val_get(call, "args");

	return a && a->kind == VAL_ARR ? a->n : 0;
}

static bool is_str(const struct type *t)
{
	return t->kind == TY_STRING;
}

struct gv expr_convert(struct gen *g, struct gv v, struct type *to)
{
	LLVMTypeRef lt;
	unsigned fw, tw;
	struct gv out = { NULL, to, 8 };

	if ((type_equal(v.t, to) && v.t->kind != TY_STRUCT) ||
	    to->kind == TY_VOID)
		return v;       /* nothing to do, or the value is unused */
	if (gen_is_scalar(to) && gen_is_scalar(v.t)) {
		if (to->kind == TY_BOOL) {
			if (v.t->kind == TY_BOOL)
				return (struct gv){ v.v, to, 0 };
			out.v = LLVMBuildICmp(g->b, LLVMIntNE, v.v,
					      LLVMConstNull(LLVMTypeOf(v.v)), "");
			return out;
		}
		lt = gen_llvm_type(g, to);
		fw = LLVMGetIntTypeWidth(LLVMTypeOf(v.v));
		tw = LLVMGetIntTypeWidth(lt);
		if (fw < tw)
			out.v = (v.t->is_signed && v.t->kind != TY_BOOL) ?
				LLVMBuildSExt(g->b, v.v, lt, "") :
				LLVMBuildZExt(g->b, v.v, lt, "");
		else if (fw > tw)
			out.v = LLVMBuildTrunc(g->b, v.v, lt, "");
		else
			out.v = v.v;
		return out;
	}
	if (!gen_is_scalar(to) && !gen_is_scalar(v.t)) {
		if (type_size(v.t) == type_size(to) &&
		    ((!is_str(to) && to->kind != TY_TUPLE &&
		      to->kind != TY_RECORD) || type_equal(v.t, to)))
			return (struct gv){ v.v, to, v.align };
		if ((is_str(to) && is_str(v.t)) ||
		    (to->kind == TY_BUFFER && v.t->kind == TY_BUFFER) ||
		    ((to->kind == TY_TUPLE || to->kind == TY_RECORD) &&
		     (v.t->kind == TY_TUPLE || v.t->kind == TY_RECORD))) {
			out.v = gen_tmp(g, type_size(to));
			gen_store_aligned(g, out.v, 8, v, to);
			return out;
		}
	}
	if (gen_is_scalar(v.t) && !gen_is_scalar(to) &&
	    type_size(to) >= type_size(v.t)) {
		/* (int8[])x: the integer's bytes */
		out.v = gen_tmp(g, type_size(to));
		gen_memzero(g, g->b, out.v, type_size(to), 8);
		gen_store_aligned(g, out.v, 8, v, v.t);
		return out;
	}
	if (!gen_is_scalar(v.t) && gen_is_scalar(to) && to->kind != TY_BOOL &&
	    type_size(v.t) >= type_size(to)) {
		/* (uint32)array: its first bytes */
		out = gen_load(g, v.v, to);
		return out;
	}
	diag_error(diag_loc_of(NULL), "cannot convert '%s' to '%s' yet",
		   type_str(g->a, v.t), type_str(g->a, to));
	return expr_dummy(g, to);
}

LLVMValueRef expr_cond(struct gen *g, const struct val *e)
{
	struct gv v = expr_gen(g, e);

	if (v.t->kind == TY_BOOL)
		return v.v;
	if (gen_is_scalar(v.t))
		return LLVMBuildICmp(g->b, LLVMIntNE, v.v,
				     LLVMConstNull(LLVMTypeOf(v.v)), "");
	diag_error_at(e, "a value of type '%s' cannot be a condition",
		      type_str(g->a, v.t));
	return LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 0, 0);
}

static LLVMValueRef abs_of(struct gen *g, LLVMValueRef x, LLVMValueRef neg)
{
	return LLVMBuildSelect(g->b, neg, LLVMBuildNeg(g->b, x, ""), x, "");
}

LLVMValueRef expr_arith(struct gen *g, const char *op, LLVMValueRef l,
			LLVMValueRef r, const struct type *t)
{
	LLVMBuilderRef b = g->b;
	bool s = t->is_signed;
	LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(l)), ln, rn, q, rz;

	if (!strcmp(op, "+"))
		return LLVMBuildAdd(b, l, r, "");
	if (!strcmp(op, "-"))
		return LLVMBuildSub(b, l, r, "");
	if (!strcmp(op, "*"))
		return LLVMBuildMul(b, l, r, "");
	if (!strcmp(op, "&"))
		return LLVMBuildAnd(b, l, r, "");
	if (!strcmp(op, "|"))
		return LLVMBuildOr(b, l, r, "");
	if (!strcmp(op, "^"))
		return LLVMBuildXor(b, l, r, "");
	if (!strcmp(op, "<<"))
		return LLVMBuildShl(b, l, r, "");
	if (!strcmp(op, ">>"))
		return s ? LLVMBuildAShr(b, l, r, "") :
			   LLVMBuildLShr(b, l, r, "");
	if (strcmp(op, "/") && strcmp(op, "%")) {
		diag_error(diag_loc_of(NULL), "unknown operator '%s' in the "
			   "typed-ast", op);
		return l;
	}
	/* as upstream bpftrace: x / 0 and x % 0 are 1 (divide by 1 instead:
	 * LLVM may assume a divisor is not 0) */
	rz = LLVMBuildICmp(b, LLVMIntEQ, r, zero, "");
	r = LLVMBuildSelect(b, rz, LLVMConstInt(LLVMTypeOf(r), 1, 0), r, "");
	if (!s) {
		q = op[0] == '/' ? LLVMBuildUDiv(b, l, r, "") :
				   LLVMBuildURem(b, l, r, "");
		return LLVMBuildSelect(b, rz, LLVMConstInt(LLVMTypeOf(l), 1, 0),
				       q, "");
	}
	ln = LLVMBuildICmp(b, LLVMIntSLT, l, zero, "");
	rn = LLVMBuildICmp(b, LLVMIntSLT, r, zero, "");
	if (op[0] == '/') {
		q = LLVMBuildUDiv(b, abs_of(g, l, ln), abs_of(g, r, rn), "");
		q = abs_of(g, q, LLVMBuildXor(b, ln, rn, ""));
	} else {
		q = LLVMBuildURem(b, abs_of(g, l, ln), abs_of(g, r, rn), "");
		q = abs_of(g, q, ln);
	}
	return LLVMBuildSelect(b, rz, LLVMConstInt(LLVMTypeOf(l), 1, 0), q, "");
}

int64_t expr_ptr_step(const struct type *t)
{
	int64_t n = t->kind == TY_PTR && t->elem ? type_size(t->elem) : 1;

	return n > 0 ? n : 1;
}

/* p + n, p - n: n counts elements */
LLVMValueRef expr_ptr_scale(struct gen *g, LLVMValueRef n,
			    const struct type *ptr)
{
	int64_t step = expr_ptr_step(ptr);

	if (step == 1)
		return n;
	return LLVMBuildMul(g->b, n, LLVMConstInt(LLVMTypeOf(n),
			    (uint64_t)step, 0), "");
}

/* a == b for strings: compare up to the first NUL or the capacity */
LLVMValueRef expr_str_equal(struct gen *g, struct gv a, struct gv b,
			    int64_t limit)
{
	int64_t na = type_size(a.t), nb = type_size(b.t);
	int64_t n = na < nb ? na : nb, i;
	bool limited = limit > 0 && limit <= n;

	if (limited)
		n = limit;
	LLVMBasicBlockRef yes = gen_block(g, "streq_yes");
	LLVMBasicBlockRef no = gen_block(g, "streq_no");
	LLVMBasicBlockRef done = gen_block(g, "streq_done");
	LLVMBasicBlockRef next, same;
	LLVMValueRef ca, cb, phi, vals[2];
	LLVMBasicBlockRef blocks[2];

	if (n > 256) {
		/* long strings: a loop, not n unrolled steps */
		LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
		LLVMBasicBlockRef loop = gen_block(g, "streq_loop");
		LLVMValueRef iv, nx, zero = gen_i64(g, 0);
		LLVMTypeRef i8 = LLVMInt8TypeInContext(g->ctx);

		LLVMBuildBr(g->b, loop);
		LLVMPositionBuilderAtEnd(g->b, loop);
		iv = LLVMBuildPhi(g->b, LLVMInt64TypeInContext(g->ctx), "");
		ca = LLVMBuildLoad2(g->b, i8, LLVMBuildGEP2(g->b, i8, a.v, &iv, 1,
				    ""), "");
		cb = LLVMBuildLoad2(g->b, i8, LLVMBuildGEP2(g->b, i8, b.v, &iv, 1,
				    ""), "");
		same = gen_block(g, "streq_same");
		next = gen_block(g, "streq_next");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, ca, cb, ""),
				same, no);
		LLVMPositionBuilderAtEnd(g->b, same);
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, ca,
				gen_const(g, 1, 0), ""), yes, next);
		LLVMPositionBuilderAtEnd(g->b, next);
		nx = LLVMBuildAdd(g->b, iv, gen_i64(g, 1), "");
		LLVMAddIncoming(iv, &zero, &pre, 1);
		LLVMAddIncoming(iv, &nx, &next, 1);
		same = gen_block(g, "streq_end");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULT, nx,
				gen_i64(g, (uint64_t)n), ""), loop, same);
		LLVMPositionBuilderAtEnd(g->b, same);
		i = n;
	}
	for (i = n > 256 ? n : 0; i < n; i++) {
		ca = LLVMBuildLoad2(g->b, gen_int_type(g, 1),
				    gen_ptr_add(g, a.v, i), "");
		cb = LLVMBuildLoad2(g->b, gen_int_type(g, 1),
				    gen_ptr_add(g, b.v, i), "");
		same = gen_block(g, "streq_same");
		next = gen_block(g, "streq_next");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, ca, cb, ""),
				same, no);
		LLVMPositionBuilderAtEnd(g->b, same);
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, ca,
				gen_const(g, 1, 0), ""), yes, next);
		LLVMPositionBuilderAtEnd(g->b, next);
	}
	/* one string ended at its capacity: equal if the other ends too */
	if (limited) {
		LLVMBuildBr(g->b, yes);
	} else if (na != nb) {
		struct gv *longer = na > nb ? &a : &b;

		ca = LLVMBuildLoad2(g->b, gen_int_type(g, 1),
				    gen_ptr_add(g, longer->v, n), "");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, ca,
				gen_const(g, 1, 0), ""), yes, no);
	} else {
		LLVMBuildBr(g->b, yes);
	}
	LLVMPositionBuilderAtEnd(g->b, yes);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, no);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, LLVMInt1TypeInContext(g->ctx), "");
	vals[0] = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0);
	vals[1] = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 0, 0);
	blocks[0] = yes;
	blocks[1] = no;
	LLVMAddIncoming(phi, vals, blocks, 2);
	return phi;
}

/* buffers are equal when their lengths and the bytes within are */
static LLVMValueRef buf_equal(struct gen *g, struct gv a, struct gv b)
{
	int64_t n = a.t->size < b.t->size ? a.t->size : b.t->size, i;
	LLVMValueRef la, lb, eq, ca, cb, in;

	la = LLVMBuildLoad2(g->b, gen_int_type(g, 4), a.v, "");
	lb = LLVMBuildLoad2(g->b, gen_int_type(g, 4), b.v, "");
	eq = LLVMBuildICmp(g->b, LLVMIntEQ, la, lb, "");
	for (i = 0; i < n && i < 4096; i++) {
		ca = LLVMBuildLoad2(g->b, gen_int_type(g, 1),
				    gen_ptr_add(g, a.v, 4 + i), "");
		cb = LLVMBuildLoad2(g->b, gen_int_type(g, 1),
				    gen_ptr_add(g, b.v, 4 + i), "");
		/* bytes past the length do not count */
		in = LLVMBuildICmp(g->b, LLVMIntUGT, la, gen_const(g, 4,
				   (uint64_t)i), "");
		eq = LLVMBuildAnd(g->b, eq, LLVMBuildOr(g->b, LLVMBuildNot(g->b,
				  in, ""), LLVMBuildICmp(g->b, LLVMIntEQ, ca, cb,
				  ""), ""), "");
	}
	return eq;
}

/*
 * Two arrays of one type are equal when every element is (upstream
 * compares element by element; for integer elements that is their bytes).
 * Compared in the widest chunks both operands' alignment allows, which the
 * verifier insists on for the stack.
 */
static LLVMValueRef array_equal(struct gen *g, struct gv a, struct gv b)
{
	int64_t n = type_size(a.t), w = 8, i, al;
	LLVMValueRef eq = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), 1, 0);
	LLVMValueRef la, lb;

	al = a.align ? a.align : gen_align_of(a.t);
	if ((b.align ? b.align : gen_align_of(b.t)) < al)
		al = b.align ? b.align : gen_align_of(b.t);
	while (w > 1 && (w > al || n % w))
		w /= 2;
	for (i = 0; i < n; i += w) {
		la = LLVMBuildLoad2(g->b, gen_int_type(g, w),
				    gen_ptr_add(g, a.v, i), "");
		lb = LLVMBuildLoad2(g->b, gen_int_type(g, w),
				    gen_ptr_add(g, b.v, i), "");
		LLVMSetAlignment(la, (unsigned)w);
		LLVMSetAlignment(lb, (unsigned)w);
		eq = LLVMBuildAnd(g->b, eq, LLVMBuildICmp(g->b, LLVMIntEQ, la,
				  lb, ""), "");
	}
	return eq;
}

static struct gv logical(struct gen *g, const struct val *e, bool is_and)
{
	LLVMValueRef l = expr_cond(g, val_get(e, "l")), r, phi, vals[2];
	LLVMBasicBlockRef lblock = LLVMGetInsertBlock(g->b), blocks[2];
	LLVMBasicBlockRef rhs = gen_block(g, is_and ? "and_rhs" : "or_rhs");
	LLVMBasicBlockRef done = gen_block(g, is_and ? "and_done" : "or_done");
	struct type *bt = type_new(g->a, TY_BOOL);

	if (is_and)
		LLVMBuildCondBr(g->b, l, rhs, done);
	else
		LLVMBuildCondBr(g->b, l, done, rhs);
	LLVMPositionBuilderAtEnd(g->b, rhs);
	r = expr_cond(g, val_get(e, "r"));
	blocks[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, LLVMInt1TypeInContext(g->ctx), "");
	vals[0] = LLVMConstInt(LLVMInt1TypeInContext(g->ctx), !is_and, 0);
	vals[1] = r;
	blocks[0] = lblock;
	LLVMAddIncoming(phi, vals, blocks, 2);
	return expr_convert(g, (struct gv){ phi, bt, 0 }, gen_type_of(g, e));
}

static const struct {
	const char *op;
	LLVMIntPredicate s, u;
} cmps[] = {
	{ "==", LLVMIntEQ, LLVMIntEQ },   { "!=", LLVMIntNE, LLVMIntNE },
	{ "<", LLVMIntSLT, LLVMIntULT },  { "<=", LLVMIntSLE, LLVMIntULE },
	{ ">", LLVMIntSGT, LLVMIntUGT },  { ">=", LLVMIntSGE, LLVMIntUGE },
};

static struct gv binop(struct gen *g, const struct val *e)
{
	const char *op = val_get_str(e, "op");
	struct type *t = gen_type_of(g, e);
	struct type *bt = type_new(g->a, TY_BOOL);
	struct gv l, r;
	LLVMValueRef c;
	size_t i;

	if (!op)
		return expr_unsupported(g, e, "a binop without an operator");
	if (!strcmp(op, "&&") || !strcmp(op, "||"))
		return logical(g, e, op[0] == '&');
	l = expr_gen(g, val_get(e, "l"));
	r = expr_gen(g, val_get(e, "r"));
	for (i = 0; i < ARRAY_SIZE(cmps); i++) {
		if (strcmp(op, cmps[i].op))
			continue;
		if (l.t->kind == TY_BUFFER && r.t->kind == TY_BUFFER && i < 2) {
			c = buf_equal(g, l, r);
			if (i == 1)
				c = LLVMBuildNot(g->b, c, "");
		} else if (l.t->kind == TY_ARRAY && r.t->kind == TY_ARRAY &&
			   type_equal(l.t, r.t) && i < 2 &&
			   type_size(l.t) <= GEN_ARRAY_CMP_MAX) {
			c = array_equal(g, l, r);
			if (i == 1)
				c = LLVMBuildNot(g->b, c, "");
		} else if (is_str(l.t) && is_str(r.t) && i < 2) {
			c = expr_str_equal(g, l, r, 0);
			if (i == 1)
				c = LLVMBuildNot(g->b, c, "");
		} else if (gen_is_scalar(l.t) && gen_is_scalar(r.t)) {
			if (LLVMTypeOf(l.v) != LLVMTypeOf(r.v))
				r = expr_convert(g, r, l.t);
			c = LLVMBuildICmp(g->b, l.t->is_signed ? cmps[i].s :
					  cmps[i].u, l.v, r.v, "");
		} else {
			return expr_unsupported(g, e, arena_printf(g->a,
				"comparing '%s' with '%s'", type_str(g->a, l.t),
				type_str(g->a, r.t)));
		}
		return expr_convert(g, (struct gv){ c, bt, 0 }, t);
	}
	if (!gen_is_scalar(t) || !gen_is_scalar(l.t) || !gen_is_scalar(r.t))
		return expr_unsupported(g, e, arena_printf(g->a, "operator '%s' on "
				   "'%s'", op, type_str(g->a, l.t)));
	if (t->kind == TY_BOOL) {
		/* & | ^ on bools */
		l = expr_convert(g, l, t);
		r = expr_convert(g, r, t);
		return (struct gv){ expr_arith(g, op, l.v, r.v, t), t, 0 };
	}
	if (t->kind == TY_PTR && (!strcmp(op, "+") || !strcmp(op, "-")) &&
	    (l.t->kind == TY_PTR) != (r.t->kind == TY_PTR)) {
		bool lp = l.t->kind == TY_PTR;

		l = expr_convert(g, l, t);
		r = expr_convert(g, r, t);
		if (lp)
			r.v = expr_ptr_scale(g, r.v, t);
		else
			l.v = expr_ptr_scale(g, l.v, t);
	}
	l = expr_convert(g, l, t);
	r = expr_convert(g, r, t);
	async_div_check(g, e, op, r.v);
	return (struct gv){ expr_arith(g, op, l.v, r.v, t), t, 0 };
}

/* ++ and -- on a variable or a map element */
static struct gv incdec(struct gen *g, const struct val *e)
{
	const struct val *lv = val_get(e, "e");
	bool post = val_get_bool(e, "post", false);
	const char *op = val_get_str(e, "op");
	struct type *t = gen_type_of(g, lv);
	struct gv old, nv;
	LLVMValueRef slot = NULL;

	if (ast_kind(lv) == AST_VAR) {
		slot = stmt_slot(g, lv, t);
		old = expr_convert(g, gen_load(g, slot,
				   stmt_slot_info(g, lv)->t), t);
	} else if (ast_kind(lv) == AST_MAP) {
		old = maps_read(g, lv);
	} else {
		return expr_unsupported(g, e, "'++'/'--' on this expression");
	}
	if (!gen_is_scalar(t) || t->kind == TY_BOOL)
		return expr_unsupported(g, e, "'++'/'--' on a non-integer");
	nv.t = t;
	nv.align = 0;
	nv.v = LLVMConstInt(LLVMTypeOf(old.v), (uint64_t)expr_ptr_step(t), 0);
	nv.v = (op && !strcmp(op, "--")) ? LLVMBuildSub(g->b, old.v, nv.v, "") :
					   LLVMBuildAdd(g->b, old.v, nv.v, "");
	if (slot)
		gen_store(g, slot, expr_convert(g, nv, stmt_slot_info(g, lv)->t),
			  stmt_slot_info(g, lv)->t);
	else {
		g->update_at = e;
		maps_write(g, lv, nv);
	}
	return expr_convert(g, post ? old : nv, gen_type_of(g, e));
}

static struct gv unop(struct gen *g, const struct val *e)
{
	const char *op = val_get_str(e, "op");
	struct type *t = gen_type_of(g, e);
	struct gv v, out = { NULL, t, 8 };

	if (!op)
		return expr_unsupported(g, e, "a unop without an operator");
	if (!strcmp(op, "++") || !strcmp(op, "--"))
		return incdec(g, e);
	if (!strcmp(op, "!")) {
		LLVMValueRef c = expr_cond(g, val_get(e, "e"));

		return expr_convert(g, (struct gv){ LLVMBuildNot(g->b, c, ""),
				    type_new(g->a, TY_BOOL), 0 }, t);
	}
	if (!strcmp(op, "&")) {
		/* &$x: the address of the variable's memory (stack or scratch;
		 * read back through *p with probe_read_kernel) */
		const struct val *x = val_get(e, "e");

		if (ast_kind(x) != AST_VAR || !gen_is_scalar(t))
			return expr_unsupported(g, e, "'&' of this expression");
		out.v = LLVMBuildPtrToInt(g->b, stmt_slot(g, x, gen_type_of(g,
					  x)), gen_int_type(g, 8), "");
		out.align = 0;
		return out;
	}
	v = expr_gen(g, val_get(e, "e"));
	if (!strcmp(op, "*")) {
		if (v.t->kind != TY_PTR || !gen_is_scalar(v.t))
			return expr_unsupported(g, e, "dereferencing this type");
		out.v = gen_tmp(g, type_size(t) > 0 ? type_size(t) : 8);
		g->read_at = e;    /* -k: a failed read warns here */
		builtin_probe_read(g, out.v, type_size(t), v.v, v.t->user);
		return gen_load(g, out.v, t);
	}
	if (!gen_is_scalar(v.t) || !gen_is_scalar(t))
		return expr_unsupported(g, e, arena_printf(g->a, "operator '%s' on "
				   "'%s'", op, type_str(g->a, v.t)));
	v = expr_convert(g, v, t);
	if (!strcmp(op, "-"))
		out.v = LLVMBuildNeg(g->b, v.v, "");
	else if (!strcmp(op, "~"))
		out.v = LLVMBuildNot(g->b, v.v, "");
	else
		return expr_unsupported(g, e, arena_printf(g->a, "operator '%s'",
						      op));
	return out;
}

/*
 * The two arms of a ternary or an if-expression: each arm ends with
 * arm_end() (a big value goes to res, a scalar to a phi), and
 * arms_join() gives the result in done.
 */
static void arm_end(struct gen *g, struct gv v, LLVMValueRef res,
		    LLVMValueRef *val, LLVMBasicBlockRef *blk,
		    LLVMBasicBlockRef done)
{
	if (res)
		gen_store_aligned(g, res, 8, v, v.t);
	*val = v.v;
	*blk = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
}

static struct gv arms_join(struct gen *g, LLVMValueRef res, struct type *t,
			   LLVMValueRef vals[2], LLVMBasicBlockRef blocks[2],
			   LLVMBasicBlockRef done)
{
	LLVMValueRef phi;

	LLVMPositionBuilderAtEnd(g->b, done);
	if (res)
		return (struct gv){ res, t, 8 };
	phi = LLVMBuildPhi(g->b, LLVMTypeOf(vals[0]), "");
	LLVMAddIncoming(phi, vals, blocks, 2);
	return (struct gv){ phi, t, 0 };
}

static struct gv ternary(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	const struct val *a = val_get(e, "a");
	LLVMBasicBlockRef yes = gen_block(g, "tern_a"), no = gen_block(g,
		"tern_b"), done = gen_block(g, "tern_done"), blocks[2];
	LLVMValueRef c, vals[2], res = NULL;
	struct gv cv = { NULL, NULL, 0 }, v;

	if (a && a->kind == VAL_MAP) {
		c = expr_cond(g, val_get(e, "c"));
	} else {
		/* c ?: b */
		cv = expr_gen(g, val_get(e, "c"));
		if (!gen_is_scalar(cv.t))
			return expr_unsupported(g, e, "'?:' on a non-integer");
		c = cv.t->kind == TY_BOOL ? cv.v : LLVMBuildICmp(g->b,
			LLVMIntNE, cv.v, LLVMConstNull(LLVMTypeOf(cv.v)), "");
	}
	if (!gen_is_scalar(t))
		res = gen_tmp(g, type_size(t));
	LLVMBuildCondBr(g->b, c, yes, no);
	LLVMPositionBuilderAtEnd(g->b, yes);
	v = expr_convert(g, a && a->kind == VAL_MAP ? expr_gen(g, a) : cv, t);
	arm_end(g, v, res, &vals[0], &blocks[0], done);
	LLVMPositionBuilderAtEnd(g->b, no);
	v = expr_convert(g, expr_gen(g, val_get(e, "b")), t);
	arm_end(g, v, res, &vals[1], &blocks[1], done);
	return arms_join(g, res, t, vals, blocks, done);
}

/* if (c) { ...; a } else { ...; b } as an expression */
static struct gv if_expr(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	const struct val *els = val_get(e, "else");
	LLVMBasicBlockRef yes = gen_block(g, "ifx_then"), no = gen_block(g,
		"ifx_else"), done = gen_block(g, "ifx_done"), blocks[2];
	LLVMValueRef vals[2], res = NULL;
	struct gv v;

	if (!els || els->kind != VAL_MAP || t->kind == TY_VOID)
		return expr_unsupported(g, e, "an 'if' expression without a value");
	if (!gen_is_scalar(t))
		res = gen_tmp(g, type_size(t));
	LLVMBuildCondBr(g->b, expr_cond(g, val_get(e, "cond")), yes, no);
	LLVMPositionBuilderAtEnd(g->b, yes);
	v = expr_convert(g, expr_gen(g, val_get(e, "then")), t);
	arm_end(g, v, res, &vals[0], &blocks[0], done);
	LLVMPositionBuilderAtEnd(g->b, no);
	v = expr_convert(g, expr_gen(g, els), t);
	arm_end(g, v, res, &vals[1], &blocks[1], done);
	return arms_join(g, res, t, vals, blocks, done);
}

static struct gv tuple(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	struct val *elems = val_get(e, "elems");
	struct gv out = { NULL, t, 8 };
	int i;

	if ((t->kind != TY_TUPLE && t->kind != TY_RECORD) || !elems ||
	    elems->kind != VAL_ARR || (int)elems->n != t->nfields)
		return expr_unsupported(g, e, "a tuple whose type does not match "
				   "its elements");
	out.v = gen_tmp(g, type_size(t));
	gen_memzero(g, g->b, out.v, type_size(t), 8);
	for (i = 0; i < t->nfields; i++) {
		struct type *ft = t->fields[i].type;
		int64_t off = t->fields[i].offset;
		struct gv v = expr_convert(g, expr_gen(g, elems->items[i]), ft);

		gen_store_aligned(g, gen_ptr_add(g, out.v, off),
				  gen_align_at(8, off), v, ft);
	}
	return out;
}

static struct gv record(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	struct val *fields = val_get(e, "fields");
	struct gv out = { NULL, t, 8 };
	int i;

	if (t->kind != TY_RECORD || !fields || fields->kind != VAL_ARR ||
	    (int)fields->n != t->nfields)
		return expr_unsupported(g, e, "a record whose type does not match "
				   "its fields");
	out.v = gen_tmp(g, type_size(t));
	gen_memzero(g, g->b, out.v, type_size(t), 8);
	for (i = 0; i < t->nfields; i++) {
		struct type *ft = t->fields[i].type;
		int64_t off = t->fields[i].offset;
		struct gv v = expr_convert(g, expr_gen(g,
				val_get(fields->items[i], "e")), ft);

		gen_store_aligned(g, gen_ptr_add(g, out.v, off),
				  gen_align_at(8, off), v, ft);
	}
	return out;
}

static struct gv bitfield(struct gen *g, struct gv v, const struct val *e)
{
	int64_t bits = val_get_int(e, "bits", 0), off = val_get_int(e,
		"bitoff", 0);
	LLVMValueRef x = v.v;

	if (bits <= 0 || bits >= 64)
		return v;
	x = LLVMBuildLShr(g->b, x, LLVMConstInt(LLVMTypeOf(x),
			  (uint64_t)off, 0), "");
	x = LLVMBuildAnd(g->b, x, LLVMConstInt(LLVMTypeOf(x),
			 (1ull << bits) - 1, 0), "");
	return (struct gv){ x, v.t, 0 };
}

static bool is_args(const struct val *n)
{
	const char *name = val_get_str(n, "name");

	return ast_kind(n) == AST_IDENT && name && !strcmp(name, "args");
}

/*
 * The kernel address of the struct that field node e reads from, when it
 * is in kernel memory: what a kernel pointer points to, or a struct
 * member reached that way (`curtask->se.vruntime` reads only the leaf).
 * Member offsets on the way are CO-RE relocated (core.c).  NULL if the
 * base is not in kernel memory.
 */
static LLVMValueRef field_base_kaddr(struct gen *g, const struct val *e,
				     struct type **st)
{
	const struct val *base = val_get(e, "e");
	struct type *bt = gen_type_of(g, base);
	LLVMValueRef addr, a;
	struct type *outer;
	const char *name;
	int64_t off;

	if (!base || is_args(base))
		return NULL;
	if (bt->kind == TY_PTR && !bt->user && bt->elem &&
	    bt->elem->kind == TY_STRUCT && gen_is_scalar(bt)) {
		*st = bt->elem;
		return expr_gen(g, base).v;
	}
	if (bt->kind != TY_STRUCT || ast_kind(base) != AST_FIELD ||
	    val_get(base, "bits"))
		return NULL;
	addr = field_base_kaddr(g, base, &outer);
	if (!addr)
		return NULL;
	off = val_get_int(base, "offset", -1);
	name = val_get_str(base, "name");
	if (off < 0 || !name)
		return NULL;
	*st = bt;
	if (core_field_addr(g, addr, outer, name, off, &a))
		return a;
	return LLVMBuildAdd(g->b, addr, gen_i64(g, (uint64_t)off), "");
}

/*
 * A char[N] member read as a string (bt-check's "msize" N, type string of
 * N + 1): the N bytes and a NUL.  src is memory (user/kernel address when
 * addr, else a pointer), read into zeroed space of the string's size.
 */
static struct gv char_array(struct gen *g, struct type *t, int64_t n,
			    LLVMValueRef src, bool addr, bool user)
{
	struct gv out = { gen_tmp(g, type_size(t)), t, 8 };

	gen_memzero(g, g->b, out.v, type_size(t), 8);
	if (addr)
		builtin_probe_read(g, out.v, n, src, user);
	else
		gen_memcpy(g, out.v, src, n, 1);
	return out;
}

static struct gv field(struct gen *g, const struct val *e)
{
	const struct val *base = val_get(e, "e");
	struct type *t = gen_type_of(g, e);
	int64_t off = val_get_int(e, "offset", -1);
	int64_t msize = val_get_int(e, "msize", 0);
	struct gv b, out = { NULL, t, 0 };
	LLVMValueRef tmp;

	if (t->kind != TY_STRING || msize <= 0 || msize >= type_size(t))
		msize = 0;

	if (is_args(base))
		return builtin_field_args(g, e);
	if (off >= 0 && val_get_str(e, "name")) {
		struct type *st = NULL;
		LLVMValueRef ka = field_base_kaddr(g, e, &st), addr, v;
		const char *name = val_get_str(e, "name");
		int64_t sz = type_size(t);

		if (ka && val_get(e, "bits") && gen_is_scalar(t) &&
		    core_bitfield(g, ka, st, name, off, (int)val_get_int(e,
				  "bitoff", 0), t->is_signed, &v))
			return expr_convert(g, (struct gv){ v, type_int(g->a,
					    8, t->is_signed), 0 }, t);
		if (ka && !val_get(e, "bits")) {
			if (!core_field_addr(g, ka, st, name, off, &addr))
				addr = LLVMBuildAdd(g->b, ka, gen_i64(g,
						    (uint64_t)off), "");
			g->read_at = e;
			if (msize)
				return char_array(g, t, msize, addr, true,
						  false);
			tmp = gen_tmp(g, sz > 0 ? sz : 8);
			builtin_probe_read(g, tmp, sz, addr, false);
			out = gen_load(g, tmp, t);
			out.align = 8;
			return out;
		}
		if (ka) {
			tmp = gen_tmp(g, sz > 0 ? sz : 8);
			g->read_at = e;
			builtin_probe_read(g, tmp, sz, LLVMBuildAdd(g->b, ka,
					   gen_i64(g, (uint64_t)off), ""), false);
			out = gen_load(g, tmp, t);
			out.align = 8;
			return bitfield(g, out, e);
		}
	}
	b = expr_gen(g, base);
	if (off < 0 && (b.t->kind == TY_TUPLE) && val_get_str(e, "name")) {
		int i = atoi(val_get_str(e, "name"));

		if (i >= 0 && i < b.t->nfields)
			off = b.t->fields[i].offset;
	}
	if (off < 0)
		return expr_unsupported(g, e, "a field access without an offset");
	if (b.t->kind == TY_PTR && gen_is_scalar(b.t)) {
		/* p->f: read the member from kernel or user memory */
		int64_t sz = type_size(t);

		g->read_at = e;
		if (msize)
			return char_array(g, t, msize, LLVMBuildAdd(g->b, b.v,
					  gen_i64(g, (uint64_t)off), ""), true,
					  b.t->user);
		tmp = gen_tmp(g, sz > 0 ? sz : 8);
		builtin_probe_read(g, tmp, sz, LLVMBuildAdd(g->b, b.v,
				   gen_i64(g, (uint64_t)off), ""), b.t->user);
		out = gen_load(g, tmp, t);
		out.align = 8;
		return val_get(e, "bits") ? bitfield(g, out, e) : out;
	}
	if (gen_is_scalar(b.t))
		return expr_unsupported(g, e, arena_printf(g->a, "member access on "
				   "'%s'", type_str(g->a, b.t)));
	if (msize)
		return char_array(g, t, msize, gen_ptr_add(g, b.v, off), false,
				  false);
	out = gen_load(g, gen_ptr_add(g, b.v, off), t);
	out.align = gen_align_at(b.align ? b.align : gen_align_of(b.t), off);
	return val_get(e, "bits") ? bitfield(g, out, e) : out;
}

/*
 * The address of a zero-length (flexible) array member, p->a or p.a for
 * a pointer p, or a member reached through kernel pointers: its elements
 * lie past the struct's declared end, so they are read from that memory,
 * not from a copy of the member.  NULL when fe is not such a member.
 */
static LLVMValueRef flex_array_addr(struct gen *g, const struct val *fe,
				    bool *user)
{
	struct type *t = gen_type_of(g, fe), *bt, *st = NULL;
	const struct val *base = val_get(fe, "e");
	int64_t off = val_get_int(fe, "offset", -1);
	const char *name = val_get_str(fe, "name");
	LLVMValueRef ka, addr;

	if (t->kind != TY_ARRAY || t->count != 0 || ast_kind(fe) != AST_FIELD ||
	    off < 0 || !name || !base || is_args(base))
		return NULL;
	ka = field_base_kaddr(g, fe, &st);
	if (ka) {
		*user = false;
		if (!core_field_addr(g, ka, st, name, off, &addr))
			addr = LLVMBuildAdd(g->b, ka, gen_i64(g, (uint64_t)off),
					    "");
		return addr;
	}
	bt = gen_type_of(g, base);
	if (bt->kind != TY_PTR || !gen_is_scalar(bt))
		return NULL;
	*user = bt->user;
	return LLVMBuildAdd(g->b, expr_gen(g, base).v,
			    gen_i64(g, (uint64_t)off), "");
}

/* e[i]: an element of a pointer (read from memory), an array or a string */
static struct gv index_of(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	bool user = false;
	LLVMValueRef flex = flex_array_addr(g, val_get(e, "e"), &user);
	struct gv b = flex ? (struct gv){ flex, NULL, 0 } :
			     expr_gen(g, val_get(e, "e"));
	struct gv i = expr_gen(g, val_get(e, "i"));
	int64_t sz = type_size(t), count;
	LLVMValueRef idx, tmp, ok, vals[2], phi;
	LLVMBasicBlockRef in, out, done, blocks[2];
	struct gv v;

	if (!gen_is_scalar(i.t) || sz <= 0)
		return expr_unsupported(g, e, "this index");
	idx = expr_convert(g, i, type_int(g->a, 8, i.t->is_signed)).v;
	if (flex || b.t->kind == TY_PTR) {
		tmp = gen_tmp(g, sz);
		g->read_at = e;
		builtin_probe_read(g, tmp, sz, LLVMBuildAdd(g->b, b.v,
				   LLVMBuildMul(g->b, idx, gen_i64(g,
				   (uint64_t)sz), ""), ""),
				   flex ? user : b.t->user);
		v = gen_load(g, tmp, t);
		v.align = 8;
		return v;
	}
	if ((b.t->kind == TY_TUPLE || b.t->kind == TY_RECORD) &&
	    LLVMIsAConstantInt(idx)) {
		uint64_t k = LLVMConstIntGetZExtValue(idx);

		if (k >= (uint64_t)b.t->nfields)
			return expr_unsupported(g, e, "an index past the tuple's end");
		v = gen_load(g, gen_ptr_add(g, b.v, b.t->fields[k].offset),
			     b.t->fields[k].type);
		v.align = gen_align_at(b.align ? b.align : 1,
				       b.t->fields[k].offset);
		return expr_convert(g, v, t);
	}
	if (b.t->kind != TY_STRING && b.t->kind != TY_ARRAY)
		return expr_unsupported(g, e, arena_printf(g->a, "indexing '%s'",
				   type_str(g->a, b.t)));
	count = type_size(b.t) / sz;
	if (LLVMIsAConstantInt(idx)) {
		uint64_t k = LLVMConstIntGetZExtValue(idx);

		if (k >= (uint64_t)count) {
			diag_error_at(e, "index %lld is out of bounds (%lld "
				      "elements)", (long long)k,
				      (long long)count);
			return expr_dummy(g, t);
		}
		v = gen_load(g, gen_ptr_add(g, b.v, (int64_t)k * sz), t);
		v.align = gen_align_at(b.align ? b.align : 1, (int64_t)k * sz);
		return v;
	}
	if (!gen_is_scalar(t))
		return expr_unsupported(g, e, "a variable index into this array");
	/* out of bounds reads as zero, with a warning */
	in = gen_block(g, "index_in");
	out = gen_block(g, "index_out");
	done = gen_block(g, "index_done");
	ok = LLVMBuildICmp(g->b, LLVMIntULT, idx, gen_i64(g, (uint64_t)count),
			   "");
	LLVMBuildCondBr(g->b, ok, in, out);
	LLVMPositionBuilderAtEnd(g->b, in);
	tmp = LLVMBuildGEP2(g->b, gen_int_type(g, sz), b.v, &idx, 1, "");
	v = gen_load(g, tmp, t);
	vals[0] = v.v;
	blocks[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, out);
	/* upstream warns at run time (and reads past the end; here: 0) */
	async_warn(g, e, "Array access out of bounds. This can lead to unexpected results.");
	vals[1] = LLVMConstNull(LLVMTypeOf(v.v));
	blocks[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, LLVMTypeOf(v.v), "");
	LLVMAddIncoming(phi, vals, blocks, 2);
	return (struct gv){ phi, t, 0 };
}

static struct gv str_literal(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	struct val *s = val_get(e, "v");
	int64_t size = type_size(t), i, j;
	struct gv out = { NULL, t, 8 };
	LLVMValueRef st;

	if (t->kind != TY_STRING || !s || s->kind != VAL_STR)
		return expr_unsupported(g, e, "this string literal");
	out.v = gen_tmp(g, size);
	for (i = 0; i < size; i += 8) {
		uint64_t w = 0;
		int64_t c = size - i >= 8 ? 8 : 1;

		if (c == 1) {
			/* the tail, byte by byte */
			for (j = i; j < size; j++) {
				st = LLVMBuildStore(g->b, gen_const(g, 1,
					(size_t)j < s->n && j < size - 1 ?
					(uint8_t)s->s[j] : 0),
					gen_ptr_add(g, out.v, j));
				LLVMSetAlignment(st, 1);
			}
			break;
		}
		for (j = 7; j >= 0; j--)
			w = (w << 8) | ((size_t)(i + j) < s->n &&
					i + j < size - 1 ?
					(uint8_t)s->s[i + j] : 0);
		st = LLVMBuildStore(g->b, gen_i64(g, w),
				    gen_ptr_add(g, out.v, i));
		LLVMSetAlignment(st, 8);
	}
	return out;
}

struct gv expr_gen(struct gen *g, const struct val *e)
{
	struct type *t;
	struct gv v;
	int64_t slot;

	if (!e || e->kind != VAL_MAP) {
		diag_error(diag_loc_of(NULL), "malformed typed-ast: missing "
			   "expression");
		return expr_dummy(g, type_int(g->a, 8, false));
	}
	t = gen_type_of(g, e);
	switch (ast_kind(e)) {
	case AST_INT:
		if (!gen_is_scalar(t))
			return expr_unsupported(g, e, "an integer of this type");
		return (struct gv){ LLVMConstInt(gen_llvm_type(g, t),
			val_as_uint(val_get(e, "v")), 0), t, 0 };
	case AST_BOOL:
		return (struct gv){ LLVMConstInt(LLVMInt1TypeInContext(g->ctx),
			val_get_bool(e, "v", false), 0),
			type_new(g->a, TY_BOOL), 0 };
	case AST_STR:
		return str_literal(g, e);
	case AST_VAR:
		slot = val_get_int(e, "slot", -1);
		if (slot < 0 || slot >= g->nslots)
			return expr_unsupported(g, e, "a variable without a slot");
		v = gen_load(g, stmt_slot(g, e, t), stmt_slot_info(g, e)->t);
		v.align = 8;
		return expr_convert(g, v, t);
	case AST_MAP:
		return maps_read(g, e);
	case AST_IDENT:
		return builtin_ident(g, e);
	case AST_CALL:
		return builtin_call(g, e);
	case AST_BINOP:
		return binop(g, e);
	case AST_UNOP:
		return unop(g, e);
	case AST_TERNARY:
		return ternary(g, e);
	case AST_FIELD:
		return field(g, e);
	case AST_TUPLE:
		return tuple(g, e);
	case AST_INDEX:
		return index_of(g, e);
	case AST_IF:
		return if_expr(g, e);
	case AST_RECORD:
		return record(g, e);
	case AST_CAST:
		v = expr_gen(g, val_get(e, "e"));
		if (v.t->kind == TY_PTR && t->kind == TY_PTR)
			return (struct gv){ v.v, t, 0 };
		return expr_convert(g, v, t);
	case AST_BLOCK_EXPR:
		stmt_block(g, e);
		return expr_gen(g, val_get(e, "e"));
	default:
		return expr_unsupported(g, e, arena_printf(g->a, "expression '%s'",
				   val_kind_of(e)));
	}
}
