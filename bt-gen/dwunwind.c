/*
 * dwunwind.c - dw_ustack: the user stack unwound in the kernel with the
 * CFI tables bt-load builds from the target processes' .eh_frame
 * (share/dwunwind.h has their layout and WIRE.md the maps).
 *
 * The program reads the task's user registers (bpf_task_pt_regs), then
 * walks one frame per bpf_loop turn:
 *
 *   record pc; find the mapping holding it (binary search of the
 *   process's bt_dw_pids entry) and its row (binary search of the file's
 *   rows in bt_dw_rows, the pc less one for a return address, which may
 *   be just past the call's function); CFA from rsp or rbp (or the PLT
 *   rule); the caller's pc at CFA - 8, its rbp where the row says; the
 *   caller's rsp is the CFA.
 *
 * It stops at the limit, at a pc without rules, at the outermost frame,
 * on a read that fails and at a return address of 0.  The frames go into
 * bt_dw_stacks under a hash of them (the same stack, the same id, as a
 * stack map does), and the value is {i64 id; u32 pid; u32 DW_STACK_KIND},
 * which bt-load symbolizes as it does a ustack.  A process without tables
 * gets upstream's runtime warning and an empty stack.
 *
 * The walk's state lives in bt_scratch, where the verifier does not
 * follow values: each turn is verified once, the binary searches do not
 * multiply its states.
 */
#include <string.h>

#include <linux/bpf.h>

#include "async.h"
#include "dwunwind.h"
#include "gen.h"

/* the state in bt_scratch */
enum {
	ST_PC = 0, ST_SP = 8, ST_BP = 16, ST_BP_OK = 24, ST_DONE = 32,
	ST_N = 40, ST_HASH = 48, ST_TMP = 56, ST_LO = 64, ST_HI = 72,
	ST_REGS = 80, ST_SIZE = 80 + 168,
};
/* struct pt_regs (x86_64) */
enum { REGS_BP = 32, REGS_IP = 128, REGS_SP = 152, REGS_SIZE = 168 };
/* the callback's context on the probe's stack: three pointers */
enum { CTX_STATE = 0, CTX_BUF = 8, CTX_PROC = 16, CTX_SIZE = 24 };

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define NO_DWARF_MSG "No DWARF unwind data available for this process. " \
	"Use -p or --dwarf-pid to specify target PIDs."

static LLVMTypeRef i64t(struct gen *g)
{
	return LLVMInt64TypeInContext(g->ctx);
}

static LLVMValueRef ld(struct gen *g, LLVMValueRef p, int64_t off,
		       int64_t size)
{
	LLVMValueRef v = LLVMBuildLoad2(g->b, gen_int_type(g, size),
					gen_ptr_add(g, p, off), "");

	LLVMSetAlignment(v, (unsigned)size);
	/* memory the verifier does not follow: LLVM must not keep it in a
	 * register across the searches either */
	LLVMSetVolatile(v, 1);
	return size < 8 ? LLVMBuildZExt(g->b, v, i64t(g), "") : v;
}

static void st(struct gen *g, LLVMValueRef p, int64_t off, LLVMValueRef v)
{
	LLVMValueRef s = LLVMBuildStore(g->b, v, gen_ptr_add(g, p, off));

	LLVMSetAlignment(s, 8);
	LLVMSetVolatile(s, 1);
}

static LLVMValueRef ld_ptr(struct gen *g, LLVMValueRef p, int64_t off)
{
	LLVMValueRef v = LLVMBuildLoad2(g->b, LLVMPointerTypeInContext(g->ctx,
					0), gen_ptr_add(g, p, off), "");

	LLVMSetAlignment(v, 8);
	return v;
}

/* continue in a new block when cond holds, else go to other */
static void branch_if(struct gen *g, LLVMValueRef cond, LLVMBasicBlockRef other,
		      const char *name)
{
	LLVMBasicBlockRef next = gen_block(g, name);

	LLVMBuildCondBr(g->b, cond, next, other);
	LLVMPositionBuilderAtEnd(g->b, next);
}

static LLVMValueRef ult(struct gen *g, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildICmp(g->b, LLVMIntULT, a, b, "");
}

