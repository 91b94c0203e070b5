/*
 * core.c - CO-RE ("compile once, run everywhere") member accesses: reads
 * of members of kernel structs and unions compile to LLVM's BPF
 * preserve-access-index intrinsics, which the BPF backend turns into
 * .BTF.ext field relocations; libbpf rewrites the offsets for the kernel
 * the bundle is loaded on (DESIGN.md, "Compile here, run there").
 *
 * Each access gets a local type of its own: a struct (or union) with the
 * kernel's name and size and one member, the one accessed, at the offset
 * vmlinux BTF gives it, with a type of the same BTF kind as the kernel's
 * (libbpf matches types by name and members by name, looking into
 * anonymous members, and checks only kinds).  An access is relocated only
 * when vmlinux BTF (BPFTRACE_BTF, else the running kernel's) has the
 * member at the offset bt-check computed; otherwise (the script's own C
 * definitions, no BTF) the offset is used as it is.
 *
 * Bitfields use llvm.bpf.preserve.field.info, as libbpf's
 * BPF_CORE_READ_BITFIELD_PROBED does: read BYTE_SIZE bytes at
 * BYTE_OFFSET into a zeroed u64, shift left by LSHIFT_U64 and right by
 * RSHIFT_U64.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <llvm-c/DebugInfo.h>

#include "gen.h"

enum {
	CORE_BYTE_OFFSET = 0,
	CORE_BYTE_SIZE = 1,
	CORE_LSHIFT_U64 = 4,
	CORE_RSHIFT_U64 = 5,
};

static struct btf *core_btf(void)
{
	static struct btf *btf;
	static bool tried;
	const char *path;

	if (tried)
		return btf;
	tried = true;
	path = getenv("BPFTRACE_BTF");
	btf = path && *path ? btf__parse(path, NULL) : btf__load_vmlinux_btf();
	if ((unsigned long)btf >= (unsigned long)-4095)
		btf = NULL;     /* libbpf before 1.0 returned ERR_PTR */
	return btf;
}

static const struct btf_type *core_skip(const struct btf *btf, __u32 *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t) ||
		     btf_is_decl_tag(t) || btf_is_type_tag(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* member name of composite id, looking into anonymous members; the bit
 * offset from the start of id, its type and bitfield size */
static bool core_member(const struct btf *btf, __u32 id, const char *name,
			__u32 *bitoff, __u32 *type, __u32 *bits, int depth)
{
	const struct btf_type *t = core_skip(btf, &id);
	const struct btf_member *m;
	int i, n;

	if (!t || !btf_is_composite(t) || depth > 8)
		return false;
	m = btf_members(t);
	n = btf_vlen(t);
	for (i = 0; i < n; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__u32 off = btf_member_bit_offset(t, i);

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			*bitoff = off;
			*type = m->type;
			*bits = btf_member_bitfield_size(t, i);
			return true;
		}
		if (core_member(btf, m->type, name, bitoff, type, bits,
				depth + 1)) {
			*bitoff += off;
			return true;
		}
	}
	return false;
}

/* a DI type of the same BTF kind as type id (what libbpf compares) */
static LLVMMetadataRef core_di_type(struct gen *g, const struct btf *btf,
				    __u32 id, int depth)
{
	const struct btf_type *t = core_skip(btf, &id);
	LLVMMetadataRef sub, elem;
	const char *n;

	if (!t || depth > 4)
		return LLVMDIBuilderCreateBasicType(g->di, "long", 4, 64, 5,
						    LLVMDIFlagZero);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		bool sgn = btf_int_encoding(t) & BTF_INT_SIGNED;
		const char *bn = sgn ? "int" : "unsigned int";

		return LLVMDIBuilderCreateBasicType(g->di, bn, strlen(bn),
			(uint64_t)t->size * 8, sgn ? 5 : 8, LLVMDIFlagZero);
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		n = btf__name_by_offset(btf, t->name_off);
		return LLVMDIBuilderCreateEnumerationType(g->di, g->di_cu,
			n ? n : "", n ? strlen(n) : 0, g->di_file, 0,
			(uint64_t)t->size * 8, 0, NULL, 0,
			LLVMDIBuilderCreateBasicType(g->di, "unsigned int", 12,
				(uint64_t)t->size * 8, 8, LLVMDIFlagZero));
	case BTF_KIND_PTR:
		return LLVMDIBuilderCreatePointerType(g->di, NULL, 64, 0, 0,
						      NULL, 0);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		n = btf__name_by_offset(btf, t->name_off);
		if (btf_is_union(t))
			return LLVMDIBuilderCreateUnionType(g->di, g->di_cu,
				n ? n : "", n ? strlen(n) : 0, g->di_file, 0,
				(uint64_t)t->size * 8, 0, LLVMDIFlagZero, NULL,
				0, 0, "", 0);
		return LLVMDIBuilderCreateStructType(g->di, g->di_cu, n ? n : "",
			n ? strlen(n) : 0, g->di_file, 0, (uint64_t)t->size * 8,
			0, LLVMDIFlagZero, NULL, NULL, 0, 0, NULL, "", 0);
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		__s64 esz = btf__resolve_size(btf, a->type);

		elem = core_di_type(g, btf, a->type, depth + 1);
		sub = LLVMDIBuilderGetOrCreateSubrange(g->di, 0, a->nelems);
		return LLVMDIBuilderCreateArrayType(g->di,
			(uint64_t)(esz > 0 ? esz : 0) * a->nelems * 8, 0, elem,
			&sub, 1);
	}
	default:
		return LLVMDIBuilderCreateBasicType(g->di, "long", 4, 64, 5,
						    LLVMDIFlagZero);
	}
}

