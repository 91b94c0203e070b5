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
#include <unistd.h>

#include <linux/bpf.h>

#include "async.h"
#include "diag.h"
#include "dwunwind.h"
#include "gen.h"

/* struct pt_regs on x86_64: offsets of di si dx cx r8 r9, and ax */
static const int64_t pt_regs_arg[] = { 112, 104, 96, 88, 72, 64 };
#define PT_REGS_AX 80
#define PT_REGS_SP 152


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
	int helper = user ? BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel;
	LLVMValueRef args[3], r;

	args[0] = dst;
	args[1] = gen_const(g, 4, (uint64_t)size);
	args[2] = LLVMBuildIntToPtr(g->b, addr,
				    LLVMPointerTypeInContext(g->ctx, 0), "");
	r = gen_helper(g, helper, LLVMInt64TypeInContext(g->ctx), args, 3);
	if (g->helper_warnings && g->read_at)
		maps_helper_error(g, helper, g->read_at, r);
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

static LLVMValueRef ctx_copy(struct gen *g, int64_t off, int64_t size);

/* raw tracepoints, fentry and fexit: one u64 per argument */
static bool ctx_is_u64_array(struct gen *g)
{
	return provider_is(g, "rawtracepoint") || provider_is(g, "fentry") ||
	       provider_is(g, "fexit");
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
	if (provider_is(g, "usdt")) {
		LLVMValueRef v = usdt_arg(g, e, n);

		return v ? u64v(g, v) : expr_dummy(g, gen_type_of(g, e));
	}
	if (ctx_is_pt_regs(g)) {
		if (n >= (int)(sizeof(pt_regs_arg) / sizeof(pt_regs_arg[0]))) {
			/* past the registers: on the stack, above the return
			 * address (x86_64 at function entry) */
			LLVMValueRef tmp = gen_tmp(g, 8), sp, ld;

			sp = ctx_load(g, PT_REGS_SP, 8);
			builtin_probe_read(g, tmp, 8, LLVMBuildAdd(g->b, sp,
				gen_i64(g, (uint64_t)(8 * (n - 5))), ""),
				!provider_is(g, "kprobe") &&
				!provider_is(g, "kretprobe"));
			ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8), tmp, "");
			LLVMSetAlignment(ld, 8);
			return u64v(g, ld);
		}
		return u64v(g, ctx_load(g, pt_regs_arg[n], 8));
	}
	if (provider_is(g, "rawtracepoint"))
		return u64v(g, ctx_load(g, (int64_t)n * 8, 8));
	return expr_unsupported(g, e, arena_printf(g->a, "'arg%d' in a %s probe", n,
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

static struct gv usym_of(struct gen *g, const struct val *e,
			 LLVMValueRef addr, LLVMValueRef row);

/*
 * A uprobe's function is known from its attach point: `func` carries,
 * next to the address, the 1-based row of the bundle's "funcs" table
 * (one row per expanded attach point of this program, the name or nil
 * for an address-only attach point) that bt-load prints instead of
 * symbolizing, so that it names the function after the process exited.
 * A cookie probe adds its attach cookie to the first row.  0 (no row)
 * when no attach point names a function.
 */
static LLVMValueRef func_row(struct gen *g)
{
	const struct val *exp = val_get(g->probe, "expanded");
	LLVMValueRef x;
	bool named = false;
	size_t i;

	for (i = 0; exp && i < exp->n; i++)
		if (val_get_str(exp->items[i], "func"))
			named = true;
	if (!named)
		return gen_const(g, 4, 0);
	if (g->funcs_prog != g->nprog) {
		g->funcs_prog = g->nprog;
		g->funcs_base = g->funcs->n;
		for (i = 0; i < exp->n; i++) {
			const char *f = val_get_str(exp->items[i], "func");

			val_push(g->a, g->funcs, f ? val_str(g->a, f) :
						     val_nil(g->a));
		}
	}
	if (!val_get(g->probe, "cookie"))
		return gen_const(g, 4, g->funcs_base + 1);
	x = gen_helper(g, BPF_FUNC_get_attach_cookie,
		       LLVMInt64TypeInContext(g->ctx), &g->ctxarg, 1);
	x = LLVMBuildTrunc(g->b, x, gen_int_type(g, 4), "");
	return LLVMBuildAdd(g->b, x, gen_const(g, 4, g->funcs_base + 1), "");
}

/*
 * `probe` in a probe that bt-check kept whole ("cookie"): bt-load attaches
 * its attach point i with cookie i, and the name is row i of a .rodata
 * table of the names, one per probe, rows padded to a power of two so that
 * a mask bounds the index.
 */
static struct gv probe_by_cookie(struct gen *g, struct type *t)
{
	const struct val *exp = val_get(g->probe, "expanded");
	int64_t w = type_size(t);
	uint64_t rows = 1, i;
	LLVMTypeRef row = LLVMArrayType2(LLVMInt8TypeInContext(g->ctx),
					 (uint64_t)w);
	LLVMValueRef *vals, init, gl, x, src, out;
	char *buf = arena_alloc(g->a, (size_t)w + 1);
	const char *gname = arena_printf(g->a, "bt_probe_names_%d", g->nprog);

	gl = LLVMGetNamedGlobal(g->mod, gname);
	if (gl)
		goto lookup;
	while (rows < exp->n)
		rows <<= 1;
	vals = arena_alloc(g->a, sizeof(*vals) * rows);
	for (i = 0; i < rows; i++) {
		const char *n = i < exp->n ?
			val_get_str(exp->items[i], "name") : NULL;

		memset(buf, 0, (size_t)w + 1);
		if (n)
			strncpy(buf, n, (size_t)w - 1);
		vals[i] = LLVMConstStringInContext(g->ctx, buf, (unsigned)w, 1);
	}
	init = LLVMConstArray2(row, vals, rows);
	gl = LLVMAddGlobal(g->mod, LLVMTypeOf(init), gname);
	LLVMSetInitializer(gl, init);
	LLVMSetGlobalConstant(gl, 1);
	LLVMSetLinkage(gl, LLVMInternalLinkage);
	LLVMSetSection(gl, ".rodata");
	LLVMSetAlignment(gl, 8);
lookup:
	while (rows < exp->n)
		rows <<= 1;
	x = gen_helper(g, BPF_FUNC_get_attach_cookie,
		       LLVMInt64TypeInContext(g->ctx), &g->ctxarg, 1);
	x = LLVMBuildAnd(g->b, x, gen_i64(g, rows - 1), "");
	x = LLVMBuildMul(g->b, x, gen_i64(g, (uint64_t)w), "");
	src = LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx), gl, &x, 1,
			    "probe_name");
	out = gen_tmp(g, w);
	gen_memcpy(g, out, src, w, w % 8 ? 1 : 8);
	return (struct gv){ out, t, 8 };
}

/*
 * pid or tid, in bt-gen's pid namespace when it is not the initial one
 * (bpf_get_ns_current_pid_tgid; the global ids if that fails, e.g. when
 * the object runs on another host) or in the initial one.
 */
static LLVMValueRef pid_tid(struct gen *g, bool pid, bool curr_ns)
{
	LLVMValueRef x = helper0(g, BPF_FUNC_get_current_pid_tgid), info, r;
	LLVMValueRef args[4], nsv;

	x = pid ? LLVMBuildLShr(g->b, x, gen_i64(g, 32), "") :
		  LLVMBuildAnd(g->b, x, gen_i64(g, 0xffffffff), "");
	if (!curr_ns || !g->pidns_ino)
		return x;
	/* struct bpf_pidns_info { u32 pid; u32 tgid; } */
	info = gen_tmp(g, 8);
	args[0] = gen_i64(g, g->pidns_dev);
	args[1] = gen_i64(g, g->pidns_ino);
	args[2] = info;
	args[3] = gen_const(g, 4, 8);
	r = gen_helper(g, BPF_FUNC_get_ns_current_pid_tgid,
		       LLVMInt64TypeInContext(g->ctx), args, 4);
	nsv = LLVMBuildLoad2(g->b, gen_int_type(g, 4),
			     gen_ptr_add(g, info, pid ? 4 : 0), "");
	LLVMSetAlignment(nsv, 4);
	nsv = LLVMBuildZExt(g->b, nsv, gen_int_type(g, 8), "");
	return LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, r,
			       gen_i64(g, 0), ""), nsv, x, "");
}