/*
 * A binary search, unrolled to `steps` steps, for the first index in
 * [lo, hi) whose key is above x (lo ends as the count of keys <= x): lo
 * and hi at ST_LO/ST_HI, key(mid) by the callback (which may branch to
 * fail).  Steps after lo == hi do nothing.
 */
typedef LLVMValueRef (*search_key_fn)(struct gen *g, LLVMValueRef mid,
				      void *arg, LLVMBasicBlockRef fail);

static void search(struct gen *g, LLVMValueRef s, int steps, LLVMValueRef x,
		   search_key_fn key, void *arg, LLVMBasicBlockRef fail)
{
	int i;

	for (i = 0; i < steps; i++) {
		LLVMBasicBlockRef step = gen_block(g, "dw_step");
		LLVMBasicBlockRef next = gen_block(g, "dw_step_done");
		LLVMBasicBlockRef right = gen_block(g, "dw_right");
		LLVMBasicBlockRef left = gen_block(g, "dw_left");
		LLVMValueRef lo = ld(g, s, ST_LO, 8), hi = ld(g, s, ST_HI, 8);
		LLVMValueRef mid, k;

		LLVMBuildCondBr(g->b, ult(g, lo, hi), step, next);
		LLVMPositionBuilderAtEnd(g->b, step);
		mid = LLVMBuildLShr(g->b, LLVMBuildAdd(g->b, lo, hi, ""),
				    gen_i64(g, 1), "");
		k = key(g, mid, arg, fail);
		LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntULE, k, x, ""),
				right, left);
		LLVMPositionBuilderAtEnd(g->b, right);
		st(g, s, ST_LO, LLVMBuildAdd(g->b, mid, gen_i64(g, 1), ""));
		LLVMBuildBr(g->b, next);
		LLVMPositionBuilderAtEnd(g->b, left);
		st(g, s, ST_HI, mid);
		LLVMBuildBr(g->b, next);
		LLVMPositionBuilderAtEnd(g->b, next);
	}
}

/* mapping i of the process entry (i masked to the array's bound) */
static LLVMValueRef mapping_at(struct gen *g, LLVMValueRef proc,
			       LLVMValueRef i)
{
	LLVMValueRef off;

	i = LLVMBuildAnd(g->b, i, gen_i64(g, DW_MAX_MAPPINGS - 1), "");
	off = LLVMBuildAdd(g->b, LLVMBuildMul(g->b, i, gen_i64(g, DW_MAP_SIZE),
			   ""), gen_i64(g, DW_PROC_MAPS), "");
	return LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx), proc, &off,
			     1, "");
}

static LLVMValueRef mapping_start(struct gen *g, LLVMValueRef mid, void *arg,
				  LLVMBasicBlockRef fail)
{
	return ld(g, mapping_at(g, arg, mid), DW_MAP_START, 8);
}

struct row_search {
	LLVMValueRef key;           /* u32 on the callback's stack */
	struct gmap *rows;
};

static LLVMValueRef row_at(struct gen *g, struct row_search *rs,
			   LLVMValueRef i, LLVMBasicBlockRef fail)
{
	LLVMValueRef s = LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, i,
					gen_int_type(g, 4), ""), rs->key), row;

	LLVMSetAlignment(s, 4);
	row = maps_lookup(g, rs->rows, rs->key);
	branch_if(g, LLVMBuildIsNotNull(g->b, row, ""), fail, "dw_row");
	return row;
}

static LLVMValueRef row_pc(struct gen *g, LLVMValueRef mid, void *arg,
			   LLVMBasicBlockRef fail)
{
	return ld(g, row_at(g, arg, mid, fail), DW_ROW_PC, 8);
}

