/*
 * btf_debug.c - debug info for the maps, through LLVM's C DIBuilder, so
 * that the BPF backend writes .BTF with the map definitions libbpf
 * expects in ".maps":
 *
 *     struct {
 *             int (*type)[BPF_MAP_TYPE_X];
 *             int (*max_entries)[N];
 *             KEY *key;
 *             VALUE *value;
 *     } NAME SEC(".maps");
 *
 * Keys and values are described by their size and shape: 1/2/4/8-byte
 * integers as integers, everything else as a struct of the bt type's
 * fields where it has fields (tuples, records) or an array of bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/DebugInfo.h>

#include "diag.h"
#include "gen.h"

/*
 * The BPF backend copies each source line into .BTF.ext line info (the
 * verifier prints it next to the instructions) by reading the file named
 * in the debug info.  The script may have come from stdin, so its text
 * (from the stream header) is written to a private temporary directory
 * for the time of the compilation; btf_debug_cleanup() removes it.
 */
static void source_file(struct gen *g, const char *name, const char *src,
			size_t len, const char **dir, const char **base)
{
	const char *slash = strrchr(name, '/');
	char tmpl[] = "/tmp/bt-gen.XXXXXX";
	FILE *f;

	*base = slash ? slash + 1 : name;
	*dir = ".";
	if (!**base)
		*base = "script.bt";
	if (!src || !mkdtemp(tmpl))
		return;
	g->src_dir = arena_strdup(g->a, tmpl);
	g->src_path = arena_printf(g->a, "%s/%s", tmpl, *base);
	f = fopen(g->src_path, "w");
	if (f) {
		fwrite(src, 1, len, f);
		fclose(f);
		*dir = g->src_dir;
	}
}

void btf_debug_cleanup(struct gen *g)
{
	if (g->src_path)
		unlink(g->src_path);
	if (g->src_dir)
		rmdir(g->src_dir);
	g->src_path = g->src_dir = NULL;
}

void btf_debug_init(struct gen *g, const char *file, const char *src,
		    size_t len)
{
	const char *dir, *base;

	source_file(g, file ? file : "stdin", src, len, &dir, &base);
	g->di = LLVMCreateDIBuilder(g->mod);
	g->di_file = LLVMDIBuilderCreateFile(g->di, base, strlen(base), dir,
					     strlen(dir));
	g->di_cu = LLVMDIBuilderCreateCompileUnit(g->di,
		LLVMDWARFSourceLanguageC, g->di_file, "bt-gen", 6, 1, "", 0, 0,
		"", 0, LLVMDWARFEmissionFull, 0, 0, 0, "", 0, "", 0);
	LLVMAddModuleFlag(g->mod, LLVMModuleFlagBehaviorWarning,
			  "Debug Info Version", 18,
			  LLVMValueAsMetadata(LLVMConstInt(
				LLVMInt32TypeInContext(g->ctx),
				LLVMDebugMetadataVersion(), 0)));
	LLVMAddModuleFlag(g->mod, LLVMModuleFlagBehaviorWarning,
			  "Dwarf Version", 13,
			  LLVMValueAsMetadata(LLVMConstInt(
				LLVMInt32TypeInContext(g->ctx), 4, 0)));
}

static LLVMMetadataRef di_int(struct gen *g, int64_t size, bool is_signed)
{
	static const char *const names[2][9] = {
		{ [1] = "unsigned char", [2] = "unsigned short",
		  [4] = "unsigned int", [8] = "unsigned long" },
		{ [1] = "signed char", [2] = "short", [4] = "int",
		  [8] = "long" },
	};
	const char *n = names[is_signed][size];

	/* DW_ATE_signed 5, DW_ATE_unsigned 8 */
	return LLVMDIBuilderCreateBasicType(g->di, n, strlen(n),
					    (uint64_t)size * 8,
					    is_signed ? 5 : 8, LLVMDIFlagZero);
}

static LLVMMetadataRef di_array(struct gen *g, LLVMMetadataRef elem,
				int64_t elem_size, int64_t count)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(g->di, 0, count);

	return LLVMDIBuilderCreateArrayType(g->di,
					    (uint64_t)(elem_size * count * 8),
					    0, elem, &sub, 1);
}