/* pid(curr_ns | init), tid(...) */
static struct gv call_pid_tid(struct gen *g, const struct val *e)
{
	const char *name = val_get_str(e, "name");
	const struct val *a = val_at(val_get(e, "args"), 0);
	const char *ns = val_get_str(e, "ns") ? val_get_str(e, "ns") :
						val_get_str(a, "name");

	if ((a || ns) && (!ns || (strcmp(ns, "init") &&
				  strcmp(ns, "curr_ns"))))
		return expr_unsupported(g, e, arena_printf(g->a, "%s() of this "
				   "argument", name));
	return expr_convert(g, u64v(g, pid_tid(g, name[0] == 'p',
			    !ns || !strcmp(ns, "curr_ns"))), gen_type_of(g, e));
}
static struct gv args_value(struct gen *g, const struct val *e);

/*
 * kstack: u64 stack id; ustack: {i64 stack id; u32 pid; u32 0}.  The ids
 * index bt_stacks (GEN_STACK_DEPTH frames); a negative id is an error.
 */
static struct gv stack_of(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	bool user = t->kind == TY_USTACK;
	LLVMValueRef args[3], id, pid, st;
	struct gv out = { NULL, t, 8 };

	if ((t->kind != TY_KSTACK && !user) || !g->stacks.global)
		return expr_unsupported(g, e, "this stack");
	args[0] = g->ctxarg;
	args[1] = g->stacks.global;
	args[2] = gen_i64(g, user ? BPF_F_USER_STACK : 0);
	id = gen_helper(g, BPF_FUNC_get_stackid, LLVMInt64TypeInContext(g->ctx),
			args, 3);
	if (!user)
		return (struct gv){ id, t, 0 };
	out.v = gen_tmp(g, 16);
	st = LLVMBuildStore(g->b, id, out.v);
	LLVMSetAlignment(st, 8);
	/* the pid as bt-load finds it in its /proc */
	pid = pid_tid(g, true, true);
	st = LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, pid, gen_int_type(g, 4),
			    ""), gen_ptr_add(g, out.v, 8));
	LLVMSetAlignment(st, 4);
	st = LLVMBuildStore(g->b, gen_const(g, 4, 0), gen_ptr_add(g, out.v, 12));
	LLVMSetAlignment(st, 4);
	return out;
}

/*
 * len(stack): its number of frames, at most the stack's limit.  A stack
 * value is only an id in bt_stacks, which programs cannot read, so the
 * frames are counted again with bpf_get_stack in the probe running len():
 * right for a stack taken in the same probe firing (len(ustack(3)),
 * $s = kstack; len($s)), the way such stacks are used.
 */
static struct gv stack_len(struct gen *g, const struct val *e)
{
	struct type *st = gen_type_of(g, call_arg(e, 0));
	int64_t limit = st->limit > 0 && st->limit < GEN_STACK_DEPTH ?
			st->limit : GEN_STACK_DEPTH;
	LLVMValueRef args[4], n, vals[2];
	LLVMBasicBlockRef dw = NULL, fp = NULL, done = NULL, from[2];

	if (st->kind != TY_KSTACK && st->kind != TY_USTACK)
		return expr_unsupported(g, e, "len() of this value");
	/* a ustack value may be a dw_ustack, whose frames are in bt_dw_stacks:
	 * counted there */
	if (st->kind == TY_USTACK && g->dw_stacks.global) {
		struct gv v = expr_gen(g, call_arg(e, 0));
		LLVMValueRef kind;

		dw = gen_block(g, "len_dw");
		fp = gen_block(g, "len_fp");
		done = gen_block(g, "len_done");
		kind = LLVMBuildLoad2(g->b, gen_int_type(g, 4),
				      gen_ptr_add(g, v.v, 12), "");
		LLVMSetAlignment(kind, 4);
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, kind,
				gen_const(g, 4, DW_STACK_KIND), ""), dw, fp);
		LLVMPositionBuilderAtEnd(g->b, dw);
		vals[0] = dwunwind_len(g, v.v, limit);
		from[0] = LLVMGetInsertBlock(g->b);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, fp);
	}
	args[0] = g->ctxarg;
	args[1] = gen_tmp(g, limit * 8);
	args[2] = gen_const(g, 4, (uint64_t)(limit * 8));
	args[3] = gen_i64(g, st->kind == TY_USTACK ? BPF_F_USER_STACK : 0);
	n = gen_helper(g, BPF_FUNC_get_stack, LLVMInt64TypeInContext(g->ctx),
		       args, 4);
	/* bytes copied, or a negative error: no frames */
	n = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, n,
			    gen_i64(g, 0), ""), gen_i64(g, 0), n, "");
	n = LLVMBuildLShr(g->b, n, gen_i64(g, 3), "");
	if (done) {
		vals[1] = n;
		from[1] = LLVMGetInsertBlock(g->b);
		LLVMBuildBr(g->b, done);
		LLVMPositionBuilderAtEnd(g->b, done);
		n = LLVMBuildPhi(g->b, LLVMInt64TypeInContext(g->ctx), "len");
		LLVMAddIncoming(n, vals, from, 2);
	}
	return expr_convert(g, (struct gv){ n, type_int(g->a, 8, true), 0 },
			    gen_type_of(g, e));
}

struct gv builtin_ident(struct gen *g, const struct val *e)
{
	const char *name = val_get_str(e, "name");
	struct type *t = gen_type_of(g, e);
	LLVMValueRef x, args[2];
	struct gv v;

