/*
 * multi.c - multi-attach links: the attach points of a probe with many of
 * them (a wildcard) go to the kernel in one link per binary, as upstream
 * bpftrace does, instead of one perf-event link each:
 *
 *   uprobe, uretprobe, usdt   one uprobe_multi link (6.6+) per binary, pid
 *                             and entry/return; usdt semaphores through
 *                             its ref_ctr_offsets
 *   kprobe, kretprobe         one kprobe_multi link (5.18+) per
 *                             entry/return (libbpf's attach_kprobe_multi)
 *
 * Each attach point keeps its BPF cookie (its index in the probe, when
 * the bundle says "cookie"), so `probe` still names the one that fired.
 *
 * A program that goes through a multi link must be loaded for it (its
 * expected attach type), and such a program cannot take a single link:
 * so the choice is made once, before loading (multi_plan), for a whole
 * probe: multi when every attach point of it can go multi, the kernel
 * makes the link (asked once, share/multilink.h) and --no-feature does
 * not forbid it.  Everything else attaches one link per attach point
 * (attach.c).
 *
 * When the kernel refuses a link of many attach points for a reason that
 * may belong to one of them, each is tried alone (still a multi link, of
 * one): the failure then names the attach point, and with config
 * missing_probes=warn the others stay attached.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "load.h"
#include "multilink.h"

static bool multi_is(const char *prov, const char *a, const char *b,
		     const char *c)
{
	return !strcmp(prov, a) || !strcmp(prov, b) || (c && !strcmp(prov, c));
}

enum load_multi multi_kind(const struct val *attach)
{
	enum load_multi kind = MULTI_NONE, k;
	size_t i, n = 0;

	for (i = 0; attach && i < attach->n; i++) {
		const struct val *ap = attach->items[i];
		const char *prov = val_get_str(ap, "provider");

		if (attach_is_special(ap))
			continue;
		if (!prov)
			return MULTI_NONE;
		if (multi_is(prov, "uprobe", "uretprobe", "usdt"))
			k = MULTI_UPROBE;
		/* kprobe_multi takes function names, not "func+offset" */
		else if (multi_is(prov, "kprobe", "kretprobe", NULL) &&
			 val_get_str(ap, "func") && !val_get_int(ap, "offset", 0))
			k = MULTI_KPROBE;
		else
			return MULTI_NONE;
		if (kind != MULTI_NONE && k != kind)
			return MULTI_NONE;
		kind = k;
		n++;
	}
	return n >= 2 ? kind : MULTI_NONE;
}

static bool multi_ret(const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");

	return prov && (!strcmp(prov, "uretprobe") || !strcmp(prov, "kretprobe"));
}

static int multi_pid(const struct val *ap, int default_pid)
{
	int pid = val_get_int(ap, "pid", default_pid);

	return pid > 0 ? pid : -1;
}

static bool multi_same(const struct multi_group *g, const struct val *ap,
		       enum load_multi kind, int default_pid)
{
	const char *path = val_get_str(ap, "target");

	if (g->retprobe != multi_ret(ap))
		return false;
	if (kind != MULTI_UPROBE)
		return true;
	return g->pid == multi_pid(ap, default_pid) &&
	       !strcmp(g->path, path ? path : "");
}

int multi_group(struct arena *a, const struct val *attach,
		enum load_multi kind, int default_pid,
		struct multi_group **groups)
{
	struct multi_group *g;
	int *of, ng = 0, i, k, n = attach ? (int)attach->n : 0;

