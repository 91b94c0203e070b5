/*
 * helper_err.bpf.c - let @a = hash(1); begin { @a[1] = 1; @a[2] = 2; exit(); }
 * The second update fails (-E2BIG): a HELPER_ERROR record.
 */
#include "bt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, s64);
	__type(value, s64);
} m_a SEC(".maps");

SEC("raw_tp")
int begin(void *ctx)
{
	s64 k1 = 1, k2 = 2, v = 1, ret;

	bpf_map_update_elem(&m_a, &k1, &v, BPF_ANY);
	ret = bpf_map_update_elem(&m_a, &k2, &v, BPF_ANY);
	if (ret)
		BT_SEND(8, 0, &ret, 8);
	bt_exit(0);
	return 0;
}
