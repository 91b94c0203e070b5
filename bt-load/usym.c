/*
 * usym.c - user addresses -> "symbol", offset and module, from the ELF
 * symbol tables (libelf) of the files a process has mapped.
 *
 * A process's mappings (/proc/PID/maps) are read once and kept for a few
 * processes; a miss re-reads them once (the process may have loaded a
 * library since).  Each ELF file's function symbols are read once, sorted
 * by address, and kept for the run.  Files are opened through
 * /proc/PID/root so that processes in other mount namespaces resolve too.
 *
 * With show_debug_info, usym_debug_frames() also reads the file's DWARF
 * (libdw, opened on first use and kept): the source line of an address
 * and the functions inlined at it.
 *
 * Ownership: everything here is malloc'd and lives until usym_free().
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "zip.h"

#define USYM_PROCS 16
#define USYM_FILES 64

struct usym_sym {
	uint64_t addr, size;
	char *name;
	int rank;              /* among aliases the highest wins */
};

/*
 * One address's debug frames (usym_debug_frames), kept per file: with
 * show_debug_info every frame of every stack asks, and the DWARF walk
 * behind the answer is the costly part.  Direct-mapped by address; the
 * strings live in the file's Dwarf.
 */
#define USYM_DBG_SLOTS 512
#define USYM_DBG_FRAMES 16

struct usym_dbg {
	uint64_t vaddr;
	int n;                 /* 0: empty slot; -ENOENT: none */
	struct usym_frame fr[USYM_DBG_FRAMES];
};

struct usym_load {             /* a PT_LOAD segment */
	uint64_t offset, vaddr, filesz;
};

struct usym_file {
	char *path;
	char *open_path;       /* where it was opened from */
	Dwarf *dw;             /* its DWARF, when asked for and present */
	int dw_fd;
	bool dw_tried;
	char build_id[41];     /* hex of NT_GNU_BUILD_ID, "" when none */
	struct usym_sym *syms;
	size_t nsyms;
	struct usym_load loads[16];
	int nloads;
	bool fixed;            /* ET_EXEC: loaded at its own addresses */
	struct usym_dbg *dbg;  /* usym_debug_frames() answers, by address */
};

struct usym_range {
	uint64_t start, end, pgoff;
	char *path;
};

struct usym_proc {
	uint32_t pid;
	struct usym_range *ranges;
	size_t nranges;
};

static struct usym_proc procs[USYM_PROCS];
/* the probed binaries (usym_hint_binary): a process that is gone is
 * symbolized against those loaded at their own addresses */
static char *hints[16];
static unsigned nhints;
static unsigned next_proc;
static struct usym_file files[USYM_FILES];
static unsigned nfiles, next_file;

static int sym_cmp(const void *x, const void *y)
{
	const struct usym_sym *a = x, *b = y;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return strcmp(b->name, a->name);
}

static void file_clear(struct usym_file *f)
{
	size_t i;

	for (i = 0; i < f->nsyms; i++)
		free(f->syms[i].name);
	free(f->syms);
	free(f->path);
	free(f->open_path);
	free(f->dbg);
	if (f->dw)
		dwarf_end(f->dw);
	if (f->dw_tried && f->dw_fd >= 0)
		close(f->dw_fd);
	memset(f, 0, sizeof(*f));
}

static void file_read_syms(struct usym_file *f, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			int type;

			if (!gelf_getsym(data, i, &sym) || !sym.st_value)
				continue;
			type = GELF_ST_TYPE(sym.st_info);
			if (type != STT_FUNC && type != STT_GNU_IFUNC)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (f->nsyms == cap) {
				struct usym_sym *p;

				cap = cap ? cap * 2 : 256;
				p = realloc(f->syms, cap * sizeof(*p));
				if (!p)
					return;
				f->syms = p;
			}
			f->syms[f->nsyms].addr = sym.st_value;
			f->syms[f->nsyms].size = sym.st_size;
			f->syms[f->nsyms].name = strdup(name);
			/* aliases: "nanosleep" before "__nanosleep", then
			 * global before weak before local; the look-up finds
			 * the last of equal addresses */
			f->syms[f->nsyms].rank = (name[0] != '_') * 4 +
				(GELF_ST_BIND(sym.st_info) == STB_GLOBAL ? 2 :
				 GELF_ST_BIND(sym.st_info) == STB_WEAK);
			if (f->syms[f->nsyms].name)
				f->nsyms++;
		}
	}
	qsort(f->syms, f->nsyms, sizeof(*f->syms), sym_cmp);
}

