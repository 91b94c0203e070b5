/*
 * stmt.c - statements: expression statements, assignments to variables
 * and maps (plain, compound and aggregations), let, if/else, while and
 * unroll with break/continue, return.
 *
 * Variables live in slots (bt-check numbers them per program).  Before a
 * probe's body is compiled, stmt_alloc_slots() gives every slot it uses
 * memory of the first type seen for it (on the stack, or in bt_scratch
 * when large or when the probe has `for` callbacks), zeroed at program
 * start, so `$x` reads 0 before its first write on every path, as the
 * verifier requires.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "async.h"
#include "diag.h"
#include "gen.h"

LLVMValueRef stmt_slot(struct gen *g, const struct val *node, struct type *t)
{
	int64_t slot = val_get_int(node, "slot", -1), size;
	struct gslot *s;
	LLVMValueRef p;

	if (slot < 0 || slot >= g->nslots) {
		diag_error_at(node, "variable has no slot (pipe through "
			      "bt-check)");
		return gen_tmp(g, 8);
	}
	s = &g->slots[slot];
	if (!s->t) {
		/* first sight (stmt_alloc_slots): memory zeroed at start */
		s->t = t;
		size = type_size(t) > 0 ? type_size(t) : 1;
		s->scratch_off = -1;
		p = gen_tmp_zeroed_at_start(g, size);
		if (g->slots_in_scratch || size > GEN_STACK_MAX)
			s->scratch_off = g->scratch_off - (size + 7) / 8 * 8;
		else
			s->stack = p;
	}
	if (s->scratch_off < 0)
		return s->stack;
	g->scratch_used = true;
	return gen_ptr_add(g, g->scratch_base, s->scratch_off);
}

void stmt_alloc_slots(struct gen *g, const struct val *node)
{
	const struct val *typed = NULL;
	enum ast_kind k;
	size_t i;

	if (!node)
		return;
	if (node->kind == VAL_ARR) {
		for (i = 0; i < node->n; i++)
			stmt_alloc_slots(g, node->items[i]);
		return;
	}
	if (node->kind != VAL_MAP)
		return;
	k = ast_kind(node);
	if ((k == AST_VAR || k == AST_LET || k == AST_FOR) &&
	    val_get(node, "slot")) {
		if (k == AST_FOR && val_get(node, "vt"))
			stmt_slot(g, node, gen_type_from(g, val_get(node, "vt"),
					node) ?: type_int(g->a, 8, false));
		else if (val_get(node, "t"))
			typed = node;
		else if (k == AST_LET && val_get(val_get(node, "init"), "t"))
			typed = val_get(node, "init");
		if (typed)
			stmt_slot(g, node, gen_type_of(g, typed));
	}
	for (i = 0; i < node->n; i++)
		stmt_alloc_slots(g, node->kv[i].v);
}

struct gslot *stmt_slot_info(struct gen *g, const struct val *node)
{
	int64_t slot = val_get_int(node, "slot", -1);

	if (slot < 0 || slot >= g->nslots || !g->slots[slot].t) {
		if (!g->dummy_slot.t)
			g->dummy_slot.t = type_int(g->a, 8, false);
		return &g->dummy_slot;
	}
	return &g->slots[slot];
}

static int assign_var(struct gen *g, const struct val *st,
		      const struct val *lhs, const char *op)
{
	struct type *t = gen_type_of(g, lhs);
	LLVMValueRef p = stmt_slot(g, lhs, t);
	struct gslot *s = stmt_slot_info(g, lhs);
	struct gv r = expr_gen(g, val_get(st, "rhs")), cur;
	char aop[4];

	if (!strcmp(op, "=")) {
		gen_store_aligned(g, p, 8, expr_convert(g, r, s->t), s->t);
		return 0;
	}
	if (!gen_is_scalar(s->t) || strlen(op) > 3)
		return diag_error_at(st, "'%s' on a variable of type '%s' is "
				     "not supported", op, type_str(g->a, s->t));
	snprintf(aop, sizeof(aop), "%.*s", (int)strlen(op) - 1, op);
	cur = gen_load(g, p, s->t);
	r = expr_convert(g, r, s->t);
	if (s->t->kind == TY_PTR && (aop[0] == '+' || aop[0] == '-'))
		r.v = expr_ptr_scale(g, r.v, s->t);
	async_div_check(g, st, aop, r.v);
	cur.v = expr_arith(g, aop, cur.v, r.v, s->t);
	gen_store(g, p, cur, s->t);
	return 0;
}

