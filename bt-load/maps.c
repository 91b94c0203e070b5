/*
 * maps.c - the user maps in the kernel (WIRE.md "Maps in the kernel"):
 * read them into [[KEY, VALUE], ...] entries for `map` events, and clear
 * or zero them for clear()/zero() records.
 *
 * Per-CPU maps give one value per possible CPU, each rounded up to 8
 * bytes; aggregations are summed (count, sum, avg, stats, hist buckets)
 * or combined (min, max) here, so bt-fmt sees one value per key.  hist
 * and lhist maps are keyed {KEY; u64 bucket}: the buckets of one KEY are
 * grouped into one array of counts indexed by bucket.
 *
 * Keys are walked with bpf_map_get_next_key; the walk is bounded by
 * max_entries so a map that changes under us cannot loop forever.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bug.h"
#include "load.h"

/* more buckets than any hist (65 per k) or sane lhist has */
#define HIST_MAX_BUCKETS (1 << 20)

static size_t round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

int maps_open(struct load *l)
{
	const char *stacks = val_get_str(l->bundle, "stacks");
	int i;

	if (stacks) {
		struct bpf_map *sm = bpf_object__find_map_by_name(l->obj, stacks);

		if (!sm) {
			fprintf(stderr, "bt-load: malformed bundle: no stack map '%s' in the ELF object\n",
				stacks);
			return -EBADMSG;
		}
		symbolize_set_stackmap(bpf_map__fd(sm), bpf_map__value_size(sm));
	}
	if (val_get(l->bundle, "dwunwind")) {
		const char *dw = val_get_str(val_get(l->bundle, "dwunwind"),
					     "stacks");
		struct bpf_map *sm = dw ? bpf_object__find_map_by_name(l->obj,
							dw) : NULL;

		if (!sm || bpf_map__value_size(sm) != DW_STACK_FRAMES * 8) {
			fprintf(stderr, "bt-load: malformed bundle: no dw_ustack stack map '%s' in the ELF object\n",
				dw ? dw : "");
			return -EBADMSG;
		}
		symbolize_set_dw_stackmap(bpf_map__fd(sm));
	}
	l->ncpus = libbpf_num_possible_cpus();
	if (l->ncpus <= 0) {
		fprintf(stderr, "ERROR: cannot count the possible CPUs: %s\n",
			strerror(l->ncpus ? -l->ncpus : EINVAL));
		return l->ncpus ? l->ncpus : -EINVAL;
	}
	for (i = 0; i < l->nmaps; i++) {
		struct load_map *m = &l->maps[i];
		enum bpf_map_type t = bpf_map__type(m->bpf);

		m->fd = bpf_map__fd(m->bpf);
		m->key_size = bpf_map__key_size(m->bpf);
		m->val_size = bpf_map__value_size(m->bpf);
		m->percpu = t == BPF_MAP_TYPE_PERCPU_HASH ||
			    t == BPF_MAP_TYPE_PERCPU_ARRAY ||
			    t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	}
	return 0;
}

static size_t value_buf_size(const struct load *l, const struct load_map *m)
{
	return m->percpu ? round8(m->val_size) * l->ncpus : m->val_size;
}

