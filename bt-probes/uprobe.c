/*
 * uprobe.c - the uprobe and uretprobe providers: entry and return of
 * functions in user binaries and libraries, found in the ELF symbol tables
 * (.symtab, else .dynsym) with libelf.
 *
 * `uprobe:BINARY:FUNC` where BINARY is a path (absolute or relative), a
 * program name searched in $PATH, or a library name (`libc`) searched in
 * the usual library directories; FUNC may hold wildcards, or be
 * `FUNC+OFFSET` or a numeric address.  ATTACH_POINT fields: "target" (the
 * absolute path), "func", "address" (st_value of the symbol), "offset"
 * (bytes after it, 0 by default).  bt-load attaches by path and address.
 *
 * With DWARF (dwarfinfo.c): `uprobe:BINARY@FILE:LINE` attaches at the
 * lowest address the line table gives for that source line (made "func"
 * and "offset" of the function holding it); `args` of a function entry
 * is a struct of its parameters, each in the 8-byte slot of the x86_64
 * SysV argument register it arrives in (a 16-byte integer takes two);
 * `-lv` lists the parameters under each function.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarfinfo.h"
#include "elffile.h"
#include "provider.h"
#include "zip.h"

struct uprobe_sym {
	const char *name;
	uint64_t addr, size;
};

bool uprobe_is_elf(const char *path)
{
	char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4);
	close(fd);
	return ok;
}

/* the absolute path of a binary as written in an attach point (usdt.c too) */
const char *uprobe_resolve_binary(struct arena *a, const char *bin)
{
	static const char *const libdirs[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
		"/lib64", "/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
	};
	char buf[PATH_MAX];
	const char *path, *member;
	size_t i;

	/* a library in a ZIP archive: the archive is resolved */
	if (zip_path_split(bin, buf, sizeof(buf), &member) > 0) {
		path = uprobe_resolve_binary(a, arena_strdup(a, buf));
		return path ? arena_printf(a, "%s!/%s", path, member) : NULL;
	}
	if (strchr(bin, '/')) {
		if (realpath(bin, buf))
			return arena_strdup(a, buf);
		return NULL;
	}
	path = getenv("PATH");
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);

		char real[PATH_MAX];

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, bin);
		if (access(buf, X_OK) == 0 && realpath(buf, real))
			return arena_strdup(a, real);
		path = colon ? colon + 1 : NULL;
	}
	for (i = 0; i < sizeof(libdirs) / sizeof(libdirs[0]); i++) {
		glob_t g;

		snprintf(buf, sizeof(buf), "%s/%s%s.so*", libdirs[i],
			 strncmp(bin, "lib", 3) ? "lib" : "", bin);
		if (glob(buf, 0, NULL, &g) == 0) {
			const char *r = NULL;
			size_t j;

			/* skip linker scripts (libc.so): take the first ELF */
			for (j = 0; !r && j < g.gl_pathc; j++)
				if (uprobe_is_elf(g.gl_pathv[j]) &&
				    realpath(g.gl_pathv[j], buf))
					r = arena_strdup(a, buf);
			globfree(&g);
			if (r)
				return r;
		}
	}
	return NULL;
}

/* every defined function symbol of an ELF file; count or negative errno */
static int uprobe_symbols(struct arena *a, const char *path,
			  struct uprobe_sym **out)
{
	struct uprobe_sym *syms = NULL;
	size_t n = 0, cap = 0;
	Elf_Scn *scn = NULL;
	bool have_symtab = false;
	Elf *elf;
	int fd, pass, err;

	if ((err = elffile_open(path, &fd, &elf)))
		return err;
	/* .symtab when present (it includes the dynamic symbols), else .dynsym */
	for (pass = 0; pass < 2; pass++) {
		scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *data;
			size_t i, count;

			if (!gelf_getshdr(scn, &sh))
				continue;
			if (sh.sh_type == SHT_SYMTAB)
				have_symtab = true;
			if (sh.sh_type != (pass == 0 ? SHT_SYMTAB : SHT_DYNSYM) ||
			    !sh.sh_entsize)
				continue;
			data = elf_getdata(scn, NULL);
			if (!data)
				continue;
			count = sh.sh_size / sh.sh_entsize;
			for (i = 0; i < count; i++) {
				GElf_Sym sym;
				const char *name;
				int type;

				if (!gelf_getsym(data, (int)i, &sym))
					continue;
				type = GELF_ST_TYPE(sym.st_info);
				if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
				    !sym.st_value || sym.st_shndx == SHN_UNDEF)
					continue;
				name = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (!name || !*name)
					continue;
				if (n == cap) {
					struct uprobe_sym *ns;

					cap = cap ? cap * 2 : 256;
					ns = arena_alloc(a, sizeof(*ns) * cap);
					if (n)
						memcpy(ns, syms, sizeof(*ns) * n);
					syms = ns;
				}
				syms[n].name = arena_strdup(a, name);
				syms[n].addr = sym.st_value;
				syms[n].size = sym.st_size;
				n++;
			}
		}
		if (have_symtab)
			break;
	}
	elffile_close(fd, elf);
	*out = syms;
	return (int)n;
}

