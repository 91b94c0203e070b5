/*
 * attach_self.c - self:signal:SIGUSR1 probes: nothing in the kernel to
 * attach; bt-load catches the signal and runs the probe's program with
 * BPF_PROG_TEST_RUN from its poll loop (run.c), like begin and end.
 */
#include <errno.h>
#include <string.h>

#include "load.h"

int attach_self(struct load *l, struct load_probe *p, const struct val *ap)
{
	const char *what = val_get_str(ap, "target");
	int sig = signals_number(val_get_str(ap, "func"));
	int err;

	if (!what || strcmp(what, "signal") || !sig) {
		attach_report(l, p->loc, "probe '%s' is not self:signal:SIGNAL",
			      attach_describe(l->arena, ap));
		return -EINVAL;
	}
	err = signals_watch(sig);
	if (err) {
		attach_report(l, p->loc, "cannot catch signal %d for probe '%s': %s",
			      sig, attach_describe(l->arena, ap),
			      attach_strerror(err));
		return err;
	}
	p->signal = sig;
	return 0;
}
