/*
 * ringbuf.c - records from the BPF side (WIRE.md "Ring-buffer records")
 * turned into events: printf, print, time and print(@map) become events;
 * clear() and zero() are done here in userspace; exit() stops the run;
 * a failed helper call (HELPER_ERROR) becomes a `warn` event in
 * upstream's words.
 * After exit() further records are ignored, as bpftrace does.  A record
 * bt-load does not understand is reported as an `error` event and on
 * stderr, never dropped in silence.
 *
 * The lost-event counter (a per-CPU u64 at key 0) is read once per poll
 * round; growth is reported as a `lost` event.
 *
 * A program calling skboutput() has a perf buffer too (skboutput.c):
 * ringbuf_poll() then waits for either and empties both.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bug.h"
#include "load.h"

struct record_hdr {
	uint32_t action;
	uint32_t id;
};

#define PAYLOAD_OFF 8

static void record_error(struct load *l, const char *msg)
{
	struct val *ev = emit_event(l, "error");

	fprintf(stderr, "bt-load: %s\n", msg);
	val_set_str(l->ev, ev, "msg", msg);
	emit_put(l, ev);
}

/* helper numbers -> names, from the kernel's own list */
#define HELPER_NAME(x) #x
static const char *const helper_names[] = { __BPF_FUNC_MAPPER(HELPER_NAME) };
#undef HELPER_NAME

/* upstream's words for a failed helper call */
static const char *helper_error_text(struct arena *a, int64_t helper,
				     int64_t ret)
{
	if (helper == BPF_FUNC_map_update_elem && ret == -E2BIG)
		return "Map full; can't update element. Try increasing max_map_keys config or manually setting the max entries in a map declaration e.g. `let @a = hash(5000)`";
	if (helper == BPF_FUNC_map_delete_elem && ret == -ENOENT)
		return "Can't delete map element because it does not exist.";
	if (helper == BPF_FUNC_map_lookup_elem)
		return "Can't lookup map element because it does not exist.";
	return arena_strdup(a, strerror((int)-ret));
}

static void record_helper_error(struct load *l, uint32_t id,
				const unsigned char *p)
{
	const struct val *he = val_at(l->helper_errors, id);
	int64_t helper = val_get_int(he, "helper", -1), ret;
	const char *name;
	struct val *ev, *loc = val_get(he, "loc");

	memcpy(&ret, p, 8);
	name = helper >= 0 && helper < (int64_t)ARRAY_SIZE(helper_names) ?
	       helper_names[helper] : arena_printf(l->ev, "helper %lld", (long long)helper);
	ev = emit_event(l, "warn");
	val_set_str(l->ev, ev, "msg",
		    arena_printf(l->ev, "%s\nAdditional Info - helper: %s, retcode: %lld",
				 helper_error_text(l->ev, helper, ret), name,
				 (long long)ret));
	if (loc)
		val_set(l->ev, ev, "loc", val_copy(l->ev, loc));
	val_set_str(l->ev, ev, "helper", name);
	val_set_int(l->ev, ev, "retcode", ret);
	emit_put(l, ev);
}

static void record_map(struct load *l, uint32_t id, const unsigned char *p,
		       size_t n)
{
	uint64_t top = 0, div = 0;
	struct val *ev, *entries = NULL;
	int err;

	if (n >= 16) {
		memcpy(&top, p, 8);
		memcpy(&div, p + 8, 8);
	}
	err = maps_read(l, id, &entries);
	if (err) {
		record_error(l, arena_printf(l->ev, "cannot read map '%s': %s",
					  l->maps[id].name, strerror(-err)));
		return;
	}
	ev = emit_event(l, "map");
	val_set_int(l->ev, ev, "id", id);
	val_set_int(l->ev, ev, "top", top);
	val_set_int(l->ev, ev, "div", div);
	val_set_bool(l->ev, ev, "final", false);
	val_set(l->ev, ev, "entries", entries);
	emit_put(l, ev);
}

