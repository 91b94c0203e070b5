/*
 * multilink.c - kprobe_multi and uprobe_multi links through bpf(2), and
 * whether this kernel has them (multilink.h says why bpf(2) and not
 * libbpf).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "multilink.h"

/*
 * BPF_LINK_CREATE's attribute with the uprobe_multi member of its inner
 * union, as include/uapi/linux/bpf.h has it since 6.6 (pid since 6.6 too):
 * prog_fd, target_fd, attach_type, flags, then the union at byte 16.  The
 * kernel reads sizeof() bytes and zero-fills the rest of its bpf_attr.
 */
struct multilink_uprobe_attr {
	uint32_t prog_fd;
	uint32_t target_fd;             /* unused: 0 */
	uint32_t attach_type;
	uint32_t flags;                 /* link flags, unused: 0 */
	uint64_t path __attribute__((aligned(8)));
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t cnt;
	uint32_t umflags;               /* MULTILINK_F_RETURN */
	uint32_t pid;
};

_Static_assert(offsetof(struct multilink_uprobe_attr, path) == 16,
	       "link_create's union starts at byte 16");
_Static_assert(offsetof(struct multilink_uprobe_attr, cnt) == 48 &&
	       offsetof(struct multilink_uprobe_attr, pid) == 56,
	       "uprobe_multi: cnt, flags, pid follow the four pointers");

static uint64_t ptr_u64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static int multilink_bpf(int cmd, void *attr, size_t size)
{
	long fd = syscall(__NR_bpf, cmd, attr, size);

	return fd < 0 ? -errno : (int)fd;
}

int multilink_uprobe_create(int prog_fd, const struct multilink_uprobe *u)
{
	struct multilink_uprobe_attr attr;

	if (prog_fd < 0 || !u->path || !u->offsets || !u->cnt || u->pid < 0)
		return -EINVAL;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.attach_type = MULTILINK_ATTACH_UPROBE;
	attr.path = ptr_u64(u->path);
	attr.offsets = ptr_u64(u->offsets);
	attr.ref_ctr_offsets = ptr_u64(u->ref_ctr_offsets);
	attr.cookies = ptr_u64(u->cookies);
	attr.cnt = u->cnt;
	attr.umflags = u->retprobe ? MULTILINK_F_RETURN : 0;
	attr.pid = (uint32_t)u->pid;
	return multilink_bpf(BPF_LINK_CREATE, &attr, sizeof(attr));
}

/* an empty BPF_PROG_TYPE_KPROBE program loaded for attach type at */
static int multilink_load_empty(uint32_t at)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[2];
	union bpf_attr attr;
	static const char license[] = "GPL";

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[1].code = BPF_JMP | BPF_EXIT;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_KPROBE;
	attr.insns = ptr_u64(insns);
	attr.insn_cnt = 2;
	attr.license = ptr_u64(license);
	attr.expected_attach_type = at;
	return multilink_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int uprobe_known = -1;
static int kprobe_known = -1;

int multilink_has_uprobe(void)
{
	static const uint64_t offset;
	struct multilink_uprobe u = {
		.path = "/", .offsets = &offset, .cnt = 1,
	};
	int prog, link;

	if (uprobe_known >= 0)
		return uprobe_known;
	prog = multilink_load_empty(MULTILINK_ATTACH_UPROBE);
	if (prog < 0)
		return uprobe_known = 0;
	/* "/" is no regular file: a kernel with the link says EBADF after
	 * checking everything else; one without it EINVAL at once */
	link = multilink_uprobe_create(prog, &u);
	uprobe_known = link == -EBADF;
	if (link >= 0)
		close(link);
	close(prog);
	return uprobe_known;
}

int multilink_has_kprobe(void)
{
	/* a function every kernel has and ftrace can hook */
	static const char *const syms[] = { "vfs_read" };
	union bpf_attr attr;
	int prog, link;

	if (kprobe_known >= 0)
		return kprobe_known;
	prog = multilink_load_empty(MULTILINK_ATTACH_KPROBE);
	if (prog < 0)
		return kprobe_known = 0;
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog;
	attr.link_create.attach_type = MULTILINK_ATTACH_KPROBE;
	attr.link_create.kprobe_multi.flags = MULTILINK_F_RETURN;
	attr.link_create.kprobe_multi.cnt = 1;
	attr.link_create.kprobe_multi.syms = ptr_u64(syms);
	/* the empty program is attached for an instant and does nothing */
	link = multilink_bpf(BPF_LINK_CREATE, &attr, sizeof(attr));
	kprobe_known = link >= 0;
	if (link >= 0)
		close(link);
	close(prog);
	return kprobe_known;
}
