/*
 * getppid_loop - the load generator of tests/bench/run and the runtime
 * tests: calls getppid(2) N times (default 1000000) through syscall(2), so
 * that every call enters the kernel and fires
 * tracepoint:syscalls:sys_enter_getppid, and prints how long the loop took
 * in nanoseconds (CLOCK_MONOTONIC) on stdout.
 *
 *     getppid_loop [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = 1000000;
	long long start, end;
	char *endp;

	if (argc > 1) {
		n = strtol(argv[1], &endp, 10);
		if (*argv[1] == '\0' || *endp != '\0' || n < 0) {
			fprintf(stderr, "getppid_loop: '%s' is not a count\n", argv[1]);
			return 2;
		}
	}
	start = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	end = now_ns();
	printf("%lld\n", end - start);
	return 0;
}
