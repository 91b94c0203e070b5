/*
 * attach_iter.c - iter:NAME probes: a BPF iterator link over kernel
 * objects (tasks, files, vmas...).  With a pin path the link is pinned
 * in bpffs and left there: reading that file later runs the program.
 * Otherwise bt-load runs the iterator once all probes are attached: it
 * creates an iterator from the link and reads it to the end, which calls
 * the program once per object; the program's output comes through the
 * ring buffer like any probe's.  A script of only begin/end/iter probes
 * ends after that, as upstream's does.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "load.h"

int attach_iter(struct load *l, struct load_probe *p, const struct val *ap)
{
	const char *pin = val_get_str(ap, "pin");
	struct bpf_link *link = bpf_program__attach_iter(p->bpf, NULL);
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
			bpf_link__destroy(link);
			return err;
		}
		fprintf(stderr, "Program pinned to %s\n", pin);
	} else {
		p->iter_link = link;
	}
	return attach_add_link(l, link);
}

int attach_run_iters(struct load *l)
{
	static char buf[4096];
	int i, fd, err = 0;
	ssize_t n;

	for (i = 0; i < l->nprobes && !l->exiting; i++) {
		struct load_probe *p = &l->probes[i];

		if (!p->iter_link)
			continue;
		fd = bpf_iter_create(bpf_link__fd(p->iter_link));
		if (fd < 0) {
			err = -errno;
			fprintf(stderr, "ERROR: cannot start the iterator of "
				"'%s': %s\n", p->prog, strerror(-err));
			continue;
		}
		/* each read runs the program over a batch of objects */
		while ((n = read(fd, buf, sizeof(buf))) > 0 ||
		       (n < 0 && errno == EINTR))
			ringbuf_poll(l, 0);
		if (n < 0) {
			err = -errno;
			fprintf(stderr, "ERROR: reading the iterator of '%s' "
				"failed: %s\n", p->prog, strerror(-err));
		}
		close(fd);
		ringbuf_poll(l, 0);
	}
	return err;
}