/* one frame: bpf_loop turn i (see the top of the file) */
static void dw_turn(struct gen *g, LLVMValueRef i, LLVMValueRef ctx,
		    void *arg)
{
	LLVMBasicBlockRef stop = gen_block(g, "dw_stop");
	LLVMBasicBlockRef go = gen_block(g, "dw_go");
	LLVMBasicBlockRef by_rsp, by_rbp, by_plt, have_cfa, bp_saved, bp_lost,
			  bp_done, ra_ok;
	LLVMBasicBlockRef from[3];
	LLVMValueRef s, buf, proc, pc, key, n, m, row, kind, off, cfa, vals[3],
		     x, args[3], r, rk, ra, rkey;
	struct row_search rs;
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);

	rkey = LLVMBuildAlloca(g->b, gen_int_type(g, 4), "dw_row_key");
	LLVMSetAlignment(rkey, 4);
	s = ld_ptr(g, ctx, CTX_STATE);
	buf = ld_ptr(g, ctx, CTX_BUF);
	proc = ld_ptr(g, ctx, CTX_PROC);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, ld(g, s, ST_DONE, 8), ""),
			go, stop);
	LLVMPositionBuilderAtEnd(g->b, go);

	/* the frame */
	pc = ld(g, s, ST_PC, 8);
	x = LLVMBuildMul(g->b, LLVMBuildAnd(g->b, i, gen_i64(g, GEN_STACK_DEPTH),
			 ""), gen_i64(g, 8), "");
	x = LLVMBuildGEP2(g->b, LLVMInt8TypeInContext(g->ctx), buf, &x, 1, "");
	r = LLVMBuildStore(g->b, pc, x);
	LLVMSetAlignment(r, 8);
	st(g, s, ST_N, LLVMBuildAdd(g->b, i, gen_i64(g, 1), ""));
	x = LLVMBuildXor(g->b, ld(g, s, ST_HASH, 8), pc, "");
	st(g, s, ST_HASH, LLVMBuildMul(g->b, x, gen_i64(g, FNV_PRIME), ""));
	/* a return address (every frame but the first) is looked up one
	 * byte back, inside the call */
	key = LLVMBuildSub(g->b, pc, LLVMBuildZExt(g->b, LLVMBuildICmp(g->b,
			   LLVMIntNE, i, gen_i64(g, 0), ""), i64t(g), ""), "");

	/* its mapping: the last one starting at or below key */
	n = ld(g, proc, 0, 8);
	n = LLVMBuildSelect(g->b, ult(g, n, gen_i64(g, DW_MAX_MAPPINGS)), n,
			    gen_i64(g, DW_MAX_MAPPINGS), "");
	st(g, s, ST_LO, gen_i64(g, 0));
	st(g, s, ST_HI, n);
	search(g, s, DW_MAPPING_STEPS, key, mapping_start, proc, stop);
	x = ld(g, s, ST_LO, 8);
	branch_if(g, LLVMBuildIsNotNull(g->b, x, ""), stop, "dw_mapped");
	m = mapping_at(g, proc, LLVMBuildSub(g->b, x, gen_i64(g, 1), ""));
	branch_if(g, ult(g, key, ld(g, m, DW_MAP_END, 8)), stop, "dw_in_map");

	/* its row: the last one of the file at or below key - bias */
	x = LLVMBuildSub(g->b, key, ld(g, m, DW_MAP_BIAS, 8), "");
	st(g, s, ST_TMP, x);
	r = ld(g, m, DW_MAP_LO, 4);
	st(g, s, ST_LO, r);
	st(g, s, ST_HI, ld(g, m, DW_MAP_HI, 4));
	rs.key = rkey;
	rs.rows = arg;
	search(g, s, DW_ROW_STEPS, x, row_pc, &rs, stop);
	x = ld(g, s, ST_LO, 8);
	branch_if(g, ult(g, r, x), stop, "dw_has_row");
	row = row_at(g, &rs, LLVMBuildSub(g->b, x, gen_i64(g, 1), ""), stop);

	/* the CFA */
	kind = ld(g, row, DW_ROW_CFA_KIND, 1);
	off = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, ld(g, row, DW_ROW_CFA_OFF,
			    4), gen_int_type(g, 4), ""), i64t(g), "");
	by_rsp = gen_block(g, "dw_cfa_rsp");
	by_rbp = gen_block(g, "dw_cfa_rbp");
	by_plt = gen_block(g, "dw_cfa_plt");
	have_cfa = gen_block(g, "dw_cfa");
	x = LLVMBuildSwitch(g->b, kind, stop, 3);
	LLVMAddCase(x, gen_i64(g, DW_CFA_RSP), by_rsp);
	LLVMAddCase(x, gen_i64(g, DW_CFA_RBP), by_rbp);
	LLVMAddCase(x, gen_i64(g, DW_CFA_PLT), by_plt);
	LLVMPositionBuilderAtEnd(g->b, by_rsp);
	vals[0] = LLVMBuildAdd(g->b, ld(g, s, ST_SP, 8), off, "");
	from[0] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, have_cfa);
	LLVMPositionBuilderAtEnd(g->b, by_rbp);
	branch_if(g, LLVMBuildIsNotNull(g->b, ld(g, s, ST_BP_OK, 8), ""), stop,
		  "dw_rbp_ok");
	vals[1] = LLVMBuildAdd(g->b, ld(g, s, ST_BP, 8), off, "");
	from[1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, have_cfa);
	LLVMPositionBuilderAtEnd(g->b, by_plt);
	/* rsp + 8, and 8 more from byte plt_threshold of the 16-byte entry */
	x = LLVMBuildICmp(g->b, LLVMIntUGE, LLVMBuildAnd(g->b, pc,
			  gen_i64(g, 15), ""), ld(g, row, DW_ROW_PLT, 1), "");
	x = LLVMBuildShl(g->b, LLVMBuildZExt(g->b, x, i64t(g), ""),
			 gen_i64(g, 3), "");
	vals[2] = LLVMBuildAdd(g->b, LLVMBuildAdd(g->b, ld(g, s, ST_SP, 8),
			       gen_i64(g, 8), ""), x, "");
	from[2] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, have_cfa);
	LLVMPositionBuilderAtEnd(g->b, have_cfa);
	cfa = LLVMBuildPhi(g->b, i64t(g), "cfa");
	LLVMAddIncoming(cfa, vals, from, 3);

	/* the return address at CFA - 8 */
	args[0] = gen_ptr_add(g, s, ST_TMP);
	args[1] = gen_const(g, 4, 8);
	args[2] = LLVMBuildIntToPtr(g->b, LLVMBuildSub(g->b, cfa, gen_i64(g, 8),
				    ""), ptr, "");
	r = gen_helper(g, BPF_FUNC_probe_read_user, i64t(g), args, 3);
	branch_if(g, LLVMBuildIsNull(g->b, r, ""), stop, "dw_ra_read");
	ra = ld(g, s, ST_TMP, 8);

	/* the caller's rbp */
	rk = ld(g, row, DW_ROW_RBP_KIND, 1);
	bp_saved = gen_block(g, "dw_rbp_saved");
	bp_lost = gen_block(g, "dw_rbp_lost");
	bp_done = gen_block(g, "dw_rbp_done");
	x = LLVMBuildSwitch(g->b, rk, bp_lost, 2);
	LLVMAddCase(x, gen_i64(g, DW_RBP_SAME), bp_done);
	LLVMAddCase(x, gen_i64(g, DW_RBP_SAVED), bp_saved);
	LLVMPositionBuilderAtEnd(g->b, bp_saved);
	off = LLVMBuildSExt(g->b, LLVMBuildTrunc(g->b, ld(g, row, DW_ROW_RBP_OFF,
			    4), gen_int_type(g, 4), ""), i64t(g), "");
	args[0] = gen_ptr_add(g, s, ST_BP);
	args[2] = LLVMBuildIntToPtr(g->b, LLVMBuildAdd(g->b, cfa, off, ""), ptr,
				    "");
	r = gen_helper(g, BPF_FUNC_probe_read_user, i64t(g), args, 3);
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, r, ""), bp_done, bp_lost);
	LLVMPositionBuilderAtEnd(g->b, bp_lost);
	st(g, s, ST_BP_OK, gen_i64(g, 0));
	LLVMBuildBr(g->b, bp_done);
	LLVMPositionBuilderAtEnd(g->b, bp_done);

	/* the caller's frame is next, unless there is none */
	st(g, s, ST_SP, cfa);
	ra_ok = gen_block(g, "dw_next");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, ra, ""), stop, ra_ok);
	LLVMPositionBuilderAtEnd(g->b, ra_ok);
	st(g, s, ST_PC, ra);
	LLVMBuildRet(g->b, gen_i64(g, 0));

	LLVMPositionBuilderAtEnd(g->b, stop);
	st(g, s, ST_DONE, gen_i64(g, 1));
	LLVMBuildRet(g->b, gen_i64(g, 1));
}

