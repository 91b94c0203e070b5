/*
 * tseries.c - tseries() map values: the text graph (O-36) and the JSON
 * array (O-50).
 *
 * The VALUE is an array of [NS, V] pairs, one per interval shown, oldest
 * first: NS is the wall-clock start of the interval (ns since the epoch),
 * V the interval's value or nil when it had none.  bt-load has already
 * cut the range to the intervals upstream shows (the last N intervals of
 * the map, starting at each key's first interval with data).
 *
 * The text graph: a header with the smallest and largest value, an axis
 * line, one row per interval (local time with the fraction the interval
 * needs, a 53-column track with '*' at the value and '.' at zero when
 * zero lies inside the range, then the value or '-'), and a footer.
 * JSON: {"interval_start": UTC time, "value": V} for intervals with data.
 */
#include <string.h>
#include <time.h>

#include "fmt.h"

#define TS_WIDTH 53
#define TS_PAD 21

struct ts_point {
	uint64_t ns;
	bool has;
	struct int_val v;
};

/* the pairs of v as points; returns how many (0 for a malformed value) */
static size_t ts_points(struct arena *a, const struct type *t,
			const struct val *v, struct ts_point **out)
{
	struct ts_point *p;
	size_t i;

	*out = NULL;
	if (!v || v->kind != VAL_ARR || !v->n)
		return 0;
	p = arena_alloc(a, v->n * sizeof(*p));
	for (i = 0; i < v->n; i++) {
		const struct val *e = v->items[i];

		if (e->kind != VAL_ARR || e->n != 2 || !val_is_int(e->items[0]))
			return 0;
		p[i].ns = val_as_uint(e->items[0]);
		p[i].has = val_is_int(e->items[1]);
		if (p[i].has) {
			p[i].v = value_int(NULL, e->items[1]);
			p[i].v.is_signed = t->is_signed;
		}
	}
	*out = p;
	return v->n;
}

uint64_t tseries_latest(const struct val *v)
{
	uint64_t latest = 0;
	size_t i;

	if (!v || v->kind != VAL_ARR)
		return 0;
	for (i = 0; i < v->n; i++) {
		const struct val *e = v->items[i];

		if (e->kind == VAL_ARR && e->n == 2 && val_is_int(e->items[1]) &&
		    val_as_uint(e->items[0]) > latest)
			latest = val_as_uint(e->items[0]);
	}
	return latest;
}

static int iv_cmp(struct int_val a, struct int_val b)
{
	if (a.is_signed)
		return (a.i > b.i) - (a.i < b.i);
	return (a.u > b.u) - (a.u < b.u);
}

/* a - b as a signed distance */
static int64_t iv_dist(struct int_val a, struct int_val b)
{
	return a.is_signed ? (int64_t)((uint64_t)a.i - (uint64_t)b.i) :
			     (int64_t)(a.u - b.u);
}

static void iv_text(struct strbuf *sb, struct int_val v)
{
	if (v.is_signed)
		strbuf_addi(sb, v.i);
	else
		strbuf_addu(sb, v.u);
}

static void iv_pad(struct strbuf *sb, struct int_val v, size_t width,
		   int left)
{
	char buf[32];
	struct strbuf tmp = { buf, 0, sizeof(buf) };

	iv_text(&tmp, v);
	strbuf_addpad(sb, tmp.p, tmp.n, width, ' ', left);
}

/* the fraction digits an interval of this many ns shows: 0, 3, 6, 9 */
static int ts_digits(uint64_t interval)
{
	if (interval >= 1000000000ULL)
		return 0;
	if (interval >= 1000000ULL)
		return 3;
	if (interval >= 1000ULL)
		return 6;
	return 9;
}

static void ts_time(struct strbuf *sb, uint64_t ns, int digits)
{
	time_t secs = (time_t)(ns / 1000000000ULL);
	uint64_t frac = ns % 1000000000ULL;
	char buf[64];
	struct tm tm;
	size_t n = 0;
	int i;

	if (localtime_r(&secs, &tm))
		n = strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	strbuf_add(sb, buf, n);
	if (!digits)
		return;
	for (i = digits; i < 9; i++)
		frac /= 10;
	n = strbuf_fmt_u64(buf, frac, 10, 0);
	strbuf_addc(sb, '.');
	strbuf_fill(sb, '0', (size_t)digits > n ? (size_t)digits - n : 0);
	strbuf_add(sb, buf, n);
}

static void ts_minmax_line(struct strbuf *sb, size_t indent,
			   struct int_val min, struct int_val max)
{
	strbuf_fill(sb, ' ', indent);
	iv_pad(sb, min, TS_PAD, 1);
	iv_pad(sb, max, TS_WIDTH - TS_PAD, 0);
	strbuf_addc(sb, '\n');
}

