/*
 * run.c - one run of a bundle, in the order bpftrace does it:
 *
 *   check kernel features -> open the object -> (dw_ustack: start a -c
 *   command, stopped at its entry; build the unwind tables) -> load it
 *   -> (write the unwind tables) -> write bt_globals
 *   -> header and meta events -> run begin programs (their output held)
 *   -> attach every other probe -> `attached` event, flushed at once ->
 *   start -c CMD -> run iter probes -> poll the ring buffer until exit(), SIGINT/SIGTERM, a
 *   closed stdout or the end of the -c/-p process
 *   -> detach -> run end programs -> `dump`, the final `map` events,
 *   `exit`.
 *
 * Under --mode bench or test nothing is attached: after begin, modes.c
 * runs the bench: or test: programs, then end runs; no map dump, and the
 * `attached` event comes last and quiet (the run has no attach line).
 * Nothing attached or run at all is an error, exit status 1.
 *
 * Returns bt-load's exit status: 0, the script's exit() code, 2 for a
 * malformed bundle, 3 when the kernel refuses.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "load.h"
#include "tracefs.h"

#define POLL_MS 100

static int status_of(int err)
{
	return err == -EBADMSG ? EXIT_USAGE : EXIT_SYSTEM;
}

/* a probe the kernel cannot have stops the run before anything loads,
 * unless missing_probes lets attach_probe() skip it */
static int check_features(struct load *l)
{
	int i;
	size_t j;

	for (i = 0; i < l->nprobes; i++) {
		const struct load_probe *p = &l->probes[i];

		for (j = 0; j < p->attach->n; j++) {
			const char *why = features_missing(l->arena, p->attach->items[j]);

			if (why && l->missing_probes == MISSING_ERROR) {
				diag_error(p->loc, "%s", why);
				return -EOPNOTSUPP;
			}
		}
	}
	return 0;
}

static void emit_meta(struct load *l)
{
	static const char *const copied[] = { "printf", "print", "time" };
	struct val *ev = emit_event(l, "meta"), *maps, *probes, *src;
	size_t i, j, k;

	for (i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		src = val_get(l->bundle, copied[i]);
		val_set(l->ev, ev, copied[i], src ? val_copy(l->ev, src) : val_arr(l->ev));
	}
	maps = val_arr(l->ev);
	src = val_get(l->bundle, "maps");
	for (i = 0; src && i < src->n; i++) {
		const struct val *m = src->items[i];
		struct val *c = val_map(l->ev);

		for (k = 0; m->kind == VAL_MAP && k < m->n; k++)
			if (strcmp(m->kv[k].key, "elf"))
				val_set(l->ev, c, m->kv[k].key,
					val_copy(l->ev, m->kv[k].v));
		val_push(l->ev, maps, c);
	}
	val_set(l->ev, ev, "maps", maps);
	probes = val_arr(l->ev);
	for (i = 0; i < (size_t)l->nprobes; i++)
		for (j = 0; j < l->probes[i].attach->n; j++)
			val_push(l->ev, probes, val_str(l->ev,
				attach_describe(l->ev, l->probes[i].attach->items[j])));
	val_set(l->ev, ev, "probes", probes);
	val_set(l->ev, ev, "config", val_get(l->bundle, "config") ?
		val_copy(l->ev, val_get(l->bundle, "config")) : val_map(l->ev));
	emit_put(l, ev);
}

/* run every begin (or end) program once, in bundle order */
static int run_special(struct load *l, bool end)
{
	int i;

	for (i = 0; i < l->nprobes; i++) {
		struct load_probe *p = &l->probes[i];
		LIBBPF_OPTS(bpf_test_run_opts, opts);
		int err;

		if (!(end ? p->nend : p->nbegin))
			continue;
		err = bpf_prog_test_run_opts(bpf_program__fd(p->bpf), &opts);
		if (err) {
			err = -errno;
			diag_error(p->loc, "cannot run the %s probe: %s",
				   end ? "end" : "begin", strerror(-err));
			return err;
		}
		l->nattached++;
		/* the next probe must see this one's effects, e.g. exit() */
		ringbuf_poll(l, 0);
		if (!end && !l->exiting &&
		    actions_exit_flagged(l, &l->exit_code))
			l->exiting = true;     /* its record was lost */
		if (l->exiting)
			return 0;
	}
	return 0;
}

