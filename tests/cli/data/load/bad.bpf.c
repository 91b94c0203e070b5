/*
 * bad.bpf.c - a program the verifier rejects: it reads through a map
 * value pointer without checking it for NULL.
 */
#include "bt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, u64);
	__type(value, u64);
} m_x SEC(".maps");

SEC("raw_tp")
int begin(void *ctx)
{
	u64 zero = 0, *v = bpf_map_lookup_elem(&m_x, &zero);

	return *v;
}