static int record_process(struct load *l, void *data, size_t size)
{
	struct record_hdr h;
	const unsigned char *p = (const unsigned char *)data + PAYLOAD_OFF;
	size_t n = size > PAYLOAD_OFF ? size - PAYLOAD_OFF : 0;
	struct timespec ts;
	struct val *ev;
	int64_t code;
	int err;

	if (l->exiting)
		return 0;
	if (size < sizeof(h)) {
		record_error(l, arena_printf(l->ev, "ring-buffer record of %zu bytes is too short",
					  size));
		return 0;
	}
	memcpy(&h, data, sizeof(h));
	switch (h.action) {
	case REC_PRINTF:
		if (h.id >= (uint32_t)l->nprintf)
			break;
		if (n < (size_t)type_size(l->printf_args[h.id]))
			goto short_record;
		ev = emit_event(l, "printf");
		val_set_int(l->ev, ev, "id", h.id);
		val_set(l->ev, ev, "args",
			decode_value(l->ev, l->printf_args[h.id], p, n));
		emit_put(l, ev);
		return 0;
	case REC_PRINT_VALUE:
		if (h.id >= (uint32_t)l->nprint)
			break;
		if (n < (size_t)type_size(l->print_types[h.id]))
			goto short_record;
		ev = emit_event(l, "print");
		val_set_int(l->ev, ev, "id", h.id);
		val_set(l->ev, ev, "v",
			decode_value(l->ev, l->print_types[h.id], p, n));
		emit_put(l, ev);
		return 0;
	case REC_PRINT_MAP:
		if (h.id >= (uint32_t)l->nmaps)
			break;
		record_map(l, h.id, p, n);
		return 0;
	case REC_CLEAR_MAP:
	case REC_ZERO_MAP:
		if (h.id >= (uint32_t)l->nmaps)
			break;
		err = h.action == REC_CLEAR_MAP ? maps_clear(l, h.id)
						: maps_zero(l, h.id);
		if (err)
			record_error(l, arena_printf(l->ev, "cannot %s map '%s': %s",
						     h.action == REC_CLEAR_MAP ? "clear" : "zero",
						     l->maps[h.id].name, strerror(-err)));
		return 0;
	case REC_EXIT:
		if (n < 8)
			goto short_record;
		memcpy(&code, p, 8);
		l->exiting = true;
		l->exit_code = (int)code;
		return 0;
	case REC_HELPER_ERROR:
		if (!val_at(l->helper_errors, h.id))
			break;
		if (n < 8)
			goto short_record;
		record_helper_error(l, h.id, p);
		return 0;
	case REC_TIME:
		if (h.id >= (uint32_t)l->ntime)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ev = emit_event(l, "time");
		val_set_int(l->ev, ev, "id", h.id);
		val_set_int(l->ev, ev, "ns",
			    (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec);
		emit_put(l, ev);
		return 0;
	default:
		err = actions_record(l, h.action, h.id, p, n);
		if (!err)
			return 0;
		if (err == -ENOENT)
			break;
		if (err == -EMSGSIZE)
			goto short_record;
		record_error(l, arena_printf(l->ev, "unknown ring-buffer record action %u (id %u)",
					     h.action, h.id));
		return 0;
	}
	record_error(l, arena_printf(l->ev, "ring-buffer record action %u names unknown id %u",
				     h.action, h.id));
	return 0;
short_record:
	record_error(l, arena_printf(l->ev, "ring-buffer record action %u is too short (%zu bytes)",
				     h.action, size));
	return 0;
}

static int record_handle(void *ctx, void *data, size_t size)
{
	struct load *l = ctx;

	record_process(l, data, size);
	/* stop a drain that a busy producer would keep going forever */
	if (l->out_broken || (l->in_loop && signals_stop_requested()))
		return -ECANCELED;
	/* exit() whose record was lost to a full ring buffer: its flag */
	if (l->in_loop && !l->exiting && !(++l->nrecords % 1024) &&
	    actions_exit_flagged(l, &l->flag_code)) {
		l->exit_flagged = true;
		return -ECANCELED;
	}
	return 0;
}

int ringbuf_open(struct load *l)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj, l->ringbuf_name);
	struct bpf_map *lost = bpf_object__find_map_by_name(l->obj, l->lost_name);

	l->lost_fd = lost ? bpf_map__fd(lost) : -1;
	if (!m) {
		fprintf(stderr, "bt-load: malformed bundle: no ring buffer '%s' in the ELF object\n",
			l->ringbuf_name);
		return -EBADMSG;
	}
	l->rb = ring_buffer__new(bpf_map__fd(m), record_handle, l, NULL);
	if (!l->rb) {
		int err = -errno;

		fprintf(stderr, "ERROR: cannot open the ring buffer: %s\n",
			strerror(-err));
		return err;
	}
	return 0;
}

/*
 * With skboutput's perf buffer as well, wait for either, then empty the
 * perf buffer before the ring buffer: a probe that wrote a packet and
 * then called exit() has its packet kept, as upstream polls in that order
 */
static int ringbuf_poll_both(struct load *l, int timeout_ms)
{
	struct pollfd fds[2] = {
		{ .fd = ring_buffer__epoll_fd(l->rb), .events = POLLIN },
		{ .fd = skboutput_epoll_fd(l), .events = POLLIN },
	};
	int err;

	if (timeout_ms && poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	err = skboutput_consume(l);
	if (err < 0)
		return err;
	return ring_buffer__consume(l->rb);
}

int ringbuf_poll(struct load *l, int timeout_ms)
{
	int n;

	if (l->pb)
		n = ringbuf_poll_both(l, timeout_ms);
	else if (timeout_ms == 0)
		n = ring_buffer__consume(l->rb);
	else
		n = ring_buffer__poll(l->rb, timeout_ms);
	if (n == -EINTR || n == -ECANCELED)
		return 0;
	return n;
}

int ringbuf_check_lost(struct load *l)
{
	uint64_t *vals, total = 0;
	uint32_t key = 0;
	size_t stride;
	int cpu;

	if (l->lost_fd < 0)
		return 0;
	stride = 8;
	vals = arena_alloc(l->ev, stride * l->ncpus);
	if (bpf_map_lookup_elem(l->lost_fd, &key, vals))
		return -errno;
	for (cpu = 0; cpu < l->ncpus; cpu++)
		total += vals[cpu];
	if (total > l->lost_seen) {
		struct val *ev = emit_event(l, "lost");

		val_set_int(l->ev, ev, "n", total - l->lost_seen);
		emit_put(l, ev);
		l->lost_seen = total;
	}
	return 0;
}

void ringbuf_close(struct load *l)
{
	ring_buffer__free(l->rb);
	l->rb = NULL;
}