	if (!name)
		return expr_unsupported(g, e, "an identifier without a name");
	if (!strncmp(name, "__builtin_", 10))
		name += 10;     /* the stdlib's names for the builtins */
	if (async_ident(g, e, name, &v))
		return v;
	if (!strcmp(name, "ncpus")) {
		/* the CPUs online where the program is compiled */
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		return expr_convert(g, u64v(g, gen_i64(g, n > 0 ? (uint64_t)n :
				    1)), t);
	}
	if (!strcmp(name, "probetype")) {
		const char *pt = provider_is(g, "begin") ||
				 provider_is(g, "end") ? "special" :
				 provider_is(g, "bench") ? "benchmark" :
				 g->provider ? g->provider : "";

		if (t->kind != TY_STRING)
			return expr_unsupported(g, e, "'probetype' of this type");
		return const_string(g, pt, t);
	}
	if (!strcmp(name, "pid") || !strcmp(name, "tid")) {
		v = u64v(g, pid_tid(g, name[0] == 'p', true));
	} else if (!strcmp(name, "uid") || !strcmp(name, "gid")) {
		x = helper0(g, BPF_FUNC_get_current_uid_gid);
		x = name[0] == 'g' ? LLVMBuildLShr(g->b, x, gen_i64(g, 32), "") :
			LLVMBuildAnd(g->b, x, gen_i64(g, 0xffffffff), "");
		v = u64v(g, x);
	} else if (!strcmp(name, "nsecs")) {
		v = u64v(g, helper0(g, BPF_FUNC_ktime_get_ns));
	} else if (!strcmp(name, "elapsed")) {
		/* bt-load's start time; 0 if the array map had no entry */
		LLVMValueRef start = async_global(g, GLOBALS_START_NS);

		x = helper0(g, BPF_FUNC_ktime_get_boot_ns);
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
			return expr_unsupported(g, e, "'probe' of this type");
		if (val_get(g->probe, "cookie"))
			return probe_by_cookie(g, t);
		return const_string(g, pn ? pn : "", t);
	} else if (!strcmp(name, "args")) {
		return args_value(g, e);
	} else if (!strcmp(name, "kstack") || !strcmp(name, "ustack")) {
		return stack_of(g, e);
	} else if (!strcmp(name, "dw_ustack")) {
		return dwunwind_stack(g, e, pid_tid(g, true, true));
	} else if (!strcmp(name, "__bt_func_ip")) {
		/* the probed address, where the binary is loaded now */
		v = u64v(g, gen_helper(g, BPF_FUNC_get_func_ip,
			 LLVMInt64TypeInContext(g->ctx), &g->ctxarg, 1));
	} else if (!strcmp(name, "jiffies")) {
		v = u64v(g, helper0(g, BPF_FUNC_jiffies64));
	} else if (!strcmp(name, "ctx") && t->kind == TY_PTR &&
		   t->elem && t->elem->name &&
		   !strcmp(t->elem->name, "struct bpf_perf_event_data")) {
		/* a perf-event program's context is the kernel's own struct
		 * (bpf_perf_event_data_kern); the verifier rewrites loads from
		 * it, so the fields the user sees are copied out by loads and
		 * ctx points at the copy */
		LLVMValueRef cp = ctx_copy(g, 0, type_size(t->elem) > 0 ?
					   type_size(t->elem) : 8);

		v = u64v(g, LLVMBuildPtrToInt(g->b, cp,
			 LLVMInt64TypeInContext(g->ctx), ""));
		return (struct gv){ v.v, t, 0 };
	} else if (!strcmp(name, "ctx") && t->kind == TY_PTR) {
		/* iter: struct bpf_iter__NAME *; kprobe-type programs:
		 * struct pt_regs *; others: the raw context.  Their fields
		 * are read like any kernel memory */
		v = u64v(g, LLVMBuildPtrToInt(g->b, g->ctxarg,
			 LLVMInt64TypeInContext(g->ctx), ""));
		return (struct gv){ v.v, t, 0 };
	} else if (!strcmp(name, "numaid")) {
		v = u64v(g, helper0(g, BPF_FUNC_get_numa_node_id));
	} else if (!strcmp(name, "username")) {
		x = helper0(g, BPF_FUNC_get_current_uid_gid);
		v = u64v(g, LLVMBuildAnd(g->b, x, gen_i64(g, 0xffffffff), ""));
		return (struct gv){ v.v, t, 0 };
	} else if (!strcmp(name, "func") && t->kind == TY_USYM &&
		   provider_is(g, "uretprobe")) {
		/* ip is the return address, in the caller: the kernel knows
		 * the probed function's address (bpf_get_func_ip) */
		return usym_of(g, e, gen_helper(g, BPF_FUNC_get_func_ip,
			       LLVMInt64TypeInContext(g->ctx), &g->ctxarg, 1),
			       func_row(g));
	} else if (!strcmp(name, "func") && t->kind == TY_USYM &&
		   ctx_is_pt_regs(g)) {
		return usym_of(g, e, ctx_load(g, 128, 8),
			       provider_is(g, "uprobe") ? func_row(g) : NULL);
	} else if (!strcmp(name, "usermode") && (provider_is(g, "begin") ||
						 provider_is(g, "end"))) {
		/* upstream runs begin and end in a user process */
		v = u64v(g, gen_i64(g, 1));
	} else if (!strcmp(name, "usermode") && (ctx_is_pt_regs(g) ||
		   provider_is(g, "profile"))) {
		/* x86_64: the low bits of cs are the privilege level */
		x = LLVMBuildAnd(g->b, ctx_load(g, 136, 8), gen_i64(g, 3), "");
		v = u64v(g, LLVMBuildZExt(g->b, LLVMBuildICmp(g->b, LLVMIntEQ,
			 x, gen_i64(g, 3), ""), gen_int_type(g, 8), ""));
	} else if (!strcmp(name, "retval") && provider_is(g, "fexit")) {
		/* after the arguments in the u64 array (bt-check's offset) */
		v = u64v(g, ctx_load(g, val_get_int(e, "offset", 0), 8));
	} else if (!strcmp(name, "retval")) {
		if (!ctx_is_pt_regs(g))
			return expr_unsupported(g, e, arena_printf(g->a, "'retval' in "
					   "a %s probe", g->provider));
		v = u64v(g, ctx_load(g, PT_REGS_AX, 8));
	} else if (!strncmp(name, "arg", 3) && name[3] >= '0' &&
		   name[3] <= '9') {
		v = arg_n(g, e, atoi(name + 3));
	} else {
		return expr_unsupported(g, e, arena_printf(g->a, "builtin '%s'",
						      name));
	}
	if (t->kind == TY_PTR)
		return (struct gv){ v.v, t, 0 };
	return expr_convert(g, v, t);
}


/* args->f: tracepoint context fields are loads from the context */
/*
 * A `__data_loc char[]` tracepoint field: its u32 holds the string's
 * offset from the start of the record in the low 16 bits (its length in
 * the high 16).  The string is read through bpf_probe_read_kernel_str,
 * not loaded from the context: the kernel refuses to attach a program
 * whose context reads go past the record's fixed part.
 */
static struct gv data_loc_string(struct gen *g, const struct val *e,
				 int64_t off)
{
	struct type *t = gen_type_of(g, e);
	int64_t size = type_size(t);
	struct gv v = { NULL, t, 8 };
	LLVMValueRef loc, addr, args[3];

	if (t->kind != TY_STRING || size <= 0)
		return expr_unsupported(g, e, "this __data_loc field");
	loc = LLVMBuildZExt(g->b, ctx_load(g, off, 4),
			    LLVMInt64TypeInContext(g->ctx), "");
	addr = LLVMBuildAdd(g->b, LLVMBuildPtrToInt(g->b, g->ctxarg,
			    LLVMInt64TypeInContext(g->ctx), ""),
			    LLVMBuildAnd(g->b, loc, gen_i64(g, 0xffff), ""), "");
	v.v = gen_tmp(g, size);
	gen_memzero(g, g->b, v.v, size, 8);
	args[0] = v.v;
	args[1] = gen_const(g, 4, (uint64_t)size);
	args[2] = addr;
	gen_helper(g, BPF_FUNC_probe_read_kernel_str,
		   LLVMInt64TypeInContext(g->ctx), args, 3);
	return v;
}

/*
 * uprobe `args` (bt-probes/uprobe.c): a DWARF parameter at byte offset
 * off of the args struct arrived in SysV argument register off / 8, a
 * 16-byte one in that register and the next
 */
static struct gv uprobe_arg(struct gen *g, const struct val *e, int64_t off,
			    struct type *t)
{
	int64_t size = type_size(t), k, n = (size + 7) / 8;
	LLVMValueRef p, st;
	struct gv v;

	if (gen_is_scalar(t)) {
		v = arg_n(g, e, (int)(off / 8));
		if (t->kind == TY_PTR)
			return (struct gv){ v.v, t, 0 };
		return expr_convert(g, v, t);
	}
	if (size <= 0 || n > 2)
		return expr_unsupported(g, e, arena_printf(g->a, "a %lld-byte "
				   "parameter (not passed in registers)",
				   (long long)size));
	p = gen_tmp(g, n * 8);
	for (k = 0; k < n; k++) {
		st = LLVMBuildStore(g->b, arg_n(g, e, (int)(off / 8 + k)).v,
				    gen_ptr_add(g, p, k * 8));
		LLVMSetAlignment(st, 8);
	}
	return (struct gv){ p, t, 8 };
}

/* uprobe `args` whole: each parameter stored at its offset, the rest 0 */
static struct gv uprobe_args_value(struct gen *g, const struct val *e,
				   struct type *t)
{
	int64_t size = type_size(t), fs;
	LLVMValueRef p = gen_tmp(g, size), x, st;
	int i;

	gen_memzero(g, g->b, p, size, 8);
	for (i = 0; i < t->nfields; i++) {
		struct type *ft = t->fields[i].type;
		int64_t off = t->fields[i].offset;

		fs = type_size(ft);
		if (!gen_is_scalar(ft)) {
			struct gv v = uprobe_arg(g, e, off, ft);

			if (v.v)
				gen_memcpy(g, gen_ptr_add(g, p, off), v.v, fs, 8);
			continue;
		}
		x = arg_n(g, e, (int)(off / 8)).v;
		if (fs < 8)
			x = LLVMBuildTrunc(g->b, x, gen_int_type(g, fs), "");
		st = LLVMBuildStore(g->b, x, gen_ptr_add(g, p, off));
		LLVMSetAlignment(st, (unsigned)(fs < 8 ? fs : 8));
	}
	return (struct gv){ p, t, 8 };
}

struct gv builtin_field_args(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	int64_t off = val_get_int(e, "offset", -1), size = type_size(t);
	struct gv v = { NULL, t, 8 };
	LLVMValueRef st;

	if (off < 0)
		return expr_unsupported(g, e, "'args' field without an offset");
	if (ctx_is_u64_array(g) && gen_is_scalar(t) && off % 8 == 0)
		/* the context is an array of u64, one per argument */
		return expr_convert(g, u64v(g, ctx_load(g, off, 8)), t);
	if (provider_is(g, "uprobe"))
		return uprobe_arg(g, e, off, t);
	if (!provider_is(g, "tracepoint"))
		return expr_unsupported(g, e, arena_printf(g->a, "'args' in a %s "
				   "probe", g->provider ? g->provider : "?"));
	if (val_get(e, "data_loc"))
		return data_loc_string(g, e, off);
	if (gen_is_scalar(t)) {
		v.v = ctx_load(g, off, size);
		if (t->kind == TY_BOOL)
			v.v = LLVMBuildICmp(g->b, LLVMIntNE, v.v,
					    gen_const(g, 1, 0), "");
		v.align = 0;
		return val_get(e, "bits") ?
			expr_convert(g, v, t) : v;
	}
	v.v = ctx_copy(g, off, size);
	if (t->kind == TY_STRING && size > 0) {
		st = LLVMBuildStore(g->b, gen_const(g, 1, 0),
				    gen_ptr_add(g, v.v, size - 1));
		LLVMSetAlignment(st, 1);
	}
	return v;
}

