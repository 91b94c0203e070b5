/*
 * flood.bpf.c - tracepoint:raw_syscalls:sys_enter { printf("%d %s\n",
 *                 pid, comm); }  Every system call of the machine: a
 * steady flood of events for the memory and throughput checks.
 */
#include "bt.bpf.h"

struct out {
	s64 pid;
	char comm[16];
};

SEC("tracepoint/raw_syscalls/sys_enter")
int flood(void *ctx)
{
	struct out o = { .pid = bpf_get_current_pid_tgid() >> 32 };

	bpf_get_current_comm(o.comm, sizeof(o.comm));
	BT_SEND(PRINTF, 0, &o, sizeof(o));
	return 0;
}
