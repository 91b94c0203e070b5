/*
 * signals.c - SIGINT and SIGTERM ask bt-load to stop polling, run the end
 * probes and dump the maps; SIGPIPE is ignored so that a closed stdout
 * shows up as a write error (EPIPE) that run.c handles.
 *
 * self:signal:SIGUSR1 probes: signals_watch() catches the signal, and the
 * poll loop runs the probe for every one that arrived
 * (signals_take_pending).
 *
 * The handlers are installed without SA_RESTART: a signal interrupts
 * epoll_wait in ring_buffer__poll at once.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t pending[65];

static void on_stop(int sig)
{
	stop_requested = 1;
}

static void on_watched(int sig)
{
	if (sig > 0 && sig < 65)
		pending[sig] = 1;
}

/* "SIGUSR1", "USR1" or "10" -> 10; 0 if not a signal name */
int signals_number(const char *name)
{
	static const struct { const char *name; int sig; } names[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "ALRM", SIGALRM },
		{ "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
		{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
		{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
		{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
		{ "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
	};
	char *end;
	long n;
	size_t i;

	if (!name)
		return 0;
	n = strtol(name, &end, 10);
	if (!*end && end != name)
		return n > 0 && n < 65 ? (int)n : 0;
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, name))
			return names[i].sig;
	return 0;
}

int signals_watch(int sig)
{
	struct sigaction sa;

	if (sig <= 0 || sig >= 65 || sig == SIGKILL || sig == SIGSTOP)
		return -EINVAL;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watched;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) ? -errno : 0;
}

int signals_take_pending(void)
{
	int sig;

	for (sig = 1; sig < 65; sig++) {
		if (pending[sig]) {
			pending[sig] = 0;
			return sig;
		}
	}
	return 0;
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