struct core_access {
	__u32 root, bitoff, type, bits;
	bool is_union;
	const char *name;       /* the struct's name without "struct " */
	const char *member;
};

/* find st.name in vmlinux BTF at byte off (bit bitoff within it) */
static bool core_lookup(const struct type *st, const char *member,
			int64_t off, int bitoff, struct core_access *ca)
{
	const struct btf *btf;
	const char *n = st ? st->name : NULL;
	__s32 id;

	if (!st || st->kind != TY_STRUCT || !n || !member || !*member)
		return false;
	if (!strncmp(n, "struct ", 7)) {
		ca->is_union = false;
		n += 7;
	} else if (!strncmp(n, "union ", 6)) {
		ca->is_union = true;
		n += 6;
	} else {
		return false;
	}
	if (!*n || !strcmp(n, "args") || strchr(n, ' ') || strchr(n, '('))
		return false;
	btf = core_btf();
	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, n, ca->is_union ? BTF_KIND_UNION :
				    BTF_KIND_STRUCT);
	if (id <= 0)
		return false;
	if (!core_member(btf, (__u32)id, member, &ca->bitoff, &ca->type,
			 &ca->bits, 0))
		return false;
	if ((int64_t)ca->bitoff != off * 8 + (ca->bits ? bitoff : 0))
		return false;
	if (!ca->bits && ca->bitoff % 8)
		return false;
	/* a bitfield must sit in one aligned u64 (the backend's rule) */
	if (ca->bits && (ca->bitoff / 64 != (ca->bitoff + ca->bits - 1) / 64 ||
			 ca->bits > 64))
		return false;
	if (ca->bits && ca->is_union)
		return false;
	ca->root = (__u32)id;
	ca->name = n;
	ca->member = member;
	return true;
}

/* the access call: a pointer to the member, relocated */
static LLVMValueRef core_access_call(struct gen *g, LLVMValueRef base,
				     struct core_access *ca)
{
	const struct btf *btf = core_btf();
	const struct btf_type *rt = btf__type_by_id(btf, ca->root);
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	LLVMTypeRef elty = LLVMStructTypeInContext(g->ctx, &i64, 1, 0);
	LLVMMetadataRef mt, member, st;
	LLVMValueRef fn, call, args[3];
	LLVMTypeRef fty, over[2] = { ptr, ptr };
	const char *iname = ca->is_union ? "llvm.preserve.union.access.index"
					 : "llvm.preserve.struct.access.index";
	unsigned iid, kind;
	__s64 msz;
	int n = 0;

	mt = core_di_type(g, btf, ca->type, 0);
	msz = btf__resolve_size(btf, ca->type);
	if (ca->bits) {
		/* the storage unit: the member type's size, aligned */
		member = LLVMDIBuilderCreateBitFieldMemberType(g->di, g->di_cu,
			ca->member, strlen(ca->member),
			g->di_file, 0, ca->bits, ca->bitoff,
			ca->bitoff / (uint64_t)(msz > 0 ? msz * 8 : 8) *
				(uint64_t)(msz > 0 ? msz * 8 : 8),
			LLVMDIFlagZero, mt);
	} else {
		member = LLVMDIBuilderCreateMemberType(g->di, g->di_cu,
			ca->member, strlen(ca->member),
			g->di_file, 0, (uint64_t)(msz > 0 ? msz : 0) * 8, 0,
			ca->bitoff, LLVMDIFlagZero, mt);
	}
	if (ca->is_union)
		st = LLVMDIBuilderCreateUnionType(g->di, g->di_cu, ca->name,
			strlen(ca->name), g->di_file, 0,
			(uint64_t)rt->size * 8, 0, LLVMDIFlagZero, &member, 1, 0,
			"", 0);
	else
		st = LLVMDIBuilderCreateStructType(g->di, g->di_cu, ca->name,
			strlen(ca->name), g->di_file, 0, (uint64_t)rt->size * 8,
			0, LLVMDIFlagZero, NULL, &member, 1, 0, NULL, "", 0);

