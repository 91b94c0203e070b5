/*
 * seqprintf.c - printf() in an iter probe: bpf_seq_printf() into the
 * iterator's seq_file, so that the text is what a read of the iterator
 * (or of its pin in bpffs) returns.  bt-check translated the call for the
 * kernel (its "seq" field, bt-check/seqprintf.c and WIRE.md); this file
 * only carries the translation out:
 *
 *     seq = ((struct bpf_iter_meta *)ctx->meta)->seq     (both at offset 0)
 *     u64 data[N] = { the values "seq.args" describes };
 *     bpf_seq_printf(seq, fmt in .rodata, sizeof(fmt), data, 8 * N);
 *
 * The loads of meta and seq are plain loads from the context, which the
 * verifier types as the BTF pointers the helper wants.  A string value
 * is passed as a pointer to a NUL-terminated copy (a string that fills
 * its capacity has no NUL of its own); the kernel copies it from there.
 * The helper's result is not checked: -EOVERFLOW (the seq_file's buffer
 * is full) makes the kernel run the program again for the same object.
 */
#include <string.h>

#include <linux/bpf.h>

#include "diag.h"
#include "gen.h"

/* a NUL-terminated constant string in .rodata, one per text */
static LLVMValueRef seq_const_str(struct gen *g, const char *s)
{
	const char *name = arena_printf(g->a, "bt_seq_str_%s",
					!strcmp(s, "") ? "empty" : s);
	LLVMValueRef gl = LLVMGetNamedGlobal(g->mod, name), init;

	if (gl)
		return gl;
	init = LLVMConstStringInContext(g->ctx, s, (unsigned)strlen(s), 0);
	gl = LLVMAddGlobal(g->mod, LLVMTypeOf(init), name);
	LLVMSetInitializer(gl, init);
	LLVMSetGlobalConstant(gl, 1);
	LLVMSetLinkage(gl, LLVMInternalLinkage);
	LLVMSetSection(gl, ".rodata");
	return gl;
}

static LLVMValueRef seq_ptr_u64(struct gen *g, LLVMValueRef p)
{
	return LLVMBuildPtrToInt(g->b, p, LLVMInt64TypeInContext(g->ctx), "");
}

/* the value cast to bits (8..64) and widened again by is_signed */
static LLVMValueRef seq_int(struct gen *g, struct gv v, int64_t bits,
			    bool is_signed)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx), narrow;
	LLVMValueRef x;

	x = expr_convert(g, v, type_int(g->a, 8, v.t->kind != TY_BOOL &&
					v.t->is_signed)).v;
	if (bits >= 64 || bits <= 0)
		return x;
	narrow = LLVMIntTypeInContext(g->ctx, (unsigned)bits);
	x = LLVMBuildTrunc(g->b, x, narrow, "");
	return is_signed ? LLVMBuildSExt(g->b, x, i64, "") :
			   LLVMBuildZExt(g->b, x, i64, "");
}

/* a pointer to a NUL-terminated copy of string value v */
static LLVMValueRef seq_str(struct gen *g, struct gv v)
{
	int64_t size = type_size(v.t);
	int64_t align = v.align ? v.align : gen_align_of(v.t);
	LLVMValueRef copy = gen_tmp(g, size + 1), st;

	if (align > 8 || align <= 0)
		align = align > 8 ? 8 : 1;
	gen_memcpy(g, copy, v.v, size, align);
	st = LLVMBuildStore(g->b, gen_const(g, 1, 0), gen_ptr_add(g, copy, size));
	LLVMSetAlignment(st, 1);
	return seq_ptr_u64(g, copy);
}