static bool is_aggregation_call(const struct val *e)
{
	static const char *const aggs[] = { "count", "sum", "avg", "min",
		"max", "stats", "hist", "lhist", "tseries" };
	const char *name = val_get_str(e, "name");
	size_t i;

	if (ast_kind(e) != AST_CALL || !name)
		return false;
	for (i = 0; i < sizeof(aggs) / sizeof(aggs[0]); i++)
		if (!strcmp(aggs[i], name))
			return true;
	return false;
}

static int assign_map(struct gen *g, const struct val *st,
		      const struct val *lhs, const char *op)
{
	const struct val *rhs = val_get(st, "rhs");
	struct type *t = gen_type_of(g, lhs);
	struct gv cur, r;
	char aop[4];

	g->update_at = st;
	if (!strcmp(op, "=") && is_aggregation_call(rhs))
		return maps_aggregate(g, lhs, rhs);
	if (!strcmp(op, "=") && ast_kind(rhs) == AST_BLOCK_EXPR &&
	    is_aggregation_call(val_get(rhs, "e"))) {
		/* @m = { ...; avg($a) } */
		stmt_block(g, rhs);
		return maps_aggregate(g, lhs, val_get(rhs, "e"));
	}
	if (!strcmp(op, "="))
		return maps_write(g, lhs, expr_gen(g, rhs));
	if (!gen_is_scalar(t) || strlen(op) > 3)
		return diag_error_at(st, "'%s' on a map of type '%s' is not "
				     "supported", op, type_str(g->a, t));
	snprintf(aop, sizeof(aop), "%.*s", (int)strlen(op) - 1, op);
	cur = maps_read(g, lhs);
	r = expr_convert(g, expr_gen(g, rhs), cur.t);
	if (cur.t->kind == TY_PTR && (aop[0] == '+' || aop[0] == '-'))
		r.v = expr_ptr_scale(g, r.v, cur.t);
	async_div_check(g, st, aop, r.v);
	cur.v = expr_arith(g, aop, cur.v, r.v, cur.t);
	return maps_write(g, lhs, cur);
}

static int stmt_assign(struct gen *g, const struct val *st)
{
	const struct val *lhs = val_get(st, "lhs");
	const char *op = val_get_str(st, "op");

	if (!op)
		op = "=";
	switch (ast_kind(lhs)) {
	case AST_VAR:
		return assign_var(g, st, lhs, op);
	case AST_MAP:
		return assign_map(g, st, lhs, op);
	default:
		return diag_error_at(lhs, "assigning to '%s' is not supported "
				     "yet", val_kind_of(lhs));
	}
}

static int stmt_let(struct gen *g, const struct val *st)
{
	const struct val *init = val_get(st, "init");
	struct type *t;
	LLVMValueRef p;
	int64_t slot;

	slot = val_get_int(st, "slot", -1);
	if (val_get(st, "t"))
		t = gen_type_of(g, st);
	else if (init && init->kind == VAL_MAP)
		t = gen_type_of(g, init);
	else if (slot >= 0 && slot < g->nslots && g->slots[slot].t)
		t = g->slots[slot].t;   /* typed where it is used */
	else
		return 0;               /* never used: nothing to do */
	p = stmt_slot(g, st, t);
	t = stmt_slot_info(g, st)->t;
	if (init && init->kind == VAL_MAP)
		gen_store_aligned(g, p, 8, expr_convert(g, expr_gen(g, init),
				  t), t);
	else
		gen_memzero(g, g->b, p, type_size(t), 8);
	return 0;
}

static void branch_to(struct gen *g, LLVMBasicBlockRef bb)
{
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(g->b)))
		LLVMBuildBr(g->b, bb);
}