struct gv dwunwind_stack(struct gen *g, const struct val *e, LLVMValueRef pid)
{
	struct type *t = gen_type_of(g, e);
	int64_t limit = t->limit > 0 && t->limit < GEN_STACK_DEPTH ? t->limit :
			GEN_STACK_DEPTH;
	LLVMBasicBlockRef none, walk, done;
	LLVMValueRef out, s, buf, key, proc, ctx, args[3], uargs[4], task, regs,
		     x, id;
	struct gv v = { NULL, t, 8 };

	if (t->kind != TY_USTACK || !g->dw_pids.global)
		return expr_unsupported(g, e, "this stack");
	out = gen_tmp(g, 16);
	st(g, out, 8, LLVMBuildOr(g->b, LLVMBuildAnd(g->b, pid,
	   gen_i64(g, 0xffffffff), ""), gen_i64(g, (uint64_t)DW_STACK_KIND << 32),
	   ""));
	st(g, out, 0, gen_i64(g, (uint64_t)-1));
	key = gen_tmp(g, 8);
	x = LLVMBuildStore(g->b, LLVMBuildTrunc(g->b, pid, gen_int_type(g, 4),
			   ""), key);
	LLVMSetAlignment(x, 4);
	proc = maps_lookup(g, &g->dw_pids, key);
	none = gen_block(g, "dw_no_tables");
	walk = gen_block(g, "dw_walk");
	done = gen_block(g, "dw_done");
	LLVMBuildCondBr(g->b, LLVMBuildIsNull(g->b, proc, ""), none, walk);
	LLVMPositionBuilderAtEnd(g->b, none);
	async_warn(g, e, NO_DWARF_MSG);
	LLVMBuildBr(g->b, done);

