/*
 * attach_iter.c - iter:NAME probes: a BPF iterator link over kernel
 * objects (tasks, files, vmas...).  The program's printf() writes into
 * the iterator's seq_file (bt-gen's seqprintf.c), so its text is what a
 * read of the iterator returns.
 *
 * With a pin path the link is pinned in bpffs and left there: every read
 * of that file (`cat /sys/fs/bpf/NAME`) runs the program again and shows
 * its text; bt-load reports the pin with a `pinned` event (upstream's
 * "Program pinned to PATH").  Otherwise bt-load runs the iterator once all
 * probes are attached: it creates an iterator from the link and reads it
 * to the end, which calls the program once per object, and hands the text
 * on as `text` events of kind "iter", whole lines each (a line cut by a
 * read waits for the rest), in the order read.  After each read the ring
 * buffer is drained, so the events of the program's other calls (print,
 * errorf, maps...) follow the text of the same read.  A script of only
 * begin/end/iter probes ends after that, as upstream's does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "load.h"

/* one read: more than the seq_file's buffer (8 pages) holds, so a read
 * returns all the text the programs of that read wrote */
#define ITER_READ_SIZE (64 << 10)

int attach_iter(struct load *l, struct load_probe *p, const struct val *ap)
{
	const char *pin = val_get_str(ap, "pin");
	struct bpf_link *link = bpf_program__attach_iter(p->bpf, NULL);
	struct val *ev;
	int err;

	if (!link) {
		err = -errno;
		attach_report(l, p->loc, "cannot attach probe '%s': %s",
			      attach_describe(l->arena, ap), attach_strerror(err));
		return err;
	}
	if (pin) {
		err = bpf_link__pin(link, pin);
		if (err) {
			attach_report(l, p->loc, "cannot pin probe '%s' at '%s': %s",
				      attach_describe(l->arena, ap), pin,
				      attach_strerror(err));
			if (l->missing_probes != MISSING_IGNORE && err == -EEXIST)
				diag_hint("remove the old pin first (rm %s) or "
					  "choose another name", pin);
			else if (l->missing_probes != MISSING_IGNORE &&
				 err == -EINVAL)
				diag_hint("a pin must be in a BPF filesystem: "
					  "give a name (it goes under /sys/fs/bpf) "
					  "or a path under a bpffs mount");
			bpf_link__destroy(link);
			return err;
		}
		ev = emit_event(l, "pinned");
		val_set_str(l->ev, ev, "path", pin);
		emit_put(l, ev);
	} else {
		p->iter_link = link;
	}
	return attach_add_link(l, link);
}

/* the text of n bytes at s as one `text` event of kind "iter" */
static void iter_text(struct load *l, const char *s, size_t n)
{
	struct val *ev;

	if (!n)
		return;
	ev = emit_event(l, "text");
	val_set_str(l->ev, ev, "kind", "iter");
	val_set(l->ev, ev, "data", val_strn(l->ev, s, n));
	emit_put(l, ev);
}

/* read the iterator of p to its end; the text goes out in whole lines */
static int iter_read(struct load *l, struct load_probe *p, char *buf,
		     size_t cap)
{
	size_t have = 0, whole;
	ssize_t n;
	int fd, err = 0;
	char *nl;

	fd = bpf_iter_create(bpf_link__fd(p->iter_link));
	if (fd < 0) {
		err = -errno;
		diag_error(p->loc, "cannot start the iterator of '%s': %s",
			   p->prog, strerror(-err));
		return err;
	}
	while (!l->exiting && !signals_stop_requested()) {
		/* a line longer than the buffer goes out in pieces */
		if (have == cap) {
			iter_text(l, buf, have);
			have = 0;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			diag_error(p->loc, "reading the iterator of '%s' "
				   "failed: %s", p->prog, strerror(-err));
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		nl = memrchr(buf, '\n', have);
		whole = nl ? (size_t)(nl - buf) + 1 : 0;
		iter_text(l, buf, whole);
		memmove(buf, buf + whole, have - whole);
		have -= whole;
		/* the same read's other events follow its text */
		ringbuf_poll(l, 0);
		emit_flush(l);
	}
	iter_text(l, buf, have);
	close(fd);
	ringbuf_poll(l, 0);
	return err;
}

int attach_run_iters(struct load *l)
{
	char *buf = NULL;
	int i, err = 0, e;

	for (i = 0; i < l->nprobes && !l->exiting; i++) {
		struct load_probe *p = &l->probes[i];

		if (!p->iter_link)
			continue;
		if (!buf && !(buf = malloc(ITER_READ_SIZE)))
			return -ENOMEM;
		e = iter_read(l, p, buf, ITER_READ_SIZE);
		if (e)
			err = e;
	}
	free(buf);
	return err;
}
