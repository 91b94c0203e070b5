/*
 * attach.c - attach one probe: for each of its attach points, check that
 * the kernel has the feature, then hand it to the provider's attach
 * function (attach_<provider>.c).  Every attachment is a BPF link kept in
 * load->links; the kernel drops links when bt-load dies, and nothing is
 * pinned, so nothing stays attached after bt-load is gone.
 *
 * A failure stops the run unless config missing_probes is "warn" or
 * "ignore": then the probe is skipped and the run goes on.
 *
 * A probe that multi.c planned multi (a wildcard's uprobes or kprobes) is
 * attached there instead, a link per binary.  SIGINT or SIGTERM while
 * attaching stops attaching: the run then ends as it would have later.
 *
 * To add a provider: write attach_<provider>.c with one function of the
 * attach_tracepoint() shape, declare it in load.h, add a row below and a
 * feature check in features.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bug.h"
#include "load.h"

typedef int (*attach_fn)(struct load *, struct load_probe *,
			 const struct val *);

static const struct {
	const char *provider;
	attach_fn fn;
} attach_table[] = {
	{ "tracepoint", attach_tracepoint },
	{ "rawtracepoint", attach_rawtracepoint },
	{ "interval", attach_perf },
	{ "profile", attach_perf },
	{ "software", attach_perf },
	{ "hardware", attach_perf },
	{ "watchpoint", attach_watchpoint },
	{ "iter", attach_iter },
	{ "kprobe", attach_kprobe },
	{ "kretprobe", attach_kprobe },
	{ "uprobe", attach_uprobe },
	{ "uretprobe", attach_uprobe },
	{ "usdt", attach_uprobe },
	{ "fentry", attach_fentry },
	{ "fexit", attach_fentry },
	{ "self", attach_self },
};

int attach_add_link(struct load *l, struct bpf_link *link)
{
	if (l->nlinks == l->caplinks) {
		int cap = l->caplinks ? l->caplinks * 2 : 16;
		struct bpf_link **p = realloc(l->links, sizeof(*p) * cap);

		if (!p)
			BUG("out of memory");
		l->links = p;
		l->caplinks = cap;
	}
	l->links[l->nlinks++] = link;
	return 0;
}

int attach_add_link_fd(struct load *l, int fd)
{
	if (l->nlink_fds == l->caplink_fds) {
		int cap = l->caplink_fds ? l->caplink_fds * 2 : 16;
		int *p = realloc(l->link_fds, sizeof(*p) * cap);

		if (!p)
			BUG("out of memory");
		l->link_fds = p;
		l->caplink_fds = cap;
	}
	l->link_fds[l->nlink_fds++] = fd;
	return 0;
}

void attach_report(struct load *l, struct diag_loc loc, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (l->missing_probes == MISSING_IGNORE)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (l->missing_probes == MISSING_WARN)
		diag_warn(loc, "%s", msg);
	else
		diag_error(loc, "%s", msg);
}

/* strerror that knows libbpf's own error codes */
const char *attach_strerror(int err)
{
	static char buf[128];

	libbpf_strerror(err, buf, sizeof(buf));
	return buf;
}

/* begin, end, bench and test are run (BPF_PROG_TEST_RUN), not attached */
bool attach_is_special(const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");

	return prov && (!strcmp(prov, "begin") || !strcmp(prov, "end") ||
			!strcmp(prov, "bench") || !strcmp(prov, "test"));
}

/* the name bpftrace prints for an attach point */
const char *attach_describe(struct arena *a, const struct val *ap)
{
	const char *name = val_get_str(ap, "name");
	const char *target = val_get_str(ap, "target");
	const char *func = val_get_str(ap, "func");

	if (name)
		return name;
	return arena_printf(a, "%s:%s%s%s", val_get_str(ap, "provider"),
			    target ? target : "", target && func ? ":" : "",
			    func ? func : "");
}

int attach_probe(struct load *l, struct load_probe *p)
{
	size_t i, j;

	if (p->multi != MULTI_NONE)
		return multi_attach(l, p);
	for (i = 0; i < p->attach->n; i++) {
		const struct val *ap = p->attach->items[i];
		const char *prov = val_get_str(ap, "provider");
		const char *why;
		int err = -EOPNOTSUPP;

		if (signals_stop_requested())
			return 0;
		if (attach_is_special(ap))
			continue;   /* run by run.c, not attached */
		p->ap_cookie = p->cookie ? i : 0;
		why = features_missing(l->arena, ap);
		if (why) {
			attach_report(l, p->loc, "%s", why);
			if (l->missing_probes == MISSING_ERROR)
				return err;
			continue;
		}
		for (j = 0; j < ARRAY_SIZE(attach_table); j++) {
			if (!strcmp(prov, attach_table[j].provider)) {
				err = attach_table[j].fn(l, p, ap);
				break;
			}
		}
		if (err && l->missing_probes == MISSING_ERROR)
			return err;
		if (!err)
			l->nattached++;
	}
	return 0;
}

