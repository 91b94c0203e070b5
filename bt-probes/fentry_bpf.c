/*
 * fentry_bpf.c - the `bpf` variant of fentry/fexit: running BPF programs
 * and their subprograms as attach targets,
 *
 *     fentry:bpf:NAME   fentry:bpf:ID:NAME   fentry:bpf:*:NAME
 *
 * (NAME a glob).  The kernel's programs are walked by id; a program
 * loaded with BTF has one func_info record per function (the main
 * program first, then the subprograms it calls), each naming a BTF FUNC
 * of the program's BTF: those names are what can be attached to.  A
 * program without BTF cannot be a target (the kernel needs the
 * function's BTF id) and is not listed.
 *
 * ATTACH_POINT: "name" `fentry:bpf:ID:NAME`, "target" "bpf", "func"
 * NAME, "prog_id" ID, "nargs" (the function's parameters: fexit's
 * retval is the u64 after them in the context).  bt-load opens the program by id again when it
 * loads (fentry_bpf_target) and gives libbpf its fd and the function name.
 * `args` does not exist for these probes; retval is the raw u64.
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "provider.h"

/* a growing list of functions, in the arena */
struct fentry_bpf_list {
	struct fentry_bpf_func *v;
	size_t n, cap;
};

static void fentry_bpf_push(struct arena *a, struct fentry_bpf_list *l,
			    uint32_t prog_id, const char *name, int nargs)
{
	size_t i;

	/* the main program is also the first func_info record */
	for (i = 0; i < l->n; i++)
		if (l->v[i].prog_id == prog_id && !strcmp(l->v[i].name, name))
			return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct fentry_bpf_func *v = arena_alloc(a, sizeof(*v) * cap);

		if (l->n)
			memcpy(v, l->v, sizeof(*v) * l->n);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].prog_id = prog_id;
	l->v[l->n].nargs = nargs;
	l->v[l->n++].name = arena_strdup(a, name);
}

/*
 * The func_info records of the program open as fd (nfi of them, the
 * kernel's record size), malloc'ed into *fi; 0 or -errno
 */
static int fentry_bpf_func_info(int fd, __u32 nfi, struct bpf_func_info **fi)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	*fi = calloc(nfi, sizeof(**fi));
	if (!*fi)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.nr_func_info = nfi;
	info.func_info_rec_size = sizeof(**fi);
	info.func_info = (__u64)(unsigned long)*fi;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		int err = -errno;

		free(*fi);
		*fi = NULL;
		return err;
	}
	return 0;
}

/*
 * An fd of running program id and its info; -ENODATA (fd closed) when it
 * has no BTF, which fentry needs, or -errno
 */
static int fentry_bpf_open(__u32 id, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd, err;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!info->btf_id) {
		close(fd);
		return -ENODATA;
	}
	return fd;
}

/*
 * Append the functions of running program id to l.  0, -ENODATA when
 * the program has no BTF, or -errno (-ENOENT: no such program).
 */
static int fentry_bpf_prog(struct arena *a, __u32 id, struct fentry_bpf_list *l)
{
	struct bpf_prog_info info;
	__u32 i;
	struct bpf_func_info *fi = NULL;
	struct btf *btf;
	int fd, err;

	fd = fentry_bpf_open(id, &info);
	if (fd < 0)
		return fd;
	if (!info.nr_func_info) {
		/* BTF but no function records: the kernel's short name */
		close(fd);
		if (info.name[0])
			fentry_bpf_push(a, l, id, info.name, 1);
		return 0;
	}
	err = fentry_bpf_func_info(fd, info.nr_func_info, &fi);
	close(fd);
	if (err)
		return err;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf) {
		err = -errno;
		free(fi);
		return err ? err : -ENODATA;
	}
	for (i = 0; i < info.nr_func_info; i++) {
		const struct btf_type *t = btf__type_by_id(btf, fi[i].type_id);
		const char *name = t && btf_is_func(t) ?
				   btf__name_by_offset(btf, t->name_off) : NULL;
		const struct btf_type *proto = name ?
				   btf__type_by_id(btf, t->type) : NULL;

		if (name && *name)
			fentry_bpf_push(a, l, id, name, proto &&
					btf_is_func_proto(proto) ?
					btf_vlen(proto) : 1);
	}
	btf__free(btf);
	free(fi);
	return 0;
}