/* self:signal probes whose signal came, once per arrival */
static void run_signalled(struct load *l)
{
	int sig, i;

	while ((sig = signals_take_pending())) {
		for (i = 0; i < l->nprobes && !l->exiting; i++) {
			struct load_probe *p = &l->probes[i];
			LIBBPF_OPTS(bpf_test_run_opts, opts);

			if (p->signal != sig)
				continue;
			if (bpf_prog_test_run_opts(bpf_program__fd(p->bpf), &opts))
				diag_error(p->loc, "cannot run the signal probe: %s",
					   strerror(errno));
			ringbuf_poll(l, 0);
		}
	}
}

static int count_end(const struct load *l)
{
	int i, n = 0;

	for (i = 0; i < l->nprobes; i++)
		n += l->probes[i].nend;
	return n;
}

/* only begin/end probes (no other attach point, no signal probe, no -c or
 * -p): the run ends after begin, as upstream's "drain" mode */
static bool only_special(const struct load *l)
{
	int i;

	if (l->cmd || l->pid || l->wait)
		return false;
	for (i = 0; i < l->nprobes; i++)
		if (l->probes[i].signal || l->probes[i].nbegin +
		    l->probes[i].nend + l->probes[i].nrun +
		    l->probes[i].niter != (int)l->probes[i].attach->n)
			return false;
	return true;
}

/*
 * The kernel runs some probes on one event in the order they were
 * attached, and others (kprobes, uprobes, fentry...: the newest first) in
 * reverse: those are attached last to first, so that the script's order
 * is the order they run in, as upstream does.
 */
static bool attach_reversed(const struct load_probe *p)
{
	static const char *const rev[] = { "kprobe", "uprobe", "uretprobe",
		"usdt", "fentry", "fexit", "iter" };
	const char *prov = p->attach->n ?
			   val_get_str(p->attach->items[0], "provider") : NULL;
	size_t i;

	for (i = 0; prov && i < sizeof(rev) / sizeof(rev[0]); i++)
		if (!strcmp(prov, rev[i]))
			return true;
	return false;
}

static int attach_all(struct load *l)
{
	int i, pass, err;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < l->nprobes; i++) {
			struct load_probe *p = &l->probes[pass ?
						l->nprobes - 1 - i : i];

			if (attach_reversed(p) != (pass == 1) ||
			    p->nbegin + p->nend + p->nrun == (int)p->attach->n)
				continue;
			err = attach_probe(l, p);
			if (err)
				return err;
		}
	}
	return 0;
}

static void dry_run_report(struct load *l)
{
	int i;
	size_t j;

	for (i = 0; i < l->nprobes; i++) {
		const struct load_probe *p = &l->probes[i];

		for (j = 0; j < p->attach->n; j++) {
			const struct val *ap = p->attach->items[j];

			fprintf(stderr, "%s %s (program %s%s)\n",
				attach_is_special(ap) ? "would run" : "would attach",
				attach_describe(l->ev, ap), p->prog,
				p->multi == MULTI_UPROBE ? ", uprobe_multi link" :
				p->multi == MULTI_KPROBE ? ", kprobe_multi link" : "");
		}
	}
}

static void emit_exit(struct load *l, int code)
{
	struct val *ev = emit_event(l, "exit");

	val_set_int(l->ev, ev, "code", code);
	emit_put(l, ev);
	emit_flush(l);
}

/*
 * --dry-run, as upstream: attach every probe (begin and end are not run),
 * announce them, detach, and end without a map dump
 */
static int dry_run(struct load *l)
{
	struct val *attached;
	int err;

	dry_run_report(l);
	emit_hold(l);
	err = attach_all(l);
	attached = emit_event(l, "attached");
	val_set_int(l->ev, attached, "n", bundle_count_attach(l));
	emit_release(l, err ? NULL : attached);
	attach_detach_all(l);
	if (err) {
		emit_flush(l);
		return EXIT_SYSTEM;
	}
	emit_exit(l, 0);
	return 0;
}

static struct val *dump_event(struct load *l, int id, struct val *entries)
{
	struct val *ev = emit_event(l, "map");

	val_set_int(l->ev, ev, "id", id);
	val_set_int(l->ev, ev, "top", 0);
	val_set_int(l->ev, ev, "div", 0);
	val_set_bool(l->ev, ev, "final", true);
	val_set(l->ev, ev, "entries", entries);
	return ev;
}

