/*
 * stmt.c - statements, lexical scopes and scratch-variable slots.
 *
 * Every block opens a scope; `$x = ...` without `let` declares $x in the
 * innermost scope unless an enclosing scope has it (FEATURES L-44..46).
 * Each declaration gets the next slot number; passes walk the program in
 * the same order, so a variable keeps its slot (and its inferred type in
 * ck->vars) from pass to pass.
 */
#include <string.h>

#include "check.h"

void check_scope_push(struct check *ck)
{
	struct check_scope *s = arena_alloc(ck->a, sizeof(*s));

	s->up = ck->scope;
	ck->scope = s;
}

void check_scope_pop(struct check *ck)
{
	if (ck->scope)
		ck->scope = ck->scope->up;
}

int check_var_lookup(struct check *ck, const char *name)
{
	struct check_scope *s;
	int i;

	for (s = ck->scope; s; s = s->up)
		for (i = 0; i < s->n; i++)
			if (!strcmp(s->names[i], name))
				return s->slots[i];
	return -1;
}

int check_var_declare(struct check *ck, const char *name)
{
	struct check_scope *s = ck->scope;
	int slot = ck->next_slot++;

	if (!s)
		return -1;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 8;
		const char **nn = arena_alloc(ck->a, sizeof(*nn) * cap);
		int *ns = arena_alloc(ck->a, sizeof(*ns) * cap);

		if (s->n) {
			memcpy(nn, s->names, sizeof(*nn) * s->n);
			memcpy(ns, s->slots, sizeof(*ns) * s->n);
		}
		s->names = nn;
		s->slots = ns;
		s->cap = cap;
	}
	s->names[s->n] = name;
	s->slots[s->n++] = slot;
	if (slot >= ck->capvars) {
		int cap = ck->capvars ? ck->capvars * 2 : 32;
		struct check_var *nv = arena_alloc(ck->a, sizeof(*nv) * cap);

		if (ck->nvars)
			memcpy(nv, ck->vars, sizeof(*nv) * ck->nvars);
		ck->vars = nv;
		ck->capvars = cap;
	}
	if (slot >= ck->nvars) {
		ck->vars[slot].name = name;
		ck->nvars = slot + 1;
	}
	return slot;
}

/*
 * The same type up to how much of a named struct is known (`struct C *`
 * from a typespec and from a cast may differ in completeness)
 */
static bool stmt_same_named(const struct type *x, const struct type *y)
{
	if (!x || !y || x->kind != y->kind)
		return false;
	switch (x->kind) {
	case TY_PTR:
		return stmt_same_named(x->elem, y->elem);
	case TY_ARRAY:
		return x->count == y->count && stmt_same_named(x->elem, y->elem);
	case TY_STRUCT:
		return x->name && y->name && !strcmp(x->name, y->name);
	default:
		return type_equal(x, y);
	}
}

void check_var_assign(struct check *ck, struct val *node, int slot,
		      struct type *t, struct val **rhs_ref)
{
	struct check_var *v = &ck->vars[slot];
	const struct val *rhs = rhs_ref ? *rhs_ref : NULL;
	struct type *u;
	bool lossy = false;

	if (!t)
		return;
	if (t->kind == TY_VOID || check_is_unreadable_agg(t)) {
		check_error(ck, node, "Value '%s' cannot be assigned to a scratch variable.",
			    t->kind == TY_VOID ? "none" : check_type_str(ck, t));
		return;
	}
	if (!v->type) {
		v->type = check_store_type(ck, &v->lits, NULL, t, rhs, NULL);
		ck->changed++;
		return;
	}
	if (v->declared_type) {
		int64_t lv;
		bool lu;

		if (type_equal(v->type, t) || stmt_same_named(v->type, t) ||
		    (rhs && check_int_literal(rhs, &lv, &lu) &&
		     check_literal_fits(lv, lu, v->type)) ||
		    (v->type->kind == TY_INT && t->kind == TY_INT &&
		     check_unify(ck, v->type, NULL, t, NULL, NULL) == v->type) ||
		    (v->type->kind == TY_STRING && t->kind == TY_STRING &&
		     t->size <= v->type->size)) {
			if (rhs_ref)
				check_cast_to(ck, rhs_ref, t, v->type);
			return;
		}
		check_error(ck, node,
			    "Type mismatch for %s: trying to assign value of type '%s' when variable already has a type '%s'",
			    v->name, check_type_str(ck, t),
			    check_type_str(ck, v->type));
		return;
	}
	u = check_store_type(ck, &v->lits, v->type, t, rhs, &lossy);
	if (!u) {
		check_error(ck, node,
			    "Type mismatch for %s: trying to assign value of type '%s' when variable already has a type '%s'",
			    v->name, check_type_str(ck, t),
			    check_type_str(ck, v->type));
		return;
	}
	if (lossy)
		check_warn(ck, node, "Implicit conversion of %s from '%s' to '%s' may change the value",
			   v->name, check_type_str(ck, t), check_type_str(ck, u));
	if (!type_equal(u, v->type)) {
		v->type = u;
		ck->changed++;
	}
	if (rhs_ref)
		check_cast_to(ck, rhs_ref, t, v->type);
}

