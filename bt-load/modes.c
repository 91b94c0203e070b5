/*
 * modes.c - --mode bench and --mode test: bt-load runs the bench: and
 * test: programs itself, in source order, with BPF_PROG_TEST_RUN (they
 * are XDP programs, the type whose test runs take `repeat` and report the
 * kernel-measured mean duration; XDP wants at least an Ethernet header of
 * input, which is all zeros and unused).
 *
 * bench: each program runs `repeat` times, repeat growing (x1000, x100,
 * x10, x2 as the total stays under 1 us, 10 us, 100 us, 1 ms) until one
 * batch takes at least 1 ms; its output is dropped.  A program that
 * returns non-zero is skipped; one that reports an error or exits with a
 * non-zero code fails ("Benchmark 'NAME' failed.").  Each result is a
 * `bench` event.
 *
 * test: each program runs once between a `test_start` and a `test` event,
 * so bt-fmt can capture the output in between.  It passes when it returns
 * 0, reports no error (runtime error, failed helper, errorf()) and does
 * not exit() with a non-zero code.
 *
 * Both follow upstream bpftrace's BPFtrace::run (src/bpftrace.cpp).
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "load.h"

#define ETH_HLEN 14
/* repeat is a u32; far beyond what 1 ms of any program needs */
#define BENCH_MAX_ITERS 100000000u

static bool ap_is(const struct val *ap, const char *provider)
{
	const char *prov = val_get_str(ap, "provider");

	return prov && !strcmp(prov, provider);
}

int modes_count(const struct load *l, const char *provider)
{
	int i, n = 0;
	size_t j;

	for (i = 0; i < l->nprobes; i++)
		for (j = 0; j < l->probes[i].attach->n; j++)
			n += ap_is(l->probes[i].attach->items[j], provider);
	return n;
}

static int modes_longest(const struct load *l, const char *provider)
{
	int i, n = 0;
	size_t j;

	for (i = 0; i < l->nprobes; i++)
		for (j = 0; j < l->probes[i].attach->n; j++) {
			const struct val *ap = l->probes[i].attach->items[j];
			const char *name = val_get_str(ap, "target");

			if (ap_is(ap, provider) && name && (int)strlen(name) > n)
				n = (int)strlen(name);
		}
	return n;
}

/* run p's program repeat times; opts gets retval and the mean duration */
static int modes_run_prog(struct load_probe *p, const char *what,
			  unsigned repeat, struct bpf_test_run_opts *opts)
{
	unsigned char data[ETH_HLEN] = { 0 };

	opts->data_in = data;
	opts->data_size_in = sizeof(data);
	opts->repeat = repeat;
	if (bpf_prog_test_run_opts(bpf_program__fd(p->bpf), opts)) {
		int err = -errno;

		diag_error(p->loc, "cannot run the %s probe: %s", what,
			   strerror(-err));
		return err;
	}
	return 0;
}

/*
 * After a run: its records handled (events counted, maybe dropped), and
 * the exit() code it left, 0 without exit(); the exit state is reset for
 * the next run.
 */
static int modes_settle(struct load *l)
{
	int code = 0, flag;

	ringbuf_poll(l, 0);
	ringbuf_check_lost(l);
	if (l->exiting)
		code = l->exit_code;
	else if (actions_exit_flagged(l, &flag))
		code = flag;
	l->exiting = false;
	actions_exit_clear(l);
	return code;
}

/* one benchmark: 0 reported or skipped, 1 failed, or -errno */
static int modes_bench_one(struct load *l, struct load_probe *p,
			   const char *name, int width)
{
	unsigned iters = 1;
	struct val *ev;

	for (;;) {
		LIBBPF_OPTS(bpf_test_run_opts, opts);
		uint64_t total;
		int err, code;

		l->discard = l->counting = true;
		l->nerrors = 0;
		err = modes_run_prog(p, "bench", iters, &opts);
		code = err ? 0 : modes_settle(l);
		l->discard = l->counting = false;
		if (err)
			return err;
		/* returning non-zero skips the benchmark */
		if (!code && opts.retval)
			return 0;
		total = (uint64_t)opts.duration * iters;
		if (iters < BENCH_MAX_ITERS && !signals_stop_requested()) {
			unsigned grow = total < 1000 ? 1000 : total < 10000 ? 100 :
					total < 100000 ? 10 : total < 1000000 ? 2 : 1;

			if (grow > 1) {
				iters = (uint64_t)iters * grow > BENCH_MAX_ITERS ?
					BENCH_MAX_ITERS : iters * grow;
				continue;
			}
		}
		if (code || l->nerrors) {
			diag_error((struct diag_loc){ 0 }, "Benchmark '%s' failed.",
				   name);
			return 1;
		}
		ev = emit_event(l, "bench");
		val_set_str(l->ev, ev, "name", name);
		val_set_int(l->ev, ev, "width", width);
		val_set_int(l->ev, ev, "average", opts.duration);
		val_set_int(l->ev, ev, "iters", iters);
		emit_put(l, ev);
		emit_flush(l);
		return 0;
	}
}

int modes_bench(struct load *l)
{
	int width = modes_longest(l, "bench"), i, r, failed = 0;
	size_t j;

	for (i = 0; i < l->nprobes; i++) {
		struct load_probe *p = &l->probes[i];

		for (j = 0; j < p->attach->n; j++) {
			const struct val *ap = p->attach->items[j];

			if (!ap_is(ap, "bench"))
				continue;
			if (signals_stop_requested() || l->out_broken)
				return failed;
			l->nattached++;
			r = modes_bench_one(l, p, val_get_str(ap, "target"), width);
			if (r < 0)
				return r;
			failed |= r;
		}
	}
	return failed;
}

int modes_test(struct load *l)
{
	int count = modes_count(l, "test"), index = 0, i, err, code, failed = 0;
	size_t j;

	for (i = 0; i < l->nprobes; i++) {
		struct load_probe *p = &l->probes[i];

		for (j = 0; j < p->attach->n; j++) {
			const struct val *ap = p->attach->items[j];
			const char *name = val_get_str(ap, "target");
			LIBBPF_OPTS(bpf_test_run_opts, opts);
			struct val *ev;
			bool passed;

			if (!ap_is(ap, "test"))
				continue;
			if (signals_stop_requested() || l->out_broken)
				return failed;
			l->nattached++;
			ev = emit_event(l, "test_start");
			val_set_str(l->ev, ev, "name", name);
			val_set_int(l->ev, ev, "index", index);
			val_set_int(l->ev, ev, "count", count);
			emit_put(l, ev);
			l->counting = true;
			l->nerrors = 0;
			err = modes_run_prog(p, "test", 1, &opts);
			code = err ? 0 : modes_settle(l);
			l->counting = false;
			passed = !err && !opts.retval && !code && !l->nerrors;
			ev = emit_event(l, "test");
			val_set_str(l->ev, ev, "name", name);
			val_set_int(l->ev, ev, "index", index);
			val_set_int(l->ev, ev, "count", count);
			val_set_int(l->ev, ev, "duration", opts.duration);
			val_set_bool(l->ev, ev, "passed", passed);
			emit_put(l, ev);
			emit_flush(l);
			if (err)
				return err;
			failed |= !passed;
			index++;
		}
	}
	return failed;
}