/* a batch of a large map, sent at once: bt-fmt decodes it while the
 * next one is read */
static void dump_chunk(struct load *l, int id, struct val *entries,
		       void *ctx)
{
	struct val *ev = dump_event(l, id, entries);

	val_set_bool(l->ev, ev, "more", true);
	emit_put(l, ev);
	emit_flush(l);
	*(bool *)ctx = true;
}

static void dump_maps(struct load *l)
{
	int i;

	emit_put(l, emit_event(l, "dump"));
	for (i = 0; i < l->nmaps; i++) {
		struct val *entries = NULL, *ev;
		bool chunked = false;
		int err = maps_stream(l, i, &entries, dump_chunk, &chunked);

		if (err) {
			ev = emit_event(l, "error");
			val_set_str(l->ev, ev, "msg",
				    arena_printf(l->ev, "cannot read map '%s': %s",
						 l->maps[i].name, strerror(-err)));
			emit_put(l, ev);
		}
		/* after chunks, the last (maybe empty) one closes the map */
		if (!chunked && (!entries || !entries->n))
			continue;
		ev = dump_event(l, i, entries ? entries : val_arr(l->ev));
		emit_put(l, ev);
		/* one map at a time: memory stays one map's worth */
		emit_flush(l);
	}
}

/* nothing attached and nothing run: upstream's hint when the program has
 * probes only a mode runs */
static int nothing_attached(struct load *l)
{
	struct diag_loc none = { 0 };

	if (modes_count(l, "test"))
		diag_error(none, "No probes attached; use --test to run test probes.");
	else if (modes_count(l, "bench"))
		diag_error(none, "No probes attached; use --bench to run benchmark probes.");
	else
		diag_error(none, "Attachment failed for all probes.");
	return 1;
}

/* --mode bench/test, after begin: the benchmarks or tests, then end */
static int run_mode(struct load *l)
{
	struct val *attached;
	int code = l->exiting ? l->exit_code : 0, failed;

	emit_release(l, NULL);
	emit_flush(l);
	l->exiting = false;
	actions_exit_clear(l);
	failed = l->mode == MODE_BENCH ? modes_bench(l) : modes_test(l);
	emit_flush(l);
	if (failed < 0)
		return EXIT_SYSTEM;
	if (!l->nattached && !count_end(l))
		return nothing_attached(l);
	attached = emit_event(l, "attached");
	val_set_int(l->ev, attached, "n", l->nattached + count_end(l));
	val_set_bool(l->ev, attached, "quiet", true);
	emit_put(l, attached);
	emit_flush(l);
	run_special(l, true);
	ringbuf_poll(l, 0);
	/* the end of the run's output (text: two blank lines); no maps */
	emit_put(l, emit_event(l, "dump"));
	emit_flush(l);
	emit_exit(l, code);
	return l->out_broken ? 0 : failed ? 1 : code;
}

/* the detaching thread: only it touches l->links until it is joined */
static void *detach_main(void *arg)
{
	attach_detach_all(arg);
	return NULL;
}

