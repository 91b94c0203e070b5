/*
 * multilink.h - the kernel's multi-attach links: one kprobe_multi link
 * (5.18) attaches one program to many kernel functions, one uprobe_multi
 * link (6.6) to many offsets of one binary, each with its own BPF cookie.
 *
 * Debian 12's libbpf 1.1.2 and its <linux/bpf.h> predate uprobe_multi, so
 * the numbers and the BPF_LINK_CREATE layout the kernel expects are
 * written down here, once (checked against the kernel's
 * include/uapi/linux/bpf.h), and the links are made with bpf(2) itself.
 * Nothing here needs libbpf: bt-load attaches through it, bt-probes
 * reports the features for `bpftrace --info`.
 *
 * Ownership: the caller owns every fd returned and closes it; closing a
 * link's fd detaches it.
 */
#ifndef BT_MULTILINK_H
#define BT_MULTILINK_H

#include <stdbool.h>
#include <stdint.h>

/* enum bpf_attach_type: a program's expected_attach_type, set before it
 * loads, and the attach type of BPF_LINK_CREATE */
#define MULTILINK_ATTACH_KPROBE 42      /* BPF_TRACE_KPROBE_MULTI */
#define MULTILINK_ATTACH_UPROBE 48      /* BPF_TRACE_UPROBE_MULTI */
/* BPF_F_KPROBE_MULTI_RETURN and BPF_F_UPROBE_MULTI_RETURN */
#define MULTILINK_F_RETURN (1u << 0)
/* enum bpf_link_type, as BPF_OBJ_GET_INFO_BY_FD reports a link */
#define MULTILINK_TYPE_KPROBE 8         /* BPF_LINK_TYPE_KPROBE_MULTI */
#define MULTILINK_TYPE_UPROBE 12        /* BPF_LINK_TYPE_UPROBE_MULTI */

/* one uprobe_multi link: cnt offsets into the file at path */
struct multilink_uprobe {
	const char *path;
	const uint64_t *offsets;        /* file offsets */
	const uint64_t *ref_ctr_offsets;/* NULL, or per offset a semaphore's
					   file offset (0: none) */
	const uint64_t *cookies;        /* NULL (all 0), or per offset */
	uint32_t cnt;
	bool retprobe;
	int pid;                        /* > 0: only this process */
};

/* the link's fd, or a negative errno (the kernel's answer) */
int multilink_uprobe_create(int prog_fd, const struct multilink_uprobe *u);

/*
 * Whether this kernel makes such links, asked once per process: an empty
 * program is loaded with the multi attach type and a link is asked for
 * (uprobe_multi: on "/", which only a kernel that knows the link refuses
 * as not a regular file; kprobe_multi: on a real function, since a kernel
 * without fprobe refuses only then).  Returns 1 yes, 0 no.
 */
int multilink_has_uprobe(void);
int multilink_has_kprobe(void);

#endif