	*groups = NULL;
	if (!n)
		return 0;
	g = arena_alloc(a, sizeof(*g) * n);     /* zeroed */
	of = arena_alloc(a, sizeof(*of) * n);
	/* which group each attach point joins, and how many each gets */
	for (i = 0; i < n; i++) {
		const struct val *ap = attach->items[i];
		const char *path = val_get_str(ap, "target");

		of[i] = -1;
		if (attach_is_special(ap))
			continue;
		for (k = 0; k < ng && !multi_same(&g[k], ap, kind, default_pid); k++)
			;
		if (k == ng) {
			g[k].path = kind == MULTI_UPROBE ? (path ? path : "") : NULL;
			g[k].pid = kind == MULTI_UPROBE ? multi_pid(ap, default_pid) : -1;
			g[k].retprobe = multi_ret(ap);
			ng++;
		}
		of[i] = k;
		g[k].n++;
	}
	for (k = 0; k < ng; k++) {
		g[k].ap = arena_alloc(a, sizeof(int) * g[k].n);
		g[k].cookies = arena_alloc(a, sizeof(uint64_t) * g[k].n);
		g[k].offsets = arena_alloc(a, sizeof(uint64_t) * g[k].n);
		g[k].ref_ctr = arena_alloc(a, sizeof(uint64_t) * g[k].n);
		g[k].syms = arena_alloc(a, sizeof(char *) * g[k].n);
		g[k].n = 0;
	}
	for (i = 0; i < n; i++) {
		struct multi_group *gk;

		if (of[i] < 0)
			continue;
		gk = &g[of[i]];
		gk->ap[gk->n] = i;
		gk->cookies[gk->n] = (uint64_t)i;
		gk->syms[gk->n] = kind == MULTI_KPROBE ?
			val_get_str(attach->items[i], "func") : NULL;
		gk->n++;
	}
	*groups = g;
	return ng;
}

int multi_plan(struct load *l)
{
	int i, err;

	for (i = 0; i < l->nprobes; i++) {
		struct load_probe *p = &l->probes[i];
		enum load_multi kind = multi_kind(p->attach);

		if (kind == MULTI_UPROBE &&
		    ((l->nofeature & NOFEATURE_UPROBE_MULTI) ||
		     !multilink_has_uprobe()))
			kind = MULTI_NONE;
		if (kind == MULTI_KPROBE &&
		    ((l->nofeature & NOFEATURE_KPROBE_MULTI) ||
		     !multilink_has_kprobe()))
			kind = MULTI_NONE;
		p->multi = kind;
		if (kind == MULTI_NONE)
			continue;
		err = bpf_program__set_expected_attach_type(p->bpf,
			kind == MULTI_UPROBE ? MULTILINK_ATTACH_UPROBE
					     : MULTILINK_ATTACH_KPROBE);
		if (err) {
			fprintf(stderr, "ERROR: cannot set the attach type of program '%s': %s\n",
				p->prog, strerror(-err));
			return err;
		}
	}
	return 0;
}

static const char *multi_link_name(enum load_multi kind)
{
	return kind == MULTI_UPROBE ? "uprobe_multi" : "kprobe_multi";
}

/* make one link of members [from, from + cnt) of g; 0 or -errno */
static int multi_link(struct load *l, struct load_probe *p,
		      const struct multi_group *g, int from, int cnt)
{
	const uint64_t *cookies = p->cookie ? g->cookies + from : NULL;
	int i, fd;

	if (p->multi == MULTI_UPROBE) {
		struct multilink_uprobe u = {
			.path = attach_uprobe_file(l, g->path), .offsets = g->offsets + from,
			.cookies = cookies, .cnt = (uint32_t)cnt,
			.retprobe = g->retprobe, .pid = g->pid > 0 ? g->pid : 0,
		};

		for (i = from; i < from + cnt && !u.ref_ctr_offsets; i++)
			if (g->ref_ctr[i])
				u.ref_ctr_offsets = g->ref_ctr + from;
		fd = multilink_uprobe_create(bpf_program__fd(p->bpf), &u);
		if (fd < 0)
			return fd;
		attach_add_link_fd(l, fd);
	} else {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, o,
			    .syms = (const char **)g->syms + from,
			    .cookies = (const __u64 *)cookies, .cnt = (size_t)cnt,
			    .retprobe = g->retprobe);
		struct bpf_link *link;

		link = bpf_program__attach_kprobe_multi_opts(p->bpf, NULL, &o);
		if (!link)
			return -errno;
		attach_add_link(l, link);
	}
	/* a further site of one USDT probe is not another probe
	 * ("Attached N probes" counts probes, as upstream) */
	for (i = from; i < from + cnt; i++)
		if (val_get_int(p->attach->items[g->ap[i]], "location", 0) <= 0)
			l->nattached++;
	if (l->verbose)
		fprintf(stderr, "bt-load: %s link: %d attach point%s of '%s'%s%s\n",
			multi_link_name(p->multi), cnt, cnt == 1 ? "" : "s",
			p->prog, g->path ? " in " : "", g->path ? g->path : "");
	return 0;
}

