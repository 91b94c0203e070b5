/*
 * dwarfinfo.c - a user binary's DWARF through elfutils' libdw: function
 * parameters for `uprobe` args and `-lv`, named types for casts, and
 * line-table addresses for `uprobe:BIN@FILE:LINE`.
 *
 * libdwfl opens the binary "offline" and finds separate debug info the
 * standard way (.gnu_debuglink with its CRC, the build id, :.debug:
 * /usr/lib/debug), after our own look in the --debuginfo directories.
 * libdw follows split-DWARF skeleton units to their .dwo files; a .dwp
 * package (which libdw 0.188 does not read) is read as a DWARF file of its
 * own when it holds one unit whose contributions all start at offset 0,
 * the case where its sections need no per-unit index (.debug_cu_index).
 *
 * Types are converted like kbtf.c converts BTF: typedefs and qualifiers
 * dropped, char arrays become strings, a named struct below the top
 * keeps only its name and size (bt-check completes it by name), pointers
 * point to user memory.  Addresses are the file's own (unrelocated).
 */
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarfinfo.h"

const char *dwarfinfo_path;

struct dwarfinfo {
	char *path;
	Dwfl *dwfl;
	Dwarf *dw;      /* the binary's or its separate debug file's */
	Dwarf *dwp;     /* BINARY.dwp when skeleton units need it */
	bool dwp_tried;
};

/* a Dwarf_Die callback: nonzero stops the walk and is returned */
typedef int (*dwarfinfo_die_fn)(Dwarf_Die *die, void *arg);

static bool dwarfinfo_try(const char *file, int *fd, char **name)
{
	int f = open(file, O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return false;
	*fd = f;
	*name = strdup(file);
	return true;
}

/*
 * libdwfl's find_debuginfo: each --debuginfo directory (as given, then
 * relative to the binary's directory) for the debuglink name and the
 * build-id path, then the standard search
 */
static int dwarfinfo_find_debuginfo(Dwfl_Module *mod, void **userdata,
				    const char *modname, GElf_Addr base,
				    const char *file_name,
				    const char *debuglink_file,
				    GElf_Word debuglink_crc,
				    char **debuginfo_file_name)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	char *list, *dir, *save = NULL, buf[2 * PATH_MAX + 320], hex[256];
	int nbits = dwfl_module_build_id(mod, &bits, &vaddr), fd = -1, i;

	for (i = 0; nbits > 1 && i < nbits && 2 * i + 2 < (int)sizeof(hex); i++)
		sprintf(hex + 2 * i, "%02x", bits[i]);
	list = dwarfinfo_path ? strdup(dwarfinfo_path) : NULL;
	for (dir = list ? strtok_r(list, ":", &save) : NULL; dir && fd < 0;
	     dir = strtok_r(NULL, ":", &save)) {
		const char *slash = file_name ? strrchr(file_name, '/') : NULL;
		char bases[2][PATH_MAX];
		int b, nb = 0;

		snprintf(bases[nb++], PATH_MAX, "%s", dir);
		if (dir[0] != '/' && slash)
			snprintf(bases[nb++], PATH_MAX, "%.*s/%s",
				 (int)(slash - file_name), file_name, dir);
		for (b = 0; b < nb && fd < 0; b++) {
			if (debuglink_file) {
				snprintf(buf, sizeof(buf), "%s/%s", bases[b],
					 debuglink_file);
				if (dwarfinfo_try(buf, &fd, debuginfo_file_name))
					break;
			}
			if (nbits > 1) {
				snprintf(buf, sizeof(buf),
					 "%s/.build-id/%.2s/%s.debug", bases[b],
					 hex, hex + 2);
				if (dwarfinfo_try(buf, &fd, debuginfo_file_name))
					break;
			}
		}
	}
	free(list);
	if (fd >= 0)
		return fd;
	return dwfl_standard_find_debuginfo(mod, userdata, modname, base,
					    file_name, debuglink_file,
					    debuglink_crc, debuginfo_file_name);
}

static char *dwarfinfo_std_path;
static const Dwfl_Callbacks dwarfinfo_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwarfinfo_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &dwarfinfo_std_path,
};

