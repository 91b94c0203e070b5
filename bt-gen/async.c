/*
 * async.c - the asynchronous actions that bt-load carries out, and the
 * string tables and runtime warnings that go with them:
 *
 *   cat(fmt, ...)     CAT record {u32 10; u32 id; args tuple}, bundle "cat"
 *   system(fmt, ...)  SYSTEM record (11), bundle "system"
 *   join(argv[, sep]) JOIN record (12): ASYNC_JOIN_ARGNUM strings of
 *                     ASYNC_JOIN_ARGSIZE bytes read here, bundle "join"
 *   x / 0, x % 0      WARNING record (13), bundle "warnings" (upstream's
 *                     message and the operator's location)
 *   strftime(fmt, ns) a timestamp value: the ns; the format travels in the
 *                     type's "name", bt-load makes it wall-clock time
 *   strerror, signal_name, syscall_name
 *                     string values copied here from constant tables in
 *                     .rodata (one row per number, the last row unknown)
 *   debugf(fmt, ...)  bpf_trace_printk
 *   cpid              bt_globals offset 8, written by bt-load
 *   nsecs(sw_tai)     boot ns + bt_globals offset 32 (TAI - BOOTTIME)
 *   stop gate         bt_globals offset 24, set by bt-load when the run
 *                     ends: attached programs return at once
 *   exit()'s flag     bt_globals offset 16: 1 << 32 | (u32)code, set before
 *                     the EXIT record so that a full ring buffer cannot lose
 *                     the exit (bt-load reads it every poll round)
 *
 * The bundle tables live in this file's statics (one program per bt-gen
 * run) and are added to the bundle by async_bundle().
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "async.h"
#include "diag.h"

#define ASYNC_JOIN_ARGNUM 16     /* upstream's join limits */
#define ASYNC_JOIN_ARGSIZE 1024
#define ASYNC_SIGNAL_MAX 128

static struct val *cats, *systems, *joins, *warnings;

static const char DIVIDE_BY_ZERO_MSG[] =
	"Divide or modulo by 0 detected. This can lead to unexpected results. "
	"1 is being used as the result.";

static struct val *table(struct gen *g, struct val **t)
{
	if (!*t)
		*t = val_arr(g->a);
	return *t;
}



/* cat(fmt, ...) and system(fmt, ...): builtins.c's formatted record */
static struct gv fmt_record(struct gen *g, const struct val *e, int action,
			    struct val **tab)
{
	return builtin_fmt_record(g, e, action, table(g, tab), NULL);
}

static LLVMValueRef int_to_ptr(struct gen *g, LLVMValueRef v)
{
	return LLVMBuildIntToPtr(g->b, v, LLVMPointerTypeInContext(g->ctx, 0),
				 "");
}

/* join(argv[, sep]): argv is a pointer to an array of string pointers */
static struct gv call_join(struct gen *g, const struct val *e)
{
	struct gv p = expr_gen(g, call_arg(e, 0));
	const struct val *sep = call_arg(e, 1);
	bool user;
	struct val *row;
	LLVMValueRef rec, tmp, base, ptr, args[3], st;
	int64_t id, i;

	if (!gen_is_scalar(p.t))
		return expr_unsupported(g, e, "join() of this argument");
	if (sep && (ast_kind(sep) != AST_STR || !val_get_str(sep, "v")))
		return expr_unsupported(g, e, "join() with a separator that is not "
				   "a literal");
	user = p.t->kind != TY_PTR || p.t->user;
	base = expr_convert(g, p, type_int(g->a, 8, false)).v;
	row = val_map(g->a);
	val_set_str(g->a, row, "sep", sep ? val_get_str(sep, "v") : " ");
	val_set_int(g->a, row, "argnum", ASYNC_JOIN_ARGNUM);
	val_set_int(g->a, row, "argsize", ASYNC_JOIN_ARGSIZE);
	id = (int64_t)table(g, &joins)->n;
	val_push(g->a, joins, row);