static int uprobe_sym_cmp(const void *x, const void *y)
{
	return strcmp(((const struct uprobe_sym *)x)->name,
		      ((const struct uprobe_sym *)y)->name);
}

/* a path for ATTACH_POINTs: absolute, except through /proc/PID/root */
static const char *uprobe_abs(struct arena *a, const char *path)
{
	char buf[PATH_MAX];

	if (!strncmp(path, "/proc/", 6) || !realpath(path, buf))
		return path;
	return arena_strdup(a, buf);
}

/* the functions fn (glob, FUNC, FUNC+OFF or an address) of one binary */
static int uprobe_expand_path(const struct provider *p, struct arena *a,
			      const char *bin, const char *shown,
			      const char *path, const char *fn, bool many,
			      struct val *out, struct probe_err *err)
{
	struct uprobe_sym *syms;
	const char **names;
	int64_t offset = 0;
	char *plus, *end;
	int n, i, matched = 0;

	fn = arena_strdup(a, fn);
	plus = strchr(fn, '+');
	if (plus && p == &provider_uretprobe) {
		snprintf(err->msg, sizeof(err->msg),
			 "uretprobe can not take an offset");
		return -EINVAL;
	}
	if (plus) {
		*plus = '\0';
		offset = strtoll(plus + 1, &end, 0);
		if (*end || offset < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "invalid offset '%s'", plus + 1);
			return -EINVAL;
		}
	}
	if (fn[0] >= '0' && fn[0] <= '9') {
		uint64_t addr = strtoull(fn, &end, 0);
		struct val *ap;
		bool inside = false;

		if (*end) {
			snprintf(err->msg, sizeof(err->msg),
				 "invalid address '%s'", fn);
			return -EINVAL;
		}
		/* an address must fall inside a known function (or --unsafe) */
		n = uprobe_symbols(a, path, &syms);
		for (i = 0; i < n && !inside; i++)
			inside = addr >= syms[i].addr &&
				 addr < syms[i].addr + syms[i].size;
		if (!inside && !provider_unsafe) {
			snprintf(err->msg, sizeof(err->msg),
				 "Could not resolve address: %s:0x%" PRIx64, bin,
				 addr);
			err->no_loc = true;   /* upstream's plain line */
			return -EINVAL;
		}
		ap = provider_ap_new(a, p, arena_printf(a, "%s:%s:%s", p->name,
							shown, fn));
		val_set_str(a, ap, "target", path);
		val_set(a, ap, "address", val_uint(a, addr));
		val_set_int(a, ap, "offset", 0);
		val_push(a, out, ap);
		return 1;
	}
	n = uprobe_symbols(a, path, &syms);
	if (n < 0) {
		if (many)
			return 0;
		snprintf(err->msg, sizeof(err->msg),
			 "could not read the symbols of '%s': %s", path,
			 zip_is_member(path) && n == -ENOTSUP ?
			 "the ZIP member is compressed" :
			 zip_is_member(path) && n == -ENOENT ?
			 "no such member in the ZIP archive" : strerror(-n));
		if (zip_is_member(path) && (n == -ENOTSUP || n == -ENOENT))
			snprintf(err->hint, sizeof(err->hint),
				 "uprobes reach libraries stored uncompressed in the archive (zip -0, or zipalign)");
		return n;
	}
	qsort(syms, n, sizeof(*syms), uprobe_sym_cmp);
	for (i = 0; i < n; i++) {
		struct val *ap;

		if (fnmatch(fn, syms[i].name, 0) ||
		    (i && !strcmp(syms[i].name, syms[i - 1].name)))
			continue;
		/* a size-0 symbol has no known end: refuse unless --unsafe */
		if (!syms[i].size && !provider_unsafe) {
			if (provider_has_wildcard(fn) || many)
				continue;
			snprintf(err->msg, sizeof(err->msg),
				 "Could not determine boundary for %s (symbol has size 0).\n"
				 "Use --unsafe to force attachment. WARNING: This option could lead to data corruption in the target process.",
				 syms[i].name);
			err->no_loc = true;
			return -EINVAL;
		}
		/* the name (what `probe` prints) keeps the path as written */
		ap = provider_ap_new(a, p, offset ?
				     arena_printf(a, "%s:%s:%s+%" PRId64, p->name,
						  shown, syms[i].name, offset) :
				     arena_printf(a, "%s:%s:%s", p->name, shown,
						  syms[i].name));
		val_set_str(a, ap, "target", path);
		val_set_str(a, ap, "func", syms[i].name);
		val_set(a, ap, "address", val_uint(a, syms[i].addr));
		val_set_int(a, ap, "offset", offset);
		val_push(a, out, ap);
		matched++;
	}
	if (matched || many)
		return matched;
	snprintf(err->msg, sizeof(err->msg), "%s: could not find '%s' in %s",
		 p->name, fn, path);
	names = arena_alloc(a, sizeof(*names) * (n + 1));
	for (i = 0; i < n; i++)
		names[i] = syms[i].name;
	if (!provider_has_wildcard(fn) && suggest_closest(fn, names, n))
		snprintf(err->hint, sizeof(err->hint), "did you mean '%s'?",
			 suggest_closest(fn, names, n));
	return 0;
}