/* the GNU build id note of the file's note sections, as hex */
static void file_read_build_id(struct usym_file *f, Elf *elf)
{
	Elf_Scn *scn = NULL;

	f->build_id[0] = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *d;
		size_t off = 0, name_off, desc_off, i;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
			const unsigned char *desc;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || nh.n_descsz > 20)
				continue;
			desc = (const unsigned char *)d->d_buf + desc_off;
			for (i = 0; i < nh.n_descsz; i++)
				snprintf(f->build_id + 2 * i, 3, "%02x", desc[i]);
			return;
		}
	}
}

static struct usym_file *file_get(uint32_t pid, const char *path)
{
	struct usym_file *f;
	char full[4200];
	void *image = NULL;
	size_t i, nph;
	Elf *elf;
	int fd;

	for (i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return &files[i];
	if (nfiles < USYM_FILES) {
		f = &files[nfiles++];
	} else {
		f = &files[next_file++ % USYM_FILES];
		file_clear(f);
	}
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	elf_version(EV_CURRENT);
	if (zip_is_member(path)) {
		/* a library stored in a ZIP archive (share/zip.h) */
		uint64_t off;
		size_t len;

		f->open_path = strdup(path);
		fd = -1;
		elf = zip_read_member(path, &image, &len, &off) ? NULL :
		      elf_memory(image, len);
	} else {
		snprintf(full, sizeof(full), "/proc/%u/root%s", pid, path);
		fd = pid ? open(full, O_RDONLY | O_CLOEXEC) : -1;
		f->open_path = strdup(fd >= 0 ? full : path);
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return f;   /* known to have no symbols */
		elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	}
	if (elf && elf_kind(elf) == ELF_K_ELF && !elf_getphdrnum(elf, &nph)) {
		GElf_Ehdr eh;

		f->fixed = gelf_getehdr(elf, &eh) && eh.e_type == ET_EXEC;
		for (i = 0; i < nph && f->nloads < 16; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD) {
				f->loads[f->nloads].offset = ph.p_offset;
				f->loads[f->nloads].vaddr = ph.p_vaddr;
				f->loads[f->nloads].filesz = ph.p_filesz;
				f->nloads++;
			}
		}
		file_read_build_id(f, elf);
		file_read_syms(f, elf);
	}
	if (elf)
		elf_end(elf);
	free(image);
	if (fd >= 0)
		close(fd);
	return f;
}

static void proc_clear(struct usym_proc *p)
{
	size_t i;

	for (i = 0; i < p->nranges; i++)
		free(p->ranges[i].path);
	free(p->ranges);
	memset(p, 0, sizeof(*p));
}

static int proc_read(struct usym_proc *p, uint32_t pid)
{
	char path[64], line[4608], file[4096];
	unsigned long long start, end, pgoff;
	size_t cap = 0;
	FILE *f;

	proc_clear(p);
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char perms[8];

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095s", &start, &end,
			   perms, &pgoff, file) != 5 || perms[2] != 'x' ||
		    file[0] != '/')
			continue;
		if (p->nranges == cap) {
			struct usym_range *r;

			cap = cap ? cap * 2 : 32;
			r = realloc(p->ranges, cap * sizeof(*r));
			if (!r)
				break;
			p->ranges = r;
		}
		p->ranges[p->nranges] = (struct usym_range){ start, end, pgoff, strdup(file) };
		if (p->ranges[p->nranges].path)
			p->nranges++;
	}
	fclose(f);
	return 0;
}

static struct usym_range *proc_find(struct usym_proc *p, uint64_t addr)
{
	size_t i;

	for (i = 0; i < p->nranges; i++)
		if (addr >= p->ranges[i].start && addr < p->ranges[i].end)
			return &p->ranges[i];
	return NULL;
}

void usym_hint_binary(const char *path)
{
	unsigned i;

	for (i = 0; i < nhints; i++)
		if (!strcmp(hints[i], path))
			return;
	if (nhints < sizeof(hints) / sizeof(hints[0]) &&
	    (hints[nhints] = strdup(path)))
		nhints++;
}

/* p's ranges when its maps are gone: the fixed-address probed binaries */
static int proc_from_hints(struct usym_proc *p, uint32_t pid)
{
	unsigned i;
	int k;

	proc_clear(p);
	p->pid = pid;
	for (i = 0; i < nhints; i++) {
		struct usym_file *f = file_get(0, hints[i]);
		struct usym_range *r;

		if (!f || !f->fixed)
			continue;
		for (k = 0; k < f->nloads; k++) {
			r = realloc(p->ranges, (p->nranges + 1) * sizeof(*r));
			if (!r)
				return -ENOMEM;
			p->ranges = r;
			r[p->nranges] = (struct usym_range){ f->loads[k].vaddr,
				f->loads[k].vaddr + f->loads[k].filesz,
				f->loads[k].offset, strdup(hints[i]) };
			if (r[p->nranges].path)
				p->nranges++;
		}
	}
	return p->nranges ? 0 : -ENOENT;
}

