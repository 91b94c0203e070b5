/*
 * attach_uprobe.c - uprobe, uretprobe and usdt probes.  An attach point
 * names the binary in "target" and the symbol in "func" with an
 * optional "offset" into it (or, without "func", a file offset in
 * "address"); "pid" limits it to one process, else the process
 * of -p or -c does.  usdt probes name
 * the USDT provider in "ns" and the probe in "func"; libbpf finds the
 * note and sets up the argument spec.
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "load.h"

/*
 * What bpftrace checks before attaching: an offset must stay inside its
 * function, a uretprobe cannot have one, and a bare address must be in a
 * known function (it is then turned into a file offset for libbpf).
 */
static int uprobe_check(struct load *l, struct load_probe *p,
			const struct val *ap, const char *path,
			const char *func, int64_t *addr)
{
	int64_t off = val_get_int(ap, "offset", 0);
	bool ret = !strcmp(val_get_str(ap, "provider"), "uretprobe");
	uint64_t vaddr, size, file_off;
	const char *name;

	if (func) {
		if (ret && off) {
			attach_report(l, p->loc, "uretprobes cannot be attached at function offset. (address resolved to: %s+%lld)",
				      func, (long long)off);
			return -EINVAL;
		}
		if (off && !usym_file_symbol(path, func, &vaddr, &size) &&
		    (uint64_t)off >= size) {
			attach_report(l, p->loc, "Offset outside the function bounds ('%s' size is %llu)",
				      func, (unsigned long long)size);
			return -EINVAL;
		}
		return 0;
	}
	if (usym_file_symbol_at(path, *addr, &name, &vaddr)) {
		attach_report(l, p->loc, "Could not resolve address: %s:0x%llx",
			      path, (unsigned long long)*addr);
		return -ENOENT;
	}
	if (usym_file_offset(path, *addr, &file_off))
		return 0;  /* not in a loaded segment: libbpf says why */
	*addr = file_off;
	return 0;
}

int attach_uprobe(struct load *l, struct load_probe *p, const struct val *ap)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	const char *prov = val_get_str(ap, "provider");
	const char *path = val_get_str(ap, "target");
	const char *func = val_get_str(ap, "func");
	int64_t addr = val_get_int(ap, "address", 0);
	int pid = val_get_int(ap, "pid", l->pid > 0 ? l->pid :
			      l->child_pid > 0 ? l->child_pid : -1);
	struct bpf_link *link;
	int err;

	if (!path || (!func && !addr)) {
		attach_report(l, p->loc, "probe '%s' lacks a binary or a symbol",
			   attach_describe(l->arena, ap));
		return -EINVAL;
	}
	if (strcmp(prov, "usdt") && (err = uprobe_check(l, p, ap, path, func,
							 &addr)))
		return err;
	if (!strcmp(prov, "usdt")) {
		const char *ns = val_get_str(ap, "ns");

		link = bpf_program__attach_usdt(p->bpf, pid, path,
						ns ? ns : "", func, NULL);
	} else {
		/* by name, libbpf finds the symbol and adds "offset" to it;
		 * without a name, "address" became a file offset above */
		opts.retprobe = !strcmp(prov, "uretprobe");
		opts.func_name = func;
		link = bpf_program__attach_uprobe_opts(p->bpf, pid, path,
						       func ? val_get_int(ap, "offset", 0) : addr,
						       &opts);
	}
	if (!link) {
		err = -errno;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			   attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	return attach_add_link(l, link);
}
