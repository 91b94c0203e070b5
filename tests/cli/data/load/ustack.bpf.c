/*
 * ustack.bpf.c - uprobe:LIBC:nanosleep { printf("%s|%s\n", usym(reg("ip")), ustack(perf, 2)); @[ustack(1)] = count(); }
 * Run with -c CMD, so that the process is CMD's and short-lived: its
 * symbols must be resolved while it still exists.
 */
#include "bt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 128);
	__type(key, u32);
	__uint(value_size, 127 * 8);
} bt_stacks SEC(".maps");

struct ustack_val {
	s64 id;
	u32 pid;
	u32 zero;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, struct ustack_val);
	__type(value, u64);
} m_us SEC(".maps");

struct out {
	u64 ip;
	u32 pid;
	u32 zero;
	struct ustack_val st;
};

struct pt_regs_ip {
	unsigned long r[15];
	unsigned long orig_ax, ip;
};

SEC("uprobe")
int up_ustack(struct pt_regs_ip *regs)
{
	struct out o = {};

	o.ip = regs->ip;
	o.pid = bpf_get_current_pid_tgid() >> 32;
	o.st.id = bpf_get_stackid(regs, &bt_stacks, BPF_F_USER_STACK);
	o.st.pid = o.pid;
	BT_SEND(PRINTF, 0, &o, sizeof(o));
	bt_count(&m_us, &o.st);
	return 0;
}
