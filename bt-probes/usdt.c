/*
 * usdt.c - the usdt provider: user statically defined tracepoints, found
 * in the `.note.stapsdt` ELF notes of a binary or library (libelf).
 *
 * `usdt:BINARY:NAME` or `usdt:BINARY:PROVIDER:NAME`, wildcards in PROVIDER
 * and NAME; BINARY is resolved as for uprobes.  ATTACH_POINT fields:
 * "target" (path), "usdt_provider", "func" (probe name), "address" (pc),
 * "base" (the .stapsdt.base address the note was linked against),
 * "semaphore" (address or 0), "args" (the note's argument spec, e.g.
 * "-4@%edi 8@%rsi", by which bt-gen reads argN), "location" (0 for the first
 * note of a PROVIDER:NAME in the binary, 1, 2... for its further sites:
 * one probe, attached at every site, counted once).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elffile.h"
#include "provider.h"

struct usdt_note {
	const char *provider, *name, *args;
	uint64_t pc, base, sem;
};

static int usdt_notes(struct arena *a, const char *path, struct usdt_note **out)
{
	struct usdt_note *notes = NULL;
	size_t n = 0, cap = 0;
	Elf_Scn *scn = NULL;
	uint64_t base = 0;
	size_t shstrndx;
	Elf *elf;
	int fd, err;

	if ((err = elffile_open(path, &fd, &elf)))
		return err;
	/* where .stapsdt.base is now: a note linked against another base
	 * (the binary was prelinked) moves by the difference, as libbpf */
	if (!elf_getshdrstrndx(elf, &shstrndx)) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			const char *sn;

			if (gelf_getshdr(scn, &sh) &&
			    (sn = elf_strptr(elf, shstrndx, sh.sh_name)) &&
			    !strcmp(sn, ".stapsdt.base")) {
				base = sh.sh_addr;
				break;
			}
		}
		scn = NULL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off,
						   &desc_off)) > 0) {
			const char *nm = (const char *)data->d_buf + name_off;
			const char *d = (const char *)data->d_buf + desc_off;
			const char *end = d + nh.n_descsz, *p;
			struct usdt_note *u;

			if (nh.n_type != 3 || nh.n_namesz != 8 ||
			    memcmp(nm, "stapsdt", 8) || nh.n_descsz < 24 + 3)
				continue;
			if (n == cap) {
				struct usdt_note *nn;

				cap = cap ? cap * 2 : 32;
				nn = arena_alloc(a, sizeof(*nn) * cap);
				if (n)
					memcpy(nn, notes, sizeof(*nn) * n);
				notes = nn;
			}
			u = &notes[n];
			memcpy(&u->pc, d, 8);
			memcpy(&u->base, d + 8, 8);
			memcpy(&u->sem, d + 16, 8);
			if (base && u->base)
				u->pc += base - u->base;
			p = d + 24;
			u->provider = arena_strndup(a, p, strnlen(p, end - p));
			p += strlen(u->provider) + 1;
			if (p >= end)
				continue;
			u->name = arena_strndup(a, p, strnlen(p, end - p));
			p += strlen(u->name) + 1;
			u->args = p < end ? arena_strndup(a, p, strnlen(p, end - p)) : "";
			n++;
		}
	}
	elffile_close(fd, elf);
	*out = notes;
	return (int)n;
}

static int usdt_expand(struct arena *a, const struct val *parts,
		       struct val *out, struct probe_err *err)
{
	size_t np = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *bin = provider_part(parts, 0);
	const char *prov = np == 3 ? provider_part(parts, 1) : "*";
	const char *name = provider_part(parts, np == 3 ? 2 : 1);
	struct usdt_note *notes;
	const char **paths;
	int nb, b, n, i, matched = 0;