/* an aggregation's per-CPU values folded into CPU 0's slot */
static void fold_percpu(const struct load *l, const struct load_map *m,
			unsigned char *buf)
{
	size_t stride = round8(m->val_size);
	enum type_kind k = m->val->kind;
	int64_t v0, v1, s0, s1;
	uint64_t u0, u1;
	int cpu;

	if (!m->percpu)
		return;
	for (cpu = 1; cpu < l->ncpus; cpu++) {
		unsigned char *p = buf + cpu * stride;

		switch (k) {
		case TY_COUNT: case TY_SUM: case TY_HIST: case TY_LHIST:
			memcpy(&u0, buf, 8);
			memcpy(&u1, p, 8);
			u0 += u1;
			memcpy(buf, &u0, 8);
			break;
		case TY_AVG: case TY_STATS:
			/* {i64 total; u64 count} */
			memcpy(&u0, buf, 8); memcpy(&u1, p, 8);
			u0 += u1; memcpy(buf, &u0, 8);
			memcpy(&u0, buf + 8, 8); memcpy(&u1, p + 8, 8);
			u0 += u1; memcpy(buf + 8, &u0, 8);
			break;
		case TY_MIN: case TY_MAX:
			/* {i64 v; u64 set} */
			memcpy(&s1, p + 8, 8);
			if (!s1)
				break;
			memcpy(&s0, buf + 8, 8);
			memcpy(&v0, buf, 8);
			memcpy(&v1, p, 8);
			if (!s0 ||
			    (k == TY_MIN ? (m->val->is_signed ? v1 < v0 : (uint64_t)v1 < (uint64_t)v0)
					 : (m->val->is_signed ? v1 > v0 : (uint64_t)v1 > (uint64_t)v0))) {
				memcpy(buf, p, 16);
			}
			break;
		default:
			return; /* a plain value in a per-CPU map: CPU 0's */
		}
	}
}

struct hist_row {
	unsigned char *key;     /* key_size bytes */
	uint64_t bucket, count;
};

static size_t hist_prefix;  /* bytes of KEY before the bucket, for sorting */

static int hist_row_cmp(const void *x, const void *y)
{
	const struct hist_row *a = x, *b = y;
	int c = memcmp(a->key, b->key, hist_prefix);

	if (c)
		return c;
	return a->bucket < b->bucket ? -1 : a->bucket > b->bucket;
}

static struct type *hist_key_type(struct load *l, struct load_map *m)
{
	struct type *elems[2];

	elems[0] = m->key ? m->key : type_int(l->arena, 8, false);
	elems[1] = type_int(l->arena, 8, false);
	return type_tuple(l->arena, elems, 2);
}

static int64_t hist_len(const struct load_map *m, uint64_t max_bucket)
{
	if (m->val->kind == TY_LHIST && m->val->step > 0)
		return (m->val->max - m->val->min) / m->val->step + 2;
	return max_bucket + 1;
}

