/*
 * symbolize.c - addresses and ids -> names, done by bt-load because the
 * processes and cgroups may be gone by the time bt-fmt prints.
 *
 * Done: kernel symbols (ksym) from /proc/kallsyms, loaded once on first
 * use and searched by binary search; cgroup ids -> paths below the
 * cgroup2 mount.  Not yet: user symbols (usym prints the address in hex,
 * as bpftrace does for an address it cannot resolve) and stacks (the
 * bundle does not name the stack map yet: a stack decodes as nil).  This
 * file is the one place to add them.
 */
#include <ftw.h>
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

struct val *symbolize_ksym(struct arena *a, uint64_t addr)
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
	if (lo == 0)
		return val_str(a, arena_printf(a, "0x%llx", (unsigned long long)addr));
	return val_str(a, ksyms[lo - 1].name);
}

struct val *symbolize_usym(struct arena *a, uint64_t addr, uint32_t pid)
{
	return val_str(a, arena_printf(a, "0x%llx", (unsigned long long)addr));
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

struct val *symbolize_cgroup(struct arena *a, uint64_t id)
{
	static const char root[] = "/sys/fs/cgroup";
	struct val *v;
	const char *rel;

	cgroup_want = id;
	cgroup_found = NULL;
	nftw(root, cgroup_visit, 16, FTW_PHYS | FTW_MOUNT);
	if (!cgroup_found)
		return val_str(a, arena_printf(a, "%llu", (unsigned long long)id));
	rel = cgroup_found + strlen(root);
	v = val_str(a, *rel ? rel : "/");
	free(cgroup_found);
	cgroup_found = NULL;
	return v;
}

struct val *symbolize_stack(struct arena *a, const struct type *t,
			    const void *p)
{
	return val_nil(a);
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
}
