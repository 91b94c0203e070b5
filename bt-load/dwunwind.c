/*
 * dwunwind.c - the unwind tables of dw_ustack (share/dwunwind.h): built
 * from the .eh_frame CFI (libdw) of every executable mapping of the
 * target processes (-p, -c, --dwarf-pid), sized into the object before it
 * loads and written into its maps after.
 *
 * A file's rows: every executable PT_LOAD segment is walked from its
 * start; dwarf_cfi_addrframe() gives the rules at an address and the
 * range they hold for, which becomes one row (merged with the previous
 * one when the rules are alike); addresses without CFI get a DW_CFA_NONE
 * row, so a pc between functions stops the walk instead of borrowing the
 * rules of the function before it.  Such a gap is crossed to the next
 * FDE's start by .eh_frame_hdr's sorted table (byte by byte without it).  Rules bt cannot follow in the kernel
 * (a CFA computed by an expression other than the PLT's, a return
 * address not at CFA - 8) are DW_CFA_NONE too.
 *
 * Files are identified by device and inode, so a library mapped by
 * several targets has its rows once; they are opened through
 * /proc/PID/map_files (deleted files and other mount namespaces work),
 * else /proc/PID/root/PATH.
 *
 * Ownership: struct dw_tables owns its arrays (malloc); dwunwind_free().
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "load.h"

static const struct diag_loc NOWHERE;   /* messages about no script line */

static int rows_push(struct dw_tables *t, const struct dw_row *r)
{
	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 1024;
		struct dw_row *p;

		if (cap > DW_MAX_ROWS * 4u)
			return -E2BIG;
		p = realloc(t->rows, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		t->rows = p;
		t->caprows = cap;
	}
	t->rows[t->nrows++] = *r;
	return 0;
}

/* the same rules (pc aside) */
static bool row_same(const struct dw_row *a, const struct dw_row *b)
{
	return a->cfa_kind == b->cfa_kind && a->cfa_off == b->cfa_off &&
	       a->rbp_kind == b->rbp_kind && a->rbp_off == b->rbp_off &&
	       a->plt_threshold == b->plt_threshold;
}

/* a row at r->pc, unless the rows of this file (from first) already say
 * the same from an earlier pc */
static int rows_add(struct dw_tables *t, size_t first, struct dw_row *r)
{
	if (t->nrows > first) {
		struct dw_row *last = &t->rows[t->nrows - 1];

		if (row_same(last, r))
			return 0;
		if (last->pc == r->pc) {        /* an empty range: replaced */
			*last = *r;
			return 0;
		}
	}
	return rows_push(t, r);
}

/* DW_OP_breg<reg> N or DW_OP_bregx reg N */
static bool op_breg(const Dwarf_Op *op, unsigned reg, int64_t *off)
{
	if (op->atom == DW_OP_breg0 + reg) {
		*off = (int64_t)op->number;
		return true;
	}
	if (op->atom == DW_OP_bregx && op->number == reg) {
		*off = (int64_t)op->number2;
		return true;
	}
	return false;
}

/*
 * The CFA expression of x86_64 PLT entries (16 bytes each, the pushed
 * index making the stack 8 deeper from byte N on):
 *   breg7 8; breg16 0; lit15; and; litN; ge; lit3; shl; plus
 */
static bool cfa_is_plt(const Dwarf_Op *ops, size_t n, uint8_t *threshold)
{
	int64_t off;

	if (n != 9 || !op_breg(&ops[0], 7, &off) || off != 8 ||
	    !op_breg(&ops[1], 16, &off) || off != 0 ||
	    ops[2].atom != DW_OP_lit15 || ops[3].atom != DW_OP_and ||
	    ops[4].atom < DW_OP_lit0 || ops[4].atom > DW_OP_lit15 ||
	    ops[5].atom != DW_OP_ge || ops[6].atom != DW_OP_lit3 ||
	    ops[7].atom != DW_OP_shl || ops[8].atom != DW_OP_plus)
		return false;
	*threshold = (uint8_t)(ops[4].atom - DW_OP_lit0);
	return true;
}

/* "at CFA + off": DW_OP_call_frame_cfa, then DW_OP_plus_uconst off (libdw's
 * form of an offset(N) rule; a plain call_frame_cfa is offset 0) */
