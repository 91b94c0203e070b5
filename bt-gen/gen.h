/*
 * gen.h - bt-gen's internal interface: the code generator's state and the
 * calls its files make of each other.
 *
 * The files and what they own:
 *   codegen.c   the LLVM module, target machine, one BPF program per probe,
 *               temporaries (stack or per-CPU scratch), object emission
 *   btf_debug.c debug info (DIBuilder) that LLVM's BPF backend turns into
 *               BTF for the maps in ".maps"
 *   maps.c      map table, map keys, look-up/update/delete, aggregations
 *   expr.c      expressions (integers, bools, strings, tuples, casts)
 *   stmt.c      statements and control flow, variable slots
 *   callbacks.c `for` loops, whose bodies are callback functions
 *   builtins.c  builtins (pid, comm, args...) and calls (printf, str...)
 *   core.c      CO-RE relocated member reads of kernel structs
 *   strings.c   strlen, strstr, str_concat, memcmp: byte scans
 *   seqprintf.c printf() in iter probes: bpf_seq_printf into the seq_file
 *   skboutput.c skboutput(): bpf_skb_output() into the perf buffer bt_skb
 *   dwunwind.c  dw_ustack: the DWARF (CFI) unwinder the program runs
 *   async.c     cat, system, join, strftime, strerror & co, debugf,
 *               percpu_kaddr, tseries, cpid, exit's flag, the division-by-
 *               zero warning (async.h; async_tables.c its string tables)
 *   bundle.c    the bundle stream value (tables for bt-load and bt-fmt)
 *   main.c      the command line
 *
 * Values.  An expression compiles to a struct gv: for a scalar type (int,
 * bool, pointer and the other 8-byte-or-less integer-like types) .v is an
 * LLVM integer (i1 for bool); for an aggregate (string, tuple, record,
 * buffer...) .v is a pointer to memory holding the bytes in type_layout()
 * order.
 *
 * Memory.  Temporaries up to GEN_STACK_MAX bytes come from one stack
 * "frame" of GEN_FRAME_SIZE bytes; bigger ones (and small ones once the
 * frame is full) from "bt_scratch" (an array with an entry per CPU), so large strings
 * and tuples never blow the 512-byte BPF stack.  Both are handed out like
 * a stack: a statement releases what it took when it ends (no value
 * outlives its statement; variables and maps copy), and a statement
 * nested in an expression only takes from above what the enclosing one
 * still holds, so live temporaries never alias.  Variables get their own
 * memory before any temporary (stmt.c).  See "Scratch regions" below for
 * how programs share bt_scratch.  Copies and zeroing longer than 256
 * bytes are loops, not unrolled code; LLVM is told not to turn them into
 * memcpy/memset calls (no-builtins), which BPF cannot make.
 *
 * Errors: a construct not compiled yet is reported with diag_error_at()
 * ("... is not supported yet") and the generator carries on with a dummy
 * value so that several errors can be shown; main exits 1.
 *
 * Ownership: everything is allocated in gen->a or owned by gen->ctx.
 */
#ifndef BT_GEN_H
#define BT_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/TargetMachine.h>

#include "arena.h"
#include "ast.h"
#include "type.h"
#include "val.h"

#define GEN_STACK_MAX 16          /* larger aggregates go to bt_scratch */
#define GEN_FRAME_SIZE 192        /* stack bytes for statement temporaries */
#define GEN_SCRATCH_MAX (1 << 20) /* bt_scratch's value, for each CPU */
#define GEN_RINGBUF_SIZE (4 << 20)
#define GEN_TYPE_MAX (1 << 16)    /* larger types are a broken stream */
#define GEN_STACK_DEPTH 127       /* frames kept per stack (bt_stacks) */
#define GEN_MAX_CPUS 8192         /* bound of loops over CPUs (NR_CPUS) */
#define GEN_ARRAY_CMP_MAX 4096    /* arrays compared with == (unrolled) */

/* BPF map types (linux/bpf.h numbers) */
enum {
	GEN_MAP_HASH = 1,
	GEN_MAP_ARRAY = 2,
	GEN_MAP_PERCPU_HASH = 5,
	GEN_MAP_PERCPU_ARRAY = 6,
	GEN_MAP_STACK_TRACE = 7,
	GEN_MAP_LRU_HASH = 9,
	GEN_MAP_LRU_PERCPU_HASH = 10,
	GEN_MAP_PERF_EVENT_ARRAY = 4,
	GEN_MAP_RINGBUF = 27,
};