static struct usym_range *range_of(uint32_t pid, uint64_t addr)
{
	struct usym_proc *p = NULL;
	struct usym_range *r;
	unsigned i;

	for (i = 0; i < USYM_PROCS; i++)
		if (procs[i].pid == pid && procs[i].ranges)
			p = &procs[i];
	if (p && (r = proc_find(p, addr)))
		return r;
	if (!p)
		p = &procs[next_proc++ % USYM_PROCS];
	/* gone, or a zombie whose maps read empty: the probed binaries */
	if ((proc_read(p, pid) || !p->nranges) && proc_from_hints(p, pid))
		return NULL;
	return proc_find(p, addr);
}

int usym_resolve(uint32_t pid, uint64_t addr, const char **name,
		 uint64_t *offset, const char **module)
{
	struct usym_range *r = range_of(pid, addr);
	struct usym_file *f;
	uint64_t off, vaddr = 0;
	size_t lo = 0, hi;
	int i;
	bool mapped = false;

	if (!r || !(f = file_get(pid, r->path)))
		return -ENOENT;
	off = addr - r->start + r->pgoff;
	for (i = 0; i < f->nloads; i++) {
		if (off >= f->loads[i].offset &&
		    off < f->loads[i].offset + f->loads[i].filesz) {
			vaddr = off - f->loads[i].offset + f->loads[i].vaddr;
			mapped = true;
			break;
		}
	}
	if (!mapped)
		return -ENOENT;
	hi = f->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	lo--;
	if (f->syms[lo].size && vaddr >= f->syms[lo].addr + f->syms[lo].size)
		return -ENOENT;
	*name = f->syms[lo].name;
	*offset = vaddr - f->syms[lo].addr;
	*module = r->path;
	return 0;
}

/* a function symbol of the file at path, by name */
/* the file's DWARF, opened on first use; NULL when it has none */
static Dwarf *file_dwarf(struct usym_file *f)
{
	if (!f->dw_tried) {
		f->dw_tried = true;
		f->dw_fd = f->open_path ? open(f->open_path, O_RDONLY | O_CLOEXEC) : -1;
		if (f->dw_fd >= 0)
			f->dw = dwarf_begin(f->dw_fd, DWARF_C_READ);
	}
	return f->dw;
}

/* the ELF address (p_vaddr space) of a process address in file f */
static bool file_vaddr(const struct usym_file *f, const struct usym_range *r,
		       uint64_t addr, uint64_t *vaddr)
{
	uint64_t off = addr - r->start + r->pgoff;
	int i;

	for (i = 0; i < f->nloads; i++) {
		if (off >= f->loads[i].offset &&
		    off < f->loads[i].offset + f->loads[i].filesz) {
			*vaddr = off - f->loads[i].offset + f->loads[i].vaddr;
			return true;
		}
	}
	return false;
}

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute at;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &at));
}

/* the DIEs of functions (inlined or not) whose code holds pc */
struct pc_fn {
	Dwarf_Die die;
	Dwarf_Addr size;        /* of the range holding pc: inner is smaller */
};