static LLVMMetadataRef di_bytes(struct gen *g, int64_t size)
{
	return di_array(g, di_int(g, 1, false), 1, size);
}

static LLVMMetadataRef di_type(struct gen *g, const struct type *t,
			       int depth)
{
	int64_t size = type_size(t);
	LLVMMetadataRef *members;
	char name[32];
	int i;

	if (gen_is_scalar(t) && (size == 1 || size == 2 || size == 4 ||
				 size == 8))
		return di_int(g, size, t->is_signed);
	if ((t->kind == TY_TUPLE || t->kind == TY_RECORD) && t->nfields &&
	    depth < 8) {
		members = arena_alloc(g->a, sizeof(*members) *
				      (size_t)t->nfields);
		for (i = 0; i < t->nfields; i++) {
			const struct type_field *f = &t->fields[i];

			if (f->name)
				snprintf(name, sizeof(name), "%s", f->name);
			else
				snprintf(name, sizeof(name), "f%d", i);
			members[i] = LLVMDIBuilderCreateMemberType(g->di,
				g->di_cu, name, strlen(name), g->di_file, 0,
				(uint64_t)type_size(f->type) * 8, 0,
				(uint64_t)f->offset * 8, LLVMDIFlagZero,
				di_type(g, f->type, depth + 1));
		}
		return LLVMDIBuilderCreateStructType(g->di, g->di_cu, "", 0,
			g->di_file, 0, (uint64_t)size * 8, 0, LLVMDIFlagZero,
			NULL, members, (unsigned)t->nfields, 0, NULL, "", 0);
	}
	if (t->kind == TY_ARRAY && t->elem && t->count > 0 && depth < 8)
		return di_array(g, di_type(g, t->elem, depth + 1),
				type_size(t->elem), t->count);
	return di_bytes(g, size > 0 ? size : 1);
}

static LLVMMetadataRef di_member(struct gen *g, const char *name,
				 LLVMMetadataRef ty, int idx)
{
	LLVMMetadataRef p = LLVMDIBuilderCreatePointerType(g->di, ty, 64, 0, 0,
							   NULL, 0);

	return LLVMDIBuilderCreateMemberType(g->di, g->di_cu, name,
					     strlen(name), g->di_file, 0, 64,
					     0, (uint64_t)idx * 64,
					     LLVMDIFlagZero, p);
}

void btf_debug_map(struct gen *g, struct gmap *m)
{
	LLVMMetadataRef members[4], st, gve, expr, intty;
	unsigned n = 0;

	intty = di_int(g, 4, true);
	members[n] = di_member(g, "type", di_array(g, intty, 4, m->bpf_type), n);
	n++;
	members[n] = di_member(g, "max_entries",
			       di_array(g, intty, 4, m->max_entries), n);
	n++;
	if (m->kkey) {
		members[n] = di_member(g, "key", di_type(g, m->kkey, 0), n);
		n++;
	}
	if (m->kval) {
		members[n] = di_member(g, "value", di_type(g, m->kval, 0), n);
		n++;
	}
	st = LLVMDIBuilderCreateStructType(g->di, g->di_cu, "", 0, g->di_file,
					   0, n * 64, 0, LLVMDIFlagZero, NULL,
					   members, n, 0, NULL, "", 0);
	expr = LLVMDIBuilderCreateExpression(g->di, NULL, 0);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(g->di, g->di_cu,
		m->elf, strlen(m->elf), m->elf, strlen(m->elf), g->di_file, 0,
		st, 0, expr, NULL, 0);
	LLVMGlobalSetMetadata(m->global,
			      LLVMGetMDKindIDInContext(g->ctx, "dbg", 3), gve);
}

void btf_debug_finish(struct gen *g)
{
	LLVMDIBuilderFinalize(g->di);
	LLVMDisposeDIBuilder(g->di);
	g->di = NULL;
}

