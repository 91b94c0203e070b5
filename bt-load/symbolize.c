/*
 * symbolize.c - addresses and ids -> names, done by bt-load because the
 * processes and cgroups may be gone by the time bt-fmt prints.
 *
 * Done: kernel symbols (ksym) from /proc/kallsyms, loaded once on first
 * use and searched by binary search; kernel and user stacks read from the
 * stack-trace map the bundle names in "stacks" (one frame per string,
 * "sym+off" in bpftrace mode, "addr sym+off" in perf mode, "addr" in raw
 * mode, "BUILDID 0xFILEOFFSET" for ustack in build_id mode); cgroup ids -> "unified:/path,..." for every mounted hierarchy.
 *
 * A uprobe's `func` names its function by a row of the bundle's "funcs"
 * (the attach point's function), which needs no live process.  Other
 * user symbols come from usym.c.  What cannot be resolved prints as a hex
 * address, as bpftrace does.  Not yet: DWARF (file:line, inlined frames)
 * and C++ demangling.
 */
#include <ftw.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "load.h"

struct ksym {
	uint64_t addr;
	char *name;
};

static struct ksym *ksyms;
static size_t nksyms;
static bool ksyms_loaded;

static int ksym_cmp(const void *x, const void *y)
{
	const struct ksym *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static void ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	ksyms_loaded = true;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (nksyms == cap) {
			struct ksym *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(ksyms, cap * sizeof(*p));
			if (!p)
				break;
			ksyms = p;
		}
		ksyms[nksyms].addr = addr;
		ksyms[nksyms].name = strdup(name);
		if (!ksyms[nksyms].name)
			break;
		nksyms++;
	}
	fclose(f);
	qsort(ksyms, nksyms, sizeof(*ksyms), ksym_cmp);
}

static int stack_fd = -1;
static size_t stack_size;
static int dw_stack_fd = -1;     /* dw_ustack's frames, by u64 id */

void symbolize_set_dw_stackmap(int fd)
{
	dw_stack_fd = fd;
}

void symbolize_set_stackmap(int fd, size_t value_size)
{
	stack_fd = fd;
	stack_size = value_size;
}

/* the symbol at or below addr, or NULL */
static const struct ksym *ksym_find(uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ksyms_loaded)
		ksyms_load();
	hi = nksyms;
	/* the last symbol at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ksyms[lo - 1] : NULL;
}

static const char *ksym_name(struct arena *a, uint64_t addr, bool offset)
{
	const struct ksym *k = ksym_find(addr);

	if (!k)
		return arena_printf(a, "0x%llx", (unsigned long long)addr);
	if (!offset)
		return k->name;
	return arena_printf(a, "%s+%llu", k->name,
			    (unsigned long long)(addr - k->addr));
}

struct val *symbolize_ksym(struct arena *a, uint64_t addr)
{
	return val_str(a, ksym_name(a, addr, false));
}

/* mode: 0 name, 1 name+off, 2 name+off (module) */
static const char *usym_name(struct arena *a, uint64_t addr, uint32_t pid,
			     int mode)
{
	const char *name, *module;
	uint64_t off;

	if (usym_resolve(pid, addr, &name, &off, &module))
		return arena_printf(a, "0x%llx%s", (unsigned long long)addr,
				    mode == 2 ? " ([unknown])" : "");
	if (mode == 0)
		return name;
	if (mode == 1)
		return arena_printf(a, "%s+%llu", name, (unsigned long long)off);
	return arena_printf(a, "%s+%llu (%s)", name, (unsigned long long)off,
			    module);
}

static const struct val *funcs;

void symbolize_set_funcs(const struct val *f)
{
	funcs = f;
}

struct val *symbolize_usym(struct arena *a, uint64_t addr, uint32_t pid,
			   uint32_t row)
{
	const struct val *name = row && funcs && row <= funcs->n ?
				 funcs->items[row - 1] : NULL;

	if (name && name->kind == VAL_STR)
		return val_str(a, name->s);
	return val_str(a, usym_name(a, addr, pid, 0));
}

static uint64_t cgroup_want;
static char *cgroup_found;

static int cgroup_visit(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	if (flag != FTW_D || st->st_ino != cgroup_want)
		return 0;
	cgroup_found = strdup(path);
	return 1;
}

/* the path of cgroup id below the hierarchy mounted at root, or NULL */
static char *cgroup_find(const char *root, uint64_t id)
{
	char *rel;

	cgroup_want = id;
	cgroup_found = NULL;
	nftw(root, cgroup_visit, 16, FTW_PHYS | FTW_MOUNT);
	if (!cgroup_found)
		return NULL;
	rel = strdup(cgroup_found[strlen(root)] ? cgroup_found + strlen(root) : "/");
	free(cgroup_found);
	cgroup_found = NULL;
	return rel;
}

struct cgroup_root {
	char *name, *dir;
};

static int cgroup_root_cmp(const void *x, const void *y)
{
	const struct cgroup_root *a = x, *b = y;

	return strcmp(a->name, b->name);
}

/*
 * bpftrace's form: "NAME:PATH" for every hierarchy the id is found in,
 * joined by ','; cgroup2 ("unified") first, then the v1 hierarchies (named
 * after their mount directory) in name order.
 */
struct val *symbolize_cgroup(struct arena *a, uint64_t id)
{
	FILE *f = fopen("/proc/mounts", "r");
	struct cgroup_root v1[64];
	char dev[256], dir[512], type[64], *out = "", *path;
	int nv1 = 0, i;
	char line[1024];

