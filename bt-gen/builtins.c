/*
 * builtins.c - builtins (pid, comm, nsecs, argN, args->f, ...) and the
 * calls the core keeps (printf, print, clear, zero, exit, time, delete,
 * str).  The asynchronous actions become ring-buffer records
 * {u32 action; u32 id; payload} (WIRE.md "Ring-buffer records"); when the
 * ring buffer is full the record is dropped and bt_lost counts it.
 *
 * To add a builtin: one row in idents[] or calls[] with its emitter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "diag.h"
#include "gen.h"

/* struct pt_regs on x86_64: offsets of di si dx cx r8 r9, and ax */
static const int64_t pt_regs_arg[] = { 112, 104, 96, 88, 72, 64 };
#define PT_REGS_AX 80

static struct gv unsupported(struct gen *g, const struct val *e,
			     const char *what)
{
	diag_error_at(e, "%s is not supported yet", what);
	return expr_dummy(g, gen_type_of(g, e));
}

static LLVMValueRef helper0(struct gen *g, int id)
{
	return gen_helper(g, id, LLVMInt64TypeInContext(g->ctx), NULL, 0);
}

static struct gv u64v(struct gen *g, LLVMValueRef v)
{
	return (struct gv){ v, type_int(g->a, 8, false), 0 };
}

void builtin_probe_read(struct gen *g, LLVMValueRef dst, int64_t size,
			LLVMValueRef addr, bool user)
{
	LLVMValueRef args[3];

	args[0] = dst;
	args[1] = gen_const(g, 4, (uint64_t)size);
	args[2] = LLVMBuildIntToPtr(g->b, addr,
				    LLVMPointerTypeInContext(g->ctx, 0), "");
	gen_helper(g, user ? BPF_FUNC_probe_read_user :
		   BPF_FUNC_probe_read_kernel, LLVMInt64TypeInContext(g->ctx),
		   args, 3);
}

static bool provider_is(struct gen *g, const char *a)
{
	return g->provider && !strcmp(g->provider, a);
}

static bool ctx_is_pt_regs(struct gen *g)
{
	return provider_is(g, "kprobe") || provider_is(g, "kretprobe") ||
	       provider_is(g, "uprobe") || provider_is(g, "uretprobe") ||
	       provider_is(g, "usdt");
}

static LLVMValueRef ctx_load(struct gen *g, int64_t off, int64_t size)
{
	LLVMValueRef ld = LLVMBuildLoad2(g->b, gen_int_type(g, size),
					 gen_ptr_add(g, g->ctxarg, off), "");

	LLVMSetAlignment(ld, (unsigned)size);
	return ld;
}

static struct gv arg_n(struct gen *g, const struct val *e, int n)
{
	if (ctx_is_pt_regs(g)) {
		if (n >= (int)(sizeof(pt_regs_arg) / sizeof(pt_regs_arg[0])))
			return unsupported(g, e, "arguments past arg5");
		return u64v(g, ctx_load(g, pt_regs_arg[n], 8));
	}
	if (provider_is(g, "rawtracepoint"))
		return u64v(g, ctx_load(g, (int64_t)n * 8, 8));
	return unsupported(g, e, arena_printf(g->a, "'arg%d' in a %s probe", n,
					      g->provider ? g->provider : "?"));
}

/* a string constant of type t */
static struct gv const_string(struct gen *g, const char *s, struct type *t)
{
	int64_t size = type_size(t), i, n = (int64_t)strlen(s);
	LLVMValueRef p = gen_tmp(g, size), st;

	gen_memzero(g, g->b, p, size, 8);
	for (i = 0; i < n && i < size - 1; i++) {
		st = LLVMBuildStore(g->b, gen_const(g, 1, (uint8_t)s[i]),
				    gen_ptr_add(g, p, i));
		LLVMSetAlignment(st, 1);
	}
	return (struct gv){ p, t, 8 };
}

struct gv builtin_ident(struct gen *g, const struct val *e)
{
	const char *name = val_get_str(e, "name");
	struct type *t = gen_type_of(g, e);
	LLVMValueRef x, args[2];
	struct gv v;

