/*
 * attach_uprobe.c - uprobe, uretprobe and usdt probes.  An attach point
 * names the binary in "target" and the symbol in "func" with an
 * optional "offset" into it (or, without "func", a file offset in
 * "address"); "pid" limits it to one process, else the process
 * of -p or -c does.  usdt probes carry the note's "address" and
 * "semaphore" (virtual addresses in "target"): see usdt_offsets().
 *
 * This is the one-link-per-attach-point path; multi.c attaches a probe
 * with many attach points through uprobe_multi links, with the offsets
 * attach_uprobe_offsets() computes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bt-probes/provider.h"
#include "load.h"
#include "zip.h"

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
	/* a file of raw code (--unsafe let it through): the address is
	 * the file offset */
	if (access(path, R_OK) == 0 && !uprobe_is_elf(path))
		return 0;
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

/*
 * A USDT probe is a plain uprobe at the note's address, made a file offset
 * (the note records the pc it was linked at; when .stapsdt.base moved, e.g.
 * by prelink, "base" tells by how much -- bt-probes already reports the
 * note as found).  A semaphore is counted by the kernel's uprobe reference
 * counter: ref_ctr_offset is the semaphore's file offset, and the kernel
 * raises it in every process that maps the file, now or later (so
 * --usdt-file-activation needs nothing more).  The arguments are read by
 * the program itself from the note's spec (bt-gen).
 */
static int usdt_offsets(struct load *l, struct load_probe *p,
			const struct val *ap, const char *path, int64_t *addr,
			uint64_t *ref_ctr)
{
	uint64_t pc = (uint64_t)val_get_int(ap, "address", 0);
	uint64_t sem = (uint64_t)val_get_int(ap, "semaphore", 0);
	uint64_t off;

	if (usym_file_offset(path, pc, &off)) {
		attach_report(l, p->loc, "cannot attach probe '%s': address 0x%llx is not in a loaded segment of %s",
			      attach_describe(l->arena, ap),
			      (unsigned long long)pc, path);
		return -ENOENT;
	}
	*addr = (int64_t)off;
	if (sem) {
		if (usym_file_offset(path, sem, &off)) {
			attach_report(l, p->loc, "cannot attach probe '%s': semaphore 0x%llx is not in a loaded segment of %s",
				      attach_describe(l->arena, ap),
				      (unsigned long long)sem, path);
			return -ENOENT;
		}
		*ref_ctr = off;
	}
	return 0;
}

int attach_uprobe_pid(const struct load *l, const struct val *ap)
{
	int pid = l->pid > 0 ? l->pid : l->child_pid > 0 ? l->child_pid : -1;

	return ap ? val_get_int(ap, "pid", pid) : pid;
}

/*
 * A named function's place is its symbol's address ("address", the
 * st_value bt-probes found; looked up again when absent) plus "offset",
 * made a file offset: what libbpf computes from func_name for a single
 * link, done here for a multi link, which takes file offsets only.
 */
static int uprobe_file_offsets(struct load *l, struct load_probe *p,
			       const struct val *ap, uint64_t *offset,
			       uint64_t *ref_ctr);

const char *attach_uprobe_file(struct load *l, const char *target)
{
	char archive[4096];
	const char *member;

	if (!target || zip_path_split(target, archive, sizeof(archive),
				      &member) <= 0)
		return target;
	return arena_strdup(l->arena, archive);
}