/*
 * `BINARY@FILE:LINE`: the line table's address for the line, as an offset
 * into the function symbol holding it
 */
static int uprobe_expand_line(const struct provider *p, struct arena *a,
			      const char *shown, const char *path,
			      const char *file, const char *line,
			      struct val *out, struct probe_err *err)
{
	struct dwarfinfo *d;
	struct uprobe_sym *syms;
	struct val *ap;
	uint64_t addr;
	char *end;
	long ln = strtol(line, &end, 10);
	int n, i, r;

	if (*end || ln <= 0 || !*file) {
		snprintf(err->msg, sizeof(err->msg),
			 "invalid source location '%s:%s' (expected FILE:LINE)",
			 file, line);
		return -EINVAL;
	}
	if (p == &provider_uretprobe) {
		snprintf(err->msg, sizeof(err->msg),
			 "uretprobe can not attach to a source line");
		return -EINVAL;
	}
	r = dwarfinfo_open(path, &d);
	if (r < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "cannot attach to %s:%ld: %s", file, ln,
			 r == -ENODATA ? arena_printf(a, "no DWARF debug info found for %s", path) :
			 strerror(-r));
		if (r == -ENODATA)
			snprintf(err->hint, sizeof(err->hint),
				 "build it with -g, or point --debuginfo at its separate debug file");
		return r;
	}
	if (dwarfinfo_line_addr(d, file, (int)ln, &addr)) {
		snprintf(err->msg, sizeof(err->msg),
			 "no code for %s:%ld in the line table of %s", file,
			 ln, path);
		return -ENOENT;
	}
	n = uprobe_symbols(a, path, &syms);
	for (i = 0; i < n; i++)
		if (addr >= syms[i].addr && addr < syms[i].addr + syms[i].size)
			break;
	if (n <= 0 || i == n) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s:%ld (address 0x%" PRIx64 ") is in no function symbol of %s",
			 file, ln, addr, path);
		return -ENOENT;
	}
	ap = provider_ap_new(a, p, arena_printf(a, "%s:%s@%s:%ld", p->name,
						shown, file, ln));
	val_set_str(a, ap, "target", path);
	val_set_str(a, ap, "func", syms[i].name);
	val_set(a, ap, "address", val_uint(a, syms[i].addr));
	val_set_int(a, ap, "offset", (int64_t)(addr - syms[i].addr));
	val_push(a, out, ap);
	return 1;
}

static int uprobe_expand_as(const struct provider *p, struct arena *a,
			    const struct val *parts, struct val *out,
			    struct probe_err *err)
{
	const char *bin = provider_part(parts, 0), *fn = provider_part(parts, 1);
	const char **paths;
	int nb, i, r, matched = 0;