/* the truth value of a condition: ints, bools and pointers */
static void check_cond(struct check *ck, struct val **ref, const char *what)
{
	struct type *t = check_expr(ck, ref);

	if (t && !check_is_intlike(t) && t->kind != TY_PTR)
		check_error(ck, *ref, "Invalid condition in %s: %s", what,
			    check_type_str(ck, t));
}

/* the result type of `lhs OP= rhs`: binop's integer rules */
static struct type *check_compound(struct check *ck, struct val *stmt,
				   struct type *lt, struct check_lits *lits,
				   struct val **rhs_ref)
{
	struct type *rt = check_expr(ck, rhs_ref);
	const char *op = val_get_str(stmt, "op");

	if (!lt || !rt)
		return lt ? lt : rt;
	if (lt->kind == TY_PTR && check_is_intlike(rt) &&
	    (!strcmp(op, "+=") || !strcmp(op, "-=")))
		return lt;   /* pointer arithmetic */
	if (!check_is_intlike(lt) || !check_is_intlike(rt)) {
		check_error(ck, stmt, "Type mismatch for '%.*s': comparing %s with %s",
			    (int)strlen(op) - 1, op, check_type_str(ck, lt),
			    check_type_str(ck, rt));
		return NULL;
	}
	/* a target that only held literals adapts to the operand */
	if (lits && lits->only && rt->kind == TY_INT && lt->kind == TY_INT &&
	    !check_int_literal(*rhs_ref, &(int64_t){ 0 }, &(bool){ 0 }) &&
	    check_literal_fits(lits->min, false, rt) &&
	    check_literal_fits(lits->max, false, rt))
		return rt;
	/*
	 * `x OP= y` is `x = x OP y`, and arithmetic is 64-bit (expr.c's
	 * check_binop): the target widens to int64, or uint64 when both
	 * sides are unsigned and OP is not '-'
	 */
	lt = check_unify(ck, check_int_of(ck->a, lt), NULL,
			 check_int_of(ck->a, rt), *rhs_ref, NULL);
	if (!lt)
		return NULL;
	return type_int(ck->a, 8, lt->is_signed || !strcmp(op, "-="));
}

