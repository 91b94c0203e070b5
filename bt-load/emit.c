/*
 * emit.c - the events stream out of bt-load.  Events of one poll round
 * are built in one arena (l->ev) and packed into the wire_out buffer;
 * emit_flush() writes the batch with one write and resets the arena, so
 * there is no syscall and no malloc per event and memory stays flat.
 *
 * Events can be held back (emit_hold): begin probes run before the other
 * probes are attached, but their output must follow the `attached` event.
 *
 * A batch is also written when it reaches EMIT_BATCH_MAX events, so a
 * producer that keeps the ring buffer full cannot grow the arena forever.
 *
 * While a benchmark or a test runs, error events are counted (they fail
 * it), and a benchmark's events are dropped: it runs thousands of times.
 *
 * A write error (stdout closed: EPIPE) marks the output broken; run.c
 * then stops cleanly.
 */
#include <errno.h>
#include <string.h>

#include "load.h"

#define EMIT_BATCH_MAX 4096

int emit_open(struct load *l, FILE *f, bool json)
{
	l->out = wire_out_open(f, json);
	l->ev = arena_new();
	return 0;
}

struct val *emit_event(struct load *l, const char *e)
{
	struct val *ev = val_map(l->ev);

	val_set_str(l->ev, ev, "e", e);
	return ev;
}

static void emit_write(struct load *l, struct val *ev)
{
	if (l->out_broken)
		return;
	if (wire_out_write(l->out, ev))
		l->out_broken = true;
}

/* does ev report an error: a runtime error, a failed helper, errorf() */
static bool emit_is_error(struct load *l, const struct val *ev)
{
	const char *e = val_get_str(ev, "e");
	const struct val *pf;

	if (!e)
		return false;
	if (!strcmp(e, "error"))
		return true;
	if (!strcmp(e, "warn"))
		return val_get(ev, "helper") != NULL;
	if (strcmp(e, "printf"))
		return false;
	pf = val_at(val_get(l->bundle, "printf"), (size_t)val_get_int(ev, "id", -1));
	return pf && val_get_str(pf, "severity") &&
	       !strcmp(val_get_str(pf, "severity"), "error");
}

void emit_put(struct load *l, struct val *ev)
{
	if (l->counting && emit_is_error(l, ev))
		l->nerrors++;
	if (l->discard)
		return;
	if (l->held) {
		val_push(l->ev, l->held, ev);
		return;
	}
	emit_write(l, ev);
	if (++l->batch_n >= EMIT_BATCH_MAX)
		emit_flush(l);
}

void emit_hold(struct load *l)
{
	if (!l->held)
		l->held = val_arr(l->ev);
}

void emit_release(struct load *l, struct val *first)
{
	struct val *held = l->held;
	size_t i;

	l->held = NULL;
	if (first)
		emit_write(l, first);
	for (i = 0; held && i < held->n; i++)
		emit_write(l, held->items[i]);
}

int emit_flush(struct load *l)
{
	if (!l->out_broken && wire_out_flush(l->out))
		l->out_broken = true;
	if (!l->held) {
		arena_reset(l->ev);
		l->batch_n = 0;
	}
	return l->out_broken ? -EPIPE : 0;
}

int emit_close(struct load *l)
{
	int err = emit_flush(l);

	wire_out_close(l->out);
	l->out = NULL;
	arena_free(l->ev);
	l->ev = NULL;
	return err;
}
