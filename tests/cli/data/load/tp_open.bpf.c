/*
 * tp_open.bpf.c - tracepoint:syscalls:sys_enter_openat
 *                   /strncmp(str(args.filename), "/tmp/btl-", 9) == 0/ {
 *                   printf("%s %s\n", comm, str(args.filename));
 *                   @opens[comm] = count(); @len = hist(LEN);
 *                   @lo = min(LEN); @avg = avg(LEN); print(@opens);
 *                   (with -DWITH_EXIT) exit(7); }
 * LEN is the length of the path, so the test knows the hist bucket.
 */
#include "bt.bpf.h"

struct openat_args {
	u64 common;
	s64 nr;
	s64 dfd;
	const char *filename;
	s64 flags;
	s64 mode;
};

struct comm_key {
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, struct comm_key);
	__type(value, u64);
} m_opens SEC(".maps");

struct hist_key {
	u64 key;
	u64 bucket;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, struct hist_key);
	__type(value, u64);
} m_len SEC(".maps");

struct minmax {
	s64 v;
	u64 set;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__type(key, u64);
	__type(value, struct minmax);
} m_lo SEC(".maps");

struct avg {
	s64 total;
	u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__type(key, u64);
	__type(value, struct avg);
} m_avg SEC(".maps");

struct out {
	char comm[16];
	char path[64];
};

/* bpftrace's log2 bucket with k = 0: 0 negative, 1 zero, then 2+log2 */
static __always_inline u64 log2_bucket(s64 v)
{
	u64 b = 2;

	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	while (v > 1 && b < 64) {
		v >>= 1;
		b++;
	}
	return b;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_openat(struct openat_args *args)
{
	struct out o = {};
	struct comm_key ck = {};
	struct hist_key hk = {};
	struct minmax *mm, nm;
	struct avg *av, na;
	u64 zero = 0, top_div[2] = { 0, 0 };
	s64 len;

	len = bpf_probe_read_user_str(o.path, sizeof(o.path), args->filename);
	if (len < 10 || __builtin_memcmp(o.path, "/tmp/btl-", 9))
		return 0;
	len -= 1;
	bpf_get_current_comm(o.comm, sizeof(o.comm));
	__builtin_memcpy(ck.comm, o.comm, sizeof(ck.comm));
	BT_SEND(PRINTF, 0, &o, sizeof(o));
	bt_count(&m_opens, &ck);
	hk.bucket = log2_bucket(len);
	bt_count(&m_len, &hk);
	mm = bpf_map_lookup_elem(&m_lo, &zero);
	if (!mm) {
		nm.v = len;
		nm.set = 1;
		bpf_map_update_elem(&m_lo, &zero, &nm, BPF_ANY);
	} else if (!mm->set || len < mm->v) {
		mm->v = len;
		mm->set = 1;
	}
	av = bpf_map_lookup_elem(&m_avg, &zero);
	if (!av) {
		na.total = len;
		na.count = 1;
		bpf_map_update_elem(&m_avg, &zero, &na, BPF_ANY);
	} else {
		av->total += len;
		av->count++;
	}
	BT_SEND(PRINT_MAP, 0, top_div, 16);
#ifdef WITH_EXIT
	bt_exit(7);
#endif
	return 0;
}

SEC("raw_tp")
int end(void *ctx)
{
	bt_send0(PRINTF, 1);
	return 0;
}