	if (!f)
		return val_str(a, "");
	/* cgroup2 mounts as they come; v1 mounts are collected and sorted */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %511s %63s", dev, dir, type) != 3)
			continue;
		if (!strcmp(type, "cgroup2")) {
			path = cgroup_find(dir, id);
			if (path)
				out = arena_printf(a, "%s%sunified:%s", out, *out ? "," : "", path);
			free(path);
		} else if (!strcmp(type, "cgroup") && nv1 < 64) {
			const char *base = strrchr(dir, '/');

			v1[nv1].name = strdup(base ? base + 1 : dir);
			v1[nv1].dir = strdup(dir);
			if (v1[nv1].name && v1[nv1].dir)
				nv1++;
		}
	}
	fclose(f);
	qsort(v1, nv1, sizeof(*v1), cgroup_root_cmp);
	for (i = 0; i < nv1; i++) {
		path = cgroup_find(v1[i].dir, id);
		if (path)
			out = arena_printf(a, "%s%s%s:%s", out, *out ? "," : "",
					   v1[i].name, path);
		free(path);
		free(v1[i].name);
		free(v1[i].dir);
	}
	return val_str(a, out);
}

static bool debug_info;

void symbolize_set_debug_info(bool on)
{
	debug_info = on;
}

/*
 * show_debug_info: the frames of one address from DWARF, appended to
 * frames: `[inlined] f@file:line` for each inlined function, then
 * `sym+off@file:line` (perf mode: `addr f (inlined)`, then the usual
 * perf frame).  false when the address has no DWARF.
 */
static bool debug_frames(struct arena *a, struct val *frames, uint64_t addr,
			 uint32_t pid, const char *mode)
{
	struct usym_frame fr[16];
	bool perf = !strcmp(mode, "perf");
	const char *sym;
	int n = usym_debug_frames(pid, addr, fr, 16), i;

	if (n <= 0)
		return false;
	for (i = 0; i < n - 1; i++) {
		if (!fr[i].inlined)
			continue;
		if (perf)
			sym = arena_printf(a, "%llx %s (inlined)",
					   (unsigned long long)addr,
					   fr[i].name ? fr[i].name : "??");
		else
			sym = arena_printf(a, "[inlined] %s@%s:%d",
					   fr[i].name ? fr[i].name : "??",
					   fr[i].file ? fr[i].file : "??",
					   fr[i].line);
		val_push(a, frames, val_str(a, sym));
	}
	sym = usym_name(a, addr, pid, perf ? 2 : 1);
	if (perf)
		sym = arena_printf(a, "%llx %s", (unsigned long long)addr, sym);
	else if (fr[n - 1].file)
		sym = arena_printf(a, "%s@%s:%d", sym, fr[n - 1].file,
				   fr[n - 1].line);
	val_push(a, frames, val_str(a, sym));
	return true;
}

struct val *symbolize_stack(struct arena *a, const struct type *t,
			    const void *p)
{
	bool user = t->kind == TY_USTACK;
	const char *mode = t->mode ? t->mode : "bpftrace";
	struct val *frames;
	uint64_t *addrs;
	int64_t id;
	uint32_t pid = 0, id32, kind = 0;
	size_t i, n;

	memcpy(&id, p, 8);
	if (user) {
		memcpy(&pid, (const char *)p + 8, 4);
		memcpy(&kind, (const char *)p + 12, 4);
	}
	if (kind == DW_STACK_KIND) {
		/* dw_ustack: the frames in bt_dw_stacks, under the u64 id */
		n = DW_STACK_FRAMES;
		if (dw_stack_fd < 0)
			return val_nil(a);
		frames = val_arr(a);
		addrs = arena_alloc(a, n * 8);
		if (id < 0 || bpf_map_lookup_elem(dw_stack_fd, &id, addrs))
			return frames;
	} else {
		if (stack_fd < 0 || !stack_size)
			return val_nil(a);
		frames = val_arr(a);
		if (id < 0)
			return frames;   /* no stack (e.g. -EFAULT: no user stack) */
		id32 = (uint32_t)id;
		addrs = arena_alloc(a, stack_size);
		if (bpf_map_lookup_elem(stack_fd, &id32, addrs))
			return frames;
		n = stack_size / 8;
	}
	if (t->limit > 0 && (size_t)t->limit < n)
		n = t->limit;
	for (i = 0; i < n && addrs[i]; i++) {
		const char *sym;

		if (!strcmp(mode, "raw")) {
			val_push(a, frames, val_str(a, arena_printf(a, "%llx",
						     (unsigned long long)addrs[i])));
			continue;
		}
		if (user && !strcmp(mode, "build_id")) {
			const char *bid;
			uint64_t off;

			sym = usym_build_id(pid, addrs[i], &bid, &off) ?
			      arena_printf(a, "0x%llx", (unsigned long long)addrs[i]) :
			      arena_printf(a, "%s 0x%llx", bid, (unsigned long long)off);
			val_push(a, frames, val_str(a, sym));
			continue;
		}
		if (user && debug_info &&
		    debug_frames(a, frames, addrs[i], pid, mode))
			continue;
		sym = user ? usym_name(a, addrs[i], pid, strcmp(mode, "perf") ? 1 : 2)
			   : ksym_name(a, addrs[i], true);
		if (!strcmp(mode, "perf"))
			sym = arena_printf(a, "%llx %s",
					   (unsigned long long)addrs[i], sym);
		val_push(a, frames, val_str(a, sym));
	}
	return frames;
}

void symbolize_free(void)
{
	size_t i;

	for (i = 0; i < nksyms; i++)
		free(ksyms[i].name);
	free(ksyms);
	ksyms = NULL;
	nksyms = 0;
	ksyms_loaded = false;
	usym_free();
}