int dwarfinfo_open(const char *path, struct dwarfinfo **out)
{
	static struct dwarfinfo *cache[32];
	static int ncache;
	struct dwarfinfo *d;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	int i;

	for (i = 0; i < ncache; i++)
		if (!strcmp(cache[i]->path, path)) {
			*out = cache[i];
			return cache[i]->dw ? 0 : -ENODATA;
		}
	if (access(path, R_OK))
		return -errno;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->path = strdup(path);
	d->dwfl = dwfl_begin(&dwarfinfo_callbacks);
	if (!d->path || !d->dwfl) {
		free(d->path);
		free(d);
		return -ENOMEM;
	}
	dwfl_report_begin(d->dwfl);
	mod = dwfl_report_offline(d->dwfl, "", path, -1);
	dwfl_report_end(d->dwfl, NULL, NULL);
	if (mod)
		d->dw = dwfl_module_getdwarf(mod, &bias);
	if (ncache < (int)(sizeof(cache) / sizeof(cache[0])))
		cache[ncache++] = d;
	*out = d;
	if (!mod)
		return -ENOEXEC;
	return d->dw ? 0 : -ENODATA;
}

const char *dwarfinfo_version(void)
{
	return dwfl_version(NULL);
}

/*
 * A .dwp image whose .debug_cu_index lists one unit with every section
 * contribution at offset 0 reads like a .dwo; the index section is then
 * renamed away (in our copy) because libdw 0.188 refuses a file holding
 * one.  true when the image was made readable so.
 */
static bool dwarfinfo_dwp_flatten(unsigned char *img, size_t size)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *sh, *names, *idx = NULL;
	const unsigned char *p;
	uint32_t nsec, nunits, nslots, i;
	int k;

	if (size < sizeof(*eh) || memcmp(img, ELFMAG, SELFMAG) ||
	    img[EI_CLASS] != ELFCLASS64 || img[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum)
		return false;
	sh = (Elf64_Shdr *)(img + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	if (names->sh_offset > size || names->sh_size > size - names->sh_offset)
		return false;
	for (k = 0; k < eh->e_shnum; k++) {
		const char *n = (const char *)img + names->sh_offset +
				sh[k].sh_name;

		if (sh[k].sh_name + 16 <= names->sh_size &&
		    !strcmp(n, ".debug_cu_index"))
			idx = &sh[k];
		if (sh[k].sh_name + 16 <= names->sh_size &&
		    !strcmp(n, ".debug_tu_index"))
			return false;
	}
	if (!idx || idx->sh_offset > size || idx->sh_size > size - idx->sh_offset ||
	    idx->sh_size < 16)
		return false;
	p = img + idx->sh_offset;
	memcpy(&nsec, p + 4, 4);
	memcpy(&nunits, p + 8, 4);
	memcpy(&nslots, p + 12, 4);
	if (nunits != 1 || nsec > 64 || nslots > 1024 ||
	    16 + (uint64_t)nslots * 12 + nsec * 4 + nsec * 8 > idx->sh_size)
		return false;
	/* the offsets row follows the hash, index and section-id tables */
	p += 16 + (uint64_t)nslots * 12 + nsec * 4;
	for (i = 0; i < nsec; i++) {
		uint32_t off;

		memcpy(&off, p + i * 4, 4);
		if (off)
			return false;
	}
	idx->sh_name = 0;
	idx->sh_type = SHT_NULL;
	return true;
}

/* BINARY.dwp, when it holds one unit (see the top) */
static Dwarf *dwarfinfo_dwp(struct dwarfinfo *d)
{
	char buf[PATH_MAX + 8];
	unsigned char *img;
	struct stat st;
	Elf *elf;
	int fd;

	if (d->dwp_tried)
		return d->dwp;
	d->dwp_tried = true;
	snprintf(buf, sizeof(buf), "%s.dwp", d->path);
	fd = open(buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	img = fstat(fd, &st) == 0 && st.st_size > 0 &&
	      st.st_size < ((off_t)1 << 31) ? malloc(st.st_size) : NULL;
	if (!img || pread(fd, img, st.st_size, 0) != st.st_size ||
	    !dwarfinfo_dwp_flatten(img, st.st_size)) {
		free(img);
		close(fd);
		return NULL;
	}
	close(fd);
	elf = elf_memory((char *)img, st.st_size);
	d->dwp = elf ? dwarf_begin_elf(elf, DWARF_C_READ, NULL) : NULL;
	return d->dwp;
}

/* fn on every compile unit's DIE: split units in place of skeletons */
static int dwarfinfo_each_cu(struct dwarfinfo *d, dwarfinfo_die_fn fn,
			     void *arg)
{
	Dwarf_CU *cu = NULL, *next;
	Dwarf_Half ver;
	uint8_t ut;
	Dwarf_Die cudie, sub;
	bool skeleton_alone = false;
	Dwarf *dwp;
	int r;

	memset(&sub, 0, sizeof(sub));
	while (dwarf_get_units(d->dw, cu, &next, &ver, &ut, &cudie, &sub) == 0) {
		cu = next;
		if (ut == DW_UT_skeleton) {
			if (!sub.cu) {
				skeleton_alone = true;
				continue;
			}
			r = fn(&sub, arg);
		} else {
			r = fn(&cudie, arg);
		}
		memset(&sub, 0, sizeof(sub));
		if (r)
			return r;
	}
	if (!skeleton_alone || !(dwp = dwarfinfo_dwp(d)))
		return 0;
	cu = NULL;
	while (dwarf_get_units(dwp, cu, &next, &ver, &ut, &cudie, &sub) == 0) {
		cu = next;
		if ((r = fn(&cudie, arg)))
			return r;
	}
	return 0;
}

/* fn on each child of a DIE */
static int dwarfinfo_each_child(Dwarf_Die *die, dwarfinfo_die_fn fn,
				void *arg)
{
	Dwarf_Die c;
	int r;

	if (dwarf_child(die, &c) != 0)
		return 0;
	do {
		if ((r = fn(&c, arg)))
			return r;
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

static bool dwarfinfo_flag(Dwarf_Die *die, unsigned at)
{
	Dwarf_Attribute attr;
	bool f = false;

	return dwarf_attr_integrate(die, at, &attr) && !dwarf_formflag(&attr, &f)
	       && f;
}

static bool dwarfinfo_udata(Dwarf_Die *die, unsigned at, Dwarf_Word *v)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, at, &attr) && !dwarf_formudata(&attr, v);
}

/* the DIE a DW_AT_type points to; false for void */
static bool dwarfinfo_type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) &&
	       dwarf_formref_die(&attr, out);
}

