/*
 * skboutput.c - skboutput(file, skb, len, offset): one bpf_skb_output()
 * call that sends a struct record_skb (share/record.h) and then the first
 * len bytes of the sk_buff's data as one sample of the perf event array
 * bt_skb (maps.c declares it when a probe calls skboutput), and the
 * bundle table "skboutput" that tells bt-load which pcap file each call
 * writes and how many leading bytes of each packet it drops (WIRE.md).
 *
 * The kernel offers bpf_skb_output() to BPF_PROG_TYPE_TRACING programs
 * only (fentry, fexit, tp_btf, iter; bt-check makes a rawtracepoint probe
 * that calls it a tp_btf one) and wants skb to be a struct sk_buff pointer
 * it knows the type of: one read from the program's context.  The length
 * travels in the upper 32 bits of the flags, next to BPF_F_CURRENT_CPU;
 * the kernel refuses a length above the skb's (-EFAULT) or above 2^20 - 1
 * (-EINVAL), and the call returns that error.
 */
#include <linux/bpf.h>

#include "diag.h"
#include "gen.h"

/* the bundle row of one call: {"file", "offset", "loc"} */
static int64_t skboutput_row(struct gen *g, const struct val *e)
{
	const struct val *file = call_arg(e, 0), *off = call_arg(e, 3);
	struct val *row = val_map(g->a);

	if (!g->skbouts)
		g->skbouts = val_arr(g->a);
	val_set_str(g->a, row, "file", val_get_str(file, "v"));
	val_set(g->a, row, "offset", val_copy(g->a, val_get(off, "v")));
	if (val_get(e, "loc"))
		val_set(g->a, row, "loc", val_copy(g->a, val_get(e, "loc")));
	val_push(g->a, g->skbouts, row);
	return (int64_t)g->skbouts->n - 1;
}

static bool skboutput_args_ok(const struct val *e)
{
	const struct val *file = call_arg(e, 0), *off = call_arg(e, 3);
	const struct val *v = val_get(off, "v");

	return call_nargs(e) == 4 && ast_kind(file) == AST_STR &&
	       val_get_str(file, "v") && ast_kind(off) == AST_INT && v &&
	       val_is_int(v) && val_as_int(v) >= 0;
}

struct gv skboutput_call(struct gen *g, const struct val *e)
{
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMValueRef rec, len, args[5], st, ret;
	struct gv skb;
	int64_t id;

	if (!skboutput_args_ok(e))
		return expr_unsupported(g, e, "skboutput() without a literal "
					"file name and offset");
	if (!g->skb.global)
		return expr_unsupported(g, e, "skboutput() without the bt_skb "
					"map");
	skb = expr_gen(g, call_arg(e, 1));
	if (!gen_is_scalar(skb.t))
		return expr_unsupported(g, e, "skboutput() of this skb");
	/* the length the kernel reads from the flags: 32 bits */
	len = LLVMBuildAnd(g->b, expr_convert(g, expr_gen(g, call_arg(e, 2)),
			   type_int(g->a, 8, false)).v,
			   gen_i64(g, 0xffffffffu), "");
	id = skboutput_row(g, e);

	rec = gen_tmp(g, sizeof(struct record_skb));
	st = LLVMBuildStore(g->b, gen_const(g, 4, REC_SKB_OUTPUT), rec);
	LLVMSetAlignment(st, 8);
	st = LLVMBuildStore(g->b, gen_const(g, 4, (uint64_t)id),
			    gen_ptr_add(g, rec, 4));
	LLVMSetAlignment(st, 4);
	st = LLVMBuildStore(g->b, gen_helper(g, BPF_FUNC_ktime_get_boot_ns,
					     i64, NULL, 0),
			    gen_ptr_add(g, rec, 8));
	LLVMSetAlignment(st, 8);
	st = LLVMBuildStore(g->b, len, gen_ptr_add(g, rec, 16));
	LLVMSetAlignment(st, 8);

	args[0] = expr_convert(g, skb, type_int(g->a, 8, false)).v;
	args[1] = g->skb.global;
	args[2] = LLVMBuildOr(g->b, LLVMBuildShl(g->b, len, gen_i64(g, 32), ""),
			      gen_i64(g, BPF_F_CURRENT_CPU), "");
	args[3] = rec;
	args[4] = gen_i64(g, sizeof(struct record_skb));
	ret = gen_helper(g, BPF_FUNC_skb_output, i64, args, 5);
	return expr_convert(g, (struct gv){ ret, type_int(g->a, 8, true), 0 },
			    gen_type_of(g, e));
}

void skboutput_bundle(struct gen *g, struct val *bundle)
{
	if (!g->skb.elf)
		return;
	val_set(g->a, bundle, "skboutput", g->skbouts ? g->skbouts :
		val_arr(g->a));
	val_set_str(g->a, bundle, "perfbuf", g->skb.elf);
}