/*
 * Detaching a perf-event link waits for an RCU grace period in the kernel
 * (about 70 ms here), one close after the other: 360 tracepoints took 26 s.
 * Grace periods that overlap are shared, so the links are closed by up to
 * DETACH_THREADS threads at once, a slice each.
 */
#define DETACH_THREADS 64
#define DETACH_MIN_SLICE 4

/* thread k of nth closes every nth link (then fd) from k on */
struct detach_share {
	struct load *l;
	int k, nth;
};

static void *detach_share_main(void *arg)
{
	const struct detach_share *s = arg;
	struct load *l = s->l;
	int i;

	for (i = s->k; i < l->nlinks + l->nlink_fds; i += s->nth) {
		if (i < l->nlinks)
			bpf_link__destroy(l->links[i]);
		else
			close(l->link_fds[i - l->nlinks]);
	}
	return NULL;
}

static void detach_parallel(struct load *l)
{
	struct detach_share sh[DETACH_THREADS];
	pthread_t th[DETACH_THREADS];
	int nth = (l->nlinks + l->nlink_fds) / DETACH_MIN_SLICE, i, made = 0;
	pthread_attr_t attr;

	if (nth > DETACH_THREADS)
		nth = DETACH_THREADS;
	if (nth < 1)
		nth = 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < nth; i++) {
		sh[i] = (struct detach_share){ l, i, nth };
		/* share 0 is this thread's, as is any share no thread took */
		if (i && !pthread_create(&th[made], &attr, detach_share_main,
					 &sh[i]))
			made++;
		else if (i)
			detach_share_main(&sh[i]);
	}
	pthread_attr_destroy(&attr);
	detach_share_main(&sh[0]);
	for (i = 0; i < made; i++)
		pthread_join(th[i], NULL);
}

/*
 * Many perf-event links at the end of a run: detaching costs one RCU grace
 * period each, serialised by the kernel (26 s for the 360 syscall
 * tracepoints here, 11 s in parallel).  With the stop gate set their
 * programs already return at once, so a child inherits the links and the
 * kernel releases them when it exits, after this process is gone:
 * bpftrace returns at once and the detaching ends in the background.
 * The child keeps only BPF and perf fds (anon inodes): the event stream,
 * stdout and the rest are closed first, so no reader waits for it.
 * 0 when the child took the links (this process drops its copies), else
 * a negative errno and nothing changed.
 */
int attach_detach_background(struct load *l)
{
	int fds[1024], nfds = 0, dfd, i, gone[2];
	char path[64], target[64], c;
	struct dirent *de;
	ssize_t n;
	pid_t pid;
	DIR *d;

	/* the child waits for EOF on gone[0]: this process has exited, the
	 * child holds the last references, and its own exit releases them */
	if (pipe2(gone, O_CLOEXEC))
		return -errno;
	/* decided here, where malloc is safe: the child only closes */
	d = opendir("/proc/self/fd");
	if (!d) {
		close(gone[0]);
		close(gone[1]);
		return -errno;
	}
	dfd = dirfd(d);
	while ((de = readdir(d)) && nfds < (int)(sizeof(fds) / sizeof(fds[0]))) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd == dfd || fd == gone[0])
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0 || (size_t)n < 11 || strncmp(target, "anon_inode:", 11))
			fds[nfds++] = fd;
	}
	closedir(d);
	pid = fork();
	if (pid < 0) {
		close(gone[0]);
		close(gone[1]);
		return -errno;
	}
	if (pid == 0) {
		for (i = 0; i < nfds; i++)
			close(fds[i]);   /* gone[1] among them */
		setsid();
		prctl(PR_SET_NAME, "bt-detach", 0, 0, 0);
		while (read(gone[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(gone[0]);   /* gone[1] stays open until this process exits */
	/* our copies go without detaching: the child's keep the probes */
	for (i = 0; i < l->nlinks; i++) {
		if (!l->links[i])
			continue;   /* unwatch() destroyed it already */
		bpf_link__disconnect(l->links[i]);
		bpf_link__destroy(l->links[i]);
	}
	free(l->links);
	l->links = NULL;
	l->nlinks = l->caplinks = 0;
	for (i = 0; i < l->nlink_fds; i++)
		close(l->link_fds[i]);
	free(l->link_fds);
	l->link_fds = NULL;
	l->nlink_fds = l->caplink_fds = 0;
	return 0;
}

void attach_detach_all(struct load *l)
{
	detach_parallel(l);
	free(l->links);
	l->links = NULL;
	l->nlinks = l->caplinks = 0;
	free(l->link_fds);
	l->link_fds = NULL;
	l->nlink_fds = l->caplink_fds = 0;
	free(l->watches);
	l->watches = NULL;
	l->nwatches = l->capwatches = 0;
}