static bool reg_at_cfa(const Dwarf_Op *ops, size_t n, int64_t *off)
{
	if (n < 1 || n > 2 || ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	if (n == 1) {
		*off = 0;
		return true;
	}
	if (ops[1].atom != DW_OP_plus_uconst)
		return false;
	*off = (int64_t)ops[1].number;
	return true;
}

static bool fits32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* the rules of frame f as a row (pc left to the caller) */
void dwunwind_classify(Dwarf_Frame *f, struct dw_row *r)
{
	Dwarf_Op mem[3], *ops;
	size_t n;
	int64_t off;

	memset(r, 0, sizeof(*r));
	/* the return address: undefined ends the stack, else CFA - 8 */
	if (dwarf_frame_register(f, 16, mem, &ops, &n))
		return;
	if (n == 0 && ops == mem) {
		r->cfa_kind = DW_CFA_OUTERMOST;
		return;
	}
	if (!reg_at_cfa(ops, n, &off) || off != -8)
		return;
	if (dwarf_frame_cfa(f, &ops, &n) || n == 0)
		return;
	if (n == 1 && op_breg(&ops[0], 7, &off) && fits32(off)) {
		r->cfa_kind = DW_CFA_RSP;
		r->cfa_off = (int32_t)off;
	} else if (n == 1 && op_breg(&ops[0], 6, &off) && fits32(off)) {
		r->cfa_kind = DW_CFA_RBP;
		r->cfa_off = (int32_t)off;
	} else if (cfa_is_plt(ops, n, &r->plt_threshold)) {
		r->cfa_kind = DW_CFA_PLT;
	} else {
		return;
	}
	if (dwarf_frame_register(f, 6, mem, &ops, &n)) {
		r->rbp_kind = DW_RBP_LOST;
	} else if (n == 0) {
		r->rbp_kind = ops ? DW_RBP_LOST : DW_RBP_SAME;
	} else if (reg_at_cfa(ops, n, &off) && fits32(off)) {
		r->rbp_kind = DW_RBP_SAVED;
		r->rbp_off = (int32_t)off;
	} else {
		r->rbp_kind = DW_RBP_LOST;
	}
}

/*
 * The FDEs' start addresses, sorted, from .eh_frame_hdr's search table
 * (its usual encodings: a pc-relative sdata4 eh_frame pointer, a udata4
 * count, datarel sdata4 entries); none when absent or encoded otherwise.
 */
struct fde_starts {
	const unsigned char *tab;   /* count pairs of int32 */
	size_t count;
	uint64_t base;              /* .eh_frame_hdr's address */
};

static void fde_starts_read(Elf *elf, struct fde_starts *fs)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	memset(fs, 0, sizeof(*fs));
	if (elf_getshdrstrndx(elf, &shstrndx))
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;
		const unsigned char *p;
		uint32_t count;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".eh_frame_hdr") || sh.sh_type == SHT_NOBITS ||
		    !(d = elf_getdata(scn, NULL)) || d->d_size < 12)
			continue;
		p = d->d_buf;
		if (p[0] != 1 || p[1] != 0x1b || p[2] != 0x03 || p[3] != 0x3b)
			return;
		memcpy(&count, p + 8, 4);
		if ((size_t)count > (d->d_size - 12) / 8)
			return;
		fs->tab = p + 12;
		fs->count = count;
		fs->base = sh.sh_addr;
		return;
	}
}

static uint64_t fde_start_at(const struct fde_starts *fs, size_t i)
{
	int32_t rel;

	memcpy(&rel, fs->tab + 8 * i, 4);
	return fs->base + (uint64_t)(int64_t)rel;
}

/* the first FDE start above a, else hi (a + 1 without the table) */
static uint64_t fde_next(const struct fde_starts *fs, uint64_t a,
			 uint64_t hi)
{
	size_t l = 0, h = fs->count;

	if (!fs->tab)
		return a + 1;
	while (l < h) {
		size_t mid = l + (h - l) / 2;

		if (fde_start_at(fs, mid) <= a)
			l = mid + 1;
		else
			h = mid;
	}
	return l < fs->count && fde_start_at(fs, l) < hi ?
	       fde_start_at(fs, l) : hi;
}

/* rows for file addresses [lo, hi) */
static int rows_segment(struct dw_tables *t, size_t first, Dwarf_CFI *cfi,
			const struct fde_starts *fs, uint64_t lo, uint64_t hi)
{
	struct dw_row r, none = { 0 };
	uint64_t a = lo;
	int err;

	while (a < hi) {
		Dwarf_Frame *f;
		Dwarf_Addr s, e;
		bool sig;

		if (dwarf_cfi_addrframe(cfi, a, &f)) {
			none.pc = a;
			if ((err = rows_add(t, first, &none)))
				return err;
			a = fde_next(fs, a, hi);
			continue;
		}
		if (dwarf_frame_info(f, &s, &e, &sig) < 0 || e <= a)
			e = a + 1;
		dwunwind_classify(f, &r);
		free(f);
		r.pc = a;
		if ((err = rows_add(t, first, &r)))
			return err;
		a = e;
	}
	none.pc = hi;
	return rows_add(t, first, &none);
}