/* one u64 of the data array, as bt-check's description arg says */
static LLVMValueRef seq_value(struct gen *g, const struct val *e,
			      const struct val *arg, struct gv *vals,
			      size_t nvals)
{
	const char *as = val_get_str(arg, "as");
	int64_t i = val_get_int(arg, "arg", -1);
	int64_t bits = val_get_int(arg, "bits", 64);
	struct gv v;
	LLVMValueRef x;

	if (as && !strcmp(as, "char"))
		return gen_i64(g, (uint64_t)val_get_int(arg, "v", 0) & 0xff);
	if (!as || i < 0 || (size_t)i >= nvals) {
		diag_error_at(e, "broken 'seq' description of printf() in an "
			      "iter probe (pipe through bt-check)");
		return gen_i64(g, 0);
	}
	v = vals[i];
	if (!strcmp(as, "str") && v.t->kind == TY_STRING)
		return seq_str(g, v);
	if (!gen_is_scalar(v.t)) {
		diag_error_at(e, "printf() in an iter probe: argument %lld is "
			      "not an integer", (long long)i + 1);
		return gen_i64(g, 0);
	}
	x = seq_int(g, v, bits, val_get_bool(arg, "signed", false));
	if (!strcmp(as, "bool"))
		return seq_ptr_u64(g, LLVMBuildSelect(g->b,
			LLVMBuildICmp(g->b, LLVMIntNE, x, gen_i64(g, 0), ""),
			seq_const_str(g, "true"), seq_const_str(g, "false"), ""));
	if (!strcmp(as, "prefix")) {
		const char *text = val_get_str(arg, "text");

		return seq_ptr_u64(g, LLVMBuildSelect(g->b,
			LLVMBuildICmp(g->b, LLVMIntNE, x, gen_i64(g, 0), ""),
			seq_const_str(g, text ? text : "0x"),
			seq_const_str(g, ""), ""));
	}
	return x;
}

struct gv seqprintf_call(struct gen *g, const struct val *e)
{
	const struct val *seq = val_get(e, "seq");
	const struct val *sargs = val_get(seq, "args");
	const char *fmt = val_get_str(seq, "fmt");
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	size_t n = call_nargs(e), k, i;
	LLVMValueRef data, meta, sp, args[5], init, gl, st;
	struct gv *vals;

	/* bt-check allows 12 values, the kernel's MAX_BPRINTF_VARARGS */
	if (!fmt || !sargs || sargs->kind != VAL_ARR || sargs->n > 12) {
		diag_error_at(e, "broken 'seq' description of printf() in an "
			      "iter probe (pipe through bt-check)");
		return expr_void(g);
	}
	/* every argument once, in order, before the call */
	vals = arena_alloc(g->a, sizeof(*vals) * (n ? n : 1));
	for (i = 1; i < n; i++)
		vals[i - 1] = expr_gen(g, call_arg(e, i));
	k = sargs->n;
	data = k ? gen_tmp(g, 8 * (int64_t)k) : LLVMConstNull(ptr);
	for (i = 0; i < k; i++) {
		st = LLVMBuildStore(g->b, seq_value(g, e, sargs->items[i], vals,
						    n ? n - 1 : 0),
				    gen_ptr_add(g, data, 8 * (int64_t)i));
		LLVMSetAlignment(st, 8);
	}
	init = LLVMConstStringInContext(g->ctx, fmt, (unsigned)strlen(fmt), 0);
	gl = LLVMAddGlobal(g->mod, LLVMTypeOf(init), "bt_seq_fmt");
	LLVMSetInitializer(gl, init);
	LLVMSetGlobalConstant(gl, 1);
	LLVMSetLinkage(gl, LLVMInternalLinkage);
	LLVMSetSection(gl, ".rodata");

	meta = LLVMBuildLoad2(g->b, ptr, g->ctxarg, "meta");
	LLVMSetAlignment(meta, 8);
	sp = LLVMBuildLoad2(g->b, ptr, meta, "seq");
	LLVMSetAlignment(sp, 8);
	args[0] = sp;
	args[1] = gl;
	args[2] = gen_const(g, 4, strlen(fmt) + 1);
	args[3] = data;
	args[4] = gen_const(g, 4, 8 * k);
	gen_helper(g, BPF_FUNC_seq_printf, LLVMInt64TypeInContext(g->ctx),
		   args, 5);
	return expr_void(g);
}
