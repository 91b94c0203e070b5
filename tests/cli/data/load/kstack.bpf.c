/*
 * kstack.bpf.c - tracepoint:syscalls:sys_enter_openat
 *                   /str(args.filename) starts with "/tmp/btl-"/ {
 *                   @[kstack] = count(); printf("%s\n", kstack(perf, 3)); exit(); }
 */
#include "bt.bpf.h"

#define MAX_FRAMES 127

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 128);
	__type(key, u32);
	__uint(value_size, MAX_FRAMES * 8);
} bt_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, u64);
	__type(value, u64);
} m_st SEC(".maps");

struct openat_args {
	u64 common;
	s64 nr;
	s64 dfd;
	const char *filename;
};

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_kstack(struct openat_args *args)
{
	char path[16];
	u64 id;

	if (bpf_probe_read_user_str(path, sizeof(path), args->filename) < 10 ||
	    __builtin_memcmp(path, "/tmp/btl-", 9))
		return 0;
	id = bpf_get_stackid(args, &bt_stacks, 0);
	bt_count(&m_st, &id);
	BT_SEND(PRINTF, 0, &id, 8);
	bt_exit(0);
	return 0;
}