/* where the member of "ARCHIVE!/MEMBER" starts in ARCHIVE (0: a file) */
static int zip_base(struct load *l, struct load_probe *p,
		    const struct val *ap, const char *path, uint64_t *base)
{
	char archive[4096];
	const char *member;
	uint64_t size;
	int fd, err;

	*base = 0;
	if (zip_path_split(path, archive, sizeof(archive), &member) <= 0)
		return 0;
	fd = open(archive, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : zip_member_find(fd, member, base, &size);
	if (fd >= 0)
		close(fd);
	if (err)
		attach_report(l, p->loc, "cannot attach probe '%s': %s%s",
			      attach_describe(l->arena, ap),
			      err == -ENOTSUP ? "the member is compressed in the ZIP archive (it must be stored: zip -0)" :
			      "no such member in the ZIP archive: ",
			      err == -ENOTSUP ? "" : attach_strerror(err));
	return err;
}

int attach_uprobe_offsets(struct load *l, struct load_probe *p,
			  const struct val *ap, uint64_t *offset,
			  uint64_t *ref_ctr)
{
	const char *path = val_get_str(ap, "target");
	uint64_t base;
	int err;

	if (path)
		usym_hint_binary(path);
	if ((err = uprobe_file_offsets(l, p, ap, offset, ref_ctr)))
		return err;
	if (path && (err = zip_base(l, p, ap, path, &base)))
		return err;
	if (path)
		*offset += base;
	return 0;
}

/* the file offset of an attach point within its target (a ZIP member's own) */
static int uprobe_file_offsets(struct load *l, struct load_probe *p,
			       const struct val *ap, uint64_t *offset,
			       uint64_t *ref_ctr)
{
	const char *path = val_get_str(ap, "target");
	const char *func = val_get_str(ap, "func");
	int64_t addr = val_get_int(ap, "address", 0);
	uint64_t vaddr, size;
	int err;

	*ref_ctr = 0;
	if (!path || (!func && !val_get(ap, "address"))) {
		attach_report(l, p->loc, "probe '%s' lacks a binary or a symbol",
			      attach_describe(l->arena, ap));
		return -EINVAL;
	}
	if (!strcmp(val_get_str(ap, "provider"), "usdt")) {
		if ((err = usdt_offsets(l, p, ap, path, &addr, ref_ctr)))
			return err;
		*offset = (uint64_t)addr;
		return 0;
	}
	if ((err = uprobe_check(l, p, ap, path, func, &addr)))
		return err;
	if (!func) {
		*offset = (uint64_t)addr;
		return 0;
	}
	if (addr <= 0) {
		if (usym_file_symbol(path, func, &vaddr, &size)) {
			attach_report(l, p->loc, "cannot attach probe '%s': no symbol '%s' in %s",
				      attach_describe(l->arena, ap), func, path);
			return -ENOENT;
		}
		addr = (int64_t)vaddr;
	}
	addr += val_get_int(ap, "offset", 0);
	if (usym_file_offset(path, (uint64_t)addr, offset)) {
		attach_report(l, p->loc, "cannot attach probe '%s': address 0x%llx is not in a loaded segment of %s",
			      attach_describe(l->arena, ap),
			      (unsigned long long)addr, path);
		return -ENOENT;
	}
	return 0;
}

int attach_uprobe(struct load *l, struct load_probe *p, const struct val *ap)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts);
	const char *prov = val_get_str(ap, "provider");
	const char *path = val_get_str(ap, "target");
	const char *func = val_get_str(ap, "func");
	int64_t addr = val_get_int(ap, "address", 0);
	int pid = attach_uprobe_pid(l, ap);
	bool usdt = !strcmp(prov, "usdt");
	struct bpf_link *link;
	uint64_t ref_ctr = 0, off;
	int err;

	if (!path || (!func && !val_get(ap, "address"))) {
		attach_report(l, p->loc, "probe '%s' lacks a binary or a symbol",
			   attach_describe(l->arena, ap));
		return -EINVAL;
	}
	opts.retprobe = !strcmp(prov, "uretprobe");
	opts.bpf_cookie = p->ap_cookie;
	if (zip_is_member(path)) {
		/* in a ZIP archive: libbpf cannot read the member, so the
		 * offset in the archive is computed here */
		if ((err = attach_uprobe_offsets(l, p, ap, &off, &ref_ctr)))
			return err;
		addr = (int64_t)off;
		func = NULL;
		path = attach_uprobe_file(l, path);
	} else if (usdt) {
		usym_hint_binary(path);
		if ((err = usdt_offsets(l, p, ap, path, &addr, &ref_ctr)))
			return err;
	} else {
		usym_hint_binary(path);
		if ((err = uprobe_check(l, p, ap, path, func, &addr)))
			return err;
		/* by name, libbpf finds the symbol and adds "offset" to it;
		 * without a name, "address" became a file offset above */
		opts.func_name = func;
		if (func)
			addr = val_get_int(ap, "offset", 0);
	}
	opts.ref_ctr_offset = ref_ctr;
	link = bpf_program__attach_uprobe_opts(p->bpf, pid, path, addr, &opts);
	if (!link) {
		err = -errno;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			   attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	/* a further site of one USDT probe ("location" > 0) is not another
	 * probe: attach.c counts this attach point, so take it back
	 * ("Attached N probes" counts probes, as upstream) */
	if (usdt && val_get_int(ap, "location", 0) > 0)
		l->nattached--;
	return attach_add_link(l, link);
}
