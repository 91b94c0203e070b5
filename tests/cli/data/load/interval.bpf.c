/*
 * interval.bpf.c - interval:ms:50 { @ticks = count(); time("%H\n");
 *                    if (@ticks == 3) { zero(@z); exit(5); } @z = count(); }
 */
#include "bt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__type(key, u64);
	__type(value, u64);
} m_ticks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, u64);
	__type(value, u64);
} m_total SEC(".maps");

SEC("perf_event")
int tick(void *ctx)
{
	u64 zero = 0, one = 1, *t;

	bt_count(&m_ticks, &zero);
	bt_send0(TIME, 0);
	t = bpf_map_lookup_elem(&m_total, &zero);
	if (!t) {
		bpf_map_update_elem(&m_total, &zero, &one, BPF_ANY);
		return 0;
	}
	*t += 1;
	if (*t == 3) {
		bt_send0(ZERO_MAP, 0);
		bt_exit(5);
	}
	return 0;
}