	tmp = gen_tmp(g, 8);
	rec = builtin_record_begin(g, REC_JOIN, id,
				   ASYNC_JOIN_ARGNUM * ASYNC_JOIN_ARGSIZE);
	for (i = 0; i < ASYNC_JOIN_ARGNUM; i++) {
		st = LLVMBuildStore(g->b, gen_i64(g, 0), tmp);
		LLVMSetAlignment(st, 8);
		builtin_probe_read(g, tmp, 8, LLVMBuildAdd(g->b, base,
				   gen_i64(g, (uint64_t)(8 * i)), ""), user);
		ptr = LLVMBuildLoad2(g->b, gen_int_type(g, 8), tmp, "");
		LLVMSetAlignment(ptr, 8);
		/* a failed read zeroes the string: bt-load stops there */
		args[0] = gen_ptr_add(g, rec, 8 + i * ASYNC_JOIN_ARGSIZE);
		args[1] = gen_const(g, 4, ASYNC_JOIN_ARGSIZE);
		args[2] = int_to_ptr(g, ptr);
		gen_helper(g, user ? BPF_FUNC_probe_read_user_str :
			   BPF_FUNC_probe_read_kernel_str,
			   LLVMInt64TypeInContext(g->ctx), args, 3);
	}
	builtin_record_end(g, rec);
	return expr_void(g);
}

/* a constant table of n rows of w bytes in .rodata (NULL rows: unknown) */
static LLVMValueRef str_table(struct gen *g, const char *name,
			      const char *const *rows, int n, int64_t w,
			      const char *unknown)
{
	char *gname = arena_printf(g->a, "bt_%s_%lld", name, (long long)w);
	LLVMValueRef gl = LLVMGetNamedGlobal(g->mod, gname), *vals, init;
	LLVMTypeRef row = LLVMArrayType2(LLVMInt8TypeInContext(g->ctx),
					 (uint64_t)w);
	char *buf;
	int i;

	if (gl)
		return gl;
	vals = arena_alloc(g->a, sizeof(*vals) * (size_t)n);
	buf = arena_alloc(g->a, (size_t)w + 1);
	for (i = 0; i < n; i++) {
		const char *s = rows[i] ? rows[i] : unknown;

		memset(buf, 0, (size_t)w + 1);
		strncpy(buf, s, (size_t)w - 1);
		vals[i] = LLVMConstStringInContext(g->ctx, buf, (unsigned)w, 1);
	}
	init = LLVMConstArray2(row, vals, (uint64_t)n);
	gl = LLVMAddGlobal(g->mod, LLVMTypeOf(init), gname);
	LLVMSetInitializer(gl, init);
	LLVMSetGlobalConstant(gl, 1);
	LLVMSetLinkage(gl, LLVMInternalLinkage);
	LLVMSetSection(gl, ".rodata");
	LLVMSetAlignment(gl, 8);
	return gl;
}

/* strerror(e), signal_name(s), syscall_name(n): a row of a table */
static struct gv call_str_table(struct gen *g, const struct val *e,
				const char *name)
{
	struct type *t = gen_type_of(g, e);
	int64_t w = type_size(t);
	struct gv v = expr_gen(g, call_arg(e, 0));
	const char *const *rows;
	const char *unknown;
	static const char *sigs[ASYNC_SIGNAL_MAX];
	int n, i;
	LLVMValueRef x, tab, idx, src, out;

	if (t->kind != TY_STRING || w <= 0 || !gen_is_scalar(v.t))
		return expr_unsupported(g, e, arena_printf(g->a, "%s() of this "
				   "type", name));
	if (!strcmp(name, "strerror")) {
		rows = async_errnos;
		n = ASYNC_ERRNO_MAX;
		unknown = "Unknown error";
	} else if (!strcmp(name, "syscall_name")) {
		rows = async_syscalls;
		n = ASYNC_SYSCALL_MAX;
		unknown = "Unknown syscall";
	} else {
		/* strsignal(3) has upstream's words ("Unknown signal 0",
		 * "Real-time signal 0") */
		for (i = 0; i <= 64; i++)
			sigs[i] = arena_strdup(g->a, strsignal(i));
		rows = sigs;
		n = ASYNC_SIGNAL_MAX;
		unknown = "N/A";
	}
	tab = str_table(g, name, rows, n, w, unknown);
	x = expr_convert(g, v, type_int(g->a, 4, true)).v;
	x = LLVMBuildSExt(g->b, x, LLVMInt64TypeInContext(g->ctx), "");
	if (!strcmp(name, "strerror"))
		x = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, x,
				    gen_i64(g, 0), ""), LLVMBuildNeg(g->b, x, ""),
				    x, "");
	/* out of range: the last row, which is always unknown */
	idx = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntULT, x,
			      gen_i64(g, (uint64_t)n), ""), x,
			      gen_i64(g, (uint64_t)n - 1), "");
	idx = LLVMBuildAnd(g->b, idx, gen_i64(g, (uint64_t)n - 1), "");
	idx = LLVMBuildMul(g->b, idx, gen_i64(g, (uint64_t)w), "");
	src = LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx), tab, &idx, 1,
			    "");
	out = gen_tmp(g, w);
	gen_memcpy(g, out, src, w, w % 8 ? 1 : 8);
	return (struct gv){ out, t, 8 };
}