static void check_assign(struct check *ck, struct val *stmt)
{
	struct val **lhs = check_ref(stmt, "lhs"), **rhs = check_ref(stmt, "rhs");
	const char *op = val_get_str(stmt, "op");
	bool plain = !op || !strcmp(op, "=");
	enum ast_kind lk = lhs && *lhs ? ast_kind(*lhs) : AST_UNKNOWN;
	struct type *t;

	if (!lhs || !*lhs || !rhs || !*rhs) {
		check_error(ck, stmt, "malformed assignment");
		return;
	}
	if (lk == AST_VAR) {
		const char *name = val_get_str(*lhs, "name");
		int slot = check_var_lookup(ck, name ? name : "");

		if (plain) {
			t = check_expr(ck, rhs);
			if (ast_kind(*rhs) == AST_CALL &&
			    check_call_is_aggregation(val_get_str(*rhs, "name"))) {
				check_error(ck, *rhs, "%s() must be assigned directly to a map",
					    val_get_str(*rhs, "name"));
				return;
			}
			if (slot < 0)
				slot = check_var_declare(ck, name ? name : "");
			val_set_int(ck->a, *lhs, "slot", slot);
			check_set_type(ck, *lhs, NULL);
			check_var_assign(ck, stmt, slot, t, rhs);
			check_set_type(ck, *lhs, ck->vars[slot].type);
			return;
		}
		if (slot < 0) {
			check_error(ck, *lhs, "Undefined or undeclared variable: %s", name);
			check_expr(ck, rhs);
			return;
		}
		val_set_int(ck->a, *lhs, "slot", slot);
		t = check_compound(ck, stmt, ck->vars[slot].type,
				   &ck->vars[slot].lits, rhs);
		check_var_assign(ck, stmt, slot, t, NULL);
		check_set_type(ck, *lhs, ck->vars[slot].type);
		if (t && ck->vars[slot].type)
			check_cast_to(ck, rhs, val_get(*rhs, "t") ?
				      type_from_val(ck->a, val_get(*rhs, "t")) : t,
				      ck->vars[slot].type);
		return;
	}
	if (lk == AST_MAP) {
		struct check_map *m;

		if (plain && ast_kind(*rhs) == AST_BLOCK_EXPR &&
		    ast_kind(val_get(*rhs, "e")) == AST_CALL &&
		    check_call_is_aggregation(val_get_str(val_get(*rhs, "e"), "name"))) {
			/* @m = { ...; avg($x) }: the block's value is the aggregation */
			struct val *stmts = val_get(*rhs, "stmts");
			size_t i;

			check_scope_push(ck);
			for (i = 0; stmts && stmts->kind == VAL_ARR && i < stmts->n; i++)
				check_stmt(ck, &stmts->items[i]);
			check_map_key(ck, *lhs);
			t = check_call(ck, check_ref(*rhs, "e"), false, *lhs);
			check_scope_pop(ck);
			check_set_type(ck, val_get(*rhs, "e"), t);
			check_set_type(ck, *rhs, t);
			check_map_assign(ck, stmt, *lhs, t, NULL);
			return;
		}
		if (plain && ast_kind(*rhs) == AST_CALL &&
		    check_call_is_aggregation(val_get_str(*rhs, "name"))) {
			check_map_key(ck, *lhs);
			t = check_call(ck, rhs, false, *lhs);
			check_set_type(ck, *rhs, t);
			check_map_assign(ck, stmt, *lhs, t, NULL);
			return;
		}
		if (plain) {
			t = check_expr(ck, rhs);
			check_map_key(ck, *lhs);
			check_map_assign(ck, stmt, *lhs, t, rhs);
			return;
		}
		check_map_key(ck, *lhs);
		m = check_map_get(ck, val_get_str(*lhs, "name"));
		t = check_compound(ck, stmt, m->val && type_is_aggregation(m->val) ?
				   NULL : m->val, &m->lits, rhs);
		if (m->val && type_is_aggregation(m->val)) {
			check_error(ck, stmt, "Type mismatch for %s: trying to assign value of type '%s' when map already has a type '%s'",
				    m->name, check_type_str(ck, t),
				    check_type_str(ck, m->val));
			return;
		}
		check_map_assign(ck, stmt, *lhs, t, NULL);
		if (t && m->val)
			check_cast_to(ck, rhs, type_from_val(ck->a, val_get(*rhs, "t")),
				      m->val);
		return;
	}
	check_expr(ck, lhs);
	check_expr(ck, rhs);
	check_error(ck, *lhs, "Can only assign to scratch variables and maps");
}

static void check_let(struct check *ck, struct val *stmt)
{
	const char *name = val_get_str(stmt, "name");
	struct val *spec = val_get(stmt, "type");
	struct val **init = check_ref(stmt, "init");
	struct type *t = NULL;
	int slot;

	if (!name) {
		check_error(ck, stmt, "let without a name");
		return;
	}
	if (init && *init)
		t = check_expr(ck, init);
	if (check_var_lookup(ck, name) >= 0) {
		check_error(ck, stmt, "Variable %s was already declared", name);
		return;
	}
	slot = check_var_declare(ck, name);
	val_set_int(ck->a, stmt, "slot", slot);
	if (spec) {
		struct type *dt = check_typespec(ck, spec);

		/* as for casts: pointers in user probes point to user memory */
		if (dt && dt->kind == TY_PTR && ck->prov && ck->prov->user_args)
			dt->user = true;
		/* and so do arrays of them (struct Foo *[2]) */
		if (dt && dt->kind == TY_ARRAY && dt->elem &&
		    dt->elem->kind == TY_PTR && ck->prov && ck->prov->user_args)
			dt->elem->user = true;
		if (dt) {
			ck->vars[slot].type = dt;
			ck->vars[slot].declared_type = true;
		}
	}
	if (t)
		check_var_assign(ck, stmt, slot, t, init);
	if (ck->final && ck->vars[slot].type)
		val_set(ck->a, stmt, "vt", type_to_val(ck->a, ck->vars[slot].type));
}