	LLVMPositionBuilderAtEnd(g->b, walk);
	s = gen_tmp_in_scratch(g, ST_SIZE);
	buf = gen_tmp_in_scratch(g, (GEN_STACK_DEPTH + 1) * 8);
	gen_memzero(g, g->b, buf, (GEN_STACK_DEPTH + 1) * 8, 8);
	/* the user registers, wherever the probe fired */
	task = gen_helper(g, BPF_FUNC_get_current_task_btf,
			  LLVMPointerTypeInContext(g->ctx, 0), NULL, 0);
	regs = gen_helper(g, BPF_FUNC_task_pt_regs,
			  LLVMPointerTypeInContext(g->ctx, 0), &task, 1);
	args[0] = gen_ptr_add(g, s, ST_REGS);
	args[1] = gen_const(g, 4, REGS_SIZE);
	args[2] = regs;
	gen_helper(g, BPF_FUNC_probe_read_kernel, i64t(g), args, 3);
	st(g, s, ST_PC, ld(g, s, ST_REGS + REGS_IP, 8));
	st(g, s, ST_SP, ld(g, s, ST_REGS + REGS_SP, 8));
	st(g, s, ST_BP, ld(g, s, ST_REGS + REGS_BP, 8));
	st(g, s, ST_BP_OK, gen_i64(g, 1));
	st(g, s, ST_DONE, gen_i64(g, 0));
	st(g, s, ST_N, gen_i64(g, 0));
	st(g, s, ST_HASH, gen_i64(g, FNV_OFFSET));
	ctx = LLVMBuildAlloca(g->ab, LLVMArrayType2(i64t(g), CTX_SIZE / 8),
			      "dw_ctx");
	LLVMSetAlignment(ctx, 8);
	x = LLVMBuildStore(g->b, s, gen_ptr_add(g, ctx, CTX_STATE));
	LLVMSetAlignment(x, 8);
	x = LLVMBuildStore(g->b, buf, gen_ptr_add(g, ctx, CTX_BUF));
	LLVMSetAlignment(x, 8);
	x = LLVMBuildStore(g->b, proc, gen_ptr_add(g, ctx, CTX_PROC));
	LLVMSetAlignment(x, 8);
	callbacks_loop(g, e, gen_i64(g, (uint64_t)limit), ctx, dw_turn,
		       &g->dw_rows);