#include "record.h"      /* ring-buffer record actions */

struct gv {
	LLVMValueRef v;
	struct type *t;
	int64_t align;   /* aggregates: known alignment of .v; 0 = the type's */
};

/* one map: a user map, or one of bt's own (ringbuf, lost, ...) */
struct gmap {
	const char *name;       /* "@x", or NULL for bt's own maps */
	const char *elf;        /* ELF symbol, e.g. "AT_x" */
	struct type *key;       /* user key type or NULL (scalar map) */
	struct type *val;       /* user value type (aggregation type) */
	struct type *kkey;      /* key as laid out in the kernel */
	struct type *kval;      /* value as laid out in the kernel */
	int bpf_type;           /* GEN_MAP_* */
	const char *bpf_name;   /* "hash", "percpu_hash", ... */
	int64_t max_entries;
	LLVMValueRef global;
};

/* a variable: on the stack (stack) or at scratch_off in bt_scratch */
struct gslot {
	LLVMValueRef stack;
	int64_t scratch_off;
	struct type *t;
};

struct gen {
	struct arena *a;
	const struct val *prog;       /* typed-ast program node */
	const struct val *config;

	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMTargetMachineRef tm;
	LLVMDIBuilderRef di;
	LLVMMetadataRef di_cu, di_file;
	const char *src_dir, *src_path;  /* temporary copy of the script */
	const struct val *hdr;

	struct gmap *maps;            /* user maps, index = map id */
	int nmaps;
	struct gmap ringbuf, lost, globals, scratch;
	struct gmap stacks;           /* declared only when stacks are used */
	struct gmap skb;              /* bt_skb, only when skboutput is used */
	/* dw_ustack's tables and stacks (share/dwunwind.h), when used */
	struct gmap dw_rows, dw_pids, dw_stacks;
	int64_t max_map_keys;

	/* bundle tables being built */
	struct val *printfs, *prints, *times, *probes;
	struct val *helper_errors;    /* [{"helper", "loc"}] (WIRE.md) */
	struct val *funcs;            /* uprobes' func names (WIRE.md) */
	struct val *skbouts;          /* skboutput calls (WIRE.md), or NULL */
	int funcs_prog;               /* nprog whose rows funcs_base starts */
	size_t funcs_base;
	/* the node whose location a failed map update reports: the
	 * assignment, the aggregation call or the ++/-- (upstream's) */
	const struct val *update_at;
	/* -k (program "helper_warnings"): a failed probe read warns, at
	 * read_at, the expression being read */
	bool helper_warnings;
	const struct val *read_at;

	/* the program being generated */
	const struct val *probe;
	const struct val *attach;     /* first expanded attach point */
	const char *provider;
	LLVMValueRef fn, ctxarg;
	LLVMBasicBlockRef entry, setup, init, body_start;
	LLVMBuilderRef ab;            /* allocas, at the end of entry */
	LLVMBuilderRef ib;            /* slot zeroing, at the end of init */
	LLVMValueRef scratch_base, scratch_call;
	bool scratch_used;
	int64_t scratch_off, scratch_need;
	/*
	 * Scratch regions: programs that the kernel never runs nested on
	 * one CPU (tracepoints, kprobes, uprobes, perf events share one
	 * recursion guard) share region 0; every other program (raw
	 * tracepoints, begin/end, fentry) gets a region of its own.  Each
	 * function's base is a GEP whose offset is set at the end.
	 */
	int region;                   /* of the program being generated */
	int64_t *region_need;         /* by region; [0] is the shared one */
	LLVMValueRef *bases;          /* the base GEP of every function */
	int *base_region;
	int nbases, nregions;
	LLVMValueRef frame;           /* GEN_FRAME_SIZE bytes on the stack */
	int64_t frame_off;
	bool llvm_failed;             /* the backend reported an error */
	const char *llvm_files;    /* --llvm-files P: P.original.ll, P.optimized.ll */
	bool verify_ir;            /* --verify: LLVM's IR verifier before O2 */
	bool uses_trace_pipe;      /* debugf(): bundle "trace_pipe" */
	const char *llvm_last_error; /* printed once while LLVM repeats it */
	struct gslot *slots;          /* variables by slot */
	int nslots;
	bool slots_in_scratch;        /* the probe has callbacks (for loops) */
	LLVMValueRef cb_ctx;          /* in a callback: its context struct */
	LLVMMetadataRef di_sp;        /* debug scope of the current function */
	int ncallbacks;
	LLVMValueRef count_cb;
	struct gslot dummy_slot;
	/* the pid namespace bt-gen runs in, if not the initial one: pid and
	 * tid are reported in it, as upstream does (0 when not) */
	uint64_t pidns_dev, pidns_ino;        /* len(@m)'s do-nothing callback */
	LLVMBasicBlockRef rec_done;   /* after the record being written */
	LLVMBasicBlockRef loop_cont[16], loop_brk[16];
	int nloops;
	int nprog;
};