	if (!name)
		return unsupported(g, e, "an identifier without a name");
	if (!strcmp(name, "pid") || !strcmp(name, "tid")) {
		x = helper0(g, BPF_FUNC_get_current_pid_tgid);
		x = name[0] == 'p' ? LLVMBuildLShr(g->b, x, gen_i64(g, 32), "") :
			LLVMBuildAnd(g->b, x, gen_i64(g, 0xffffffff), "");
		v = u64v(g, x);
	} else if (!strcmp(name, "uid") || !strcmp(name, "gid")) {
		x = helper0(g, BPF_FUNC_get_current_uid_gid);
		x = name[0] == 'g' ? LLVMBuildLShr(g->b, x, gen_i64(g, 32), "") :
			LLVMBuildAnd(g->b, x, gen_i64(g, 0xffffffff), "");
		v = u64v(g, x);
	} else if (!strcmp(name, "nsecs")) {
		v = u64v(g, helper0(g, BPF_FUNC_ktime_get_ns));
	} else if (!strcmp(name, "elapsed")) {
		LLVMValueRef key = gen_tmp(g, 4), p, start, ok, ld;

		LLVMBuildStore(g->b, gen_const(g, 4, 0), key);
		p = maps_lookup(g, &g->globals, key);
		/* a missing entry cannot happen (array map); read 0 then */
		ok = LLVMBuildIsNotNull(g->b, p, "");
		x = helper0(g, BPF_FUNC_ktime_get_boot_ns);
		{
			LLVMBasicBlockRef rd = gen_block(g, "elapsed_read");
			LLVMBasicBlockRef done = gen_block(g, "elapsed_done");
			LLVMBasicBlockRef from = LLVMGetInsertBlock(g->b);
			LLVMBasicBlockRef blocks[2];
			LLVMValueRef vals[2];

			LLVMBuildCondBr(g->b, ok, rd, done);
			LLVMPositionBuilderAtEnd(g->b, rd);
			ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8), p, "");
			LLVMSetAlignment(ld, 8);
			LLVMBuildBr(g->b, done);
			LLVMPositionBuilderAtEnd(g->b, done);
			start = LLVMBuildPhi(g->b, gen_int_type(g, 8), "");
			vals[0] = ld;
			vals[1] = gen_i64(g, 0);
			blocks[0] = rd;
			blocks[1] = from;
			LLVMAddIncoming(start, vals, blocks, 2);
		}
		v = u64v(g, LLVMBuildSub(g->b, x, start, ""));
	} else if (!strcmp(name, "cpu")) {
		v = u64v(g, helper0(g, BPF_FUNC_get_smp_processor_id));
	} else if (!strcmp(name, "curtask")) {
		v = u64v(g, helper0(g, BPF_FUNC_get_current_task));
	} else if (!strcmp(name, "rand")) {
		v = u64v(g, helper0(g, BPF_FUNC_get_prandom_u32));
	} else if (!strcmp(name, "cgroup")) {
		v = u64v(g, helper0(g, BPF_FUNC_get_current_cgroup_id));
	} else if (!strcmp(name, "comm")) {
		int64_t size = type_size(t) > 0 ? type_size(t) : 16;

		v.t = t;
		v.align = 8;
		v.v = gen_tmp(g, size);
		gen_memzero(g, g->b, v.v, size, 8);
		args[0] = v.v;
		args[1] = gen_const(g, 4, (uint64_t)(size < 16 ? size : 16));
		gen_helper(g, BPF_FUNC_get_current_comm,
			   LLVMInt64TypeInContext(g->ctx), args, 2);
		return v;
	} else if (!strcmp(name, "probe")) {
		const char *pn = val_get_str(g->attach, "name");

		if (t->kind != TY_STRING)
			return unsupported(g, e, "'probe' of this type");
		return const_string(g, pn ? pn : "", t);
	} else if (!strcmp(name, "retval")) {
		if (!ctx_is_pt_regs(g))
			return unsupported(g, e, arena_printf(g->a, "'retval' in "
					   "a %s probe", g->provider));
		v = u64v(g, ctx_load(g, PT_REGS_AX, 8));
	} else if (!strncmp(name, "arg", 3) && name[3] >= '0' &&
		   name[3] <= '9') {
		v = arg_n(g, e, atoi(name + 3));
	} else {
		return unsupported(g, e, arena_printf(g->a, "builtin '%s'",
						      name));
	}
	if (t->kind == TY_PTR)
		return (struct gv){ v.v, t, 0 };
	return expr_convert(g, v, t);
}

