/*
 * uprobe.bpf.c - uprobe:LIBC:exit { printf("exit %d\n", pid); @n = count(); }
 * Run with -c CMD: the probe is limited to CMD's process.
 */
#include "bt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__type(key, u64);
	__type(value, u64);
} m_n SEC(".maps");

SEC("uprobe")
int up_exit(void *ctx)
{
	s64 pid = bpf_get_current_pid_tgid() >> 32;
	u64 zero = 0;

	BT_SEND(PRINTF, 0, &pid, 8);
	bt_count(&m_n, &zero);
	return 0;
}
