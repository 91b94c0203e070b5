/*
 * signals.c - SIGINT and SIGTERM ask bt-load to stop polling, run the end
 * probes and dump the maps; SIGPIPE is ignored so that a closed stdout
 * shows up as a write error (EPIPE) that run.c handles.
 *
 * The handlers are installed without SA_RESTART: a signal interrupts
 * epoll_wait in ring_buffer__poll at once.
 */
#include <signal.h>
#include <string.h>

#include "load.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	stop_requested = 1;
}

void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

bool signals_stop_requested(void)
{
	return stop_requested;
}