static int read_hist(struct load *l, struct load_map *m, struct val **out)
{
	struct type *kt = hist_key_type(l, m);
	size_t boff = kt->fields[1].offset, vsize = value_buf_size(l, m);
	size_t max = bpf_map__max_entries(m->bpf), nrows = 0, cap = 64, i, j;
	struct hist_row *rows = malloc(cap * sizeof(*rows));
	unsigned char *prev = NULL, *key, *val = malloc(vsize);
	struct val *entries = val_arr(l->ev);
	int err = 0;

	if (!rows || !val)
		BUG("out of memory");
	if (boff + 8 > m->key_size) {
		fprintf(stderr, "bt-load: malformed bundle: key of '%s' is %zu bytes, too small for a histogram\n",
			m->name, m->key_size);
		free(rows);
		free(val);
		return -EBADMSG;
	}
	for (;;) {
		key = malloc(m->key_size);
		if (!key)
			BUG("out of memory");
		if (nrows > max * 2 || bpf_map_get_next_key(m->fd, prev, key)) {
			free(key);
			break;
		}
		prev = key;
		if (bpf_map_lookup_elem(m->fd, key, val)) {
			/* deleted under us: keep the key for the walk only */
			if (nrows == cap) {
				cap *= 2;
				rows = realloc(rows, cap * sizeof(*rows));
				if (!rows)
					BUG("out of memory");
			}
			rows[nrows++] = (struct hist_row){ key, UINT64_MAX, 0 };
			continue;
		}
		fold_percpu(l, m, val);
		if (nrows == cap) {
			cap *= 2;
			rows = realloc(rows, cap * sizeof(*rows));
			if (!rows)
				BUG("out of memory");
		}
		rows[nrows].key = key;
		memcpy(&rows[nrows].bucket, key + boff, 8);
		memcpy(&rows[nrows].count, val, 8);
		nrows++;
	}
	hist_prefix = boff;
	qsort(rows, nrows, sizeof(*rows), hist_row_cmp);
	for (i = 0; i < nrows; i = j) {
		uint64_t maxb = 0, *sums;
		struct val *pair, *counts;
		size_t r;
		int64_t len, b;
		bool any = false;

		for (j = i; j < nrows && !memcmp(rows[j].key, rows[i].key, boff); j++) {
			if (rows[j].bucket != UINT64_MAX && rows[j].count) {
				any = true;
				if (rows[j].bucket > maxb)
					maxb = rows[j].bucket;
			}
		}
		/* a zeroed histogram keeps its key, with no buckets
		 * (upstream prints `"@h": []`) */
		len = any ? hist_len(m, maxb) : 0;
		if (len < 0 || len > HIST_MAX_BUCKETS) {
			err = -EBADMSG;
			continue;
		}
		sums = calloc(len ? len : 1, sizeof(*sums));
		if (!sums)
			BUG("out of memory");
		for (r = i; r < j; r++)
			if (rows[r].bucket < (uint64_t)len)
				sums[rows[r].bucket] += rows[r].count;
		counts = val_arr(l->ev);
		for (b = 0; b < len; b++)
			val_push(l->ev, counts, sums[b] > INT64_MAX ?
				 val_uint(l->ev, sums[b]) : val_int(l->ev, (int64_t)sums[b]));
		free(sums);
		pair = val_arr(l->ev);
		val_push(l->ev, pair, m->key ? decode_value(l->ev, m->key, rows[i].key, boff)
					     : val_nil(l->ev));
		val_push(l->ev, pair, counts);
		val_push(l->ev, entries, pair);
	}
	for (i = 0; i < nrows; i++)
		free(rows[i].key);
	free(rows);
	free(val);
	*out = entries;
	return err;
}

/* one [KEY, VALUE] entry from the raw bytes of a key and its value(s) */
static void plain_entry(struct load *l, struct load_map *m,
			const unsigned char *key, unsigned char *val,
			struct val *entries)
{
	struct val *pair, *v;

	fold_percpu(l, m, val);
	v = decode_value(l->ev, m->val, val, m->val_size);
	if ((m->val->kind == TY_MIN || m->val->kind == TY_MAX) &&
	    v->kind == VAL_NIL)
		return;
	pair = val_arr(l->ev);
	val_push(l->ev, pair, m->key ? decode_value(l->ev, m->key, key, m->key_size)
				     : val_nil(l->ev));
	val_push(l->ev, pair, v);
	val_push(l->ev, entries, pair);
}

/*
 * Read the map in batches (BPF_MAP_LOOKUP_BATCH, a few syscalls for a
 * large map); 1 when the kernel cannot do that for this map, 0 when done.
 *
 * A reader thread fetches the next batch from the kernel while this one
 * decodes the last (two slots, taken in turn): for a 100k-key map the
 * kernel's walk and the decoding each take about half the time.
 */
#define PLAIN_BATCH 4096

struct batch_slot {
	unsigned char *keys, *vals;
	__u32 count;
	int err;                 /* 0, or the errno ending the walk */
	bool full;
};

struct batch_reader {
	int fd;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch_slot slot[2];
	bool stop;               /* the consumer quit early */
};