/* args->f: tracepoint context fields are loads from the context */
struct gv builtin_field_args(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	int64_t off = val_get_int(e, "offset", -1), size = type_size(t), i, c;
	struct gv v = { NULL, t, 8 };
	LLVMValueRef st;

	if (off < 0)
		return unsupported(g, e, "'args' field without an offset");
	if (!provider_is(g, "tracepoint"))
		return unsupported(g, e, arena_printf(g->a, "'args' in a %s "
				   "probe", g->provider ? g->provider : "?"));
	if (gen_is_scalar(t)) {
		v.v = ctx_load(g, off, size);
		if (t->kind == TY_BOOL)
			v.v = LLVMBuildICmp(g->b, LLVMIntNE, v.v,
					    gen_const(g, 1, 0), "");
		v.align = 0;
		return val_get(e, "bits") ?
			expr_convert(g, v, t) : v;
	}
	/* arrays and strings in the record: copy them out in aligned
	 * pieces (the context cannot be passed to helpers) */
	v.v = gen_tmp(g, size);
	for (i = 0; i < size; i += c) {
		c = 8;
		while (c > 1 && ((off + i) % c || i % c || c > size - i))
			c /= 2;
		st = LLVMBuildStore(g->b, ctx_load(g, off + i, c),
				    gen_ptr_add(g, v.v, i));
		LLVMSetAlignment(st, (unsigned)c);
	}
	if (t->kind == TY_STRING && size > 0) {
		st = LLVMBuildStore(g->b, gen_const(g, 1, 0),
				    gen_ptr_add(g, v.v, size - 1));
		LLVMSetAlignment(st, 1);
	}
	return v;
}

/* ------------------------------------------------------------ records */

LLVMValueRef builtin_record_begin(struct gen *g, int action, int64_t id,
				  int64_t payload)
{
	int64_t size = 8 + (payload + 7) / 8 * 8;
	LLVMValueRef args[3], rec, st;
	LLVMBasicBlockRef ok = gen_block(g, "rec_ok");
	LLVMBasicBlockRef lost = gen_block(g, "rec_lost");

	g->rec_done = gen_block(g, "rec_done");
	args[0] = g->ringbuf.global;
	args[1] = gen_i64(g, (uint64_t)size);
	args[2] = gen_i64(g, 0);
	rec = gen_helper(g, BPF_FUNC_ringbuf_reserve,
			 LLVMPointerTypeInContext(g->ctx, 0), args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, rec, ""), lost, ok);
	LLVMPositionBuilderAtEnd(g->b, lost);
	maps_count_lost(g);
	LLVMBuildBr(g->b, g->rec_done);
	LLVMPositionBuilderAtEnd(g->b, ok);
	st = LLVMBuildStore(g->b, gen_const(g, 4, (uint64_t)action), rec);
	LLVMSetAlignment(st, 4);
	st = LLVMBuildStore(g->b, gen_const(g, 4, (uint64_t)id),
			    gen_ptr_add(g, rec, 4));
	LLVMSetAlignment(st, 4);
	/* padding at the end of the payload is zeroed: no kernel bytes leak */
	if (size > 8 + payload)
		gen_memzero(g, g->b, gen_ptr_add(g, rec, 8 + payload),
			    size - 8 - payload, 1);
	return rec;
}

void builtin_record_end(struct gen *g, LLVMValueRef rec)
{
	LLVMValueRef args[2] = { rec, gen_i64(g, 0) };

	gen_helper(g, BPF_FUNC_ringbuf_submit, LLVMVoidTypeInContext(g->ctx),
		   args, 2);
	LLVMBuildBr(g->b, g->rec_done);
	LLVMPositionBuilderAtEnd(g->b, g->rec_done);
}

static const struct val *arg_of(const struct val *e, size_t i)
{
	return val_at(val_get(e, "args"), i);
}

static size_t nargs(const struct val *e)
{
	struct val *a = val_get(e, "args");

	return a && a->kind == VAL_ARR ? a->n : 0;
}

static struct gv void_value(struct gen *g)
{
	return (struct gv){ gen_i64(g, 0), type_int(g->a, 8, false), 0 };
}

static struct gv call_printf(struct gen *g, const struct val *e)
{
	const struct val *fmt = arg_of(e, 0);
	size_t n = nargs(e), i;
	struct type **types;
	struct gv *vals;
	struct type *tup;
	struct val *row, *targs;
	LLVMValueRef rec;
	int64_t id = (int64_t)g->printfs->n;