/* typedefs and qualifiers skipped; false for void */
static bool dwarfinfo_strip(Dwarf_Die *die, Dwarf_Die *out)
{
	int tag, guard = 0;

	*out = *die;
	while (guard++ < 64) {
		tag = dwarf_tag(out);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			return true;
		if (!dwarfinfo_type_of(out, out))
			return false;
	}
	return false;
}

static const char *dwarfinfo_tag_word(int tag)
{
	return tag == DW_TAG_union_type ? "union" :
	       tag == DW_TAG_enumeration_type ? "enum" :
	       tag == DW_TAG_class_type ? "class" : "struct";
}

/* the C spelling of a type as upstream lists parameters: "struct Foo*" */
static const char *dwarfinfo_type_name(struct arena *a, Dwarf_Die *die,
					int depth)
{
	Dwarf_Die t;
	Dwarf_Word n;
	const char *name = dwarf_diename(die), *inner;
	bool has = dwarfinfo_type_of(die, &t);
	int tag = dwarf_tag(die);

	if (depth > 16)
		return "?";
	inner = has ? dwarfinfo_type_name(a, &t, depth + 1) : "void";
	switch (tag) {
	case DW_TAG_pointer_type:
		return arena_printf(a, "%s*", inner);
	case DW_TAG_reference_type:
		return arena_printf(a, "%s&", inner);
	case DW_TAG_const_type:
		return arena_printf(a, "const %s", inner);
	case DW_TAG_volatile_type:
		return arena_printf(a, "volatile %s", inner);
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return inner;
	case DW_TAG_array_type: {
		Dwarf_Die sr;

		if (dwarf_child(die, &sr) == 0 &&
		    (dwarfinfo_udata(&sr, DW_AT_count, &n) ||
		     (dwarfinfo_udata(&sr, DW_AT_upper_bound, &n) && ++n)))
			return arena_printf(a, "%s[%llu]", inner,
					    (unsigned long long)n);
		return arena_printf(a, "%s[]", inner);
	}
	case DW_TAG_subroutine_type:
		return arena_printf(a, "%s (*)()", inner);
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_class_type:
		return arena_printf(a, "%s %s", dwarfinfo_tag_word(tag),
				    name ? name : "(anonymous)");
	default:
		return name ? arena_strdup(a, name) : "?";
	}
}

