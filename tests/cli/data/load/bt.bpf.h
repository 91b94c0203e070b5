/*
 * bt.bpf.h - what bt-gen's output has in common, written by hand for
 * bt-load's tests (share/WIRE.md "Programs and globals in the ELF" and
 * "Ring-buffer records"): the ring buffer, the lost counter, the globals
 * and a helper that sends one record.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned long long u64;
typedef long long s64;
typedef unsigned int u32;

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
} bt_ringbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} bt_lost SEC(".maps");

struct bt_globals_t {
	u64 start_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct bt_globals_t);
} bt_globals SEC(".maps");

struct bt_rec {
	u32 action;
	u32 id;
};

enum { PRINTF = 1, PRINT_VALUE, PRINT_MAP, CLEAR_MAP, ZERO_MAP, EXIT, TIME };

static __always_inline void bt_lost_one(void)
{
	u32 k = 0;
	u64 *n = bpf_map_lookup_elem(&bt_lost, &k);

	if (n)
		(*n)++;
}

/* a record with a payload of size bytes (a compile-time constant) */
#define BT_SEND(act, idx, payload, size) ({				\
	struct { struct bt_rec h; char p[size]; } *r_;			\
	r_ = bpf_ringbuf_reserve(&bt_ringbuf, sizeof(*r_), 0);		\
	if (r_) {							\
		r_->h.action = (act);					\
		r_->h.id = (idx);					\
		__builtin_memcpy(r_->p, (payload), (size));		\
		bpf_ringbuf_submit(r_, 0);				\
	} else {							\
		bt_lost_one();						\
	}								\
})

static __always_inline void bt_send0(u32 act, u32 idx)
{
	struct bt_rec *r = bpf_ringbuf_reserve(&bt_ringbuf, sizeof(*r), 0);

	if (!r) {
		bt_lost_one();
		return;
	}
	r->action = act;
	r->id = idx;
	bpf_ringbuf_submit(r, 0);
}

static __always_inline void bt_exit(s64 code)
{
	BT_SEND(EXIT, 0, &code, 8);
}

static __always_inline void bt_count(void *map, void *key)
{
	u64 one = 1, *v = bpf_map_lookup_elem(map, key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
}