/*
 * size bytes of the context from off, copied out in aligned pieces (the
 * context cannot be passed to helpers)
 */
static LLVMValueRef ctx_copy(struct gen *g, int64_t off, int64_t size)
{
	LLVMValueRef p = gen_tmp(g, size), st;
	int64_t i, c;

	for (i = 0; i < size; i += c) {
		c = 8;
		while (c > 1 && ((off + i) % c || i % c || c > size - i))
			c /= 2;
		st = LLVMBuildStore(g->b, ctx_load(g, off + i, c),
				    gen_ptr_add(g, p, i));
		LLVMSetAlignment(st, (unsigned)c);
	}
	return p;
}

/* `args` as a whole: the tracepoint record, or the raw tracepoint's
 * u64 arguments */
static struct gv args_value(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	int64_t size = type_size(t);
	LLVMValueRef p;

	if (size > 0 && provider_is(g, "uprobe") && t->kind == TY_STRUCT)
		return uprobe_args_value(g, e, t);
	if (size <= 0 || (!provider_is(g, "tracepoint") &&
			  !ctx_is_u64_array(g)))
		return expr_unsupported(g, e, arena_printf(g->a, "'args' in a %s "
				   "probe", g->provider ? g->provider : "?"));
	if (ctx_is_u64_array(g))
		return (struct gv){ ctx_copy(g, 0, (size + 7) / 8 * 8), t, 8 };
	/* a tracepoint's first 8 bytes (common fields) cannot be read */
	p = gen_tmp(g, size);
	gen_memzero(g, g->b, p, size < 8 ? size : 8, 8);
	if (size > 8)
		gen_memcpy(g, gen_ptr_add(g, p, 8), ctx_copy(g, 8, size - 8),
			   size - 8, 8);
	return (struct gv){ p, t, 8 };
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


/*
 * A formatted-output record (printf, errorf, warnf, cat, system): the
 * arguments are evaluated first, then sent as a tuple in a record of the
 * given action; the format and argument types become a row of tab (its
 * index is the record's id), with severity for errorf/warnf.
 */
struct gv builtin_fmt_record(struct gen *g, const struct val *e, int action,
			     struct val *tab, const char *severity)
{
	const struct val *fmt = call_arg(e, 0);
	size_t n = call_nargs(e), i;
	struct type **types;
	struct gv *vals;
	struct type *tup;
	struct val *row, *targs;
	LLVMValueRef rec;
	int64_t id = (int64_t)tab->n;

	if (ast_kind(fmt) != AST_STR || !val_get_str(fmt, "v"))
		return expr_unsupported(g, e, arena_printf(g->a, "%s() without a "
				   "literal format", val_get_str(e, "name")));
	types = arena_alloc(g->a, sizeof(*types) * (n + 1));
	vals = arena_alloc(g->a, sizeof(*vals) * (n + 1));
	/* evaluate every argument before reserving the record */
	for (i = 1; i < n; i++) {
		vals[i - 1] = expr_gen(g, call_arg(e, i));
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
	if (severity && val_get(e, "expanded_from"))
		val_set(g->a, row, "expanded_from", val_copy(g->a,
			val_get(e, "expanded_from")));
	if (severity)
		val_set_str(g->a, row, "severity", severity);
	val_push(g->a, tab, row);

	rec = builtin_record_begin(g, action, id, type_size(tup));
	if (type_size(tup))
		gen_memzero(g, g->b, gen_ptr_add(g, rec, 8), type_size(tup), 8);
	for (i = 0; i + 1 < n; i++) {
		int64_t off = 8 + tup->fields[i].offset;

		gen_store_aligned(g, gen_ptr_add(g, rec, off),
				  gen_align_at(8, off), vals[i], types[i]);
	}
	builtin_record_end(g, rec);
	return expr_void(g);
}

static struct gv call_printf(struct gen *g, const struct val *e)
{
	const char *fn = val_get_str(e, "name");

	/* in an iter probe: into the seq_file (seqprintf.c) */
	if (val_get(e, "seq"))
		return seqprintf_call(g, e);

	return builtin_fmt_record(g, e, REC_PRINTF, g->printfs,
				  !strcmp(fn, "errorf") ? "error" :
				  !strcmp(fn, "warnf") ? "warning" : NULL);
}

static struct gmap *map_arg(struct gen *g, const struct val *e, size_t i)
{
	const struct val *m = call_arg(e, i);
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
	const struct val *a0 = call_arg(e, 0);
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
			return expr_void(g);
		for (i = 1; i < 3 && i < call_nargs(e); i++)
			x[i - 1] = expr_convert(g, expr_gen(g, call_arg(e, i)),
						type_int(g->a, 8, false)).v;
		rec = builtin_record_begin(g, REC_PRINT_MAP,
					   maps_index(g, m), 16);
		for (i = 0; i < 2; i++) {
			st = LLVMBuildStore(g->b, x[i],
					    gen_ptr_add(g, rec, 8 + 8 * i));
			LLVMSetAlignment(st, 8);
		}
		builtin_record_end(g, rec);
		return expr_void(g);
	}
	if (!a0)
		return expr_unsupported(g, e, "print() without an argument");
	v = expr_gen(g, a0);
	row = val_map(g->a);
	val_set(g->a, row, "type", type_to_val(g->a, v.t));
	val_push(g->a, g->prints, row);
	rec = builtin_record_begin(g, REC_PRINT_VALUE,
				   (int64_t)g->prints->n - 1, type_size(v.t));
	gen_store_aligned(g, gen_ptr_add(g, rec, 8), 8, v, v.t);
	builtin_record_end(g, rec);
	return expr_void(g);
}

static struct gv call_clear_zero(struct gen *g, const struct val *e,
				 int action)
{
	struct gmap *m = map_arg(g, e, 0);
	LLVMValueRef rec;

	if (!m)
		return expr_void(g);
	rec = builtin_record_begin(g, action, maps_index(g, m), 0);
	builtin_record_end(g, rec);
	return expr_void(g);
}

static struct gv call_exit(struct gen *g, const struct val *e)
{
	LLVMValueRef code = gen_i64(g, 0), rec, st;

	if (call_nargs(e) > 0)
		code = expr_convert(g, expr_gen(g, call_arg(e, 0)),
				    type_int(g->a, 8, true)).v;
	async_exit_flag(g, code);
	/* an iterator runs to its end, as upstream's: the flag alone ends
	 * the run after it, and no output of a later object is cut off */
	if (provider_is(g, "iter")) {
		gen_return_zero(g);
		return expr_void(g);
	}
	rec = builtin_record_begin(g, REC_EXIT, 0, 8);
	st = LLVMBuildStore(g->b, code, gen_ptr_add(g, rec, 8));
	LLVMSetAlignment(st, 8);
	builtin_record_end(g, rec);
	gen_return_zero(g);
	return expr_void(g);
}

static struct gv call_time(struct gen *g, const struct val *e)
{
	const struct val *fmt = call_arg(e, 0);
	const char *f = "%H:%M:%S\n";
	LLVMValueRef rec;

	if (fmt) {
		if (ast_kind(fmt) != AST_STR || !val_get_str(fmt, "v"))
			return expr_unsupported(g, e, "time() without a literal "
					   "format");
		f = val_get_str(fmt, "v");
	}
	val_push(g->a, g->times, val_str(g->a, f));
	rec = builtin_record_begin(g, REC_TIME, (int64_t)g->times->n - 1,
				   0);
	builtin_record_end(g, rec);
	return expr_void(g);
}

static struct gv call_delete(struct gen *g, const struct val *e)
{
	const struct val *m = call_arg(e, 0);
	struct val *copy, *keys;

	if (ast_kind(m) != AST_MAP)
		return expr_unsupported(g, e, "delete() of a non-map");
	if (call_nargs(e) > 1) {
		/* delete(@m, key) */
		copy = val_copy(g->a, m);
		keys = val_arr(g->a);
		val_push(g->a, keys, val_copy(g->a, call_arg(e, 1)));
		val_set(g->a, copy, "keys", keys);
		m = copy;
	}
	return expr_convert(g, (struct gv){ maps_delete(g, m),
			    type_new(g->a, TY_BOOL), 0 }, gen_type_of(g, e));
}

static struct gv call_str(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	int64_t cap = type_size(t);
	struct gv p = expr_gen(g, call_arg(e, 0));
	struct gv out = { NULL, t, 8 };
	LLVMValueRef args[3], size = gen_const(g, 4, (uint64_t)cap), n, ok;
	int id = BPF_FUNC_probe_read_str;

	if (t->kind == TY_STRING && p.t->kind == TY_STRING)
		return expr_convert(g, p, t);      /* str("literal") */
	if (t->kind != TY_STRING || cap <= 0 || !gen_is_scalar(p.t))
		return expr_unsupported(g, e, "str() of this type");
	if (p.t->kind == TY_PTR)
		id = p.t->user ? BPF_FUNC_probe_read_user_str :
				 BPF_FUNC_probe_read_kernel_str;
	else if (ctx_is_pt_regs(g) && (provider_is(g, "uprobe") ||
				       provider_is(g, "uretprobe") ||
				       provider_is(g, "usdt")))
		id = BPF_FUNC_probe_read_user_str;
	p = expr_convert(g, p, type_int(g->a, 8, false));
	if (call_nargs(e) > 1) {
		/* n bytes counting the NUL, within the capacity: str(p, 5)
		 * is at most 4 characters, as upstream */
		n = expr_convert(g, expr_gen(g, call_arg(e, 1)),
				 type_int(g->a, 8, false)).v;
		ok = LLVMBuildICmp(g->b, LLVMIntULE, n, gen_i64(g,
				   (uint64_t)cap), "");
		size = LLVMBuildTrunc(g->b, LLVMBuildSelect(g->b, ok, n,
				      gen_i64(g, (uint64_t)cap), ""),
				      gen_int_type(g, 4), "");
	}
	/*
	 * Without a length, read one byte more than the capacity, as
	 * upstream: a string that does not end within the capacity is then
	 * known to be truncated, and bt-fmt prints the trailer ("..").
	 */
	if (call_nargs(e) == 1)
		size = gen_const(g, 4, (uint64_t)cap + 1);
	out.v = gen_tmp(g, cap + 1);
	gen_memzero(g, g->b, out.v, cap + 1, 8);
	args[0] = out.v;
	args[1] = size;
	args[2] = LLVMBuildIntToPtr(g->b, p.v,
				    LLVMPointerTypeInContext(g->ctx, 0), "");
	gen_helper(g, id, LLVMInt64TypeInContext(g->ctx), args, 3);
	return out;
}

static struct gv call_has_key(struct gen *g, const struct val *e)
{
	struct gmap *m = map_arg(g, e, 0);
	struct val *copy, *keys;
	LLVMValueRef p;
	struct type *bt = type_new(g->a, TY_BOOL);

	if (!m)
		return expr_dummy(g, bt);
	copy = val_copy(g->a, call_arg(e, 0));
	keys = val_arr(g->a);
	if (call_nargs(e) > 1)
		val_push(g->a, keys, val_copy(g->a, call_arg(e, 1)));
	val_set(g->a, copy, "keys", keys);
	p = maps_lookup(g, m, maps_key(g, m, copy));
	return expr_convert(g, (struct gv){ LLVMBuildIsNotNull(g->b, p, ""),
			    bt, 0 }, gen_type_of(g, e));
}

/*
 * find(@m, key, $v): one look-up; on a hit $v gets the value (every
 * CPU's, combined, for an aggregation) and the result is true, on a miss
 * $v keeps what it had
 */
static struct gv call_find(struct gen *g, const struct val *e)
{
	struct gmap *m = map_arg(g, e, 0);
	const struct val *var = call_arg(e, 2);
	struct type *bt = type_new(g->a, TY_BOOL);
	LLVMBasicBlockRef hit, done;
	LLVMValueRef key, p, slot;
	struct val *copy, *keys;
	struct gslot *s;
	struct gv v;

	if (!m)
		return expr_dummy(g, bt);
	copy = val_copy(g->a, call_arg(e, 0));
	keys = val_arr(g->a);
	val_push(g->a, keys, val_copy(g->a, call_arg(e, 1)));
	val_set(g->a, copy, "keys", keys);
	key = maps_key(g, m, copy);
	p = maps_lookup(g, m, key);
	slot = stmt_slot(g, var, gen_type_of(g, var));
	s = stmt_slot_info(g, var);
	hit = gen_block(g, "find_hit");
	done = gen_block(g, "find_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNotNull(g->b, p, ""), hit, done);
	LLVMPositionBuilderAtEnd(g->b, hit);
	if (type_is_aggregation(m->val)) {
		v = maps_percpu_value(g, m, key);
		gen_store(g, slot, expr_convert(g, v, s->t), s->t);
	} else if (gen_is_scalar(m->kval)) {
		v = gen_load(g, p, m->kval);
		gen_store(g, slot, expr_convert(g, v, s->t), s->t);
	} else {
		/* map values are 8-aligned */
		gen_store_aligned(g, slot, 8, expr_convert(g, (struct gv){ p,
				  m->kval, 8 }, s->t), s->t);
	}
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return expr_convert(g, (struct gv){ LLVMBuildIsNotNull(g->b, p, ""),
			    bt, 0 }, gen_type_of(g, e));
}

/* the number of elements: bpf_for_each_map_elem returns how many it saw */
static struct gv call_len(struct gen *g, const struct val *e)
{
	struct gmap *m = map_arg(g, e, 0);
	LLVMValueRef args[4], n;

	if (!m)
		return expr_dummy(g, gen_type_of(g, e));
	if (!g->count_cb) {
		LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
		LLVMTypeRef params[4] = { ptr, ptr, ptr, ptr };
		LLVMBuilderRef b = LLVMCreateBuilderInContext(g->ctx);
		LLVMMetadataRef sp = g->di_sp;

		g->count_cb = LLVMAddFunction(g->mod, "count_cb",
			LLVMFunctionType(LLVMInt64TypeInContext(g->ctx), params,
					 4, 0));
		LLVMSetLinkage(g->count_cb, LLVMInternalLinkage);
		gen_fn_attributes(g, g->count_cb);
		btf_debug_func(g, g->count_cb, "count_cb", false, 4);
		g->di_sp = sp;
		LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(
			g->ctx, g->count_cb, "entry"));
		LLVMBuildRet(b, gen_i64(g, 0));
		LLVMDisposeBuilder(b);
	}
	args[0] = m->global;
	args[1] = g->count_cb;
	args[2] = LLVMConstNull(LLVMPointerTypeInContext(g->ctx, 0));
	args[3] = gen_i64(g, 0);
	n = gen_helper(g, BPF_FUNC_for_each_map_elem,
		       LLVMInt64TypeInContext(g->ctx), args, 4);
	return expr_convert(g, (struct gv){ n, type_int(g->a, 8, true), 0 },
			    gen_type_of(g, e));
}

/* strncmp(a, b, n): 0 when the first n bytes (up to a NUL) are equal */
static struct gv call_strncmp(struct gen *g, const struct val *e)
{
	struct gv a = expr_gen(g, call_arg(e, 0)), b = expr_gen(g, call_arg(e, 1));
	const struct val *nv = call_arg(e, 2);
	LLVMValueRef eq;

	if (a.t->kind != TY_STRING || b.t->kind != TY_STRING ||
	    ast_kind(nv) != AST_INT)
		return expr_unsupported(g, e, "strncmp() of these arguments");
	eq = expr_str_equal(g, a, b, val_get_int(nv, "v", 0));
	return expr_convert(g, (struct gv){ LLVMBuildNot(g->b, eq, ""),
			    type_new(g->a, TY_BOOL), 0 }, gen_type_of(g, e));
}

struct gv builtin_arg_as_u64(struct gen *g, const struct val *e, size_t i)
{
	struct gv v = expr_gen(g, call_arg(e, i));

	if (!gen_is_scalar(v.t))
		return expr_unsupported(g, e, "this argument");
	v = expr_convert(g, v, type_int(g->a, 8, false));
	return (struct gv){ v.v, gen_type_of(g, e), 0 };
}

/* usym(addr): {u64 addr; u32 pid; u32 0} */
/* a usym value: addr, the pid, then the "funcs" row or 0 (func_row()) */
static struct gv usym_of(struct gen *g, const struct val *e, LLVMValueRef addr,
			 LLVMValueRef row)
{
	struct type *t = gen_type_of(g, e);
	struct gv out = { gen_tmp(g, 16), t, 8 };
	LLVMValueRef pid, st;

	if (t->kind != TY_USYM)
		return expr_unsupported(g, e, "this symbol type");
	pid = pid_tid(g, true, true);   /* as bt-load's /proc names it */
	st = LLVMBuildStore(g->b, addr, out.v);
	LLVMSetAlignment(st, 8);
	st = LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, pid, gen_int_type(g, 4),
			    ""), gen_ptr_add(g, out.v, 8));
	LLVMSetAlignment(st, 4);
	st = LLVMBuildStore(g->b, row ? row : gen_const(g, 4, 0),
			    gen_ptr_add(g, out.v, 12));
	LLVMSetAlignment(st, 4);
	return out;
}

