/*
 * lost.bpf.c - begin { unroll(3000) { printf("%d %s\n", i, "....") } }
 * Begin runs before anything reads the ring buffer, so most of the 3000
 * records do not fit in its 64 KiB and are counted in bt_lost.  The
 * second begin probe exits: bt-load drains the ring buffer between begin
 * probes, so its exit record finds room.
 */
#include "bt.bpf.h"

#define N 3000

struct rec {
	s64 i;
	char pad[56];
};

static long send_one(u32 i, void *ctx)
{
	struct rec r = { .i = i };

	BT_SEND(PRINTF, 0, &r, sizeof(r));
	return 0;
}

SEC("raw_tp")
int begin(void *ctx)
{
	bpf_loop(N, send_one, NULL, 0);
	return 0;
}

SEC("raw_tp")
int begin2(void *ctx)
{
	bt_exit(0);
	return 0;
}