static struct type *dwarfinfo_type(struct arena *a, Dwarf_Die *die,
				   int depth);

/* the members of a struct/union DIE into st */
static void dwarfinfo_fields(struct arena *a, Dwarf_Die *die, struct type *st,
			     int depth)
{
	Dwarf_Die m;
	int n = 0, cap = 0;

	if (dwarf_child(die, &m) != 0)
		return;
	do {
		struct type_field *f;
		Dwarf_Word loc = 0, bits = 0, bitoff;
		Dwarf_Die t;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (n == cap) {
			struct type_field *nf;

			cap = cap ? cap * 2 : 8;
			nf = arena_alloc(a, sizeof(*nf) * cap);
			if (n)
				memcpy(nf, st->fields, sizeof(*nf) * n);
			st->fields = nf;
		}
		f = &st->fields[n++];
		f->name = arena_strdup(a, dwarf_diename(&m) ? dwarf_diename(&m)
							    : "");
		f->type = dwarfinfo_type_of(&m, &t) ?
			  dwarfinfo_type(a, &t, depth + 1) : type_new(a, TY_VOID);
		dwarfinfo_udata(&m, DW_AT_data_member_location, &loc);
		if (!dwarfinfo_udata(&m, DW_AT_bit_size, &bits) || !bits) {
			f->offset = (int64_t)loc;
			continue;
		}
		/* DWARF 4+: from the struct's start; DWARF 2/3: big-endian
		 * numbering inside the storage unit at loc */
		if (!dwarfinfo_udata(&m, DW_AT_data_bit_offset, &bitoff)) {
			Dwarf_Word unit = 0, hi = 0;

			dwarfinfo_udata(&m, DW_AT_byte_size, &unit);
			if (!unit)
				unit = type_size(f->type) > 0 ?
				       (Dwarf_Word)type_size(f->type) : 4;
			dwarfinfo_udata(&m, DW_AT_bit_offset, &hi);
			bitoff = loc * 8 + unit * 8 - hi - bits;
		}
		{
			/* the storage unit of the member's type holding it
			 * (as kbtf.c reads BTF bitfields), else its byte */
			int64_t us = type_size(f->type);
			int64_t u = us > 0 && us <= 8 ?
				    (int64_t)bitoff / (us * 8) * us : -1;

			if (u < 0 || u + us > st->size ||
			    (int64_t)(bitoff + bits) > (u + us) * 8)
				u = (int64_t)bitoff / 8;
			f->offset = u;
			f->bitfield_bits = (int)bits;
			f->bitfield_offset = (int)(bitoff - u * 8);
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	st->nfields = n;
}

static struct type *dwarfinfo_type(struct arena *a, Dwarf_Die *die,
				   int depth)
{
	Dwarf_Die t, child;
	Dwarf_Word enc = 0, n;
	const char *name;
	struct type *r;
	int tag, size;

	if (!dwarfinfo_strip(die, &t) || depth > 16)
		return type_new(a, TY_VOID);
	tag = dwarf_tag(&t);
	name = dwarf_diename(&t);
	size = dwarf_bytesize(&t);
	switch (tag) {
	case DW_TAG_base_type:
		dwarfinfo_udata(&t, DW_AT_encoding, &enc);
		if (enc == DW_ATE_boolean && size == 1)
			return type_new(a, TY_BOOL);
		if (size == 1 || size == 2 || size == 4 || size == 8)
			return type_int(a, size, enc == DW_ATE_signed ||
					enc == DW_ATE_signed_char ||
					(name && !strcmp(name, "char")));
		/* __int128, long double: their bytes */
		r = type_new(a, TY_ARRAY);
		r->elem = type_int(a, 1, false);
		r->count = size > 0 ? size : 0;
		return r;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		Dwarf_Die to;

		if (dwarfinfo_type_of(&t, &to) && dwarfinfo_strip(&to, &to) &&
		    dwarf_tag(&to) == DW_TAG_subroutine_type)
			return type_int(a, 8, false);
		return type_ptr(a, dwarfinfo_type_of(&t, &to) ?
				dwarfinfo_type(a, &to, depth + 1) :
				type_new(a, TY_VOID), true);
	}
	case DW_TAG_array_type: {
		Dwarf_Die el;
		struct type *et = dwarfinfo_type_of(&t, &el) ?
				  dwarfinfo_type(a, &el, depth + 1) :
				  type_new(a, TY_VOID);
		int64_t dims[8];
		int nd = 0, i;

		/* int x[2][3]: one subrange per dimension, outermost first */
		if (dwarf_child(&t, &child) == 0) {
			do {
				if (dwarf_tag(&child) != DW_TAG_subrange_type ||
				    nd == 8)
					continue;
				n = 0;
				if (!dwarfinfo_udata(&child, DW_AT_count, &n) &&
				    dwarfinfo_udata(&child, DW_AT_upper_bound, &n))
					n++;
				dims[nd++] = (int64_t)n;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (!nd)
			dims[nd++] = 0;
		for (i = nd - 1; i >= 0; i--) {
			if (i == nd - 1 && et->kind == TY_INT && et->size == 1 &&
			    et->is_signed && dims[i] > 0) {
				et = type_string(a, dims[i]);
				continue;
			}
			r = type_new(a, TY_ARRAY);
			r->elem = et;
			r->count = dims[i];
			et = r;
		}
		return et;
	}
	case DW_TAG_enumeration_type: {
		int cap = 0;

		r = type_new(a, TY_ENUM);
		r->name = arena_printf(a, "enum %s", name ? name : "(anonymous)");
		r->size = size > 0 ? size : 4;
		if (dwarfinfo_type_of(&t, &child)) {
			struct type *u = dwarfinfo_type(a, &child, depth + 1);

			r->is_signed = u->is_signed;
		}
		if (dwarf_child(&t, &child) != 0)
			return r;
		do {
			Dwarf_Attribute attr;
			Dwarf_Sword sv = 0;
			Dwarf_Word uv = 0;

			if (dwarf_tag(&child) != DW_TAG_enumerator ||
			    !dwarf_attr(&child, DW_AT_const_value, &attr))
				continue;
			if (r->nenums == cap) {
				struct type_enumerator *ne;

				cap = cap ? cap * 2 : 8;
				ne = arena_alloc(a, sizeof(*ne) * cap);
				if (r->nenums)
					memcpy(ne, r->enums,
					       sizeof(*ne) * r->nenums);
				r->enums = ne;
			}
			r->enums[r->nenums].name =
				arena_strdup(a, dwarf_diename(&child));
			if (dwarf_formsdata(&attr, &sv) == 0)
				r->enums[r->nenums].value = sv;
			else if (dwarf_formudata(&attr, &uv) == 0)
				r->enums[r->nenums].value = (int64_t)uv;
			r->nenums++;
		} while (dwarf_siblingof(&child, &child) == 0);
		return r;
	}
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		r = type_new(a, TY_STRUCT);
		r->name = arena_printf(a, "%s %s", tag == DW_TAG_union_type ?
				       "union" : "struct",
				       name ? name : "(anonymous)");
		r->size = size > 0 ? size : 0;
		if (!name || depth == 0)
			dwarfinfo_fields(a, &t, r, depth);
		return r;
	default:
		/* function types and the like: an address */
		return type_int(a, 8, false);
	}
}

/* --------------------------------------------------------- functions */

struct dwarfinfo_func_find {
	const char *name;
	Dwarf_Die found;
	bool have;
	int nparams;
};

static int dwarfinfo_count_param(Dwarf_Die *die, void *arg)
{
	if (dwarf_tag(die) == DW_TAG_formal_parameter)
		(*(int *)arg)++;
	return 0;
}

static int dwarfinfo_match_func(Dwarf_Die *die, void *arg)
{
	struct dwarfinfo_func_find *ff = arg;
	const char *n;
	int np = 0;

	if (dwarf_tag(die) != DW_TAG_subprogram ||
	    dwarfinfo_flag(die, DW_AT_declaration))
		return 0;
	n = dwarf_diename(die);
	if (!n || strcmp(n, ff->name))
		return 0;
	dwarfinfo_each_child(die, dwarfinfo_count_param, &np);
	/* an abstract instance and its out-of-line copy: the one with
	 * parameters listed */
	if (!ff->have || np > ff->nparams) {
		ff->found = *die;
		ff->have = true;
		ff->nparams = np;
	}
	return 0;
}

static int dwarfinfo_cu_funcs(Dwarf_Die *cu, void *arg)
{
	struct dwarfinfo_func_find *ff = arg;

	dwarfinfo_each_child(cu, dwarfinfo_match_func, arg);
	return ff->have && ff->nparams > 0;
}

struct dwarfinfo_params_out {
	struct arena *a;
	struct dwarfinfo_param *p;
	int n;
};

static int dwarfinfo_add_param(Dwarf_Die *die, void *arg)
{
	struct dwarfinfo_params_out *po = arg;
	struct dwarfinfo_param *p;
	const char *name;
	Dwarf_Die t;

	if (dwarf_tag(die) != DW_TAG_formal_parameter)
		return 0;
	p = &po->p[po->n];
	name = dwarf_diename(die);
	p->name = name ? arena_strdup(po->a, name) :
			 arena_printf(po->a, "arg%d", po->n);
	if (dwarfinfo_type_of(die, &t)) {
		p->decl = dwarfinfo_type_name(po->a, &t, 0);
		p->type = dwarfinfo_type(po->a, &t, 1);
	} else {
		p->decl = "void";
		p->type = type_new(po->a, TY_VOID);
	}
	po->n++;
	return 0;
}

int dwarfinfo_params(struct arena *a, struct dwarfinfo *d, const char *func,
		     struct dwarfinfo_param **out)
{
	struct dwarfinfo_func_find ff = { .name = func };
	struct dwarfinfo_params_out po = { .a = a };

	if (!d->dw)
		return -ENODATA;
	dwarfinfo_each_cu(d, dwarfinfo_cu_funcs, &ff);
	if (!ff.have)
		return -ENOENT;
	po.p = arena_alloc(a, sizeof(*po.p) * (ff.nparams + 1));
	dwarfinfo_each_child(&ff.found, dwarfinfo_add_param, &po);
	*out = po.p;
	return po.n;
}

/* ------------------------------------------------------------- types */

struct dwarfinfo_type_find {
	int tag;
	const char *name;
	Dwarf_Die found;
	bool have;
};

static int dwarfinfo_match_type(Dwarf_Die *die, void *arg)
{
	struct dwarfinfo_type_find *tf = arg;
	const char *n;

	if (dwarf_tag(die) != tf->tag && !(tf->tag == DW_TAG_structure_type &&
					   dwarf_tag(die) == DW_TAG_class_type))
		return 0;
	if (dwarfinfo_flag(die, DW_AT_declaration))
		return 0;
	n = dwarf_diename(die);
	if (!n || strcmp(n, tf->name))
		return 0;
	tf->found = *die;
	tf->have = true;
	return 1;
}

static int dwarfinfo_cu_types(Dwarf_Die *cu, void *arg)
{
	return dwarfinfo_each_child(cu, dwarfinfo_match_type, arg);
}

struct type *dwarfinfo_named_type(struct arena *a, struct dwarfinfo *d,
				  const char *name)
{
	struct dwarfinfo_type_find tf = { 0 };

	if (!d->dw || !name)
		return NULL;
	if (!strncmp(name, "struct ", 7)) {
		tf.tag = DW_TAG_structure_type;
		tf.name = name + 7;
	} else if (!strncmp(name, "union ", 6)) {
		tf.tag = DW_TAG_union_type;
		tf.name = name + 6;
	} else if (!strncmp(name, "enum ", 5)) {
		tf.tag = DW_TAG_enumeration_type;
		tf.name = name + 5;
	} else {
		return NULL;
	}
	if (!dwarfinfo_each_cu(d, dwarfinfo_cu_types, &tf) || !tf.have)
		return NULL;
	return dwarfinfo_type(a, &tf.found, 0);
}

/* ------------------------------------------------------------- lines */

int dwarfinfo_line_addr(struct dwarfinfo *d, const char *file, int line,
			uint64_t *addr)
{
	Dwarf_Line **lines = NULL;
	size_t n = 0, i;
	bool have = false;

	if (!d->dw)
		return -ENODATA;
	if (dwarf_getsrc_file(d->dw, file, line, 0, &lines, &n) != 0 || !n)
		return -ENOENT;
	for (i = 0; i < n; i++) {
		Dwarf_Addr pc;
		int ln = 0;

		if (dwarf_lineno(lines[i], &ln) || ln != line ||
		    dwarf_lineaddr(lines[i], &pc))
			continue;
		if (!have || pc < *addr)
			*addr = pc;
		have = true;
	}
	free(lines);
	return have ? 0 : -ENOENT;
}