static void check_for(struct check *ck, struct val *stmt)
{
	const char *name = val_get_str(stmt, "name");
	struct val **map = check_ref(stmt, "map");
	struct val *body = val_get(stmt, "body");
	struct type *t = NULL;
	int slot;

	check_scope_push(ck);
	if (map && *map) {
		struct check_map *m = check_map_get(ck, val_get_str(*map, "name"));
		struct type *el[2];

		m->used_keyed = true;
		if (ck->final && !m->assigned)
			check_error(ck, *map, "Undefined map: %s", m->name);
		if (ck->final && m->val && !m->key)
			check_error(ck, *map, "%s has no explicit keys (scalar map), and cannot be used for iteration",
				    m->name);
		if (check_is_unreadable_agg(m->val))
			check_error(ck, *map, "Loop expression does not support type: %s",
				    check_type_str(ck, m->val));
		if (m->key && m->val) {
			el[0] = m->key;
			el[1] = m->val;
			if (type_is_aggregation(m->val))
				el[1] = m->val->kind == TY_COUNT ?
					type_int(ck->a, 8, false) :
					type_int(ck->a, 8, m->val->is_signed);
			t = type_tuple(ck->a, el, 2);
		}
		check_set_type(ck, *map, m->val);
	} else {
		struct val **lo = check_ref(stmt, "lo"), **hi = check_ref(stmt, "hi");
		struct type *lt = lo ? check_expr(ck, lo) : NULL;
		struct type *ht = hi ? check_expr(ck, hi) : NULL;

		if ((lt && !check_is_intlike(lt)) || (ht && !check_is_intlike(ht)))
			check_error(ck, stmt, "Loop range requires an integer for the start and end values");
		else
			t = check_unify(ck, check_int_of(ck->a, lt), lo ? *lo : NULL,
					check_int_of(ck->a, ht), hi ? *hi : NULL, NULL);
		if (t && lo && hi) {
			check_cast_to(ck, lo, lt, t);
			check_cast_to(ck, hi, ht, t);
		}
	}
	slot = check_var_declare(ck, name ? name : "$");
	val_set_int(ck->a, stmt, "slot", slot);
	if (t) {
		ck->vars[slot].type = t;
		if (ck->final)
			val_set(ck->a, stmt, "vt", type_to_val(ck->a, t));
	}
	ck->loop_depth++;
	ck->for_depth++;
	if (body)
		check_block(ck, body, true);
	ck->for_depth--;
	ck->loop_depth--;
	check_scope_pop(ck);
}