static struct gv call_usym(struct gen *g, const struct val *e)
{
	struct gv v = expr_gen(g, call_arg(e, 0));

	if (!gen_is_scalar(v.t))
		return expr_unsupported(g, e, "usym() of this argument");
	return usym_of(g, e, expr_convert(g, v, type_int(g->a, 8, false)).v,
		       NULL);
}

static const struct {
	const char *name;
	int64_t off;
} regs[] = {
	{ "r15", 0 }, { "r14", 8 }, { "r13", 16 }, { "r12", 24 },
	{ "bp", 32 }, { "bx", 40 }, { "r11", 48 }, { "r10", 56 },
	{ "r9", 64 }, { "r8", 72 }, { "ax", 80 }, { "cx", 88 },
	{ "dx", 96 }, { "si", 104 }, { "di", 112 }, { "orig_ax", 120 },
	{ "ip", 128 }, { "cs", 136 }, { "flags", 144 }, { "sp", 152 },
	{ "ss", 160 },
	{ "pc", 128 },   /* upstream's arch-neutral name for ip */
};

static struct gv call_reg(struct gen *g, const struct val *e)
{
	const char *r = val_get_str(call_arg(e, 0), "v");
	size_t i;

	if (!ctx_is_pt_regs(g) && !provider_is(g, "profile") &&
	    !provider_is(g, "interval") && !provider_is(g, "software") &&
	    !provider_is(g, "hardware"))
		return expr_unsupported(g, e, arena_printf(g->a, "reg() in a %s "
				   "probe", g->provider));
	for (i = 0; r && i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(regs[i].name, r))
			return expr_convert(g, u64v(g, ctx_load(g, regs[i].off,
					    8)), gen_type_of(g, e));
	return expr_unsupported(g, e, arena_printf(g->a, "register '%s'",
					      r ? r : "?"));
}

