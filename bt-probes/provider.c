/*
 * provider.c - the table of probe providers and the lookup by name.
 *
 * Adding a provider:
 *   1. write bt-probes/<name>.c defining `const struct provider
 *      provider_<name>` (expand, list, args, flags; see provider.h);
 *   2. declare it in provider.h and add a row to provider_table below
 *      (the order is the order of `bt-probes -l`);
 *   3. document its ATTACH_POINT fields in share/WIRE.md if it adds any;
 *   4. teach bt-load to attach it and bt-gen its program section;
 *   5. add a bats case to tests/cli/bt-probes.bats and a unit test to
 *      tests/unit/test_probes.c.
 */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "provider.h"
#include "zip.h"

bool provider_unsafe;

const struct provider *const provider_table[] = {
	&provider_begin,
	&provider_end,
	&provider_kprobe,
	&provider_kretprobe,
	&provider_tracepoint,
	&provider_rawtracepoint,
	&provider_fentry,
	&provider_fexit,
	&provider_software,
	&provider_hardware,
	&provider_interval,
	&provider_profile,
	&provider_uprobe,
	&provider_uretprobe,
	&provider_usdt,
	&provider_iter,
	&provider_self,
	&provider_watchpoint,
	&provider_bench,
	&provider_test,
	NULL,
};

const struct provider *provider_find(const char *name)
{
	const struct provider *const *p;
	const char *const *s;

	if (!name)
		return NULL;
	for (p = provider_table; *p; p++) {
		if (!strcasecmp((*p)->name, name))
			return *p;
		for (s = (*p)->short_names; s && *s; s++)
			if (!strcmp(*s, name))
				return *p;
	}
	return NULL;
}

const char *const *provider_all_names(void)
{
	static const char *names[64];
	const struct provider *const *p;
	const char *const *s;
	size_t n = 0;

	if (names[0])
		return names;
	for (p = provider_table; *p; p++) {
		names[n++] = (*p)->name;
		for (s = (*p)->short_names; s && *s && n < 62; s++)
			names[n++] = *s;
	}
	names[n] = NULL;
	return names;
}

bool provider_has_wildcard(const char *s)
{
	return s && (strchr(s, '*') || strchr(s, '?') || strchr(s, '['));
}

struct val *provider_ap_new(struct arena *a, const struct provider *p,
			    const char *name)
{
	struct val *ap = val_map(a);

	val_set_str(a, ap, "provider", p->name);
	val_set_str(a, ap, "name", name);
	return ap;
}

const char *provider_part(const struct val *parts, size_t i)
{
	const struct val *v = val_at(parts, i);

	return v && v->kind == VAL_STR ? v->s : NULL;
}

int provider_pid;

/* the file-backed executable mappings of provider_pid, each path once */
static int provider_pid_maps(struct arena *a, const char ***out)
{
	char path[64], line[4096 + 128];
	const char **v = NULL;
	size_t n = 0, cap = 0, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", provider_pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char perms[8], *file;
		bool dup = false;

		if (sscanf(line, "%*s %7s", perms) != 1 || perms[2] != 'x')
			continue;
		file = strchr(line, '/');
		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		if (strstr(file, " (deleted)"))
			continue;
		for (i = 0; i < n && !dup; i++)
			dup = !strcmp(v[i], file);
		if (dup)
			continue;
		if (n == cap) {
			const char **nv;

			cap = cap ? cap * 2 : 16;
			nv = arena_alloc(a, sizeof(*nv) * cap);
			if (n)
				memcpy(nv, v, sizeof(*nv) * n);
			v = nv;
		}
		v[n++] = arena_strdup(a, file);
	}
	fclose(f);
	*out = v;
	return (int)n;
}

/* a file, or the archive of "ARCHIVE!/MEMBER" (a library in a ZIP) */
static bool provider_path_exists(const char *path)
{
	char archive[PATH_MAX];
	const char *member;

	if (zip_path_split(path, archive, sizeof(archive), &member) > 0)
		return access(archive, F_OK) == 0;
	return access(path, F_OK) == 0;
}

/* a path as the traced process sees it, reachable from here */
static const char *provider_in_pid_root(struct arena *a, const char *p)
{
	if (!provider_pid || access(p, F_OK) == 0)
		return p;
	return arena_printf(a, "/proc/%d/root%s", provider_pid, p);
}

int provider_binaries(struct arena *a, const char *bin, const char ***out)
{
	const char **v;
	glob_t g;
	size_t i;
	int n, m = 0;

	if (provider_pid && (!*bin || provider_has_wildcard(bin))) {
		const char **maps = NULL;

		if (!*bin) {
			char exe[64], real[PATH_MAX];
			ssize_t len;

			snprintf(exe, sizeof(exe), "/proc/%d/exe", provider_pid);
			len = readlink(exe, real, sizeof(real) - 1);
			if (len < 0)
				return -errno;
			real[len] = '\0';
			v = arena_alloc(a, sizeof(*v));
			v[0] = provider_in_pid_root(a, arena_strdup(a, real));
			*out = v;
			return 1;
		}
		n = provider_pid_maps(a, &maps);
		if (n < 0)
			return n;
		v = arena_alloc(a, sizeof(*v) * (n + 1));
		for (i = 0; i < (size_t)n; i++)
			if (!fnmatch(bin, maps[i], 0))
				v[m++] = provider_in_pid_root(a, maps[i]);
		*out = v;
		return m;
	}
	if (!provider_has_wildcard(bin)) {
		/* a path is shown as written, a name as found */
		const char *p = strchr(bin, '/') && access(bin, F_OK) == 0 ?
				bin : uprobe_resolve_binary(a, bin);

		if (!p && provider_pid && bin[0] == '/')
			p = arena_printf(a, "/proc/%d/root%s", provider_pid, bin);
		if (!p || !provider_path_exists(p))
			return 0;
		v = arena_alloc(a, sizeof(*v));
		v[0] = p;
		*out = v;
		return 1;
	}
	if (glob(bin, 0, NULL, &g))
		return 0;
	v = arena_alloc(a, sizeof(*v) * (g.gl_pathc + 1));
	for (i = 0; i < g.gl_pathc; i++) {
		struct stat st;

		if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
			v[m++] = arena_strdup(a, g.gl_pathv[i]);
	}
	globfree(&g);
	*out = v;
	return m;
}

const char *provider_pattern_rest(const struct provider *p,
				  const char *pattern)
{
	const char *colon;
	char prov[64];

	if (!pattern)
		return "*";
	colon = strchr(pattern, ':');
	if (!colon || (size_t)(colon - pattern) >= sizeof(prov))
		return NULL;
	memcpy(prov, pattern, colon - pattern);
	prov[colon - pattern] = '\0';
	if (fnmatch(prov, p->name, 0))
		return NULL;
	return colon + 1;
}

bool provider_parse_count(const char *s, int64_t *out)
{
	char *end;
	long long v, e;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (*end == 'e' && end[1] >= '0' && end[1] <= '9') {
		/* MeN = M * 10^N */
		e = strtoll(end + 1, &end, 10);
		while (e-- > 0 && v <= INT64_MAX / 10)
			v *= 10;
		if (e >= 0)
			return false;
	}
	if (*end || errno || v <= 0)
		return false;
	*out = v;
	return true;
}