	if (ast_kind(fmt) != AST_STR || !val_get_str(fmt, "v"))
		return unsupported(g, e, "printf() without a literal format");
	types = arena_alloc(g->a, sizeof(*types) * (n + 1));
	vals = arena_alloc(g->a, sizeof(*vals) * (n + 1));
	/* evaluate every argument before reserving the record */
	for (i = 1; i < n; i++) {
		vals[i - 1] = expr_gen(g, arg_of(e, i));
		types[i - 1] = vals[i - 1].t;
	}
	tup = type_tuple(g->a, types, (int)(n ? n - 1 : 0));
	row = val_map(g->a);
	val_set(g->a, row, "fmt", val_copy(g->a, val_get(fmt, "v")));
	targs = val_arr(g->a);
	for (i = 0; i + 1 < n; i++)
		val_push(g->a, targs, type_to_val(g->a, types[i]));
	val_set(g->a, row, "args", targs);
	if (val_get(e, "loc"))
		val_set(g->a, row, "loc", val_copy(g->a, val_get(e, "loc")));
	val_push(g->a, g->printfs, row);

	rec = builtin_record_begin(g, GEN_ACT_PRINTF, id, type_size(tup));
	if (type_size(tup))
		gen_memzero(g, g->b, gen_ptr_add(g, rec, 8), type_size(tup), 8);
	for (i = 0; i + 1 < n; i++) {
		int64_t off = 8 + tup->fields[i].offset;

		gen_store_aligned(g, gen_ptr_add(g, rec, off),
				  gen_align_at(8, off), vals[i], types[i]);
	}
	builtin_record_end(g, rec);
	return void_value(g);
}

static struct gmap *map_arg(struct gen *g, const struct val *e, size_t i)
{
	const struct val *m = arg_of(e, i);
	struct gmap *gm;

	if (ast_kind(m) != AST_MAP) {
		diag_error_at(m ? m : e, "%s() expects a map",
			      val_get_str(e, "name"));
		return NULL;
	}
	gm = maps_find(g, val_get_str(m, "name"));
	if (!gm)
		diag_error_at(m, "map '%s' is missing from the program's map "
			      "table", val_get_str(m, "name"));
	return gm;
}

static struct gv call_print(struct gen *g, const struct val *e)
{
	const struct val *a0 = arg_of(e, 0);
	struct val *keys = val_get(a0, "keys");
	LLVMValueRef rec, st;
	struct gmap *m;
	struct val *row;
	struct gv v;
	size_t i;

	if (ast_kind(a0) == AST_MAP && (!keys || keys->kind != VAL_ARR ||
					!keys->n)) {
		LLVMValueRef x[2] = { gen_i64(g, 0), gen_i64(g, 0) };

		if (!(m = map_arg(g, e, 0)))
			return void_value(g);
		for (i = 1; i < 3 && i < nargs(e); i++)
			x[i - 1] = expr_convert(g, expr_gen(g, arg_of(e, i)),
						type_int(g->a, 8, false)).v;
		rec = builtin_record_begin(g, GEN_ACT_PRINT_MAP,
					   maps_index(g, m), 16);
		for (i = 0; i < 2; i++) {
			st = LLVMBuildStore(g->b, x[i],
					    gen_ptr_add(g, rec, 8 + 8 * i));
			LLVMSetAlignment(st, 8);
		}
		builtin_record_end(g, rec);
		return void_value(g);
	}
	if (!a0)
		return unsupported(g, e, "print() without an argument");
	v = expr_gen(g, a0);
	row = val_map(g->a);
	val_set(g->a, row, "type", type_to_val(g->a, v.t));
	val_push(g->a, g->prints, row);
	rec = builtin_record_begin(g, GEN_ACT_PRINT_VALUE,
				   (int64_t)g->prints->n - 1, type_size(v.t));
	gen_store_aligned(g, gen_ptr_add(g, rec, 8), 8, v, v.t);
	builtin_record_end(g, rec);
	return void_value(g);
}

static struct gv call_clear_zero(struct gen *g, const struct val *e,
				 int action)
{
	struct gmap *m = map_arg(g, e, 0);
	LLVMValueRef rec;

	if (!m)
		return void_value(g);
	rec = builtin_record_begin(g, action, maps_index(g, m), 0);
	builtin_record_end(g, rec);
	return void_value(g);
}

static struct gv call_exit(struct gen *g, const struct val *e)
{
	LLVMValueRef code = gen_i64(g, 0), rec, st;

	if (nargs(e) > 0)
		code = expr_convert(g, expr_gen(g, arg_of(e, 0)),
				    type_int(g->a, 8, true)).v;
	rec = builtin_record_begin(g, GEN_ACT_EXIT, 0, 8);
	st = LLVMBuildStore(g->b, code, gen_ptr_add(g, rec, 8));
	LLVMSetAlignment(st, 8);
	builtin_record_end(g, rec);
	gen_return_zero(g);
	return void_value(g);
}