	err->status = 1;
	if (np == 1 && provider_pid) {
		name = "*";   /* usdt:* -p PID: every probe of the process */
	}
	if (prov && !*prov)
		prov = "*";   /* usdt:BIN::NAME */
	if ((np < 1 || np > 3) || (np == 1 && !provider_pid) || !bin ||
	    !name || !prov || (!*bin && !provider_pid)) {
		snprintf(err->msg, sizeof(err->msg),
			 "usdt probe type requires 2 or 3 arguments");
		return -EINVAL;
	}
	nb = provider_binaries(a, bin, &paths);
	if (nb <= 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "could not find the binary '%s'", bin);
		return -ENOENT;
	}
	for (b = 0; b < nb; b++) {
		const char *path = paths[b], *shown = paths[b];
		char real[PATH_MAX];

		if (strncmp(path, "/proc/", 6) && realpath(path, real))
			path = arena_strdup(a, real);
		n = usdt_notes(a, path, &notes);
		if (n < 0 && nb == 1) {
			snprintf(err->msg, sizeof(err->msg),
				 "could not read the USDT notes of '%s': %s",
				 path, strerror(-n));
			return n;
		}
		for (i = 0; i < n; i++) {
			struct val *ap;
			int j, loc = 0;

			if (fnmatch(prov, notes[i].provider, 0) ||
			    fnmatch(name, notes[i].name, 0))
				continue;
			/* the same probe at several sites (inlined, or written
			 * twice): one probe of several locations */
			for (j = 0; j < i; j++)
				loc += !strcmp(notes[j].provider,
					       notes[i].provider) &&
				       !strcmp(notes[j].name, notes[i].name);
			/* the name keeps the path as written */
			ap = provider_ap_new(a, &provider_usdt,
					     arena_printf(a, "usdt:%s:%s:%s", shown,
							  notes[i].provider,
							  notes[i].name));
			val_set_str(a, ap, "target", path);
			val_set_str(a, ap, "usdt_provider", notes[i].provider);
			val_set_str(a, ap, "func", notes[i].name);
			val_set(a, ap, "address", val_uint(a, notes[i].pc));
			val_set(a, ap, "base", val_uint(a, notes[i].base));
			val_set(a, ap, "semaphore", val_uint(a, notes[i].sem));
			val_set_str(a, ap, "args", notes[i].args);
			val_set(a, ap, "location", val_int(a, loc));
			val_push(a, out, ap);
			matched++;
		}
	}
	if (!matched)
		snprintf(err->msg, sizeof(err->msg),
			 "usdt probe '%s:%s' not found in %s", prov, name,
			 nb == 1 ? paths[0] : bin);
	return matched;
}

/*
 * `usdt:BINARY[:PROVIDER[:NAME]]` lists the notes of BINARY (as written);
 * with -p, `usdt:*` and wildcard binaries mean the process's binaries
 */
static int usdt_list(struct arena *a, const char *pattern, bool verbose,
		     FILE *out)
{
	const char *rest = provider_pattern_rest(&provider_usdt, pattern);
	const char *bin, *colon, **paths;
	struct usdt_note *notes;
	int nb, b, n, i, printed = 0;

	if (!rest)
		return 0;
	colon = strchr(rest, ':');
	bin = colon ? arena_strndup(a, rest, colon - rest) : rest;
	if (provider_has_wildcard(bin) && !strchr(bin, '/') && !provider_pid)
		return 0;
	nb = provider_binaries(a, bin, &paths);
	for (b = 0; b < nb; b++) {
		n = usdt_notes(a, paths[b], &notes);
		for (i = 0; i < n; i++) {
			const char *name = arena_printf(a, "usdt:%s:%s:%s",
							paths[b],
							notes[i].provider,
							notes[i].name);
			const char *rel = arena_printf(a, "%s:%s",
						       notes[i].provider,
						       notes[i].name);

			if (colon && fnmatch(colon + 1, rel, 0))
				continue;
			fprintf(out, "%s\n", name);
			printed++;
		}
	}
	return printed;
}

static const char *const usdt_short[] = { "U", NULL };

const struct provider provider_usdt = {
	.name = "usdt",
	.short_names = usdt_short,
	.expand = usdt_expand,
	.list = usdt_list,
	.has_argn = true,
	.user_args = true,
};