int dwunwind_add_elf(struct dw_tables *t, Elf *elf, uint32_t *lo,
		     uint32_t *hi)
{
	size_t first = t->nrows, nph, i;
	struct fde_starts fs;
	Dwarf_CFI *cfi;
	int err = 0;

	*lo = *hi = (uint32_t)first;
	if (elf_getphdrnum(elf, &nph))
		return -EINVAL;
	cfi = dwarf_getcfi_elf(elf);
	if (!cfi)
		return 0;               /* no .eh_frame: no rows */
	fde_starts_read(elf, &fs);
	for (i = 0; i < nph && !err; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X))
			continue;
		err = rows_segment(t, first, cfi, &fs, ph.p_vaddr,
				   ph.p_vaddr + ph.p_memsz);
	}
	dwarf_cfi_end(cfi);
	if (err)
		return err;
	if (t->nrows > DW_MAX_ROWS)
		return -E2BIG;
	*hi = (uint32_t)t->nrows;
	return 0;
}

/* a mapping's bias: pgoff's segment places file offsets at addresses */
static bool elf_bias(Elf *elf, uint64_t start, uint64_t pgoff,
		     uint64_t *bias)
{
	size_t nph, i;

	if (elf_getphdrnum(elf, &nph))
		return false;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;
		uint64_t aligned;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    !(ph.p_flags & PF_X))
			continue;
		aligned = ph.p_offset & ~(uint64_t)0xfff;
		if (pgoff < aligned || pgoff >= ph.p_offset + ph.p_filesz)
			continue;
		*bias = start - pgoff + ph.p_offset - ph.p_vaddr;
		return true;
	}
	return false;
}

static struct dw_file *file_find(struct dw_tables *t, uint64_t dev,
				 uint64_t ino)
{
	size_t i;

	for (i = 0; i < t->nfiles; i++)
		if (t->files[i].dev == dev && t->files[i].ino == ino)
			return &t->files[i];
	return NULL;
}

/* one executable mapping of pid: its file's rows (built on first use) */
static int mapping_add(struct dw_tables *t, struct dw_proc *p, int pid,
		       uint64_t start, uint64_t end, uint64_t pgoff,
		       uint64_t dev, uint64_t ino, const char *path)
{
	struct dw_file *f = file_find(t, dev, ino);
	char full[4200];
	uint64_t bias;
	Elf *elf;
	int fd, err = 0;
	bool ok;

	snprintf(full, sizeof(full), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64,
		 pid, start, end);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(full, sizeof(full), "/proc/%d/root%s", pid, path);
		fd = open(full, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return 0;               /* gone or unreadable: not unwound */
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		if (elf)
			elf_end(elf);
		close(fd);
		return 0;
	}
	if (!f) {
		struct dw_file *nf = realloc(t->files, (t->nfiles + 1) *
					     sizeof(*nf));

		if (!nf) {
			err = -ENOMEM;
			goto out;
		}
		t->files = nf;
		f = &t->files[t->nfiles++];
		f->dev = dev;
		f->ino = ino;
		if ((err = dwunwind_add_elf(t, elf, &f->lo, &f->hi)))
			goto out;
	}
	ok = elf_bias(elf, start, pgoff, &bias);
	if (ok && f->hi > f->lo) {
		if (p->n == DW_MAX_MAPPINGS) {
			diag_warn(NOWHERE, "dw_ustack: process %d has more than %d executable mappings; frames in '%s' and later ones are not unwound",
				  pid, DW_MAX_MAPPINGS, path);
			goto out;
		}
		p->m[p->n].start = start;
		p->m[p->n].end = end;
		p->m[p->n].bias = bias;
		p->m[p->n].lo = f->lo;
		p->m[p->n].hi = f->hi;
		p->n++;
	}
out:
	elf_end(elf);
	close(fd);
	return err;
}

int dwunwind_add_pid(struct dw_tables *t, int pid)
{
	struct dw_pid *np, *e;
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *fp;
	int err = 0;

	elf_version(EV_CURRENT);
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	np = realloc(t->pids, (t->npids + 1) * sizeof(*np));
	if (!np) {
		fclose(fp);
		return -ENOMEM;
	}
	t->pids = np;
	e = &t->pids[t->npids++];
	memset(e, 0, sizeof(*e));
	e->pid = (uint32_t)pid;
	while (!err && getline(&line, &cap, fp) > 0) {
		uint64_t start, end, pgoff, ino;
		unsigned maj, min;
		char perms[8];
		int name = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
			   &start, &end, perms, &pgoff, &maj, &min, &ino,
			   &name) < 7 || !name || perms[2] != 'x' ||
		    line[name] != '/')
			continue;
		line[strcspn(line, "\n")] = 0;
		err = mapping_add(t, &e->proc, pid, start, end, pgoff,
				  (uint64_t)maj << 32 | min, ino, line + name);
	}
	free(line);
	fclose(fp);
	return err;
}

