/*
 * skboutput.c - the user-space half of skboutput(file, skb, len, offset):
 * bpf_skb_output() puts each packet into the perf event array the bundle
 * names ("perfbuf", bt-gen's bt_skb) as a struct record_skb followed by
 * the packet's first len bytes (share/record.h); bt-load reads that perf
 * buffer alongside its ring buffer (ringbuf_poll) and appends each packet,
 * minus its first `offset` bytes, to the call's pcap file (pcap.c) with
 * the event's boot-clock time turned into wall-clock time.
 *
 * As upstream: every file of the bundle's "skboutput" table is created
 * (truncated) before begin runs, a packet no longer than its offset is
 * not written, samples after exit() are ignored, samples the kernel
 * could not store are reported as lost events, and the files are flushed
 * and closed when the run ends.  Unlike upstream, the packet ends where
 * the record's len says, not at the padding the kernel adds to a sample.
 */
#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "load.h"

/* one pcap file, shared by every call that names it */
struct load_pcap {
	const char *path;
	struct pcap_file *pcap;
	bool dirty;                 /* written since the last flush */
	bool failed;                /* a write error was reported */
};

/* one skboutput() call site: bundle "skboutput"[id] */
struct load_skb {
	int file;                   /* index in load->pcaps */
	uint64_t offset;
	const struct val *row;      /* its bundle row ("loc": the call) */
};

static int bad(const char *what)
{
	fprintf(stderr, "bt-load: malformed bundle: %s\n", what);
	return -EBADMSG;
}

int skboutput_read(struct load *l, const struct val *bundle)
{
	const struct val *tab = val_get(bundle, "skboutput");
	size_t i;
	int j;

	l->perfbuf_name = val_get_str(bundle, "perfbuf");
	if (!tab)
		return l->perfbuf_name ? bad("'perfbuf' without 'skboutput'") : 0;
	if (tab->kind != VAL_ARR)
		return bad("'skboutput' is not an array");
	if (tab->n && !l->perfbuf_name)
		return bad("'skboutput' without 'perfbuf'");
	l->skbs = arena_alloc(l->arena, sizeof(*l->skbs) * (tab->n + 1));
	l->pcaps = arena_alloc(l->arena, sizeof(*l->pcaps) * (tab->n + 1));
	for (i = 0; i < tab->n; i++) {
		const struct val *row = tab->items[i];
		const char *file = val_get_str(row, "file");
		int64_t off = val_get_int(row, "offset", -1);
		struct load_skb *s = &l->skbs[i];

		if (!file || off < 0)
			return bad("a 'skboutput' entry lacks 'file' or 'offset'");
		for (j = 0; j < l->npcaps && strcmp(l->pcaps[j].path, file); j++)
			;
		if (j == l->npcaps)
			l->pcaps[l->npcaps++].path = file;
		s->file = j;
		s->offset = (uint64_t)off;
		s->row = row;
	}
	l->nskb = (int)tab->n;
	return 0;
}

/* an `error` event, located at the call of row when it has a "loc" */
static void skb_error(struct load *l, const struct val *row, const char *msg)
{
	struct val *ev = emit_event(l, "error");

	val_set_str(l->ev, ev, "msg", msg);
	if (val_get(row, "loc"))
		val_set(l->ev, ev, "loc", val_copy(l->ev, val_get(row, "loc")));
	emit_put(l, ev);
}

void skboutput_sample(struct load *l, const void *data, size_t size)
{
	const unsigned char *pkt = (const unsigned char *)data +
				   sizeof(struct record_skb);
	struct record_skb h;
	struct load_pcap *f;
	uint64_t len;
	int err;

	if (l->exiting)
		return;   /* after exit(), as every other record */
	if (size < sizeof(h)) {
		skb_error(l, NULL, arena_printf(l->ev,
			  "skboutput sample of %zu bytes is too short", size));
		return;
	}
	memcpy(&h, data, sizeof(h));
	if (h.h.action != REC_SKB_OUTPUT || h.h.id >= (uint32_t)l->nskb) {
		skb_error(l, NULL, arena_printf(l->ev,
			  "unknown skboutput sample (action %u, id %u)",
			  h.h.action, h.h.id));
		return;
	}
	/* the kernel pads a sample to 8 bytes: the packet is len long */
	len = size - sizeof(h);
	if (h.len < len)
		len = h.len;
	if (l->skbs[h.h.id].offset >= len)
		return;   /* nothing past the offset: upstream writes nothing */
	f = &l->pcaps[l->skbs[h.h.id].file];
	err = pcap_write(f->pcap, h.ns + (uint64_t)decode_clock_offset("boot"),
			 pkt + l->skbs[h.h.id].offset,
			 len - l->skbs[h.h.id].offset);
	f->dirty = true;
	if (err && !f->failed) {
		f->failed = true;
		skb_error(l, l->skbs[h.h.id].row, arena_printf(l->ev,
			  "cannot write pcap file '%s': %s", f->path,
			  strerror(-err)));
	}
}

