/*
 * attach_tracepoint.c - tracepoint and rawtracepoint probes.  Tracepoint
 * ids come from tracefs, which is mounted first if needed (share/tracefs).
 * A rawtracepoint probe is a raw_tp program attached by name, or a tp_btf
 * one (BPF_PROG_TYPE_TRACING, bound to btf_trace_<event> at load time)
 * when it calls a helper only tracing programs may call.
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "load.h"
#include "tracefs.h"

static int attach_failed(struct load *l, struct load_probe *p,
			 const struct val *ap, int err)
{
	attach_report(l, p->loc, "cannot attach probe '%s': %s",
		   attach_describe(l->arena, ap), attach_strerror(err));
	return err;
}

int attach_tracepoint(struct load *l, struct load_probe *p,
		      const struct val *ap)
{
	const char *cat = val_get_str(ap, "target");
	const char *event = val_get_str(ap, "func");
	LIBBPF_OPTS(bpf_tracepoint_opts, opts);
	struct bpf_link *link;
	int err = 0;

	if (!cat || !event) {
		attach_report(l, p->loc, "tracepoint '%s' lacks a category or an event",
			   attach_describe(l->arena, ap));
		return -EINVAL;
	}
	if (!tracefs_root(&err)) {
		attach_report(l, p->loc, "tracepoints need tracefs: %s", attach_strerror(err));
		if (l->missing_probes == MISSING_ERROR)
			diag_hint("%s", tracefs_hint());
		return err;
	}
	opts.bpf_cookie = p->ap_cookie;
	link = bpf_program__attach_tracepoint_opts(p->bpf, cat, event, &opts);
	if (!link)
		return attach_failed(l, p, ap, -errno);
	return attach_add_link(l, link);
}

int attach_rawtracepoint(struct load *l, struct load_probe *p,
			 const struct val *ap)
{
	const char *event = val_get_str(ap, "func");
	struct bpf_link *link;

	if (!event) {
		attach_report(l, p->loc, "rawtracepoint '%s' lacks an event name",
			   attach_describe(l->arena, ap));
		return -EINVAL;
	}
	/* tp_btf (bt-check's "tp_btf": the probe calls skboutput): the
	 * tracepoint was bound when the program loaded */
	if (bpf_program__type(p->bpf) == BPF_PROG_TYPE_TRACING)
		link = bpf_program__attach_trace(p->bpf);
	else
		link = bpf_program__attach_raw_tracepoint(p->bpf, event);
	if (!link)
		return attach_failed(l, p, ap, -errno);
	return attach_add_link(l, link);
}
