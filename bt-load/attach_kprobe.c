/*
 * attach_kprobe.c - kprobe/kretprobe probes: attach point "func" and an
 * optional "offset".  Whether the kernel has kprobes is checked before
 * anything is loaded (features.c).
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "load.h"

int attach_kprobe(struct load *l, struct load_probe *p, const struct val *ap)
{
	LIBBPF_OPTS(bpf_kprobe_opts, opts);
	const char *func = val_get_str(ap, "func");
	struct bpf_link *link;
	int err;

	if (!func) {
		attach_report(l, p->loc, "probe '%s' lacks a function name",
			   attach_describe(l->arena, ap));
		return -EINVAL;
	}
	opts.retprobe = !strcmp(val_get_str(ap, "provider"), "kretprobe");
	opts.offset = val_get_int(ap, "offset", 0);
	link = bpf_program__attach_kprobe_opts(p->bpf, func, &opts);
	if (!link) {
		err = -errno;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			   attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	return attach_add_link(l, link);
}