/* errors about the link as a whole (the caller's rights, memory, the
 * kernel; for uprobes also the binary and the process), not about one
 * of its attach points: a kprobe's unknown function is ENOENT too */
static bool multi_err_whole(enum load_multi kind, int err)
{
	if (kind == MULTI_UPROBE && (err == -ENOENT || err == -EBADF ||
				     err == -ESRCH))
		return true;
	return err == -EPERM || err == -EACCES || err == -ENOMEM ||
	       err == -E2BIG || err == -EOPNOTSUPP;
}

static int multi_attach_group(struct load *l, struct load_probe *p,
			      struct multi_group *g)
{
	const struct val *first;
	int i, n = 0, err;

	/* uprobes: file offsets, bpftrace's checks; a failing attach point
	 * is dropped (after a message) when missing_probes lets the run go
	 * on */
	for (i = 0; i < g->n; i++) {
		if (p->multi == MULTI_UPROBE) {
			err = attach_uprobe_offsets(l, p,
				p->attach->items[g->ap[i]], &g->offsets[n],
				&g->ref_ctr[n]);
			if (err) {
				if (l->missing_probes == MISSING_ERROR)
					return err;
				continue;
			}
		}
		g->ap[n] = g->ap[i];
		g->cookies[n] = g->cookies[i];
		g->syms[n] = g->syms[i];
		n++;
	}
	g->n = n;
	if (!n)
		return 0;
	err = multi_link(l, p, g, 0, n);
	if (!err)
		return 0;
	first = p->attach->items[g->ap[0]];
	if (n == 1 || multi_err_whole(p->multi, err)) {
		if (n == 1)
			attach_report(l, p->loc, "cannot attach probe '%s': %s",
				      attach_describe(l->arena, first),
				      attach_strerror(err));
		else
			attach_report(l, p->loc, "cannot attach probe '%s' and %d more%s%s (%s link): %s",
				      attach_describe(l->arena, first), n - 1,
				      g->path ? " in " : "", g->path ? g->path : "",
				      multi_link_name(p->multi),
				      attach_strerror(err));
		return l->missing_probes == MISSING_ERROR ? err : 0;
	}
	/* which one: each alone */
	for (i = 0; i < n; i++) {
		if (signals_stop_requested())
			return 0;
		err = multi_link(l, p, g, i, 1);
		if (!err)
			continue;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			      attach_describe(l->arena, p->attach->items[g->ap[i]]),
			      attach_strerror(err));
		if (l->missing_probes == MISSING_ERROR)
			return err;
	}
	return 0;
}

int multi_attach(struct load *l, struct load_probe *p)
{
	struct multi_group *groups;
	bool missing = false;
	int i, ng, err;
	size_t j;

	/* the kernel feature the attach points need (the same for all of
	 * one kind: the kprobe or uprobe PMU) */
	for (j = 0; j < p->attach->n; j++) {
		const struct val *ap = p->attach->items[j];
		const char *why;

		if (attach_is_special(ap) || !(why = features_missing(l->arena, ap)))
			continue;
		attach_report(l, p->loc, "%s", why);
		if (l->missing_probes == MISSING_ERROR)
			return -EOPNOTSUPP;
		missing = true;
	}
	if (missing)
		return 0;
	ng = multi_group(l->arena, p->attach, p->multi,
			 attach_uprobe_pid(l, NULL), &groups);
	for (i = 0; i < ng; i++) {
		if (signals_stop_requested())
			return 0;
		err = multi_attach_group(l, p, &groups[i]);
		if (err)
			return err;
	}
	return 0;
}
