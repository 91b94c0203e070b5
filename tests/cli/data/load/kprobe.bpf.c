/*
 * kprobe.bpf.c - kprobe:do_nanosleep { exit(); }  (this kernel has no
 * kprobes: bt-load must say so before loading anything)
 */
#include "bt.bpf.h"

SEC("kprobe/do_nanosleep")
int kp(void *ctx)
{
	bt_exit(0);
	return 0;
}