void check_stmt(struct check *ck, struct val **ref)
{
	struct val *s = *ref, **sub;
	int64_t n;
	bool u;

	switch (ast_kind(s)) {
	case AST_EXPR:
		sub = check_ref(s, "e");
		if (sub && *sub)
			check_expr(ck, sub);
		break;
	case AST_ASSIGN:
		check_assign(ck, s);
		break;
	case AST_LET:
		check_let(ck, s);
		break;
	case AST_IF:
		sub = check_ref(s, "cond");
		if (sub && *sub && ast_kind(*sub) == AST_CALL &&
		    val_get_str(*sub, "name") &&
		    !strcmp(val_get_str(*sub, "name"), "comptime")) {
			/* `if comptime c`: only the taken branch stays */
			struct val *arg = val_at(val_get(*sub, "args"), 0);
			struct val *taken;
			int64_t v = 0;

			check_expr(ck, &val_get(*sub, "args")->items[0]);
			arg = val_at(val_get(*sub, "args"), 0);
			if (!check_const_cond(arg, &v)) {
				check_error(ck, *sub, "Unable to resolve comptime expression");
				break;
			}
			taken = val_get(s, v ? "then" : "else");
			if (!taken) {
				taken = check_node(ck, "block", s);
				val_set(ck->a, taken, "stmts", val_arr(ck->a));
			}
			*ref = taken;
			check_stmt(ck, ref);
			break;
		}
		if (sub && *sub)
			check_cond(ck, sub, "if");
		if (val_get(s, "then"))
			check_block(ck, val_get(s, "then"), true);
		if (val_get(s, "else"))
			check_block(ck, val_get(s, "else"), true);
		break;
	case AST_WHILE:
		/* upstream HEAD's deprecation pass warns on every while */
		if (ck->final) {
			check_warn(ck, s, "While loops are deprecated and may be removed in the future.");
			check_hint(ck, "For loops support ranges (e.g. `for ($x : $start..$end) { ... }`), and can be used in place of while. These are more easily proven to be bounded by the verifier.");
		}
		sub = check_ref(s, "cond");
		if (sub && *sub)
			check_cond(ck, sub, "while");
		ck->loop_depth++;
		if (val_get(s, "body"))
			check_block(ck, val_get(s, "body"), true);
		ck->loop_depth--;
		break;
	case AST_FOR:
		check_for(ck, s);
		break;
	case AST_UNROLL:
		sub = check_ref(s, "count");
		if (sub && *sub) {
			check_expr(ck, sub);
			if (!check_int_literal(*sub, &n, &u))
				check_error(ck, *sub, "unroll count must be an integer literal or a positional parameter");
			else if (n > 100)
				check_error(ck, *sub, "unroll maximum value is 100");
			else if (n < 1)
				check_error(ck, *sub, "unroll minimum value is 1");
			else
				val_set_int(ck->a, s, "n", n);
		}
		if (val_get(s, "body"))
			check_block(ck, val_get(s, "body"), true);
		break;
	case AST_BREAK:
	case AST_CONTINUE:
		if (!ck->loop_depth)
			check_error(ck, s, "'%s' statement is not allowed outside of a loop",
				    val_get_str(s, "k"));
		break;
	case AST_RETURN:
		sub = check_ref(s, "e");
		if (sub && *sub)
			check_expr(ck, sub);
		break;
	case AST_BLOCK:
		check_block(ck, s, true);
		break;
	default:
		check_error(ck, s, "unexpected '%s' node where a statement belongs",
			    val_kind_of(s));
		break;
	}
}

/*
 * Does control never pass this statement: return, break, continue,
 * exit(), or an if whose branches all end so (upstream's
 * control_flow_analyser)
 */
static bool stmt_terminates(const struct val *st)
{
	const struct val *e, *stmts;

	switch (ast_kind(st)) {
	case AST_RETURN:
	case AST_BREAK:
	case AST_CONTINUE:
		return true;
	case AST_EXPR:
		e = val_get(st, "e");
		return ast_kind(e) == AST_CALL &&
		       !strcmp(val_get_str(e, "name") ? val_get_str(e, "name") : "",
			       "exit");
	case AST_IF:
		if (!val_get(st, "else"))
			return false;
		stmts = val_get(val_get(st, "then"), "stmts");
		if (!stmts || !stmts->n || !stmt_terminates(stmts->items[stmts->n - 1]))
			return false;
		stmts = val_get(val_get(st, "else"), "stmts");
		return stmts && stmts->n && stmt_terminates(stmts->items[stmts->n - 1]);
	default:
		return false;
	}
}

void check_block(struct check *ck, struct val *block, bool new_scope)
{
	struct val *stmts = val_get(block, "stmts");
	size_t i;

	if (new_scope)
		check_scope_push(ck);
	for (i = 0; stmts && stmts->kind == VAL_ARR && i < stmts->n; i++)
		check_stmt(ck, &stmts->items[i]);
	/*
	 * Statements after one that never completes are dead: warned about
	 * once and dropped after they were checked, so that bt-gen never
	 * emits code after a terminator
	 */
	for (i = 0; ck->final && stmts && stmts->kind == VAL_ARR &&
		    i + 1 < stmts->n; i++) {
		if (!stmt_terminates(stmts->items[i]))
			continue;
		check_warn(ck, stmts->items[i + 1], "Unreachable statement.");
		stmts->n = i + 1;
		break;
	}
	if (new_scope)
		check_scope_pop(ck);
}