/* codegen.c */
int gen_program(struct gen *g);
int gen_emit_object(struct gen *g, void **obj, size_t *len);
LLVMTypeRef gen_int_type(struct gen *g, int64_t size);
void gen_fn_attributes(struct gen *g, LLVMValueRef fn);
LLVMTypeRef gen_llvm_type(struct gen *g, const struct type *t);
bool gen_is_scalar(const struct type *t);
/* memory for a value of size bytes, 8-aligned, uninitialised */
LLVMValueRef gen_tmp(struct gen *g, int64_t size);
/* statement-scoped temporaries: take a mark, release back to it */
struct gen_mark {
	int64_t frame_off, scratch_off;
};
struct gen_mark gen_mark(struct gen *g);
void gen_release(struct gen *g, struct gen_mark m);
/* memory in bt_scratch even when small: the verifier does not track
 * its contents (a value a loop callback writes there lets its states
 * converge) */
LLVMValueRef gen_tmp_in_scratch(struct gen *g, int64_t size);
/* a scratch-or-stack slot that init zeroes once at program start */
LLVMValueRef gen_tmp_zeroed_at_start(struct gen *g, int64_t size);
LLVMValueRef gen_ptr_add(struct gen *g, LLVMValueRef p, int64_t off);
/* the u64 at p + off, or 0 when p (a map look-up's result) is NULL */
LLVMValueRef gen_load_u64_or_zero(struct gen *g, LLVMValueRef p, int64_t off);
LLVMValueRef gen_const(struct gen *g, int64_t size, uint64_t v);
LLVMValueRef gen_i64(struct gen *g, uint64_t v);
/* call a BPF helper by number */
LLVMValueRef gen_helper(struct gen *g, int id, LLVMTypeRef ret,
			LLVMValueRef *args, int n);
/* copy/zero memory; align is a power of two both pointers respect */
void gen_memzero(struct gen *g, LLVMBuilderRef b, LLVMValueRef p,
		 int64_t size, int64_t align);
void gen_memcpy(struct gen *g, LLVMValueRef dst, LLVMValueRef src,
		int64_t size, int64_t align);
/* a new block in the current function */
LLVMBasicBlockRef gen_block(struct gen *g, const char *name);
/* after exit(): return 0 and continue in an unreachable block */
void gen_return_zero(struct gen *g);
/* return v (an i64, NULL for 0) from the probe, through any callbacks */
void gen_return(struct gen *g, LLVMValueRef v);
/* a fresh value of type t, all zero */
struct gv gen_zero_value(struct gen *g, struct type *t);
/* the type in node "t", or uint64 when absent or broken */
struct type *gen_type_of(struct gen *g, const struct val *node);
/* the type v describes, or NULL after an error at node */
struct type *gen_type_from(struct gen *g, const struct val *v,
			   const struct val *node);
/* a variable's slot, or a harmless dummy for a broken slot number */
struct gslot *stmt_slot_info(struct gen *g, const struct val *node);
/* store v (of type from) at p as type to, converting ints and strings */
void gen_store(struct gen *g, LLVMValueRef p, struct gv v,
	       const struct type *to);
/* the same where p is known to be aligned to dalign bytes */
void gen_store_aligned(struct gen *g, LLVMValueRef p, int64_t dalign,
		       struct gv v, const struct type *to);