static void *batch_reader_main(void *arg)
{
	struct batch_reader *r = arg;
	uint64_t batch = 0;
	bool first = true;
	unsigned k;

	for (k = 0;; k++) {
		struct batch_slot *s = &r->slot[k % 2];
		__u32 count = PLAIN_BATCH;
		int err;

		pthread_mutex_lock(&r->mu);
		while (s->full && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		pthread_mutex_unlock(&r->mu);
		if (r->stop)
			break;
		err = bpf_map_lookup_batch(r->fd, first ? NULL : &batch,
					   &batch, s->keys, s->vals, &count,
					   NULL) ? errno : 0;
		first = false;
		pthread_mutex_lock(&r->mu);
		s->count = err && err != ENOENT ? 0 : count;
		s->err = err;
		s->full = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		if (err)
			break;
	}
	return NULL;
}

static int read_plain_batch(struct load *l, int id, size_t vsize,
			    struct val **entries, maps_chunk_fn fn, void *ctx)
{
	struct load_map *m = &l->maps[id];
	struct batch_reader r = { .fd = m->fd };
	pthread_t tid;
	unsigned k;
	int ret = 0, i;

	for (i = 0; i < 2; i++) {
		r.slot[i].keys = malloc(PLAIN_BATCH * m->key_size);
		r.slot[i].vals = malloc(PLAIN_BATCH * vsize);
		if (!r.slot[i].keys || !r.slot[i].vals)
			BUG("out of memory");
	}
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	if (pthread_create(&tid, NULL, batch_reader_main, &r))
		BUG("cannot start the map reader thread");
	for (k = 0;; k++) {
		struct batch_slot *s = &r.slot[k % 2];
		__u32 j;
		int err;

		pthread_mutex_lock(&r.mu);
		while (!s->full)
			pthread_cond_wait(&r.cv, &r.mu);
		pthread_mutex_unlock(&r.mu);
		err = s->err;
		if (err && err != ENOENT && k == 0) {
			ret = 1;   /* not supported: fall back */
			break;
		}
		for (j = 0; j < s->count; j++)
			plain_entry(l, m, s->keys + j * m->key_size,
				    s->vals + j * vsize, *entries);
		pthread_mutex_lock(&r.mu);
		s->full = false;
		pthread_cond_broadcast(&r.cv);
		pthread_mutex_unlock(&r.mu);
		if (err)
			break;     /* ENOENT: the end; else keep what we have */
		if (fn && (*entries)->n) {
			fn(l, id, *entries, ctx);
			*entries = val_arr(l->ev);
		}
	}
	pthread_mutex_lock(&r.mu);
	r.stop = true;
	pthread_cond_broadcast(&r.cv);
	pthread_mutex_unlock(&r.mu);
	pthread_join(tid, NULL);
	pthread_cond_destroy(&r.cv);
	pthread_mutex_destroy(&r.mu);
	for (i = 0; i < 2; i++) {
		free(r.slot[i].keys);
		free(r.slot[i].vals);
	}
	return ret;
}

static int read_plain(struct load *l, int id, struct val **out,
		      maps_chunk_fn fn, void *ctx)
{
	struct load_map *m = &l->maps[id];
	size_t vsize = value_buf_size(l, m), max = bpf_map__max_entries(m->bpf), n = 0;
	unsigned char *key, *next, *val;
	struct val *entries;
	bool first = true;

	*out = val_arr(l->ev);
	if (!read_plain_batch(l, id, vsize, out, fn, ctx))
		return 0;
	entries = *out;
	key = malloc(m->key_size);
	next = malloc(m->key_size);
	val = malloc(vsize);
	if (!key || !next || !val)
		BUG("out of memory");
	while (n++ <= max * 2 &&
	       !bpf_map_get_next_key(m->fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, m->key_size);
		if (bpf_map_lookup_elem(m->fd, key, val))
			continue;
		plain_entry(l, m, key, val, entries);
	}
	free(key);
	free(next);
	free(val);
	return 0;
}

/*
 * tseries maps: key {KEY; u64 bucket}, per-CPU value {i64 value; u64 meta;
 * u64 epoch}.  As upstream: a bucket's CPUs are combined within its latest
 * epoch (epoch 0: never used; a bucket with no used CPU reads as epoch 0,
 * value 0); the range shown is the last count epochs before the latest
 * epoch of any key, each key from its first epoch with data in it.
 */
struct ts_point {
	unsigned char *key;
	uint64_t epoch;
	int64_t v;
};

static int ts_point_cmp(const void *x, const void *y)
{
	const struct ts_point *a = x, *b = y;
	int c = memcmp(a->key, b->key, hist_prefix);

	if (c)
		return c;
	return a->epoch < b->epoch ? -1 : a->epoch > b->epoch;
}

static struct ts_point ts_reduce(const struct load *l, const struct load_map *m,
				 const unsigned char *buf)
{
	const char *agg = m->val->mode;
	size_t stride = round8(m->val_size);
	int ncpu = m->percpu ? l->ncpus : 1, cpu, c;
	struct ts_point r = { NULL, 0, 0 };
	int64_t v, meta, rmeta = 0;
	uint64_t e;
	bool sgn = m->val->is_signed, seen = false;

	for (c = 0; c < 2; c++) {
		/* pass 0: the latest epoch; pass 1: combine within it */
		for (cpu = 0; cpu < ncpu; cpu++) {
			const unsigned char *p = buf + cpu * stride;

			memcpy(&e, p + 16, 8);
			if (!e || (c == 0 && e <= r.epoch))
				continue;
			if (c == 0) {
				r.epoch = e;
				continue;
			}
			if (e != r.epoch)
				continue;
			memcpy(&v, p, 8);
			memcpy(&meta, p + 8, 8);
			if (!seen) {
				r.v = v;
				rmeta = meta;
				seen = true;
			} else if (!agg) {
				if ((uint64_t)meta > (uint64_t)rmeta) {
					r.v = v;
					rmeta = meta;
				}
			} else if (!strcmp(agg, "sum") || !strcmp(agg, "avg")) {
				r.v += v;
				rmeta += meta;
			} else if (!strcmp(agg, "min")) {
				if (sgn ? v < r.v : (uint64_t)v < (uint64_t)r.v)
					r.v = v;
			} else if (sgn ? v > r.v : (uint64_t)v > (uint64_t)r.v) {
				r.v = v;
			}
		}
	}
	if (agg && !strcmp(agg, "avg") && rmeta)
		r.v = sgn ? r.v / rmeta : (int64_t)((uint64_t)r.v / (uint64_t)rmeta);
	return r;
}

static int read_tseries(struct load *l, struct load_map *m, struct val **out)
{
	struct type *kt = hist_key_type(l, m);
	size_t boff = kt->fields[1].offset, vsize = value_buf_size(l, m);
	size_t max = bpf_map__max_entries(m->bpf), n = 0, cap = 64, i, j, k, walked = 0;
	struct ts_point *pts = malloc(cap * sizeof(*pts));
	unsigned char *prev = NULL, *key, *val = malloc(vsize);
	struct val *entries = val_arr(l->ev);
	uint64_t last = 0, first, interval = m->val->interval_ns;
	uint64_t count = m->val->count > 0 ? (uint64_t)m->val->count : 1;
	bool any = false;

	if (!pts || !val)
		BUG("out of memory");
	if (boff + 8 > m->key_size || m->val_size < 24) {
		fprintf(stderr, "bt-load: malformed bundle: '%s' is not laid out as a tseries map\n",
			m->name);
		free(pts);
		free(val);
		return -EBADMSG;
	}
	for (;;) {
		struct ts_point p;

		key = malloc(m->key_size);
		if (!key)
			BUG("out of memory");
		if (walked++ > max * 2 || bpf_map_get_next_key(m->fd, prev, key)) {
			free(key);
			break;
		}
		free(prev);
		prev = key;
		if (bpf_map_lookup_elem(m->fd, key, val))
			continue;
		p = ts_reduce(l, m, val);
		p.key = malloc(m->key_size);
		if (!p.key)
			BUG("out of memory");
		memcpy(p.key, key, m->key_size);
		if (n == cap) {
			cap *= 2;
			pts = realloc(pts, cap * sizeof(*pts));
			if (!pts)
				BUG("out of memory");
		}
		pts[n++] = p;
		any = true;
		if (p.epoch > last)
			last = p.epoch;
	}
	free(prev);
	if (!any)
		last = UINT64_MAX;
	first = last - count + 1;
	hist_prefix = boff;
	qsort(pts, n, sizeof(*pts), ts_point_cmp);
	for (i = 0; i < n; i = j) {
		uint64_t kfirst = last, e;
		struct val *series = val_arr(l->ev), *pair;

		for (j = i; j < n && !memcmp(pts[j].key, pts[i].key, boff); j++)
			if (pts[j].epoch >= first && pts[j].epoch < kfirst)
				kfirst = pts[j].epoch;
		for (e = first; first <= last && e <= last; e++) {
			struct val *pt;

			if (e >= kfirst) {
				pt = val_arr(l->ev);
				val_push(l->ev, pt, val_uint(l->ev, e * interval));
				for (k = i; k < j && pts[k].epoch != e; k++)
					;
				val_push(l->ev, pt, k < j ? val_int(l->ev, pts[k].v) :
					 val_nil(l->ev));
				val_push(l->ev, series, pt);
			}
			if (e == UINT64_MAX)
				break;
		}
		pair = val_arr(l->ev);
		val_push(l->ev, pair, m->key ? decode_value(l->ev, m->key, pts[i].key, boff)
					     : val_nil(l->ev));
		val_push(l->ev, pair, series);
		val_push(l->ev, entries, pair);
	}
	for (i = 0; i < n; i++)
		free(pts[i].key);
	free(pts);
	free(val);
	*out = entries;
	return 0;
}

int maps_stream(struct load *l, int id, struct val **entries,
		maps_chunk_fn fn, void *ctx)
{
	struct load_map *m;

	if (id < 0 || id >= l->nmaps)
		return -ENOENT;
	m = &l->maps[id];
	if (m->val->kind == TY_HIST || m->val->kind == TY_LHIST)
		return read_hist(l, m, entries);
	if (m->val->kind == TY_TSERIES)
		return read_tseries(l, m, entries);
	return read_plain(l, id, entries, fn, ctx);
}

int maps_read(struct load *l, int id, struct val **entries)
{
	return maps_stream(l, id, entries, NULL, NULL);
}

int maps_zero(struct load *l, int id)
{
	struct load_map *m;
	size_t vsize, max, n = 0;
	unsigned char *key, *next, *zero;
	bool first = true;
	int err = 0;

	if (id < 0 || id >= l->nmaps)
		return -ENOENT;
	m = &l->maps[id];
	vsize = value_buf_size(l, m);
	max = bpf_map__max_entries(m->bpf);
	key = malloc(m->key_size);
	next = malloc(m->key_size);
	zero = calloc(1, vsize);
	if (!key || !next || !zero)
		BUG("out of memory");
	while (n++ <= max * 2 &&
	       !bpf_map_get_next_key(m->fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, m->key_size);
		if (bpf_map_update_elem(m->fd, key, zero, BPF_EXIST) && errno != ENOENT)
			err = -errno;
	}
	free(key);
	free(next);
	free(zero);
	return err;
}

int maps_clear(struct load *l, int id)
{
	struct load_map *m;
	enum bpf_map_type t;
	unsigned char *key;
	size_t max, n = 0;
	int err = 0;

	if (id < 0 || id >= l->nmaps)
		return -ENOENT;
	m = &l->maps[id];
	t = bpf_map__type(m->bpf);
	if (t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY)
		return maps_zero(l, id);
	max = bpf_map__max_entries(m->bpf);
	key = malloc(m->key_size);
	if (!key)
		BUG("out of memory");
	/* always delete the first key: deleting while walking is unsafe */
	while (n++ <= max * 2 && !bpf_map_get_next_key(m->fd, NULL, key)) {
		if (bpf_map_delete_elem(m->fd, key) && errno != ENOENT) {
			err = -errno;
			break;
		}
	}
	free(key);
	return err;
}