static struct gv call_percpu_kaddr(struct gen *g, const struct val *e);

/* debugf(fmt, ...): bpf_trace_printk, three arguments at most (bt-check) */
static struct gv call_debugf(struct gen *g, const struct val *e)
{
	const struct val *fmt = call_arg(e, 0);
	const char *f = val_get_str(fmt, "v");
	size_t n = call_nargs(e), i, len;
	LLVMValueRef args[5], gl, init;
	struct gv v;

	if (ast_kind(fmt) != AST_STR || !f)
		return expr_unsupported(g, e, "debugf() without a literal format");
	if (n > 4)
		return expr_unsupported(g, e, "debugf() with more than 3 arguments");
	g->uses_trace_pipe = true;
	len = strlen(f) + 1;
	init = LLVMConstStringInContext(g->ctx, f, (unsigned)len - 1, 0);
	gl = LLVMAddGlobal(g->mod, LLVMTypeOf(init), "bt_debugf_fmt");
	LLVMSetInitializer(gl, init);
	LLVMSetGlobalConstant(gl, 1);
	LLVMSetLinkage(gl, LLVMInternalLinkage);
	LLVMSetSection(gl, ".rodata");
	args[0] = gl;
	args[1] = gen_const(g, 4, len);
	for (i = 1; i < n; i++) {
		v = expr_gen(g, call_arg(e, i));
		if (gen_is_scalar(v.t))
			args[i + 1] = expr_convert(g, v, type_int(g->a, 8,
						   v.t->is_signed)).v;
		else
			/* strings: %s reads the string where it is */
			args[i + 1] = LLVMBuildPtrToInt(g->b, v.v,
				LLVMInt64TypeInContext(g->ctx), "");
	}
	gen_helper(g, BPF_FUNC_trace_printk, LLVMInt64TypeInContext(g->ctx),
		   args, (int)n + 1);
	return expr_void(g);
}

/* bt_globals[0] as a possibly-NULL pointer */
static LLVMValueRef globals_ptr(struct gen *g)
{
	LLVMValueRef key = gen_tmp(g, 4), st;

	st = LLVMBuildStore(g->b, gen_const(g, 4, 0), key);
	LLVMSetAlignment(st, 4);
	return maps_lookup(g, &g->globals, key);
}

/*
 * cpid: the -c child's pid from bt_globals, with upstream's warning when
 * there is none; has_cpid: whether there is one
 */
bool async_ident(struct gen *g, const struct val *e, const char *name,
		 struct gv *out)
{
	LLVMValueRef pid, none;

	if (strcmp(name, "cpid") && strcmp(name, "has_cpid"))
		return false;
	pid = async_global(g, GLOBALS_CPID);
	none = LLVMBuildICmp(g->b, LLVMIntEQ, pid, gen_i64(g, 0), "");
	if (!strcmp(name, "has_cpid")) {
		*out = expr_convert(g, (struct gv){ LLVMBuildNot(g->b, none, ""),
				    type_new(g->a, TY_BOOL), 0 },
				    gen_type_of(g, e));
		return true;
	}
	async_warn_if(g, e, "No child command (`-c`); cpid is zero", none);
	*out = expr_convert(g, (struct gv){ pid, type_int(g->a, 8, false), 0 },
			    gen_type_of(g, e));
	return true;
}

LLVMValueRef async_global(struct gen *g, int off)
{
	return gen_load_u64_or_zero(g, globals_ptr(g), off);
}