static void skb_sample(void *ctx, int cpu, void *data, __u32 size)
{
	skboutput_sample(ctx, data, size);
}

static void skb_lost(void *ctx, int cpu, __u64 cnt)
{
	struct load *l = ctx;
	struct val *ev = emit_event(l, "lost");

	val_set_int(l->ev, ev, "n", (int64_t)cnt);
	emit_put(l, ev);
}

/*
 * Pages per CPU of the perf buffer: config perf_rb_pages spread over the
 * CPUs and rounded to the nearest power of two, as upstream does for a
 * perf_rb_pages that is set (perf buffers want a power of two)
 */
static size_t skb_pages_per_cpu(const struct load *l)
{
	int64_t pages = val_get_int(val_get(l->bundle, "config"),
				    "perf_rb_pages", 64);
	uint64_t n, lo = 1;

	if (pages < 1)
		pages = 64;
	n = ((uint64_t)pages + (uint64_t)l->ncpus - 1) /
	    (uint64_t)(l->ncpus > 0 ? l->ncpus : 1);
	while (lo * 2 <= n && lo < (1u << 20))
		lo *= 2;
	return n - lo <= lo * 2 - n ? lo : lo * 2;
}

int skboutput_create_files(struct load *l)
{
	int i, err;

	for (i = 0; i < l->npcaps; i++) {
		err = pcap_open(&l->pcaps[i].pcap, l->pcaps[i].path);
		if (err) {
			int j;

			for (j = 0; j < l->nskb && l->skbs[j].file != i; j++)
				;
			diag_error(diag_loc_of(l->skbs[j].row), "Failed to create pcap file(s): cannot create '%s': %s",
				   l->pcaps[i].path, strerror(-err));
			diag_hint("skboutput() creates the file before the trace starts: check that its directory exists and is writable");
			return err;
		}
	}
	return 0;
}

int skboutput_open(struct load *l)
{
	struct bpf_map *m;
	int err;

	if (!l->nskb)
		return 0;
	if ((err = skboutput_create_files(l)))
		return err;
	m = bpf_object__find_map_by_name(l->obj, l->perfbuf_name);
	if (!m) {
		fprintf(stderr, "bt-load: malformed bundle: no perf buffer '%s' in the ELF object\n",
			l->perfbuf_name);
		return -EBADMSG;
	}
	l->pb = perf_buffer__new(bpf_map__fd(m), skb_pages_per_cpu(l),
				 skb_sample, skb_lost, l, NULL);
	if (!l->pb) {
		err = -errno;
		fprintf(stderr, "ERROR: cannot open the skboutput perf buffer: %s\n",
			strerror(-err));
		return err;
	}
	return 0;
}

int skboutput_epoll_fd(const struct load *l)
{
	return l->pb ? perf_buffer__epoll_fd(l->pb) : -1;
}

int skboutput_consume(struct load *l)
{
	int n;

	if (!l->pb)
		return 0;
	n = perf_buffer__consume(l->pb);
	return n < 0 && n != -EINTR ? n : 0;
}

void skboutput_flush(struct load *l)
{
	int i, err;

	for (i = 0; i < l->npcaps; i++) {
		struct load_pcap *f = &l->pcaps[i];

		if (!f->dirty || !f->pcap)
			continue;
		f->dirty = false;
		err = pcap_flush(f->pcap);
		if (err && !f->failed) {
			f->failed = true;
			skb_error(l, NULL, arena_printf(l->ev,
				  "cannot write pcap file '%s': %s", f->path,
				  strerror(-err)));
		}
	}
}

void skboutput_close(struct load *l)
{
	int i, err;

	perf_buffer__free(l->pb);
	l->pb = NULL;
	for (i = 0; i < l->npcaps; i++) {
		struct load_pcap *f = &l->pcaps[i];

		err = pcap_close(f->pcap);
		f->pcap = NULL;
		if (err && !f->failed)
			fprintf(stderr, "bt-load: cannot write pcap file '%s': %s\n",
				f->path, strerror(-err));
	}
}