	/* the frames under their hash (non-negative: an id) */
	x = LLVMBuildXor(g->b, ld(g, s, ST_HASH, 8), ld(g, s, ST_N, 8), "");
	id = LLVMBuildAnd(g->b, x, gen_i64(g, INT64_MAX), "");
	key = gen_tmp(g, 8);
	x = LLVMBuildStore(g->b, id, key);
	LLVMSetAlignment(x, 8);
	uargs[0] = g->dw_stacks.global;
	uargs[1] = key;
	uargs[2] = buf;
	uargs[3] = gen_i64(g, BPF_ANY);
	x = gen_helper(g, BPF_FUNC_map_update_elem, i64t(g), uargs, 4);
	/* not stored (the map is full): no stack */
	st(g, out, 0, LLVMBuildSelect(g->b, LLVMBuildIsNull(g->b, x, ""), id,
				      gen_i64(g, (uint64_t)-1), ""));
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	v.v = out;
	return v;
}

LLVMValueRef dwunwind_len(struct gen *g, LLVMValueRef v, int64_t limit)
{
	LLVMBasicBlockRef done = gen_block(g, "dw_len_done");
	LLVMBasicBlockRef *from = arena_alloc(g->a, sizeof(*from) *
					      (size_t)(limit + 2));
	LLVMValueRef *vals = arena_alloc(g->a, sizeof(*vals) *
					 (size_t)(limit + 2));
	LLVMValueRef key = gen_tmp(g, 8), frames, x, n;
	int64_t i;

	x = LLVMBuildLoad2(g->b, i64t(g), v, "");
	LLVMSetAlignment(x, 8);
	x = LLVMBuildStore(g->b, x, key);
	LLVMSetAlignment(x, 8);
	frames = maps_lookup(g, &g->dw_stacks, key);
	vals[0] = gen_i64(g, 0);
	from[0] = LLVMGetInsertBlock(g->b);
	branch_if(g, LLVMBuildIsNotNull(g->b, frames, ""), done, "dw_len_found");
	/* the frames are zero-padded: the count is the first zero's index */
	for (i = 0; i < limit; i++) {
		x = LLVMBuildLoad2(g->b, i64t(g), gen_ptr_add(g, frames, i * 8),
				   "");
		LLVMSetAlignment(x, 8);
		vals[i + 1] = gen_i64(g, (uint64_t)i);
		from[i + 1] = LLVMGetInsertBlock(g->b);
		branch_if(g, LLVMBuildIsNotNull(g->b, x, ""), done, "dw_len_next");
	}
	vals[limit + 1] = gen_i64(g, (uint64_t)limit);
	from[limit + 1] = LLVMGetInsertBlock(g->b);
	LLVMBuildBr(g->b, done);
	LLVMPositionBuilderAtEnd(g->b, done);
	n = LLVMBuildPhi(g->b, i64t(g), "dw_len");
	LLVMAddIncoming(n, vals, from, (unsigned)(limit + 2));
	return n;
}

static struct type *u64_array(struct gen *g, int64_t n)
{
	struct type *a = type_new(g->a, TY_ARRAY);

	a->elem = type_int(g->a, 8, false);
	a->count = n;
	return a;
}

void dwunwind_declare_maps(struct gen *g)
{
	struct type *u32 = type_int(g->a, 4, false);

	if (!maps_uses_name(val_get(g->prog, "probes"), "dw_ustack", NULL))
		return;
	/* bt-load sets the sizes of rows and pids before loading */
	maps_own(g, &g->dw_rows, "bt_dw_rows", GEN_MAP_ARRAY, 1, u32,
		 u64_array(g, DW_ROW_SIZE / 8));
	maps_own(g, &g->dw_pids, "bt_dw_pids", GEN_MAP_HASH, 1, u32,
		 u64_array(g, DW_PROC_SIZE / 8));
	maps_own(g, &g->dw_stacks, "bt_dw_stacks", GEN_MAP_HASH,
		 g->max_map_keys, type_int(g->a, 8, false),
		 u64_array(g, GEN_STACK_DEPTH));
}