void async_exit_flag(struct gen *g, LLVMValueRef code)
{
	LLVMValueRef p = globals_ptr(g), x, st;
	LLVMBasicBlockRef set = gen_block(g, "exit_flag");
	LLVMBasicBlockRef done = gen_block(g, "exit_flag_done");

	LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, p, ""), set, done);
	LLVMPositionBuilderAtEnd(g->b, set);
	x = LLVMBuildAnd(g->b, code, gen_i64(g, 0xffffffffull), "");
	x = LLVMBuildOr(g->b, x, gen_i64(g, 1ull << 32), "");
	st = LLVMBuildStore(g->b, x, gen_ptr_add(g, p, GLOBALS_EXIT));
	LLVMSetAlignment(st, 8);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

void async_stop_gate(struct gen *g)
{
	LLVMValueRef p = globals_ptr(g), ld, stop;
	LLVMBasicBlockRef rd = gen_block(g, "stop_read");
	LLVMBasicBlockRef ret = gen_block(g, "stopped");
	LLVMBasicBlockRef go = gen_block(g, "running");

	LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, p, ""), rd, go);
	LLVMPositionBuilderAtEnd(g->b, rd);
	ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8),
			    gen_ptr_add(g, p, GLOBALS_STOP), "");
	LLVMSetAlignment(ld, 8);
	LLVMSetVolatile(ld, 1);
	stop = LLVMBuildIsNotNull(g->b, ld, "");
	LLVMBuildCondBr(g->b, stop, ret, go);
	LLVMPositionBuilderAtEnd(g->b, ret);
	LLVMBuildRet(g->b, gen_i64(g, 0));
	LLVMPositionBuilderAtEnd(g->b, go);
}

void async_div_check(struct gen *g, const struct val *at, const char *op,
		     LLVMValueRef r)
{
	if (!at || (strcmp(op, "/") && strcmp(op, "%")))
		return;
	/* a constant divisor other than 0 needs no check */
	if (LLVMIsAConstantInt(r) && LLVMConstIntGetZExtValue(r))
		return;
	async_warn_if(g, at, DIVIDE_BY_ZERO_MSG,
		      LLVMBuildICmp(g->b, LLVMIntEQ, r,
				    LLVMConstNull(LLVMTypeOf(r)), ""));
}

void async_warn(struct gen *g, const struct val *at, const char *msg)
{
	LLVMValueRef rec;
	struct val *row;
	int64_t id;

	row = val_map(g->a);
	val_set_str(g->a, row, "msg", msg);
	if (val_get(at, "loc"))
		val_set(g->a, row, "loc", val_copy(g->a, val_get(at, "loc")));
	id = (int64_t)table(g, &warnings)->n;
	val_push(g->a, warnings, row);
	rec = builtin_record_begin(g, REC_WARNING, id, 0);
	builtin_record_end(g, rec);
}

void async_warn_if(struct gen *g, const struct val *at, const char *msg,
		   LLVMValueRef cond)
{
	LLVMBasicBlockRef warn = gen_block(g, "warn");
	LLVMBasicBlockRef done = gen_block(g, "warn_done");

	LLVMBuildCondBr(g->b, cond, warn, done);
	LLVMPositionBuilderAtEnd(g->b, warn);
	async_warn(g, at, msg);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

bool async_call(struct gen *g, const struct val *e, const char *name,
		struct gv *out)
{
	if (!strcmp(name, "cat"))
		*out = fmt_record(g, e, REC_CAT, &cats);
	else if (!strcmp(name, "system"))
		*out = fmt_record(g, e, REC_SYSTEM, &systems);
	else if (!strcmp(name, "join"))
		*out = call_join(g, e);
	else if (!strcmp(name, "strftime"))
		/* the ns, of the timestamp type bt-check gave */
		*out = builtin_arg_as_u64(g, e, 1);
	else if (!strcmp(name, "strerror") || !strcmp(name, "signal_name") ||
		 !strcmp(name, "syscall_name"))
		*out = call_str_table(g, e, name);
	else if (!strcmp(name, "debugf"))
		*out = call_debugf(g, e);
	else if (!strcmp(name, "percpu_kaddr"))
		*out = call_percpu_kaddr(g, e);
	else
		return false;
	return true;
}

void async_bundle(struct gen *g, struct val *bundle)
{
	val_set(g->a, bundle, "cat", table(g, &cats));
	val_set(g->a, bundle, "system", table(g, &systems));
	val_set(g->a, bundle, "join", table(g, &joins));
	val_set(g->a, bundle, "warnings", table(g, &warnings));
}

/* ------------------------------------------------------------ tseries */

void async_tseries_layout(struct gen *g, struct gmap *m)
{
	struct type *u64 = type_int(g->a, 8, false);
	struct type *kel[2] = { m->key ? m->key : u64, u64 };
	struct type *vel[3] = { type_int(g->a, 8, true), u64, u64 };

	m->kkey = type_tuple(g->a, kel, 2);
	m->kval = type_tuple(g->a, vel, 3);
}

static LLVMValueRef ld8(struct gen *g, LLVMValueRef p, int64_t off)
{
	LLVMValueRef ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8),
					 gen_ptr_add(g, p, off), "");

	LLVMSetAlignment(ld, 8);
	return ld;
}