static void collect_fns(Dwarf_Die *parent, Dwarf_Addr pc, struct pc_fn *fns,
			int *n, int max, int depth)
{
	Dwarf_Die child;

	if (depth > 64 || dwarf_child(parent, &child))
		return;
	do {
		int tag = dwarf_tag(&child);
		Dwarf_Addr base, lo, hi;
		ptrdiff_t off = 0;

		if ((tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) &&
		    dwarf_haspc(&child, pc) > 0 && *n < max) {
			fns[*n].die = child;
			fns[*n].size = ~(Dwarf_Addr)0;
			while ((off = dwarf_ranges(&child, off, &base, &lo, &hi)) > 0)
				if (pc >= lo && pc < hi && hi - lo < fns[*n].size)
					fns[*n].size = hi - lo;
			(*n)++;
		}
		collect_fns(&child, pc, fns, n, max, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int pc_fn_cmp(const void *x, const void *y)
{
	const struct pc_fn *a = x, *b = y;

	return (a->size > b->size) - (a->size < b->size);
}

/* the frames at vaddr of f (at most max), from its DWARF */
static int file_debug_frames(struct usym_file *f, uint64_t vaddr,
			     struct usym_frame *out, int max)
{
	struct pc_fn fns[32];
	Dwarf_Die cu;
	Dwarf_Files *files = NULL;
	Dwarf_Line *line;
	const char *file = NULL;
	int lineno = 0, n = 0, i, k = 0;
	size_t nfiles = 0;

	if (!file_dwarf(f) || !dwarf_addrdie(f->dw, vaddr, &cu))
		return -ENOENT;
	line = dwarf_getsrc_die(&cu, vaddr);
	if (line) {
		file = dwarf_linesrc(line, NULL, NULL);
		dwarf_lineno(line, &lineno);
	}
	dwarf_getsrcfiles(&cu, &files, &nfiles);
	/*
	 * Compilers nest inlined instances differently (under the caller's
	 * concrete code or under the inlined function's abstract tree), so
	 * every function holding pc is collected and ordered by the size of
	 * its range: the innermost inlined one first, the real function last
	 */
	collect_fns(&cu, vaddr, fns, &n, 32, 0);
	qsort(fns, (size_t)n, sizeof(*fns), pc_fn_cmp);
	for (i = 0; i < n && k < max; i++) {
		int tag = dwarf_tag(&fns[i].die);
		Dwarf_Attribute at;
		Dwarf_Word w;

		out[k].name = die_name(&fns[i].die);
		out[k].file = file;
		out[k].line = lineno;
		out[k].inlined = tag == DW_TAG_inlined_subroutine;
		k++;
		if (tag == DW_TAG_subprogram)
			break;
		/* the caller is at the call site */
		if (!dwarf_formudata(dwarf_attr(&fns[i].die, DW_AT_call_line, &at), &w))
			lineno = (int)w;
		if (files && !dwarf_formudata(dwarf_attr(&fns[i].die, DW_AT_call_file, &at), &w))
			file = dwarf_filesrc(files, w, NULL, NULL);
	}
	if (!k && file) {
		out[0] = (struct usym_frame){ NULL, file, lineno, false };
		k = 1;
	}
	return k ? k : -ENOENT;
}

int usym_debug_frames(uint32_t pid, uint64_t addr, struct usym_frame *out,
		      int max)
{
	struct usym_range *r = range_of(pid, addr);
	struct usym_file *f;
	struct usym_dbg *d;
	uint64_t vaddr;
	int n;

	if (!r || !(f = file_get(pid, r->path)) || !file_vaddr(f, r, addr, &vaddr))
		return -ENOENT;
	if (!f->dbg)
		f->dbg = calloc(USYM_DBG_SLOTS, sizeof(*f->dbg));
	if (!f->dbg)
		return file_debug_frames(f, vaddr, out, max);
	d = &f->dbg[(vaddr ^ (vaddr >> 9)) % USYM_DBG_SLOTS];
	if (!d->n || d->vaddr != vaddr) {
		d->vaddr = vaddr;
		d->n = file_debug_frames(f, vaddr, d->fr, USYM_DBG_FRAMES);
	}
	if (d->n < 0)
		return d->n;
	n = d->n < max ? d->n : max;
	memcpy(out, d->fr, sizeof(*out) * (size_t)n);
	return n;
}

int usym_build_id(uint32_t pid, uint64_t addr, const char **build_id,
		  uint64_t *file_offset)
{
	struct usym_range *r = range_of(pid, addr);
	struct usym_file *f;

	if (!r || !(f = file_get(pid, r->path)) || !f->build_id[0])
		return -ENOENT;
	*build_id = f->build_id;
	*file_offset = addr - r->start + r->pgoff;
	return 0;
}

int usym_file_symbol(const char *path, const char *name, uint64_t *vaddr,
		     uint64_t *size)
{
	struct usym_file *f = file_get(0, path);
	size_t i;

	for (i = 0; f && i < f->nsyms; i++) {
		if (!strcmp(f->syms[i].name, name)) {
			*vaddr = f->syms[i].addr;
			*size = f->syms[i].size;
			return 0;
		}
	}
	return -ENOENT;
}

/* the function symbol of the file at path that holds vaddr */
int usym_file_symbol_at(const char *path, uint64_t vaddr, const char **name,
			uint64_t *start)
{
	struct usym_file *f = file_get(0, path);
	size_t i;

	for (i = 0; f && i < f->nsyms; i++) {
		if (vaddr >= f->syms[i].addr &&
		    vaddr < f->syms[i].addr + f->syms[i].size) {
			*name = f->syms[i].name;
			*start = f->syms[i].addr;
			return 0;
		}
	}
	return -ENOENT;
}

/* a virtual address of the file at path -> its offset in the file */
int usym_file_offset(const char *path, uint64_t vaddr, uint64_t *offset)
{
	struct usym_file *f = file_get(0, path);
	int i;

	for (i = 0; f && i < f->nloads; i++) {
		if (vaddr >= f->loads[i].vaddr &&
		    vaddr < f->loads[i].vaddr + f->loads[i].filesz) {
			*offset = vaddr - f->loads[i].vaddr + f->loads[i].offset;
			return 0;
		}
	}
	return -ENOENT;
}

void usym_free(void)
{
	unsigned i;

	while (nhints)
		free(hints[--nhints]);
	for (i = 0; i < USYM_PROCS; i++)
		proc_clear(&procs[i]);
	for (i = 0; i < nfiles; i++)
		file_clear(&files[i]);
	nfiles = next_file = next_proc = 0;
}