static struct gv call_nsecs(struct gen *g, const struct val *e)
{
	const char *mode = val_get_str(e, "mode");
	int id = BPF_FUNC_ktime_get_ns;

	if (mode && !strcmp(mode, "boot"))
		id = BPF_FUNC_ktime_get_boot_ns;
	else if (mode && !strcmp(mode, "tai"))
		id = BPF_FUNC_ktime_get_tai_ns;
	else if (mode && !strcmp(mode, "sw_tai"))
		/* for kernels without the TAI helper: boot time plus the
		 * offset bt-load measured when it started */
		return expr_convert(g, u64v(g, LLVMBuildAdd(g->b,
			helper0(g, BPF_FUNC_ktime_get_boot_ns),
			async_global(g, GLOBALS_TAI_OFF), "")),
			gen_type_of(g, e));
	else if (mode && strcmp(mode, "monotonic"))
		return expr_unsupported(g, e, arena_printf(g->a, "nsecs(%s)", mode));
	return expr_convert(g, u64v(g, helper0(g, id)), gen_type_of(g, e));
}

static struct gv call_bswap(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	struct gv v = expr_gen(g, call_arg(e, 0));
	LLVMTypeRef lt;
	LLVMValueRef fn;
	char name[32];

	if (!gen_is_scalar(t) || t->kind == TY_BOOL || !gen_is_scalar(v.t))
		return expr_unsupported(g, e, "bswap() of this type");
	v = expr_convert(g, v, t);
	if (type_size(t) == 1)
		return v;
	lt = gen_int_type(g, type_size(t));
	snprintf(name, sizeof(name), "llvm.bswap.i%d", (int)type_size(t) * 8);
	fn = LLVMGetNamedFunction(g->mod, name);
	if (!fn)
		fn = LLVMAddFunction(g->mod, name, LLVMFunctionType(lt, &lt, 1,
				     0));
	return (struct gv){ LLVMBuildCall2(g->b, LLVMFunctionType(lt, &lt, 1,
			    0), fn, &v.v, 1, ""), t, 0 };
}

/* buf(p, n): {u32 len; u8 data[size]} */
static struct gv call_buf(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	int64_t cap = t->size;
	struct gv p = expr_gen(g, call_arg(e, 0)), out = { NULL, t, 8 };
	LLVMValueRef n = gen_i64(g, (uint64_t)cap), st, args[3];

	if (t->kind != TY_BUFFER || cap <= 0)
		return expr_unsupported(g, e, "buf() of this type");
	if (call_nargs(e) > 1) {
		LLVMValueRef x = expr_convert(g, expr_gen(g, call_arg(e, 1)),
					      type_int(g->a, 8, false)).v;

		n = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntULE, x, n,
				    ""), x, n, "");
	}
	out.v = gen_tmp(g, 4 + cap);
	gen_memzero(g, g->b, out.v, 4 + cap, 8);
	st = LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, n, gen_int_type(g, 4),
			    ""), out.v);
	LLVMSetAlignment(st, 4);
	if (gen_is_scalar(p.t)) {
		args[0] = gen_ptr_add(g, out.v, 4);
		args[1] = LLVMBuildTrunc(g->b, n, gen_int_type(g, 4), "");
		args[2] = LLVMBuildIntToPtr(g->b, expr_convert(g, p,
				type_int(g->a, 8, false)).v,
				LLVMPointerTypeInContext(g->ctx, 0), "");
		gen_helper(g, p.t->kind == TY_PTR && p.t->user ?
			   BPF_FUNC_probe_read_user : BPF_FUNC_probe_read_kernel,
			   LLVMInt64TypeInContext(g->ctx), args, 3);
	} else {
		/* an array or string value already in memory */
		gen_memcpy(g, gen_ptr_add(g, out.v, 4), p.v,
			   type_size(p.t) < cap ? type_size(p.t) : cap, 1);
	}
	return out;
}

/*
 * signal(sig) / signal_thread(sig): bpf_send_signal(_thread); bt-check
 * made a name its number.  A number outside 1..64 is not sent (as
 * upstream, an error at run time), and a failed send warns.
 */
static struct gv call_signal(struct gen *g, const struct val *e)
{
	bool thread = !strcmp(val_get_str(e, "name"), "signal_thread");
	struct gv v = expr_gen(g, call_arg(e, 0));
	LLVMValueRef sig, bad, r;
	LLVMBasicBlockRef send, done;
	const char *msg;

	if (!gen_is_scalar(v.t))
		return expr_unsupported(g, e, "this signal");
	sig = expr_convert(g, v, type_int(g->a, 8, false)).v;
	bad = LLVMBuildICmp(g->b, LLVMIntUGT, LLVMBuildSub(g->b, sig,
			    gen_i64(g, 1), ""), gen_i64(g, 63), "");
	msg = thread ? "signal_thread() expects an integer between 1 and 64 (inclusive)" :
		       "signal() expects an integer between 1 and 64 (inclusive)";
	async_warn_if(g, e, msg, bad);
	send = gen_block(g, "signal_send");
	done = gen_block(g, "signal_done");
	LLVMBuildCondBr(g->b, bad, done, send);
	LLVMPositionBuilderAtEnd(g->b, send);
	sig = LLVMBuildTrunc(g->b, sig, LLVMInt32TypeInContext(g->ctx), "");
	r = gen_helper(g, thread ? BPF_FUNC_send_signal_thread :
		       BPF_FUNC_send_signal, LLVMInt64TypeInContext(g->ctx),
		       &sig, 1);
	async_warn_if(g, e, "signal call failed",
		      LLVMBuildICmp(g->b, LLVMIntNE, r, gen_i64(g, 0), ""));
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return expr_void(g);
}