	iid = LLVMLookupIntrinsicID(iname, strlen(iname));
	fn = LLVMGetIntrinsicDeclaration(g->mod, iid, over, 2);
	fty = LLVMIntrinsicGetType(g->ctx, iid, over, 2);
	args[n++] = LLVMBuildIntToPtr(g->b, base, ptr, "");
	if (!ca->is_union)
		args[n++] = LLVMConstInt(i32, 0, 0);
	args[n++] = LLVMConstInt(i32, 0, 0);
	call = LLVMBuildCall2(g->b, fty, fn, args, (unsigned)n, "");
	kind = LLVMGetEnumAttributeKindForName("elementtype", 11);
	if (!ca->is_union)
		LLVMAddCallSiteAttribute(call, 1, LLVMCreateTypeAttribute(
						 g->ctx, kind, elty));
	LLVMSetMetadata(call, LLVMGetMDKindIDInContext(g->ctx,
			"llvm.preserve.access.index", 26),
			LLVMMetadataAsValue(g->ctx, st));
	return call;
}

static LLVMValueRef core_info(struct gen *g, LLVMValueRef access, int kind)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);
	const char *iname = "llvm.bpf.preserve.field.info";
	unsigned iid = LLVMLookupIntrinsicID(iname, strlen(iname));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, iid, &ptr, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(g->ctx, iid, &ptr, 1);
	LLVMValueRef args[2] = { access, LLVMConstInt(i64, (uint64_t)kind,
						      0) };

	return LLVMBuildZExt(g->b, LLVMBuildCall2(g->b, fty, fn, args, 2, ""),
			     i64, "");
}

bool core_field_addr(struct gen *g, LLVMValueRef base, const struct type *st,
		     const char *member, int64_t off, LLVMValueRef *addr)
{
	struct core_access ca;

	if (!core_lookup(st, member, off, 0, &ca) || ca.bits)
		return false;
	*addr = LLVMBuildPtrToInt(g->b, core_access_call(g, base, &ca),
				  LLVMInt64TypeInContext(g->ctx), "");
	return true;
}

bool core_bitfield(struct gen *g, LLVMValueRef base, const struct type *st,
		   const char *member, int64_t off, int bitoff, bool is_signed,
		   LLVMValueRef *out)
{
	struct core_access ca;
	LLVMValueRef acc, tmp, size, args[3], v;
	LLVMTypeRef i64 = LLVMInt64TypeInContext(g->ctx);

	if (!core_lookup(st, member, off, bitoff, &ca) || !ca.bits)
		return false;
	acc = core_access_call(g, base, &ca);
	tmp = gen_tmp(g, 8);
	LLVMBuildStore(g->b, LLVMConstInt(i64, 0, 0), tmp);
	size = core_info(g, acc, CORE_BYTE_SIZE);
	args[0] = tmp;
	args[1] = LLVMBuildTrunc(g->b, size, LLVMInt32TypeInContext(g->ctx),
				 "");
	args[2] = LLVMBuildIntToPtr(g->b, LLVMBuildAdd(g->b, base,
			core_info(g, acc, CORE_BYTE_OFFSET), ""),
			LLVMPointerTypeInContext(g->ctx, 0), "");
	gen_helper(g, BPF_FUNC_probe_read_kernel, i64, args, 3);
	v = LLVMBuildLoad2(g->b, i64, tmp, "");
	v = LLVMBuildShl(g->b, v, core_info(g, acc, CORE_LSHIFT_U64), "");
	v = is_signed ? LLVMBuildAShr(g->b, v, core_info(g, acc,
				      CORE_RSHIFT_U64), "")
		      : LLVMBuildLShr(g->b, v, core_info(g, acc,
				      CORE_RSHIFT_U64), "");
	*out = v;
	return true;
}
