/*
 * comm.bpf.c - begin { print(comm); print((pid, "x")); exit(); }
 * (print() of non-map values: PRINT_VALUE records)
 */
#include "bt.bpf.h"

struct pair {
	s64 pid;
	char s[8];
};

SEC("raw_tp")
int begin(void *ctx)
{
	char comm[16];
	struct pair p = { bpf_get_current_pid_tgid() >> 32, "x" };

	bpf_get_current_comm(comm, sizeof(comm));
	BT_SEND(PRINT_VALUE, 0, comm, sizeof(comm));
	BT_SEND(PRINT_VALUE, 1, &p, sizeof(p));
	bt_exit(0);
	return 0;
}