/* override(rc): bpf_override_return (kprobes on error-injection points) */
static struct gv call_override(struct gen *g, const struct val *e)
{
	struct gv rc = builtin_arg_as_u64(g, e, 0);
	LLVMValueRef args[2] = { g->ctxarg, rc.v };

	gen_helper(g, BPF_FUNC_override_return, LLVMInt64TypeInContext(g->ctx),
		   args, 2);
	return expr_void(g);
}

/* socket_cookie(sk): bpf_get_socket_cookie, 0 for a NULL sk */
static struct gv call_socket_cookie(struct gen *g, const struct val *e)
{
	struct gv sk = builtin_arg_as_u64(g, e, 0);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMBasicBlockRef from, get = gen_block(g, "cookie_get");
	LLVMBasicBlockRef done = gen_block(g, "cookie_done");
	LLVMValueRef p, r, phi, vals[2];
	LLVMBasicBlockRef blocks[2];

	from = LLVMGetInsertBlock(g->b);
	LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, sk.v,
			gen_i64(g, 0), ""), done, get);
	LLVMPositionBuilderAtEnd(g->b, get);
	p = LLVMBuildIntToPtr(g->b, sk.v, LLVMPointerTypeInContext(g->ctx, 0),
			      "");
	r = gen_helper(g, BPF_FUNC_get_socket_cookie, i64, &p, 1);
	blocks[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	phi = LLVMBuildPhi(g->b, i64, "cookie");
	vals[0] = gen_i64(g, 0);
	blocks[0] = from;
	vals[1] = r;
	LLVMAddIncoming(phi, vals, blocks, 2);
	return expr_convert(g, (struct gv){ phi, type_int(g->a, 8, false), 0 },
			    gen_type_of(g, e));
}

/* path(struct path * [, size]): bpf_d_path into a zeroed string */
static struct gv call_path(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	struct gv p = expr_gen(g, call_arg(e, 0));
	struct gv out = { gen_tmp(g, type_size(t)), t, 8 };
	LLVMValueRef args[3];

	if (!gen_is_scalar(p.t))
		return expr_unsupported(g, e, "path() of a struct value (pass a pointer, e.g. &x)");
	gen_memzero(g, g->b, out.v, type_size(t), 8);
	args[0] = LLVMBuildIntToPtr(g->b, expr_convert(g, p, type_int(g->a, 8,
				    false)).v, LLVMPointerTypeInContext(g->ctx, 0),
				    "");
	args[1] = out.v;
	args[2] = LLVMConstInt(LLVMInt32TypeInContext(g->ctx),
			       (uint64_t)type_size(t), 0);
	gen_helper(g, BPF_FUNC_d_path, LLVMInt64TypeInContext(g->ctx), args, 3);
	return out;
}

/*
 * write_user(dst, src, len): bpf_probe_write_user of src's bytes (a
 * value's own memory; a pointer is passed as it is).  len is clamped to
 * the size of a value, which the verifier needs to know.
 */
static struct gv call_write_user(struct gen *g, const struct val *e)
{
	struct gv dst = builtin_arg_as_u64(g, e, 0);
	struct gv src = expr_gen(g, call_arg(e, 1));
	struct gv len = builtin_arg_as_u64(g, e, 2);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMValueRef args[3], n, r;

	n = len.v;
	if (src.t->kind == TY_PTR) {
		args[1] = LLVMBuildIntToPtr(g->b, src.v, ptr, "");
	} else {
		int64_t size = type_size(src.t);

		if (gen_is_scalar(src.t)) {
			args[1] = gen_tmp(g, size);
			gen_store(g, args[1], src, src.t);
		} else {
			args[1] = src.v;
		}
		n = LLVMBuildSelect(g->b, LLVMBuildICmp(g->b, LLVMIntULT, n,
				    gen_i64(g, (uint64_t)size), ""), n,
				    gen_i64(g, (uint64_t)size), "");
	}
	args[0] = LLVMBuildIntToPtr(g->b, dst.v, ptr, "");
	args[2] = LLVMBuildTrunc(g->b, n, LLVMInt32TypeInContext(g->ctx), "");
	r = gen_helper(g, BPF_FUNC_probe_write_user,
		       LLVMInt64TypeInContext(g->ctx), args, 3);
	return expr_convert(g, (struct gv){ LLVMBuildICmp(g->b, LLVMIntEQ, r,
			    gen_i64(g, 0), ""), type_new(g->a, TY_BOOL), 0 },
			    gen_type_of(g, e));
}

/* ntop([af,] addr): {u32 af; u8 addr[16]} */
static struct gv call_ntop(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	bool two = call_nargs(e) > 1;
	struct gv a = expr_gen(g, call_arg(e, two ? 1 : 0));
	struct gv out = { gen_tmp(g, 20), t, 8 };
	LLVMValueRef af, st;

	if (t->kind != TY_INET)
		return expr_unsupported(g, e, "ntop() of this type");
	gen_memzero(g, g->b, out.v, 20, 8);
	if (gen_is_scalar(a.t)) {
		/* any integer: its low 32 bits, an IPv4 address (upstream) */
		af = two ? expr_convert(g, expr_gen(g, call_arg(e, 0)),
					type_int(g->a, 4, false)).v :
			   gen_const(g, 4, 2);
		st = LLVMBuildStore(g->b, expr_convert(g, a, type_int(g->a, 4,
				    false)).v, gen_ptr_add(g, out.v, 4));
		LLVMSetAlignment(st, 4);
	} else if (!gen_is_scalar(a.t) && (type_size(a.t) == 16 ||
					   type_size(a.t) == 4)) {
		af = two ? expr_convert(g, expr_gen(g, call_arg(e, 0)),
					type_int(g->a, 4, false)).v :
			   gen_const(g, 4, type_size(a.t) == 4 ? 2 : 10);
		gen_memcpy(g, gen_ptr_add(g, out.v, 4), a.v, type_size(a.t), 1);
	} else {
		return expr_unsupported(g, e, arena_printf(g->a, "ntop() of '%s'",
				   type_str(g->a, a.t)));
	}
	st = LLVMBuildStore(g->b, af, out.v);
	LLVMSetAlignment(st, 4);
	return out;
}

/* macaddr(p): 6 bytes */
static struct gv call_macaddr(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	struct gv a = expr_gen(g, call_arg(e, 0));
	struct gv out = { gen_tmp(g, 8), t, 8 };

	gen_memzero(g, g->b, out.v, 8, 8);
	if (gen_is_scalar(a.t))
		builtin_probe_read(g, out.v, 6, expr_convert(g, a,
				   type_int(g->a, 8, false)).v,
				   a.t->kind == TY_PTR && a.t->user);
	else if (type_size(a.t) >= 6)
		gen_memcpy(g, out.v, a.v, 6, 1);
	else
		return expr_unsupported(g, e, "macaddr() of this type");
	return out;
}

/* unwatch(addr): bt-load removes the watchpoints of addr (REC_UNWATCH) */
static struct gv call_unwatch(struct gen *g, const struct val *e)
{
	struct gv a = expr_gen(g, call_arg(e, 0));
	LLVMValueRef rec, st;

	if (!gen_is_scalar(a.t))
		return expr_unsupported(g, e, "unwatch() of this type");
	rec = builtin_record_begin(g, REC_UNWATCH, 0, 8);
	st = LLVMBuildStore(g->b, LLVMBuildZExtOrBitCast(g->b, a.v,
			    LLVMInt64TypeInContext(g->ctx), ""),
			    gen_ptr_add(g, rec, 8));
	LLVMSetAlignment(st, 8);
	builtin_record_end(g, rec);
	return expr_void(g);
}

/* is_err(p): an ERR_PTR, i.e. (int64)p in [-4095, -1] */
static struct gv call_is_err(struct gen *g, const struct val *e)
{
	struct gv p = expr_gen(g, call_arg(e, 0));
	LLVMValueRef v = LLVMBuildZExtOrBitCast(g->b, p.v,
						LLVMInt64TypeInContext(g->ctx), "");

