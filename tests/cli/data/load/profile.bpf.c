/*
 * profile.bpf.c - profile:hz:99 { @[cpu] = count(); }
 */
#include "bt.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, u64);
	__type(value, u64);
} m_cpu SEC(".maps");

SEC("perf_event")
int prof(void *ctx)
{
	u64 cpu = bpf_get_smp_processor_id();

	bt_count(&m_cpu, &cpu);
	return 0;
}
