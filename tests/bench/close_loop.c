/*
 * close_loop - the map-filling load of tests/bench/run: calls close(2) on
 * the N descriptors FIRST .. FIRST+N-1 (none of them open: each call fails
 * with EBADF but enters the kernel and fires
 * tracepoint:syscalls:sys_enter_close with a distinct args->fd), then
 * writes the wall-clock time (CLOCK_REALTIME, microseconds since the epoch,
 * as bash's EPOCHREALTIME) to STAMP.
 *
 *     close_loop N FIRST STAMP
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	long n, first;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: close_loop N FIRST STAMP\n");
		return 2;
	}
	n = strtol(argv[1], NULL, 10);
	first = strtol(argv[2], NULL, 10);
	for (long i = 0; i < n; i++)
		syscall(SYS_close, first + i);
	clock_gettime(CLOCK_REALTIME, &ts);
	f = fopen(argv[3], "w");
	if (!f)
		return 1;
	fprintf(f, "%lld\n", ts.tv_sec * 1000000LL + ts.tv_nsec / 1000);
	return fclose(f) != 0;
}