/*
 * Every function of every running program with BTF, by program id; the
 * count (programs that go away meanwhile are skipped).
 */
static size_t fentry_bpf_all(struct arena *a, struct fentry_bpf_func **out)
{
	struct fentry_bpf_list l = { 0 };
	__u32 id = 0;

	while (bpf_prog_get_next_id(id, &id) == 0)
		fentry_bpf_prog(a, id, &l);
	*out = l.v;
	return l.n;
}

bool fentry_bpf_variant(const struct val *parts)
{
	const char *p0 = provider_part(parts, 0);

	return p0 && !strcmp(p0, "bpf");
}

int fentry_bpf_parse(const struct val *parts, int64_t *id, const char **name,
		     struct probe_err *err)
{
	size_t np = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *sid, *end;
	unsigned long long v;

	*id = 0;
	*name = NULL;
	err->status = 1;
	err->own_msg = true;
	if (np < 2 || np > 3) {
		snprintf(err->msg, sizeof(err->msg), "%s",
			 np < 2 ? "the 'bpf' variant of this probe requires a bpf program name and optional bpf program id"
				: "the 'bpf' variant of this probe takes at most a bpf program id and a name");
		snprintf(err->hint, sizeof(err->hint),
			 "write fentry:bpf:NAME or fentry:bpf:ID:NAME ('bpftrace -l \"fentry:bpf:*\"' lists the running programs)");
		return -EINVAL;
	}
	*name = provider_part(parts, np - 1);
	if (!*name || !**name) {
		snprintf(err->msg, sizeof(err->msg),
			 "the 'bpf' variant of this probe requires a bpf program name");
		snprintf(err->hint, sizeof(err->hint),
			 "'*' matches every function of the program");
		return -EINVAL;
	}
	if (np == 2)
		return 0;
	sid = provider_part(parts, 1);
	if (sid && !strcmp(sid, "*"))
		return 0;
	errno = 0;
	v = sid && *sid >= '0' && *sid <= '9' ? strtoull(sid, (char **)&end, 10) : 0;
	if (!sid || !*sid || *sid < '0' || *sid > '9' || *end || errno ||
	    v == 0 || v > UINT32_MAX) {
		snprintf(err->msg, sizeof(err->msg),
			 "bpf program id must be a number or '*'");
		snprintf(err->hint, sizeof(err->hint),
			 "ids are the kernel's program ids, as 'bpftrace -l \"fentry:bpf:*\"' or 'bpftool prog' show them");
		return -EINVAL;
	}
	*id = (int64_t)v;
	return 0;
}

int fentry_bpf_match(struct arena *a, const struct provider *p,
		     const struct fentry_bpf_func *fns, size_t n, int64_t id,
		     const char *pattern, struct val *out)
{
	int matched = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct val *ap;

		if ((id && fns[i].prog_id != (uint32_t)id) ||
		    fnmatch(pattern, fns[i].name, 0))
			continue;
		ap = provider_ap_new(a, p, arena_printf(a, "%s:bpf:%u:%s",
				     p->name, fns[i].prog_id, fns[i].name));
		val_set_str(a, ap, "target", "bpf");
		val_set_str(a, ap, "func", fns[i].name);
		val_set_int(a, ap, "prog_id", fns[i].prog_id);
		val_set_int(a, ap, "nargs", fns[i].nargs);
		val_push(a, out, ap);
		matched++;
	}
	return matched;
}

int fentry_bpf_expand(const struct provider *p, struct arena *a,
		      const struct val *parts, struct val *out,
		      struct probe_err *err)
{
	struct fentry_bpf_list one = { 0 };
	struct fentry_bpf_func *fns;
	const char **names;
	const char *name;
	int64_t id;
	size_t n, i;
	int r;