	err->status = 1;
	if (parts && parts->n == 1 && provider_pid && bin && *bin) {
		/* `uprobe:FUNC` with -p: a function of the process's binary */
		fn = bin;
		bin = "";
	} else if (!parts || parts->n != 2 || !bin || !fn || !*fn ||
		   (!*bin && !provider_pid)) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s probe type requires 2 arguments", p->name);
		return -EINVAL;
	}
	if (strchr(bin, '@') && !provider_has_wildcard(bin) &&
	    access(bin, F_OK)) {
		/* BINARY@FILE:LINE, a source location */
		const char *at = strrchr(bin, '@'), *path;

		path = uprobe_resolve_binary(a, arena_strndup(a, bin, at - bin));
		if (!path) {
			snprintf(err->msg, sizeof(err->msg),
				 "could not find the binary '%.*s'",
				 (int)(at - bin), bin);
			return -ENOENT;
		}
		return uprobe_expand_line(p, a, arena_strndup(a, bin, at - bin),
					  uprobe_abs(a, path), at + 1, fn, out,
					  err);
	}
	if (provider_has_wildcard(bin) && !strchr(bin, '/') && !provider_pid) {
		snprintf(err->msg, sizeof(err->msg),
			 "a wildcard binary in a %s needs a path or -p PID",
			 p->name);
		return -EINVAL;
	}
	nb = provider_binaries(a, bin, &paths);
	if (nb <= 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "could not find the binary '%s'", bin);
		snprintf(err->hint, sizeof(err->hint),
			 "give a path, a program in $PATH or a library name");
		return -ENOENT;
	}
	for (i = 0; i < nb; i++) {
		r = uprobe_expand_path(p, a, bin, paths[i],
				       uprobe_abs(a, paths[i]), fn,
				       nb > 1 || provider_has_wildcard(bin),
				       out, err);
		if (r < 0)
			return r;
		matched += r;
	}
	if (!matched && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg),
			 "%s: could not find '%s' in %s", p->name, fn, bin);
	return matched;
}

/*
 * `uprobe:BINARY:PATTERN` lists the matching functions of BINARY (shown
 * as written, `./bin/x`, or as resolved for a library name); with -p,
 * `uprobe:*` and no pattern list every binary the process maps
 */
/* `-lv`: a function's parameters from DWARF, upstream's "    TYPE NAME" */
static void uprobe_list_params(struct arena *a, const char *path,
			       const char *func, FILE *out)
{
	struct dwarfinfo_param *prm;
	struct dwarfinfo *d;
	int n, i;

	if (dwarfinfo_open(path, &d))
		return;
	n = dwarfinfo_params(a, d, func, &prm);
	for (i = 0; i < n; i++)
		fprintf(out, "    %s %s\n", prm[i].decl, prm[i].name);
}

static int uprobe_list_as(const struct provider *p, struct arena *a,
			  const char *pattern, bool verbose, FILE *out)
{
	struct uprobe_sym *syms;
	const char *rest = provider_pattern_rest(p, pattern), *bin, *colon;
	const char *fpat, **paths;
	int nb, b, n, i, printed = 0;

	if (!rest)
		return 0;
	colon = strchr(rest, ':');
	bin = colon ? arena_strndup(a, rest, colon - rest) : rest;
	fpat = colon ? colon + 1 : "*";
	if (provider_has_wildcard(bin) && !strchr(bin, '/') && !provider_pid)
		return 0;   /* user probes: a named binary or -p PID */
	nb = provider_binaries(a, bin, &paths);
	for (b = 0; b < nb; b++) {
		n = uprobe_symbols(a, paths[b], &syms);
		if (n < 0)
			continue;
		qsort(syms, n, sizeof(*syms), uprobe_sym_cmp);
		for (i = 0; i < n; i++) {
			if ((i && !strcmp(syms[i].name, syms[i - 1].name)) ||
			    fnmatch(fpat, syms[i].name, 0))
				continue;
			fprintf(out, "%s:%s:%s\n", p->name, paths[b],
				syms[i].name);
			if (verbose && p == &provider_uprobe)
				uprobe_list_params(a, paths[b], syms[i].name,
						   out);
			printed++;
		}
	}
	return printed;
}

static int uprobe_expand(struct arena *a, const struct val *parts,
			 struct val *out, struct probe_err *err)
{
	return uprobe_expand_as(&provider_uprobe, a, parts, out, err);
}