void btf_debug_func(struct gen *g, LLVMValueRef fn, const char *name,
		    bool first_u64, int nptr)
{
	LLVMMetadataRef types[6], sty, sp, vp;
	unsigned n = 0;
	int i;

	types[n++] = di_int(g, 8, true);
	if (first_u64)
		types[n++] = di_int(g, 8, false);
	vp = LLVMDIBuilderCreatePointerType(g->di, NULL, 64, 0, 0, NULL, 0);
	for (i = 0; i < nptr && n < 6; i++)
		types[n++] = vp;
	sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, types, n,
						LLVMDIFlagZero);
	sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, name, strlen(name),
					 name, strlen(name), g->di_file, 1, sty,
					 first_u64 || nptr != 1, 1, 1,
					 LLVMDIFlagPrototyped, 1);
	/* named parameters: the kernel wants a name for every FUNC arg */
	for (i = 1; i < (int)n; i++) {
		char pname[8];

		snprintf(pname, sizeof(pname), "a%d", i);
		LLVMDIBuilderCreateParameterVariable(g->di, sp, pname,
						     strlen(pname), (unsigned)i,
						     g->di_file, 1, types[i], 1,
						     LLVMDIFlagZero);
	}
	LLVMSetSubprogram(fn, sp);
	g->di_sp = sp;
}

/*
 * A kfunc: an extern function in ".ksyms" whose BTF FUNC (linkage
 * extern) libbpf resolves against vmlinux.  Its prototype here: an int
 * return or a pointer to the struct named ret_struct, and int32 or
 * pointer (named struct) parameters, as kinds are all libbpf compares.
 */
LLVMValueRef btf_debug_kfunc(struct gen *g, const char *name,
			     const char *ret_struct, const char *const *params,
			     int nparams)
{
	LLVMTypeRef ptr = LLVMPointerTypeInContext(g->ctx, 0);
	LLVMTypeRef lparams[4], fty;
	LLVMMetadataRef types[5], sty, sp;
	LLVMValueRef fn = LLVMGetNamedFunction(g->mod, name);
	int i;

	if (fn)
		return fn;
	for (i = 0; i < nparams && i < 4; i++) {
		if (params[i]) {
			types[i + 1] = LLVMDIBuilderCreatePointerType(g->di,
				LLVMDIBuilderCreateStructType(g->di, g->di_cu,
					params[i], strlen(params[i]), g->di_file, 0,
					0, 0, LLVMDIFlagZero, NULL, NULL, 0, 0,
					NULL, "", 0), 64, 0, 0, NULL, 0);
			lparams[i] = ptr;
		} else {
			types[i + 1] = di_int(g, 4, true);
			lparams[i] = LLVMInt32TypeInContext(g->ctx);
		}
	}
	if (ret_struct)
		types[0] = LLVMDIBuilderCreatePointerType(g->di,
			LLVMDIBuilderCreateStructType(g->di, g->di_cu, ret_struct,
				strlen(ret_struct), g->di_file, 0, 0, 0,
				LLVMDIFlagZero, NULL, NULL, 0, 0, NULL, "", 0),
			64, 0, 0, NULL, 0);
	else
		types[0] = NULL;   /* void */
	fty = LLVMFunctionType(ret_struct ? ptr : LLVMVoidTypeInContext(g->ctx),
			       lparams, (unsigned)i, 0);
	fn = LLVMAddFunction(g->mod, name, fty);
	LLVMSetLinkage(fn, LLVMExternalLinkage);
	LLVMSetSection(fn, ".ksyms");
	sty = LLVMDIBuilderCreateSubroutineType(g->di, g->di_file, types,
						(unsigned)i + 1, LLVMDIFlagZero);
	sp = LLVMDIBuilderCreateFunction(g->di, g->di_file, name, strlen(name),
					 name, strlen(name), g->di_file, 0, sty,
					 0, 0, 0, LLVMDIFlagPrototyped, 1);
	LLVMSetSubprogram(fn, sp);
	return fn;
}

void btf_debug_loc(struct gen *g, const struct val *node)
{
	struct diag_loc loc = diag_loc_of(node);
	unsigned line = 1, col = 1;

	if (!g->di_sp)
		return;
	if (loc.start || loc.end)
		diag_line_col(loc.start, &line, &col);
	LLVMSetCurrentDebugLocation2(g->b, LLVMDIBuilderCreateDebugLocation(
		g->ctx, line, col, g->di_sp, NULL));
}