	r = fentry_bpf_parse(parts, &id, &name, err);
	if (r)
		return r;
	if (id) {
		r = fentry_bpf_prog(a, (__u32)id, &one);
		if (r == -ENOENT) {
			snprintf(err->msg, sizeof(err->msg),
				 "no running BPF program has id %lld",
				 (long long)id);
			snprintf(err->hint, sizeof(err->hint),
				 "'bpftrace -l \"fentry:bpf:*\"' lists the running programs by id and name");
			return 0;
		}
		if (r == -ENODATA) {
			snprintf(err->msg, sizeof(err->msg),
				 "BPF program %lld has no BTF, so it cannot be traced",
				 (long long)id);
			snprintf(err->hint, sizeof(err->hint),
				 "only programs loaded with BTF (the kernel's btf_id) can be attached to");
			return 0;
		}
		if (r) {
			snprintf(err->msg, sizeof(err->msg),
				 "cannot read BPF program %lld: %s",
				 (long long)id, strerror(-r));
			if (r == -EPERM)
				snprintf(err->hint, sizeof(err->hint),
					 "reading other BPF programs needs root (CAP_SYS_ADMIN)");
			err->status = 3;
			return r;
		}
		fns = one.v;
		n = one.n;
	} else {
		n = fentry_bpf_all(a, &fns);
	}
	r = fentry_bpf_match(a, p, fns, n, id, name, out);
	if (r)
		return r;
	/* no match: upstream's words, a hint with the names there are */
	err->own_msg = false;
	if (!n) {
		snprintf(err->hint, sizeof(err->hint),
			 id ? "program %lld has no functions with BTF names"
			    : "no running BPF program has BTF (only those can be traced)",
			 (long long)id);
		return 0;
	}
	names = arena_alloc(a, sizeof(*names) * n);
	for (i = 0; i < n; i++)
		names[i] = fns[i].name;
	if (!provider_has_wildcard(name) && suggest_closest(name, names, n))
		snprintf(err->hint, sizeof(err->hint), "did you mean '%s'?",
			 suggest_closest(name, names, n));
	else
		snprintf(err->hint, sizeof(err->hint),
			 "'bpftrace -l \"fentry:bpf:*\"' lists the running programs and subprograms");
	return 0;
}

/* is the second segment of a listing pattern literally "bpf"? */
static bool fentry_bpf_pattern(const char *pattern)
{
	const char *c = pattern ? strchr(pattern, ':') : NULL;

	return c && !strncmp(c + 1, "bpf:", 4);
}

int fentry_bpf_list(const struct provider *p, struct arena *a,
		    const char *pattern, FILE *out)
{
	struct fentry_bpf_func *fns;
	size_t n, i;
	int printed = 0;

	if (!fentry_bpf_pattern(pattern))
		return 0;
	n = fentry_bpf_all(a, &fns);
	for (i = 0; i < n; i++) {
		const char *full = arena_printf(a, "%s:bpf:%u:%s", p->name,
						fns[i].prog_id, fns[i].name);

		if (fnmatch(pattern, full, 0))
			continue;
		fprintf(out, "%s\n", full);
		printed++;
	}
	return printed;
}

int fentry_bpf_target(int64_t prog_id, const char *func, int *prog_fd,
		      uint32_t *btf_id)
{
	struct bpf_prog_info info;
	struct btf *btf;
	__s32 fid;
	int fd, err;

	*prog_fd = -1;
	*btf_id = 0;
	if (prog_id <= 0 || prog_id > UINT32_MAX || !func)
		return -EINVAL;
	fd = fentry_bpf_open((__u32)prog_id, &info);
	if (fd < 0)
		return fd;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf) {
		err = -errno;
		close(fd);
		return err ? err : -ENODATA;
	}
	fid = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	btf__free(btf);
	if (fid <= 0) {
		close(fd);
		return -ESRCH;
	}
	*prog_fd = fd;
	*btf_id = (uint32_t)fid;
	return 0;
}