static void st8(struct gen *g, LLVMValueRef p, int64_t off, LLVMValueRef v)
{
	LLVMValueRef st = LLVMBuildStore(g->b, v, gen_ptr_add(g, p, off));

	LLVMSetAlignment(st, 8);
}

/*
 * The value at p for this epoch: a new epoch clears an aggregating bucket;
 * sum adds, avg adds and counts in meta, min/max keep the extreme (meta:
 * set), no aggregation keeps the last value with its time in meta.
 */
static void ts_apply(struct gen *g, struct gmap *m, LLVMValueRef p,
		     LLVMValueRef x, LLVMValueRef epoch, LLVMValueRef now)
{
	const char *agg = m->val->mode;
	bool sgn = m->val->is_signed;
	LLVMValueRef cur, meta, better, v;
	LLVMBasicBlockRef clr, go;

	if (agg) {
		clr = gen_block(g, "ts_clear");
		go = gen_block(g, "ts_go");
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntNE,
				ld8(g, p, 16), epoch, ""), clr, go);
		LLVMPositionBuilderAtEnd(g->b, clr);
		st8(g, p, 0, gen_i64(g, 0));
		st8(g, p, 8, gen_i64(g, 0));
		LLVMBuildBr(g->b, go);
		LLVMPositionBuilderAtEnd(g->b, go);
	}
	if (!agg) {
		st8(g, p, 0, x);
		st8(g, p, 8, now);
	} else if (!strcmp(agg, "sum") || !strcmp(agg, "avg")) {
		st8(g, p, 0, LLVMBuildAdd(g->b, ld8(g, p, 0), x, ""));
		if (!strcmp(agg, "avg"))
			st8(g, p, 8, LLVMBuildAdd(g->b, ld8(g, p, 8),
				  gen_i64(g, 1), ""));
	} else {
		bool is_min = !strcmp(agg, "min");

		cur = ld8(g, p, 0);
		meta = ld8(g, p, 8);
		better = LLVMBuildICmp(g->b, is_min ?
			(sgn ? LLVMIntSLT : LLVMIntULT) :
			(sgn ? LLVMIntSGT : LLVMIntUGT), x, cur, "");
		better = LLVMBuildOr(g->b, better, LLVMBuildICmp(g->b,
				     LLVMIntEQ, meta, gen_i64(g, 0), ""), "");
		v = LLVMBuildSelect(g->b, better, x, cur, "");
		st8(g, p, 0, v);
		st8(g, p, 8, gen_i64(g, 1));
	}
	st8(g, p, 16, epoch);
}

/* the time tseries() files under: CLOCK_TAI ns, or (for tests, as
 * upstream) the u64 in the scalar map named by BPFTRACE_DUMMY_TS_MAP */
static LLVMValueRef ts_now(struct gen *g)
{
	const char *dummy = getenv("BPFTRACE_DUMMY_TS_MAP");
	struct gmap *dm = dummy ? maps_find(g, dummy) : NULL;
	LLVMValueRef key, p;

	if (!dm || dm->key || !gen_is_scalar(dm->kval))
		return gen_helper(g, BPF_FUNC_ktime_get_tai_ns,
				  LLVMInt64TypeInContext(g->ctx), NULL, 0);
	key = gen_tmp(g, 8);
	st8(g, key, 0, gen_i64(g, 0));
	p = maps_lookup(g, dm, key);
	return gen_load_u64_or_zero(g, p, 0);
}

