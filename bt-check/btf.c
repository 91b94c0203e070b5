/*
 * btf.c - bt-check's use of kernel types: struct types named in a script
 * are completed from the script's own C definitions first (cdefs.c), then
 * from the DWARF of the probed binary in a uprobe (bt-probes/dwarfinfo.c),
 * then from vmlinux BTF (bt-probes/kbtf.c); enumerators of kernel enums
 * are usable as constants.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "bt-probes/dwarfinfo.h"
#include "check.h"

/* a struct/union of the binary a uprobe probes, from its DWARF */
static struct type *check_dwarf_struct(struct check *ck, struct type *st)
{
	const char *prov = ck->ap ? val_get_str(ck->ap, "provider") : NULL;
	const char *path = ck->ap ? val_get_str(ck->ap, "target") : NULL;
	struct dwarfinfo *d;
	struct type *t;

	if (!prov || !path || (strcmp(prov, "uprobe") && strcmp(prov, "uretprobe")))
		return NULL;
	if (dwarfinfo_open(path, &d))
		return NULL;
	t = dwarfinfo_named_type(ck->a, d, st->name);
	return t && t->kind == TY_STRUCT && t->nfields ? t : NULL;
}

struct type *check_struct_full(struct check *ck, struct type *st)
{
	static struct { const char *name; struct type *t; } cache[256];
	static int ncache;
	struct type *full;
	int i;

	if (!st || st->kind != TY_STRUCT)
		return NULL;
	if (st->nfields)
		return st;
	if (!st->name || !strcmp(st->name, "args"))
		return NULL;
	for (i = 0; i < ncache; i++)
		if (!strcmp(cache[i].name, st->name))
			return cache[i].t;
	full = check_cdef_struct(st->name);
	if ((!full || !full->nfields) && (full = check_dwarf_struct(ck, st)))
		return full;   /* per binary: not cached by name */
	if (!full || !full->nfields) {
		/* a copy: the shallow type may be referenced from inside */
		full = type_new(ck->a, TY_STRUCT);
		full->name = st->name;
		if (!kbtf_complete(ck->a, full))
			return NULL;
	}
	if (ncache < 256) {
		cache[ncache].name = st->name;
		cache[ncache++].t = full;
	}
	return full;
}

bool check_btf_available(void)
{
	return kbtf_load() != NULL;
}

bool check_btf_enum_const(struct check *ck, const char *name, int64_t *v,
			  struct type **t)
{
	struct btf *btf = kbtf_load();
	__u32 id, n;

	if (!btf)
		return false;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		int i, vlen;

		if (!btf_is_enum(bt) && !btf_is_enum64(bt))
			continue;
		vlen = btf_vlen(bt);
		for (i = 0; i < vlen; i++) {
			const char *en;
			int64_t val;

			if (btf_is_enum(bt)) {
				const struct btf_enum *e = btf_enum(bt) + i;

				en = btf__name_by_offset(btf, e->name_off);
				val = e->val;
			} else {
				const struct btf_enum64 *e = btf_enum64(bt) + i;

				en = btf__name_by_offset(btf, e->name_off);
				val = (int64_t)btf_enum64_value(e);
			}
			if (!en || strcmp(en, name))
				continue;
			*v = val;
			*t = kbtf_type(ck->a, btf, id, 0);
			/* enumerator values are 64-bit, as upstream's are */
			(*t)->size = 8;
			return true;
		}
	}
	return false;
}

struct type *check_btf_typedef(struct check *ck, const char *name)
{
	struct btf *btf = kbtf_load();
	__s32 id;

	if (!btf || !name)
		return NULL;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return NULL;
	return kbtf_type(ck->a, btf, (__u32)id, 1);
}

struct type *check_btf_var(struct check *ck, const char *name)
{
	struct btf *btf = kbtf_load();
	const struct btf_type *v;
	__s32 id;

	if (!btf || !name)
		return NULL;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_VAR);
	if (id < 0)
		return NULL;
	v = btf__type_by_id(btf, (__u32)id);
	return v ? kbtf_type(ck->a, btf, v->type, 1) : NULL;
}