static int stmt_if(struct gen *g, const struct val *st)
{
	const struct val *els = val_get(st, "else");
	LLVMBasicBlockRef yes = gen_block(g, "then"), no = gen_block(g, "else");
	LLVMBasicBlockRef done = gen_block(g, "endif");

	LLVMBuildCondBr(g->b, expr_cond(g, val_get(st, "cond")), yes, no);
	LLVMPositionBuilderAtEnd(g->b, yes);
	stmt_block(g, val_get(st, "then"));
	branch_to(g, done);
	LLVMPositionBuilderAtEnd(g->b, no);
	if (els && els->kind == VAL_MAP)
		stmt_block(g, els);
	branch_to(g, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return 0;
}

static int loop_push(struct gen *g, const struct val *st,
		     LLVMBasicBlockRef cont, LLVMBasicBlockRef brk)
{
	if (g->nloops >= (int)(sizeof(g->loop_cont) / sizeof(g->loop_cont[0])))
		return diag_error_at(st, "loops nested too deeply");
	g->loop_cont[g->nloops] = cont;
	g->loop_brk[g->nloops] = brk;
	g->nloops++;
	return 0;
}

static int stmt_unroll(struct gen *g, const struct val *st)
{
	const struct val *cnt = val_get(st, "count");
	int64_t n = val_get_int(cnt, "v", -1), i;
	LLVMBasicBlockRef done, next;

	if (ast_kind(cnt) != AST_INT || n < 0 || n > 100)
		return diag_error_at(st, "unroll needs a constant count "
				     "between 0 and 100");
	done = gen_block(g, "unroll_done");
	for (i = 0; i < n; i++) {
		next = gen_block(g, "unroll_next");
		if (loop_push(g, st, next, done))
			return -1;
		stmt_block(g, val_get(st, "body"));
		g->nloops--;
		branch_to(g, next);
		LLVMPositionBuilderAtEnd(g->b, next);
	}
	branch_to(g, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return 0;
}

static int stmt_kind(struct gen *g, const struct val *st);

static int stmt_gen(struct gen *g, const struct val *st)
{
	struct gen_mark m = gen_mark(g);
	int ret;

	btf_debug_loc(g, st);
	ret = stmt_kind(g, st);

	gen_release(g, m);
	return ret;
}

static int stmt_kind(struct gen *g, const struct val *st)
{
	switch (ast_kind(st)) {
	case AST_EXPR:
		expr_gen(g, val_get(st, "e"));
		return 0;
	case AST_ASSIGN:
		return stmt_assign(g, st);
	case AST_LET:
		return stmt_let(g, st);
	case AST_IF:
		return stmt_if(g, st);
	case AST_WHILE:
		return callbacks_while(g, st);
	case AST_UNROLL:
		return stmt_unroll(g, st);
	case AST_BLOCK:
		return stmt_block(g, st);
	case AST_BREAK:
	case AST_CONTINUE:
		if (!g->nloops)
			return diag_error_at(st, "'%s' outside a loop",
					     val_kind_of(st));
		LLVMBuildBr(g->b, ast_kind(st) == AST_BREAK ?
			    g->loop_brk[g->nloops - 1] :
			    g->loop_cont[g->nloops - 1]);
		LLVMPositionBuilderAtEnd(g->b, gen_block(g, "after_jump"));
		return 0;
	case AST_FOR:
		return callbacks_for(g, st);
	case AST_RETURN: {
		const struct val *e = val_get(st, "e");
		LLVMValueRef v = NULL;

		if (e && e->kind == VAL_MAP && gen_is_scalar(gen_type_of(g, e)))
			v = expr_convert(g, expr_gen(g, e),
					 type_int(g->a, 8, true)).v;
		gen_return(g, v);
		return 0;
	}
	default:
		return diag_error_at(st, "statement '%s' is not supported yet",
				     val_kind_of(st));
	}
}

int stmt_block(struct gen *g, const struct val *block)
{
	struct val *stmts = val_get(block, "stmts");
	size_t i;

	if (!stmts || stmts->kind != VAL_ARR)
		return 0;
	for (i = 0; i < stmts->n; i++)
		stmt_gen(g, stmts->items[i]);
	return 0;
}