/* alignment of base + off when base is aligned to base_align */
int64_t gen_align_at(int64_t base_align, int64_t off);
struct gv gen_load(struct gen *g, LLVMValueRef p, struct type *t);
int64_t gen_align_of(const struct type *t);

/* btf_debug.c */
void btf_debug_init(struct gen *g, const char *file, const char *src,
		    size_t len);
/* remove the temporary copy of the source (after emission) */
void btf_debug_cleanup(struct gen *g);
/* func info for a BPF function: nptr pointer params, after an u64 one if
 * first_u64 */
/* an extern kfunc declaration (see btf_debug.c) */
LLVMValueRef btf_debug_kfunc(struct gen *g, const char *name,
			     const char *ret_struct, const char *const *params,
			     int nparams);
void btf_debug_func(struct gen *g, LLVMValueRef fn, const char *name,
		    bool first_u64, int nptr);
/* the source location of node for the instructions that follow */
void btf_debug_loc(struct gen *g, const struct val *node);
void btf_debug_map(struct gen *g, struct gmap *m);
void btf_debug_finish(struct gen *g);

/* maps.c */
int maps_declare(struct gen *g);
/* declare one of bt's own maps (with its BTF) */
void maps_own(struct gen *g, struct gmap *m, const char *elf, int type,
	      int64_t max, struct type *key, struct type *val);
struct gmap *maps_find(struct gen *g, const char *name);
int maps_index(struct gen *g, const struct gmap *m);
struct gv maps_read(struct gen *g, const struct val *mapnode);
/* an aggregation's (count sum min max avg) element over every CPU */
struct gv maps_percpu_value(struct gen *g, struct gmap *m, LLVMValueRef key);
int maps_write(struct gen *g, const struct val *mapnode, struct gv v);
/* delete the element; an i1: true if it was there */
LLVMValueRef maps_delete(struct gen *g, const struct val *mapnode);
int maps_aggregate(struct gen *g, const struct val *mapnode,
		   const struct val *call);
/* look up key in m; returns a possibly-NULL pointer */
LLVMValueRef maps_lookup(struct gen *g, struct gmap *m, LLVMValueRef key);
/* does the tree use (as an identifier or a call) name a or name b (b may
 * be NULL)? */
bool maps_uses_name(const struct val *v, const char *a, const char *b);
/* a HELPER_ERROR record at node at when ret (helper's) is negative */
void maps_helper_error(struct gen *g, int helper, const struct val *at,
		       LLVMValueRef ret);
void maps_update(struct gen *g, struct gmap *m, LLVMValueRef key,
		 LLVMValueRef val, uint64_t flags);
/* the key of a map node, built in zeroed memory */
LLVMValueRef maps_key(struct gen *g, struct gmap *m,
		      const struct val *mapnode);
void maps_count_lost(struct gen *g);

/* expr.c */
struct gv expr_gen(struct gen *g, const struct val *e);
/* an expression as an i1 condition */
LLVMValueRef expr_cond(struct gen *g, const struct val *e);
/* convert value v to type to (ints, bools, strings, tuples) */
struct gv expr_convert(struct gen *g, struct gv v, struct type *to);
/* +,-,... on two scalars of type t (the result type) */
LLVMValueRef expr_arith(struct gen *g, const char *op, LLVMValueRef l,
			LLVMValueRef r, const struct type *t);
struct gv expr_dummy(struct gen *g, struct type *t);
/* a located "WHAT is not supported yet" error; a dummy value of e's type */
/* printf-like record with its bundle table row (builtins.c) */
struct gv builtin_fmt_record(struct gen *g, const struct val *e, int action,
			     struct val *tab, const char *severity);
struct gv expr_unsupported(struct gen *g, const struct val *e,
			   const char *what);
/* the value of a call that returns nothing */
struct gv expr_void(struct gen *g);
/* argument i of a call node, and how many it has */
const struct val *call_arg(const struct val *call, size_t i);
size_t call_nargs(const struct val *call);
/* pointer arithmetic: the size of what t points to (1 for void *) */
int64_t expr_ptr_step(const struct type *t);
LLVMValueRef expr_ptr_scale(struct gen *g, LLVMValueRef n,
			    const struct type *ptr);
/* strings equal up to a NUL, in the first limit bytes (0: no limit) */
LLVMValueRef expr_str_equal(struct gen *g, struct gv a, struct gv b,
			    int64_t limit);