static int uretprobe_expand(struct arena *a, const struct val *parts,
			    struct val *out, struct probe_err *err)
{
	return uprobe_expand_as(&provider_uretprobe, a, parts, out, err);
}

static int uprobe_list(struct arena *a, const char *pattern, bool verbose,
		       FILE *out)
{
	return uprobe_list_as(&provider_uprobe, a, pattern, verbose, out);
}

static int uretprobe_list(struct arena *a, const char *pattern, bool verbose,
			  FILE *out)
{
	return uprobe_list_as(&provider_uretprobe, a, pattern, verbose, out);
}

/*
 * `args` at a function's entry: one field per DWARF parameter, at the
 * 8-byte slot of the argument register that carries it (bt-gen reads
 * slot k from the kth SysV argument register)
 */
static struct type *uprobe_args(struct arena *a, const struct val *ap,
				struct probe_err *err)
{
	const char *path = val_get_str(ap, "target");
	const char *func = val_get_str(ap, "func");
	struct dwarfinfo_param *prm;
	struct dwarfinfo *d;
	struct type *st;
	int64_t slot = 0;
	int n, i, r;

	err->status = 1;
	if (!path || !func) {
		snprintf(err->msg, sizeof(err->msg),
			 "args need a function: this uprobe names an address");
		return NULL;
	}
	if (val_get_int(ap, "offset", 0)) {
		snprintf(err->msg, sizeof(err->msg),
			 "args are only known at the entry of %s, not at an offset into it",
			 func);
		return NULL;
	}
	r = dwarfinfo_open(path, &d);
	if (r < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "args of %s: %s", func, r == -ENODATA ?
			 arena_printf(a, "no DWARF debug info found for %s", path) :
			 strerror(-r));
		if (r == -ENODATA)
			snprintf(err->hint, sizeof(err->hint),
				 "build it with -g, or point --debuginfo at its separate debug file");
		return NULL;
	}
	n = dwarfinfo_params(a, d, func, &prm);
	if (n < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "args of %s: the function is not in the DWARF debug info of %s",
			 func, path);
		return NULL;
	}
	st = type_new(a, TY_STRUCT);
	st->name = "args";
	st->fields = arena_alloc(a, sizeof(*st->fields) * (n + 1));
	for (i = 0; i < n; i++) {
		struct type_field *f = &st->fields[st->nfields++];
		int64_t size = type_size(prm[i].type);

		f->name = prm[i].name;
		f->type = prm[i].type;
		f->offset = slot * 8;
		slot += size > 8 ? (size + 7) / 8 : 1;
	}
	st->size = slot * 8;
	return st;
}

static const char *const uprobe_short[] = { "u", NULL };
static const char *const uretprobe_short[] = { "ur", NULL };

const struct provider provider_uprobe = {
	.name = "uprobe",
	.short_names = uprobe_short,
	.expand = uprobe_expand,
	.list = uprobe_list,
	.args = uprobe_args,
	.has_argn = true,
	.has_func = true,
	.user_args = true,
};

const struct provider provider_uretprobe = {
	.name = "uretprobe",
	.short_names = uretprobe_short,
	.expand = uretprobe_expand,
	.list = uretprobe_list,
	.has_retval = true,
	.has_func = true,
	.user_args = true,
};

bool uprobe_elf_is_dyn(const char *path)
{
	GElf_Ehdr eh;
	bool dyn = false;
	Elf *elf;
	int fd;

	if (elffile_open(path, &fd, &elf))
		return false;
	dyn = gelf_getehdr(elf, &eh) && eh.e_type == ET_DYN;
	elffile_close(fd, elf);
	return dyn;
}

int uprobe_find_symbol(struct arena *a, const char *path, const char *name,
		       uint64_t *addr, uint64_t *size)
{
	Elf_Scn *scn = NULL;
	int fd, r = -ENOENT;
	Elf *elf;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && r && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, count;

		if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		data = elf_getdata(scn, NULL);
		count = data ? sh.sh_size / sh.sh_entsize : 0;
		for (i = 0; i < count; i++) {
			GElf_Sym sym;
			const char *n;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			n = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (n && !strcmp(n, name)) {
				*addr = sym.st_value;
				*size = sym.st_size;
				r = 0;
				break;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return r;
}