bool check_btf_func_exists(const char *name)
{
	struct btf *btf = kbtf_load();

	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* the BPF program type bt-gen gives a provider's programs (codegen.c) */
static enum bpf_prog_type kfunc_prog_type(const char *prov,
					  enum bpf_attach_type *at)
{
	static const struct { const char *prov; enum bpf_prog_type t; } tab[] = {
		{ "begin", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "end", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "self", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "rawtracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT },
		{ "bench", BPF_PROG_TYPE_XDP }, { "test", BPF_PROG_TYPE_XDP },
		{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT },
		{ "profile", BPF_PROG_TYPE_PERF_EVENT },
		{ "interval", BPF_PROG_TYPE_PERF_EVENT },
		{ "software", BPF_PROG_TYPE_PERF_EVENT },
		{ "hardware", BPF_PROG_TYPE_PERF_EVENT },
		{ "watchpoint", BPF_PROG_TYPE_PERF_EVENT },
		{ "kprobe", BPF_PROG_TYPE_KPROBE },
		{ "kretprobe", BPF_PROG_TYPE_KPROBE },
		{ "uprobe", BPF_PROG_TYPE_KPROBE },
		{ "uretprobe", BPF_PROG_TYPE_KPROBE },
		{ "usdt", BPF_PROG_TYPE_KPROBE },
	};
	size_t i;

	*at = 0;
	if (!strcmp(prov, "fentry") || !strcmp(prov, "fexit")) {
		*at = prov[1] == 'e' ? BPF_TRACE_FENTRY : BPF_TRACE_FEXIT;
		return BPF_PROG_TYPE_TRACING;
	}
	if (!strcmp(prov, "iter")) {
		*at = BPF_TRACE_ITER;
		return BPF_PROG_TYPE_TRACING;
	}
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(tab[i].prov, prov))
			return tab[i].t;
	return BPF_PROG_TYPE_UNSPEC;
}

/*
 * Whether the kernel lets this probe's kind of program call kfunc name:
 * a program of that type calling it (arguments all 0) is loaded, and only
 * the verifier's "calling kernel function ... is not allowed" says no
 * (an argument it rejects comes after that check).  Asked once per
 * program type and name.
 */
bool check_btf_kfunc_allowed(struct check *ck, const char *name)
{
	static struct { char name[64]; int type, at; __u32 target; bool ok; } seen[32];
	static int nseen;
	struct btf *btf = kbtf_load();
	const char *prov = ck->prov ? ck->prov->name : "";
	const char *func = val_get_str(ck->ap, "func");
	enum bpf_attach_type at;
	enum bpf_prog_type type = kfunc_prog_type(prov, &at);
	struct bpf_insn insns[8] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_4 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_5 },
		{ .code = BPF_JMP | BPF_CALL,
		  .src_reg = BPF_PSEUDO_KFUNC_CALL },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	static char log[4096];
	__s32 id, target = 0;
	bool ok;
	int fd, i;

	if (!btf || !name || type == BPF_PROG_TYPE_UNSPEC)
		return false;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	if (id <= 0)
		return false;
	if (at == BPF_TRACE_ITER && func)
		target = btf__find_by_name_kind(btf, arena_printf(ck->a,
					"bpf_iter_%s", func), BTF_KIND_FUNC);
	else if (at)
		target = (__s32)val_get_int(ck->ap, "btf_id", 0);
	for (i = 0; i < nseen; i++)
		if (seen[i].type == (int)type && seen[i].at == (int)at &&
		    seen[i].target == (__u32)target && !strcmp(seen[i].name, name))
			return seen[i].ok;
	insns[5].imm = id;
	opts.expected_attach_type = at;
	opts.attach_btf_id = target > 0 ? (__u32)target : 0;
	opts.log_buf = log;
	opts.log_size = sizeof(log);
	opts.log_level = 1;
	log[0] = '\0';
	fd = bpf_prog_load(type, "bt_kfunc_probe", "GPL", insns, 8, &opts);
	ok = fd >= 0 || !strstr(log, "is not allowed");
	if (fd >= 0)
		close(fd);
	if (nseen < 32 && strlen(name) < sizeof(seen[0].name)) {
		snprintf(seen[nseen].name, sizeof(seen[0].name), "%s", name);
		seen[nseen].type = (int)type;
		seen[nseen].at = (int)at;
		seen[nseen].target = (__u32)target;
		seen[nseen++].ok = ok;
	}
	return ok;
}