void tseries_text(struct strbuf *sb, struct arena *a, const struct type *t,
		  const struct val *v)
{
	struct ts_point *p;
	size_t n = ts_points(a, t, v, &p), i, time_size;
	struct int_val min, max, zero = { t->is_signed, 0, 0 };
	static const char *unit_name[] = { "", "ms", "\xce\xbcs", "ns" };
	uint64_t interval;
	int digits, zero_at = 0;
	char line[TS_WIDTH];

	if (!n) {
		strbuf_adds(sb, "<no data>");
		return;
	}
	min = max = p[0].v;
	for (i = 0; i < n; i++) {
		if (!p[i].has)
			continue;
		if (iv_cmp(p[i].v, min) < 0)
			min = p[i].v;
		if (iv_cmp(p[i].v, max) > 0)
			max = p[i].v;
	}
	if (!iv_cmp(min, max)) {
		/* widen by one on each side, unless that would overflow */
		if (min.is_signed ? min.i > INT64_MIN : min.u > 0)
			min.i--, min.u--;
		if (max.is_signed ? max.i < INT64_MAX : max.u < UINT64_MAX)
			max.i++, max.u++;
	}
	interval = (p[n - 1].ns - p[0].ns) / (n > 1 ? n - 1 : 1);
	digits = ts_digits(interval);
	time_size = 8 + (digits ? 1 + (size_t)digits : 0);

	ts_minmax_line(sb, time_size + 1, min, max);
	{
		char head[32];
		size_t hn = (size_t)snprintf(head, sizeof(head), "hh:mm:ss%s%s",
					     digits ? "." : "",
					     unit_name[digits / 3]);

		strbuf_addpad(sb, head, hn, time_size + 1, ' ', 1);
	}
	strbuf_addc(sb, '|');
	strbuf_fill(sb, '_', TS_WIDTH - 2);
	strbuf_adds(sb, "|\n");

	if (iv_cmp(min, zero) < 0 && iv_cmp(zero, max) < 0)
		zero_at = (int)((float)TS_WIDTH * (float)iv_dist(min, zero) /
				(float)iv_dist(min, max));
	for (i = 0; i < n; i++) {
		memset(line, ' ', sizeof(line));
		line[0] = '|';
		line[TS_WIDTH - 1] = '|';
		if (zero_at > 0 && zero_at < TS_WIDTH)
			line[zero_at] = '.';
		ts_time(sb, p[i].ns, digits);
		strbuf_addc(sb, ' ');
		if (p[i].has) {
			int at = TS_WIDTH / 2;

			if (iv_cmp(min, max))
				at = (int)((float)(TS_WIDTH - 1) *
					   (float)iv_dist(p[i].v, min) /
					   (float)iv_dist(max, min));
			if (at < 0)
				at = 0;
			if (at > TS_WIDTH - 1)
				at = TS_WIDTH - 1;
			line[at] = '*';
			strbuf_add(sb, line, sizeof(line));
			strbuf_addc(sb, ' ');
			iv_text(sb, p[i].v);
		} else {
			strbuf_add(sb, line, sizeof(line));
			strbuf_adds(sb, " -");
		}
		strbuf_addc(sb, '\n');
	}
	strbuf_fill(sb, ' ', time_size + 1);
	strbuf_addc(sb, 'v');
	strbuf_fill(sb, '_', TS_WIDTH - 2);
	strbuf_adds(sb, "v\n");
	ts_minmax_line(sb, time_size + 1, min, max);
}

void tseries_json(struct strbuf *sb, struct arena *a, const struct type *t,
		  const struct val *v)
{
	struct ts_point *p;
	size_t n = ts_points(a, t, v, &p), i;
	bool first = true;

	strbuf_addc(sb, '[');
	for (i = 0; i < n; i++) {
		time_t secs = (time_t)(p[i].ns / 1000000000ULL);
		char buf[64];
		struct tm tm;
		size_t k = 0;

		if (!p[i].has)
			continue;
		if (!first)
			strbuf_addc(sb, ',');
		first = false;
		/* a system_clock time point prints in UTC */
		if (gmtime_r(&secs, &tm))
			k = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
		strbuf_adds(sb, "{\"interval_start\":\"");
		strbuf_add(sb, buf, k);
		k = (size_t)snprintf(buf, sizeof(buf), ".%09llu",
				     (unsigned long long)(p[i].ns %
							  1000000000ULL));
		strbuf_add(sb, buf, k);
		strbuf_adds(sb, "\",\"value\":");
		iv_text(sb, p[i].v);
		strbuf_addc(sb, '}');
	}
	strbuf_addc(sb, ']');
}
