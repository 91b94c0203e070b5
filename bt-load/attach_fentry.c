/*
 * attach_fentry.c - fentry/fexit probes.  The target function is in the
 * program's section name ("fentry/vfs_read"), resolved against vmlinux
 * BTF by libbpf at load time; attaching makes a BPF trampoline link.
 * Whether the kernel has trampolines is checked first (features.c).
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "load.h"

int attach_fentry(struct load *l, struct load_probe *p, const struct val *ap)
{
	struct bpf_link *link = bpf_program__attach_trace(p->bpf);
	int err;

	if (!link) {
		err = -errno;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			   attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	return attach_add_link(l, link);
}