void async_tseries(struct gen *g, struct gmap *m, LLVMValueRef key,
		   LLVMValueRef x)
{
	int64_t interval = m->val->interval_ns > 0 ? m->val->interval_ns : 1;
	int64_t count = m->val->count > 0 ? m->val->count : 1;
	LLVMValueRef now = ts_now(g), epoch, p, buf;
	LLVMBasicBlockRef found = gen_block(g, "ts_found");
	LLVMBasicBlockRef missing = gen_block(g, "ts_missing");
	LLVMBasicBlockRef done = gen_block(g, "ts_done");

	epoch = LLVMBuildUDiv(g->b, now, gen_i64(g, (uint64_t)interval), "");
	st8(g, key, m->kkey->fields[1].offset,
	    LLVMBuildURem(g->b, epoch, gen_i64(g, (uint64_t)count), ""));
	p = maps_lookup(g, m, key);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, p, ""), missing, found);
	LLVMPositionBuilderAtEnd(g->b, found);
	ts_apply(g, m, p, x, epoch, now);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, missing);
	buf = gen_tmp(g, 24);
	gen_memzero(g, g->b, buf, 24, 8);
	st8(g, buf, 16, epoch);
	ts_apply(g, m, buf, x, epoch, now);
	maps_update(g, m, key, buf, BPF_ANY);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
}

/* ------------------------------------------------------------ percpu */

/*
 * percpu_kaddr("sym"[, cpu]): bpf_per_cpu_ptr(&sym, cpu), or
 * bpf_this_cpu_ptr(&sym).  sym is a typed ksym: an extern global in
 * ".ksyms" whose BTF VAR libbpf resolves to vmlinux's (BPF_PSEUDO_BTF_ID);
 * its local type only needs the kernel type's BTF kind (an int of the
 * same size, or a struct of that name without members).
 */
static LLVMValueRef ksym_global(struct gen *g, const char *sym,
				const struct type *t)
{
	LLVMValueRef gl = LLVMGetNamedGlobal(g->mod, sym);
	LLVMMetadataRef dty, gve, expr;
	int64_t size = t ? type_size(t) : 0;

	if (gl)
		return gl;
	gl = LLVMAddGlobal(g->mod, LLVMInt8TypeInContext(g->ctx), sym);
	LLVMSetLinkage(gl, LLVMExternalLinkage);
	LLVMSetSection(gl, ".ksyms");
	LLVMSetGlobalConstant(gl, 1);
	if (t && t->kind == TY_STRUCT) {
		const char *n = t->name ? t->name : "percpu";

		if (!strncmp(n, "struct ", 7))
			n += 7;
		dty = LLVMDIBuilderCreateStructType(g->di, g->di_cu, n,
			strlen(n), g->di_file, 0, (uint64_t)(size > 0 ? size : 1) * 8,
			64, 0, NULL, NULL, 0, 0, NULL, "", 0);
	} else {
		if (size <= 0 || size > 8)
			size = 8;
		dty = LLVMDIBuilderCreateBasicType(g->di, "unsigned long", 13,
			(uint64_t)size * 8, 0x08 /* DW_ATE_unsigned */, 0);
	}
	expr = LLVMDIBuilderCreateExpression(g->di, NULL, 0);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(g->di, g->di_cu, sym,
		strlen(sym), "", 0, g->di_file, 0, dty, 0, expr, NULL, 0);
	LLVMGlobalSetMetadata(gl, LLVMGetMDKindIDInContext(g->ctx, "dbg", 3),
			      gve);
	return gl;
}

static struct gv call_percpu_kaddr(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	const char *sym = val_get_str(call_arg(e, 0), "v");
	LLVMValueRef gl, args[2], p;

	if (!sym || ast_kind(call_arg(e, 0)) != AST_STR)
		return expr_unsupported(g, e, "percpu_kaddr() without a literal name");
	gl = ksym_global(g, sym, t->kind == TY_PTR ? t->elem : NULL);
	args[0] = gl;
	if (call_nargs(e) > 1) {
		args[1] = expr_convert(g, expr_gen(g, call_arg(e, 1)),
				       type_int(g->a, 4, false)).v;
		p = gen_helper(g, BPF_FUNC_per_cpu_ptr,
			       LLVMPointerTypeInContext(g->ctx, 0), args, 2);
	} else {
		p = gen_helper(g, BPF_FUNC_this_cpu_ptr,
			       LLVMPointerTypeInContext(g->ctx, 0), args, 1);
	}
	p = LLVMBuildPtrToInt(g->b, p, LLVMInt64TypeInContext(g->ctx), "");
	return expr_convert(g, (struct gv){ p, type_int(g->a, 8, false), 0 }, t);
}