/* stmt.c */
int stmt_block(struct gen *g, const struct val *block);
/* allocate every variable slot used in node (before any temporary) */
void stmt_alloc_slots(struct gen *g, const struct val *node);
LLVMValueRef stmt_slot(struct gen *g, const struct val *node,
		       struct type *t);

/* callbacks.c: `for` over a map (bpf_for_each_map_elem) and over a
 * range (bpf_loop), with the body in a callback function */
int callbacks_for(struct gen *g, const struct val *st);
/* `while`, its condition and body in a bpf_loop callback */
int callbacks_while(struct gen *g, const struct val *st);
/* bpf_loop(n, cb, ctx) with cb(i, ctx) written by body (see callbacks.c) */
typedef void (*callbacks_body_fn)(struct gen *g, LLVMValueRef i,
				  LLVMValueRef ctx, void *arg);
LLVMValueRef callbacks_loop(struct gen *g, const struct val *at,
			    LLVMValueRef n, LLVMValueRef ctx,
			    callbacks_body_fn body, void *arg);
/* set up blocks, frame and scratch look-up of a new function */
void gen_function_begin(struct gen *g);
void gen_function_end(struct gen *g);

/* skboutput.c: skboutput(file, skb, len, offset) and its bundle table */
struct gv skboutput_call(struct gen *g, const struct val *e);
void skboutput_bundle(struct gen *g, struct val *bundle);

/* builtins.c */
struct gv builtin_ident(struct gen *g, const struct val *e);
struct gv builtin_call(struct gen *g, const struct val *e);
struct gv builtin_field_args(struct gen *g, const struct val *e);
/* read size bytes from a kernel or user address into dst */
void builtin_probe_read(struct gen *g, LLVMValueRef dst, int64_t size,
			LLVMValueRef addr, bool user);
/* usdt_args.c: argN of a usdt probe per the note's spec, as a u64
 * (NULL after an error) */
LLVMValueRef usdt_arg(struct gen *g, const struct val *e, int n);
/* reserve a ring-buffer record of the header plus payload bytes and fill
 * the header; the builder continues where the reservation succeeded */
/* argument i of call e as a u64, typed as the call: the value of calls
 * the runtime renders (cgroup_path, ksym, strftime's ns) */
struct gv builtin_arg_as_u64(struct gen *g, const struct val *e, size_t i);
LLVMValueRef builtin_record_begin(struct gen *g, int action, int64_t id,
				  int64_t payload);
/* submit; continues in the block after the record (also reached when the
 * reservation failed and the loss was counted) */
void builtin_record_end(struct gen *g, LLVMValueRef rec);

/* core.c: base is an i64 kernel address of a struct st; false when
 * vmlinux BTF has no member of that name at off (then use off as is) */
bool core_field_addr(struct gen *g, LLVMValueRef base, const struct type *st,
		     const char *member, int64_t off, LLVMValueRef *addr);
/* a bitfield's value as an i64 (sign-extended if is_signed) */
bool core_bitfield(struct gen *g, LLVMValueRef base, const struct type *st,
		   const char *member, int64_t off, int bitoff, bool is_signed,
		   LLVMValueRef *out);

/* strings.c: the calls of that name */
struct gv strings_strlen(struct gen *g, const struct val *e);
struct gv strings_strstr(struct gen *g, const struct val *e);
struct gv strings_strcontains(struct gen *g, const struct val *e);
struct gv strings_str_concat(struct gen *g, const struct val *e);
struct gv strings_memcmp(struct gen *g, const struct val *e);

/* seqprintf.c: a printf() call with bt-check's "seq" translation */
struct gv seqprintf_call(struct gen *g, const struct val *e);
/* dwunwind.c: dw_ustack's value for the process pid (an i64, the pid
 * bt-load sees); its maps, declared when the program uses it */
struct gv dwunwind_stack(struct gen *g, const struct val *e,
			 LLVMValueRef pid);
void dwunwind_declare_maps(struct gen *g);
/* the frames (up to limit) of the dw_ustack value at v (an i64 count) */
LLVMValueRef dwunwind_len(struct gen *g, LLVMValueRef v, int64_t limit);

/* bundle.c */
struct val *bundle_make(struct gen *g, const void *obj, size_t len);

#endif