int run_bundle(struct load *l)
{
	struct val *attached;
	pthread_t detacher;
	bool detaching;
	int err, code;

	if ((err = check_features(l)))
		return EXIT_SYSTEM;
	if ((err = object_open(l)))
		return status_of(err);
	/* multi links need their programs loaded for them */
	if ((err = multi_plan(l)))
		return status_of(err);
	/* fentry:bpf programs are bound to their target when loaded */
	if ((err = attach_fentry_prepare(l))) {
		attach_fentry_release(l);
		return status_of(err);
	}
	/* dw_ustack reads the -c command's tables once its libraries are
	 * mapped: it starts now, stopped at its entry point (child.c) */
	if (val_get(l->bundle, "dwunwind") && l->cmd && !l->dry_run &&
	    l->mode == MODE_RUN) {
		l->child_traced = true;
		if ((err = child_start(l, l->cmd, l->cmd_stdout))) {
			attach_fentry_release(l);
			return err == -ENOENT || err == -EINVAL ? EXIT_USAGE :
			       EXIT_SYSTEM;
		}
	}
	if ((err = dwunwind_prepare(l))) {
		child_stop(l);
		attach_fentry_release(l);
		return err == -ESRCH ? 1 : status_of(err);
	}
	err = object_load(l);
	attach_fentry_release(l);
	if (err || (err = maps_open(l)) ||
	    (err = object_set_globals(l)) || (err = ringbuf_open(l)) ||
	    (err = dwunwind_fill(l))) {
		child_stop(l);
		return status_of(err);
	}

	if (l->cmd && !l->child_pid && !l->dry_run && l->mode == MODE_RUN &&
	    (err = child_start(l, l->cmd, l->cmd_stdout)))
		return err == -ENOENT || err == -EINVAL ? EXIT_USAGE : EXIT_SYSTEM;
	actions_set_cpid(l);

	emit_put(l, wire_header(l->ev, "events", l->hdr));
	emit_meta(l);
	emit_flush(l);
	if (l->dry_run)
		return dry_run(l);
	/* skboutput's pcap files exist from the start, as upstream's */
	if ((err = skboutput_open(l)))
		return status_of(err);
	/* debugf() readers look in /sys/kernel/debug/tracing (upstream's
	 * docs); without it the output is still in /sys/kernel/tracing */
	if (val_get_bool(l->bundle, "trace_pipe", false) &&
	    tracefs_mount_debug_path())
		diag_warn((struct diag_loc){ 0 }, "debugf() output goes to the trace pipe, but /sys/kernel/debug/tracing is not available");

	emit_hold(l);
	err = run_special(l, false);
	if (!err && l->mode != MODE_RUN)
		return run_mode(l);
	if (!err && !l->exiting)
		err = attach_all(l);
	if (err) {
		attach_detach_all(l);
		child_stop(l);
		emit_release(l, NULL);
		emit_flush(l);
		return EXIT_SYSTEM;
	}
	/* nothing attached because a signal stopped the attaching is no
	 * failure: the run ends below as it would have later */
	if (!l->exiting && !l->nattached && !count_end(l) &&
	    !signals_stop_requested()) {
		emit_release(l, NULL);
		emit_flush(l);
		child_stop(l);
		return nothing_attached(l);
	}
	attached = emit_event(l, "attached");
	/* begin and end count too (they are "attached" for bpftrace); a
	 * begin that called exit() stopped the rest from attaching, yet
	 * bpftrace announces every probe */
	val_set_int(l->ev, attached, "n", l->exiting ? bundle_count_attach(l) :
		    l->nattached + count_end(l));
	emit_release(l, attached);
	emit_flush(l);
	child_release(l);
	attach_run_iters(l);
	emit_flush(l);

	l->in_loop = true;
	while (!only_special(l) && !l->exiting && !l->exit_flagged && !l->out_broken &&
	       !signals_stop_requested() && !child_exited(l)) {
		err = ringbuf_poll(l, POLL_MS);
		if (err < 0) {
			fprintf(stderr, "ERROR: polling the ring buffer failed: %s\n",
				strerror(-err));
			break;
		}
		run_signalled(l);
		ringbuf_check_lost(l);
		skboutput_flush(l);
		emit_flush(l);
		/* exit() whose record the full ring buffer lost: the records
		 * before it are drained below, after detaching */
		if (!l->exiting && actions_exit_flagged(l, &l->flag_code))
			l->exit_flagged = true;
	}
	l->in_loop = false;
	/* with the stop gate set the programs are inert and the maps hold
	 * still, so detaching, which waits for the kernel (an RCU grace
	 * period, tens of ms, per link), runs in a thread alongside end and
	 * the dump, or for many links in a child that outlives this process */
	detaching = false;
	if (actions_stop_probes(l)) {
		/* many links go to a child that outlives us (attach.c) */
		if (l->nlinks + l->nlink_fds >= ATTACH_BACKGROUND_MIN)
			attach_detach_background(l);
		else
			detaching = !pthread_create(&detacher, NULL,
						    detach_main, l);
	}
	if (!detaching)
		attach_detach_all(l);
	child_stop(l);
	if (l->out_broken) {
		if (detaching)
			pthread_join(detacher, NULL);
		return 0;
	}

	/* records written after exit() are dropped; then end runs */
	ringbuf_poll(l, 0);
	ringbuf_check_lost(l);
	code = l->exiting ? l->exit_code : l->exit_flagged ? l->flag_code : 0;
	l->exiting = false;
	run_special(l, true);
	ringbuf_poll(l, 0);
	emit_flush(l);
	if (l->print_maps_on_exit)
		dump_maps(l);
	emit_exit(l, code);
	if (detaching)
		pthread_join(detacher, NULL);
	return l->out_broken ? 0 : code;
}