void dwunwind_free(struct dw_tables *t)
{
	free(t->rows);
	free(t->files);
	free(t->pids);
	memset(t, 0, sizeof(*t));
}

/* the row holding file address a in rows lo..hi-1, or NULL */
const struct dw_row *dwunwind_find(const struct dw_tables *t, uint32_t lo,
				   uint32_t hi, uint64_t a)
{
	uint32_t l = lo, h = hi;

	while (l < h) {
		uint32_t mid = l + (h - l) / 2;

		if (t->rows[mid].pc <= a)
			l = mid + 1;
		else
			h = mid;
	}
	return l > lo ? &t->rows[l - 1] : NULL;
}

/* ------------------------------------------------------------ the run */

static struct dw_tables tables;

static struct bpf_map *map_named(struct load *l, const char *key)
{
	const char *name = val_get_str(val_get(l->bundle, "dwunwind"), key);
	struct bpf_map *m = name ?
		bpf_object__find_map_by_name(l->obj, name) : NULL;

	if (!m)
		fprintf(stderr, "bt-load: malformed bundle: no dw_ustack map '%s' in the ELF object\n",
			name ? name : key);
	return m;
}

int dwunwind_prepare(struct load *l)
{
	struct bpf_map *rows, *pids;
	int i, err;

	if (!val_get(l->bundle, "dwunwind"))
		return 0;
	if (!(rows = map_named(l, "rows")) || !(pids = map_named(l, "pids")))
		return -EBADMSG;
	if (l->pid > 0)
		l->dwarf_pids[l->ndwarf_pids++] = l->pid;
	if (l->child_pid > 0)
		l->dwarf_pids[l->ndwarf_pids++] = l->child_pid;
	if (!l->ndwarf_pids && l->dry_run && l->cmd)
		return 0;               /* the command is not run: no tables */
	if (!l->ndwarf_pids) {
		diag_error(NOWHERE, "dw_ustack requires a target process. Use -p, -c, or --dwarf-pid to specify one.");
		return -ESRCH;
	}
	for (i = 0; i < l->ndwarf_pids; i++) {
		int pid = l->dwarf_pids[i];

		if ((err = dwunwind_add_pid(&tables, pid))) {
			diag_error(NOWHERE, "cannot read the unwind tables of process %d: %s",
				   pid, strerror(-err));
			diag_hint("dw_ustack reads /proc/%d/maps and the files mapped there", pid);
			return err == -ENOENT ? -ESRCH : err;
		}
	}
	if ((err = bpf_map__set_max_entries(rows, tables.nrows ?
					    (uint32_t)tables.nrows : 1)) ||
	    (err = bpf_map__set_max_entries(pids, (uint32_t)tables.npids)))
		return err;
	return 0;
}

/* the rows, in batches of keys 0, 1, ... (one element at a time where
 * the kernel has no batch updates) */
static int rows_write(int fd)
{
	enum { BATCH = 1 << 16 };
	uint32_t *keys, i, n;

	keys = malloc(BATCH * sizeof(*keys));
	if (!keys) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < tables.nrows; i += n) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		uint32_t k, done;

		n = tables.nrows - i < BATCH ? (uint32_t)(tables.nrows - i) : BATCH;
		for (k = 0; k < n; k++)
			keys[k] = i + k;
		done = n;       /* the call sets it to what it wrote */
		if (!bpf_map_update_batch(fd, keys, &tables.rows[i], &done, &opts))
			continue;
		if (errno != EINVAL && errno != ENOTSUP && errno != EOPNOTSUPP) {
			free(keys);
			return -1;
		}
		for (k = 0; k < n; k++)
			if (bpf_map_update_elem(fd, &keys[k], &tables.rows[i + k],
						BPF_ANY)) {
				free(keys);
				return -1;
			}
	}
	free(keys);
	return 0;
}

int dwunwind_fill(struct load *l)
{
	struct bpf_map *rows, *pids;
	uint32_t i;
	int fd, err;

	if (!val_get(l->bundle, "dwunwind"))
		return 0;
	if (!(rows = map_named(l, "rows")) || !(pids = map_named(l, "pids")))
		return -EBADMSG;
	fd = bpf_map__fd(rows);
	if (rows_write(fd) < 0)
		goto fail;
	fd = bpf_map__fd(pids);
	for (i = 0; i < tables.npids; i++)
		if (bpf_map_update_elem(fd, &tables.pids[i].pid,
					&tables.pids[i].proc, BPF_ANY))
			goto fail;
	dwunwind_free(&tables);
	return 0;
fail:
	err = -errno;
	diag_error(NOWHERE, "cannot write the dw_ustack unwind tables: %s",
		   strerror(-err));
	dwunwind_free(&tables);
	return err;
}
