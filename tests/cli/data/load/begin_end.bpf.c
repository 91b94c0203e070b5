/*
 * begin_end.bpf.c - begin { printf("hello %d %s\n", 42, "world");
 *                           @c = count(); @m[7, "x"] = 5; exit(EXIT_CODE); }
 *                   end { printf("bye\n"); }
 * (EXIT_CODE < 0: no exit, the test stops bt-load with a signal)
 */
#include "bt.bpf.h"

#ifndef EXIT_CODE
#define EXIT_CODE 0
#endif

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16);
	__type(key, u64);
	__type(value, u64);
} m_c SEC(".maps");

struct m_key {
	s64 a;
	char s[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct m_key);
	__type(value, s64);
} m_m SEC(".maps");

struct hello_args {
	s64 n;
	char s[8];
};

SEC("raw_tp")
int begin(void *ctx)
{
	struct hello_args a = { 42, "world" };
	struct m_key k = { 7, "x" };
	s64 five = 5;
	u64 zero = 0;

	BT_SEND(PRINTF, 0, &a, sizeof(a));
	bt_count(&m_c, &zero);
	bpf_map_update_elem(&m_m, &k, &five, BPF_ANY);
	if (EXIT_CODE >= 0)
		bt_exit(EXIT_CODE);
	return 0;
}

SEC("raw_tp")
int end(void *ctx)
{
	bt_send0(PRINTF, 1);
	return 0;
}
