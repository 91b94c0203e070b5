/*
 * attach_fentry.c - fentry/fexit probes.  The target function is in the
 * program's section name ("fentry/vfs_read"), resolved against vmlinux
 * BTF by libbpf at load time; attaching makes a BPF trampoline link.
 * Whether the kernel has trampolines is checked first (features.c).
 *
 * fentry:bpf:ID:NAME (a running BPF program as the target): before the
 * object is loaded, the program is opened by id and libbpf is given its
 * fd and the function name (bpf_program__set_attach_target), which it
 * resolves in that program's BTF; the fd is kept until the load is done.
 * The kernel binds a tracing program to one target when it loads it, so
 * each such probe has exactly one attach point (bt-check splits them).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bt-probes/provider.h"
#include "load.h"

static bool fentry_is(const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");

	return prov && (!strcmp(prov, "fentry") || !strcmp(prov, "fexit"));
}

static bool fentry_on_bpf(const struct val *ap)
{
	const char *target = val_get_str(ap, "target");

	return fentry_is(ap) && target && !strcmp(target, "bpf");
}

int attach_fentry_prepare(struct load *l)
{
	uint32_t btf_id;
	int i, fd, err;
	size_t j;

	for (i = 0; i < l->nprobes; i++)
		l->probes[i].target_fd = -1;
	for (i = 0; i < l->nprobes; i++) {
		struct load_probe *p = &l->probes[i];
		const struct val *ap = NULL;

		for (j = 0; j < p->attach->n; j++) {
			if (!fentry_is(p->attach->items[j]))
				continue;
			/*
			 * With missing_probes=warn/ignore a program the kernel
			 * would refuse (no trampolines, target gone) is not
			 * loaded: attach_probe() reports it and goes on.
			 */
			if (features_missing(l->arena, p->attach->items[j]))
				bpf_program__set_autoload(p->bpf, false);
			if (fentry_on_bpf(p->attach->items[j]))
				ap = p->attach->items[j];
		}
		if (!ap || !bpf_program__autoload(p->bpf))
			continue;
		if (p->attach->n != 1) {
			fprintf(stderr, "bt-load: malformed bundle: program '%s' "
				"attaches to a BPF program and has %zu attach "
				"points (the kernel binds it to one)\n",
				p->prog, p->attach->n);
			return -EBADMSG;
		}
		err = fentry_bpf_target(val_get_int(ap, "prog_id", 0),
					val_get_str(ap, "func"), &fd, &btf_id);
		if (err) {
			/* gone since features_missing() looked: the same */
			bpf_program__set_autoload(p->bpf, false);
			continue;
		}
		err = bpf_program__set_attach_target(p->bpf, fd,
						     val_get_str(ap, "func"));
		if (err) {
			close(fd);
			diag_error(p->loc, "cannot target '%s': %s",
				   attach_describe(l->arena, ap),
				   attach_strerror(err));
			return err;
		}
		p->target_fd = fd;
	}
	return 0;
}

void attach_fentry_release(struct load *l)
{
	int i;

	for (i = 0; i < l->nprobes; i++) {
		if (l->probes[i].target_fd >= 0)
			close(l->probes[i].target_fd);
		l->probes[i].target_fd = -1;
	}
}

int attach_fentry(struct load *l, struct load_probe *p, const struct val *ap)
{
	struct bpf_link *link;
	int err;

	if (!bpf_program__autoload(p->bpf)) {
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			      attach_describe(l->arena, ap),
			      "its target went away before it was loaded");
		return -ENOENT;
	}
	link = bpf_program__attach_trace(p->bpf);
	if (!link) {
		err = -errno;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			   attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	return attach_add_link(l, link);
}