static struct gv call_time(struct gen *g, const struct val *e)
{
	const struct val *fmt = arg_of(e, 0);
	const char *f = "%H:%M:%S\n";
	LLVMValueRef rec;

	if (fmt) {
		if (ast_kind(fmt) != AST_STR || !val_get_str(fmt, "v"))
			return unsupported(g, e, "time() without a literal "
					   "format");
		f = val_get_str(fmt, "v");
	}
	val_push(g->a, g->times, val_str(g->a, f));
	rec = builtin_record_begin(g, GEN_ACT_TIME, (int64_t)g->times->n - 1,
				   0);
	builtin_record_end(g, rec);
	return void_value(g);
}

static struct gv call_delete(struct gen *g, const struct val *e)
{
	const struct val *m = arg_of(e, 0);
	struct val *copy, *keys;

	if (ast_kind(m) != AST_MAP)
		return unsupported(g, e, "delete() of a non-map");
	if (nargs(e) > 1) {
		/* delete(@m, key) */
		copy = val_copy(g->a, m);
		keys = val_arr(g->a);
		val_push(g->a, keys, val_copy(g->a, arg_of(e, 1)));
		val_set(g->a, copy, "keys", keys);
		m = copy;
	}
	maps_delete(g, m);
	return void_value(g);
}

static struct gv call_str(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	int64_t cap = type_size(t);
	struct gv p = expr_gen(g, arg_of(e, 0));
	struct gv out = { NULL, t, 8 };
	LLVMValueRef args[3], size = gen_const(g, 4, (uint64_t)cap), n, ok;
	int id = BPF_FUNC_probe_read_str;

	if (t->kind != TY_STRING || cap <= 0 || !gen_is_scalar(p.t))
		return unsupported(g, e, "str() of this type");
	if (p.t->kind == TY_PTR)
		id = p.t->user ? BPF_FUNC_probe_read_user_str :
				 BPF_FUNC_probe_read_kernel_str;
	else if (ctx_is_pt_regs(g) && (provider_is(g, "uprobe") ||
				       provider_is(g, "uretprobe") ||
				       provider_is(g, "usdt")))
		id = BPF_FUNC_probe_read_user_str;
	p = expr_convert(g, p, type_int(g->a, 8, false));
	if (nargs(e) > 1) {
		/* at most n bytes and the NUL, within the capacity */
		n = expr_convert(g, expr_gen(g, arg_of(e, 1)),
				 type_int(g->a, 8, false)).v;
		n = LLVMBuildAdd(g->b, n, gen_i64(g, 1), "");
		ok = LLVMBuildICmp(g->b, LLVMIntULE, n, gen_i64(g,
				   (uint64_t)cap), "");
		size = LLVMBuildTrunc(g->b, LLVMBuildSelect(g->b, ok, n,
				      gen_i64(g, (uint64_t)cap), ""),
				      gen_int_type(g, 4), "");
	}
	out.v = gen_tmp(g, cap);
	gen_memzero(g, g->b, out.v, cap, 8);
	args[0] = out.v;
	args[1] = size;
	args[2] = LLVMBuildIntToPtr(g->b, p.v,
				    LLVMPointerTypeInContext(g->ctx, 0), "");
	gen_helper(g, id, LLVMInt64TypeInContext(g->ctx), args, 3);
	return out;
}

struct gv builtin_call(struct gen *g, const struct val *e)
{
	const char *name = val_get_str(e, "name");

	if (!name)
		return unsupported(g, e, "a call without a name");
	if (!strcmp(name, "printf"))
		return call_printf(g, e);
	if (!strcmp(name, "print"))
		return call_print(g, e);
	if (!strcmp(name, "clear"))
		return call_clear_zero(g, e, GEN_ACT_CLEAR_MAP);
	if (!strcmp(name, "zero"))
		return call_clear_zero(g, e, GEN_ACT_ZERO_MAP);
	if (!strcmp(name, "exit"))
		return call_exit(g, e);
	if (!strcmp(name, "time"))
		return call_time(g, e);
	if (!strcmp(name, "delete"))
		return call_delete(g, e);
	if (!strcmp(name, "str"))
		return call_str(g, e);
	return unsupported(g, e, arena_printf(g->a, "function '%s'", name));
}