	if (!gen_is_scalar(p.t))
		return expr_unsupported(g, e, "is_err() of this type");
	if (p.t->kind == TY_INT && p.t->is_signed && p.t->size < 8)
		v = LLVMBuildSExt(g->b, p.v, LLVMInt64TypeInContext(g->ctx), "");
	v = LLVMBuildICmp(g->b, LLVMIntULT,
			  LLVMBuildAdd(g->b, v, gen_i64(g, 4095), ""),
			  gen_i64(g, 4095), "");
	return expr_convert(g, (struct gv){ v, type_new(g->a, TY_BOOL), 0 },
			    gen_type_of(g, e));
}

/*
 * comm(pid): the task of pid (kfunc bpf_task_from_pid), its comm read
 * through bt-check's typed curtask->comm (a CO-RE offset), then the
 * reference released; "N/A" with a warning when there is no such task
 */
static struct gv call_comm_of_pid(struct gen *g, const struct val *e)
{
	static const char *const no_params[] = { NULL };
	static const char *const task_param[] = { "task_struct" };
	const struct val *f = val_get(e, "comm_field");
	const struct val *base = val_get(f, "e");
	struct type *t = gen_type_of(g, e), *pt;
	struct gv out = { gen_tmp(g, type_size(t)), t, 8 };
	int64_t off = val_get_int(f, "offset", -1);
	LLVMValueRef from_pid, release, pid, task, ti, addr;
	LLVMBasicBlockRef found, none, done;

	pt = base ? gen_type_of(g, base) : NULL;
	if (off < 0 || !pt || pt->kind != TY_PTR || !pt->elem)
		return expr_unsupported(g, e, "comm() of a pid without task_struct's BTF");
	gen_memzero(g, g->b, out.v, type_size(t), 8);
	from_pid = btf_debug_kfunc(g, "bpf_task_from_pid", "task_struct",
				   no_params, 1);
	release = btf_debug_kfunc(g, "bpf_task_release", NULL, task_param, 1);
	pid = expr_convert(g, expr_gen(g, call_arg(e, 0)),
			   type_int(g->a, 4, true)).v;
	task = LLVMBuildCall2(g->b, LLVMGlobalGetValueType(from_pid), from_pid,
			      &pid, 1, "task");
	found = gen_block(g, "comm_task");
	none = gen_block(g, "comm_no_task");
	done = gen_block(g, "comm_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, task, ""), none, found);
	LLVMPositionBuilderAtEnd(g->b, found);
	ti = LLVMBuildPtrToInt(g->b, task, LLVMInt64TypeInContext(g->ctx), "");
	if (!core_field_addr(g, ti, pt->elem, "comm", off, &addr))
		addr = LLVMBuildAdd(g->b, ti, gen_i64(g, (uint64_t)off), "");
	builtin_probe_read(g, out.v, 16, addr, false);
	LLVMBuildCall2(g->b, LLVMGlobalGetValueType(release), release, &task,
		       1, "");
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, none);
	async_warn(g, e, "No such process");
	/* "N/A\0" as one little-endian u32 */
	LLVMSetAlignment(LLVMBuildStore(g->b, gen_const(g, 4, 0x00412f4e),
					out.v), 4);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	return out;
}

/* builtins that may also be called as name() */
static bool ident_callable(const char *name)
{
	static const char *const names[] = { "comm", "cpu", "elapsed",
		"ncpus", "uid", "gid", "curtask", "rand", "cgroup", "probe",
		"probetype", "jiffies", "numaid", "username", "usermode",
		"retval", "func" };
	size_t i;

	if (!strncmp(name, "__builtin_", 10))
		name += 10;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* pton("addr"): bt-check resolved the bytes (network order) into "v" */
static struct gv call_pton(struct gen *g, const struct val *e)
{
	struct type *t = gen_type_of(g, e);
	const struct val *bytes = val_get(e, "v");
	LLVMTypeRef i8 = LLVMInt8TypeInContext(g->ctx);
	LLVMValueRef p;
	size_t i;

	if (!bytes || bytes->kind != VAL_BIN || !t ||
	    (int64_t)bytes->n != type_size(t))
		return expr_unsupported(g, e, "pton() without resolved bytes");
	p = gen_tmp(g, type_size(t));
	for (i = 0; i < bytes->n; i++)
		LLVMBuildStore(g->b, LLVMConstInt(i8, (unsigned char)bytes->s[i], 0),
			       gen_ptr_add(g, p, (int64_t)i));
	return (struct gv){ p, t, 1 };
}

struct gv builtin_call(struct gen *g, const struct val *e)
{
	const char *name = val_get_str(e, "name");

	if (!name)
		return expr_unsupported(g, e, "a call without a name");
	if (!strcmp(name, "comm") && call_nargs(e) == 1)
		return call_comm_of_pid(g, e);
	if (ident_callable(name) && call_nargs(e) == 0)
		return builtin_ident(g, e);
	if (!strncmp(name, "__builtin_", 10))
		name += 10;
	if (!strcmp(name, "kstack") || !strcmp(name, "ustack"))
		return stack_of(g, e);
	if (!strcmp(name, "dw_ustack"))
		return dwunwind_stack(g, e, pid_tid(g, true, true));
	if (!strcmp(name, "pid") || !strcmp(name, "tid"))
		return call_pid_tid(g, e);
	if (!strcmp(name, "signal") || !strcmp(name, "signal_thread"))
		return call_signal(g, e);
	if (!strcmp(name, "override"))
		return call_override(g, e);
	if (!strcmp(name, "socket_cookie"))
		return call_socket_cookie(g, e);
	if (!strcmp(name, "path"))
		return call_path(g, e);
	if (!strcmp(name, "write_user"))
		return call_write_user(g, e);
	if (!strcmp(name, "ntop"))
		return call_ntop(g, e);
	if (!strcmp(name, "pton"))
		return call_pton(g, e);
	if (!strcmp(name, "macaddr"))
		return call_macaddr(g, e);
	if (!strcmp(name, "strlen"))
		return strings_strlen(g, e);
	if (!strcmp(name, "unwatch"))
		return call_unwatch(g, e);
	if (!strcmp(name, "is_err"))
		return call_is_err(g, e);
	if (!strcmp(name, "strstr"))
		return strings_strstr(g, e);
	if (!strcmp(name, "str_concat"))
		return strings_str_concat(g, e);
	if (!strcmp(name, "memcmp"))
		return strings_memcmp(g, e);
	if (!strcmp(name, "has_key"))
		return call_has_key(g, e);
	if (!strcmp(name, "find"))
		return call_find(g, e);
	if (!strcmp(name, "len") && ast_kind(call_arg(e, 0)) == AST_MAP)
		return call_len(g, e);
	if (!strcmp(name, "len"))
		return stack_len(g, e);
	if (!strcmp(name, "uptr") || !strcmp(name, "kptr")) {
		/* the same address; only its type says which memory */
		struct gv p = expr_gen(g, call_arg(e, 0));

		return (struct gv){ p.v, gen_type_of(g, e), 0 };
	}
	if (!strcmp(name, "strncmp"))
		return call_strncmp(g, e);
	if (!strcmp(name, "strcontains"))
		return strings_strcontains(g, e);
	if (!strcmp(name, "cgroup_path") || !strcmp(name, "ksym"))
		return builtin_arg_as_u64(g, e, 0);
	if (!strcmp(name, "usym"))
		return call_usym(g, e);
	if (!strcmp(name, "reg"))
		return call_reg(g, e);
	if (!strcmp(name, "nsecs"))
		return call_nsecs(g, e);
	if (!strcmp(name, "bswap"))
		return call_bswap(g, e);
	if (!strcmp(name, "buf"))
		return call_buf(g, e);
	if (!strcmp(name, "printf") || !strcmp(name, "errorf") ||
	    !strcmp(name, "warnf"))
		return call_printf(g, e);
	if (!strcmp(name, "print"))
		return call_print(g, e);
	if (!strcmp(name, "clear"))
		return call_clear_zero(g, e, REC_CLEAR_MAP);
	if (!strcmp(name, "zero"))
		return call_clear_zero(g, e, REC_ZERO_MAP);
	if (!strcmp(name, "exit"))
		return call_exit(g, e);
	if (!strcmp(name, "time"))
		return call_time(g, e);
	if (!strcmp(name, "delete"))
		return call_delete(g, e);
	if (!strcmp(name, "str"))
		return call_str(g, e);
	if (!strcmp(name, "skboutput"))
		return skboutput_call(g, e);
	{
		struct gv v;

		if (async_call(g, e, name, &v))
			return v;
	}
	return expr_unsupported(g, e, arena_printf(g->a, "function '%s'", name));
}
