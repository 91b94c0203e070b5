/*
 * hist.c - hist() and lhist() bucket counts turned into labelled rows,
 * and those rows as upstream prints them (O-31..O-35, O-48).
 *
 * Bucket indices are upstream's (WIRE.md, "Maps in the kernel").  Only
 * the rows from the first to the last non-zero bucket are shown.  Each
 * row is labelled by the bounds on either side of it; a label is either a
 * plain number or a "symbolic" one whose text differs from its value
 * (hist's 1K/2M suffixes, lhist's when the step is a multiple of 1024).
 * Two plain labels that differ by one make a single-value row "[n]".
 */
#include <string.h>

#include "fmt.h"

static void label_num(struct hist_label *l, int64_t v)
{
	l->num = v;
	l->sym = false;
	snprintf(l->text, sizeof(l->text), "%lld", (long long)v);
}

/*
 * The lower bound of bucket index+1 of hist(k): index 0 counts negative
 * values, the next 2^k indices one value each, then each power of two is
 * split into 2^k buckets.  Named with the largest 1024-power suffix.
 */
void hist_label_of(uint32_t index, uint32_t k, struct hist_label *l)
{
	uint32_t n = 1u << k;
	uint32_t sub = index & (n - 1);
	uint32_t power = (index >> k) - 1;
	uint32_t decade = power / 10;
	static const char suffix[] = "\0KMGTPE";
	uint64_t scaled;

	if (index < n || power >= 64) {
		label_num(l, index);
		return;
	}
	if (decade > 6)
		decade = 6;
	l->num = (int64_t)((1ULL << power) * (n + sub));
	l->sym = true;
	scaled = (1ULL << (power - 10 * decade)) * (n + sub);
	if (suffix[decade])
		snprintf(l->text, sizeof(l->text), "%llu%c",
			 (unsigned long long)scaled, suffix[decade]);
	else
		snprintf(l->text, sizeof(l->text), "%llu",
			 (unsigned long long)scaled);
}

static void lhist_label(int64_t number, int64_t step, struct hist_label *l)
{
	const int64_t kilo = 1024, mega = 1024 * 1024;

	if (step % kilo != 0) {
		label_num(l, number);
		return;
	}
	l->num = number;
	l->sym = true;
	if (number == 0)
		snprintf(l->text, sizeof(l->text), "0");
	else if (number % mega == 0)
		snprintf(l->text, sizeof(l->text), "%lldM",
			 (long long)(number / mega));
	else if (number % kilo == 0)
		snprintf(l->text, sizeof(l->text), "%lldK",
			 (long long)(number / kilo));
	else
		snprintf(l->text, sizeof(l->text), "%lld", (long long)number);
}

/* min + i * step, wrapping rather than overflowing on a bad type */
static int64_t lhist_bound(int64_t min, long i, int64_t step)
{
	return (int64_t)((uint64_t)min + (uint64_t)i * (uint64_t)step);
}

uint64_t hist_total(const struct val *v)
{
	uint64_t sum = 0;
	size_t i;

	if (!v || v->kind != VAL_ARR)
		return 0;
	for (i = 0; i < v->n; i++)
		sum += val_as_uint(v->items[i]);
	return sum;
}

void hist_build(struct arena *a, const struct type *t, const struct val *v,
		uint64_t div, struct hist_rows *h)
{
	long lo = -1, hi = -1, i;
	size_t nb = v && v->kind == VAL_ARR ? v->n : 0;
	bool linear = t && t->kind == TY_LHIST;
	uint32_t k = t && t->k > 0 && t->k < 16 ? (uint32_t)t->k : 0;
	long single = 2L << k;

	memset(h, 0, sizeof(*h));
	if (!div)
		div = 1;
	for (i = 0; i < (long)nb; i++) {
		if (val_as_uint(v->items[i]) > 0) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	}
	if (lo < 0)
		return;
	h->labels = arena_alloc(a, (hi - lo + 1) * sizeof(*h->labels));
	h->counts = arena_alloc(a, (hi - lo + 1) * sizeof(*h->counts));
	if (linear) {
		int64_t min = t->min, max = t->max;
		int64_t step = t->step > 0 ? t->step : 1;

		if (lo != 0) {
			h->has_lower = true;
			lhist_label(lhist_bound(min, lo - 1, step), step,
				    &h->lower);
		}
		for (i = lo; i <= hi; i++) {
			int64_t b = lhist_bound(min, i, step);

			/* the overflow bucket has no upper label */
			if (b <= max)
				lhist_label(b, step, &h->labels[h->nlabels++]);
			h->counts[h->ncounts++] = val_as_uint(v->items[i]);
		}
		return;
	}
	if (lo != 0) {
		h->has_lower = true;
		if (lo - 1 <= single)
			label_num(&h->lower, lo - 1);
		else
			hist_label_of((uint32_t)(lo - 1), k, &h->lower);
	}
	for (i = lo; i <= hi; i++) {
		if (i <= single)
			label_num(&h->labels[h->nlabels++], i);
		else
			hist_label_of((uint32_t)i, k, &h->labels[h->nlabels++]);
		h->counts[h->ncounts++] = val_as_uint(v->items[i]) / div;
	}
}

static bool single_value(const struct hist_label *a,
			 const struct hist_label *b)
{
	return !a->sym && !b->sym && a->num != INT64_MAX &&
	       a->num + 1 == b->num;
}

static void label_text(struct strbuf *sb, const struct hist_label *l)
{
	strbuf_adds(sb, l->text);
}

static void row_label(struct strbuf *sb, const struct hist_rows *h, size_t i)
{
	const struct hist_label *prev = NULL, *cur = NULL;

	if (i == 0) {
		if (!h->has_lower) {
			strbuf_adds(sb, "(..., ");
			label_text(sb, &h->labels[0]);
			strbuf_addc(sb, ')');
			return;
		}
		prev = &h->lower;
	} else {
		prev = &h->labels[i - 1];
	}
	if (i < h->nlabels)
		cur = &h->labels[i];
	strbuf_addc(sb, '[');
	label_text(sb, prev);
	if (!cur) {
		strbuf_adds(sb, ", ...)");
	} else if (single_value(prev, cur)) {
		strbuf_addc(sb, ']');
	} else {
		strbuf_adds(sb, ", ");
		label_text(sb, cur);
		strbuf_addc(sb, ')');
	}
}

void hist_text(struct strbuf *sb, const struct hist_rows *h)
{
	const int bar_max = 52;
	uint64_t max = 0;
	char label[96], num[24];
	size_t i, n;

	for (i = 0; i < h->ncounts; i++)
		if (h->counts[i] > max)
			max = h->counts[i];
	for (i = 0; i < h->ncounts; i++) {
		struct strbuf lb = { 0 };
		/* upstream computes the bar in single precision */
		float frac = (float)h->counts[i] / (float)max;
		int bar = (int)(frac * (float)bar_max);

		if (max == 0 || bar < 0)
			bar = 0;
		if (bar > bar_max)
			bar = bar_max;
		/* labels fit in 96 bytes (two 24-byte labels and brackets),
		 * so this stack buffer never grows */
		lb.p = label;
		lb.cap = sizeof(label);
		row_label(&lb, h, i);
		strbuf_addpad(sb, lb.p, lb.n, 16, ' ', 1);
		n = strbuf_fmt_u64(num, h->counts[i], 10, 0);
		strbuf_addpad(sb, num, n, 8, ' ', 0);
		strbuf_adds(sb, " |");
		strbuf_fill(sb, '@', (size_t)bar);
		strbuf_fill(sb, ' ', (size_t)(bar_max - bar));
		strbuf_adds(sb, "|\n");
	}
}

void hist_json(struct strbuf *sb, const struct hist_rows *h)
{
	size_t i;

	strbuf_addc(sb, '[');
	for (i = 0; i < h->ncounts; i++) {
		if (i)
			strbuf_addc(sb, ',');
		strbuf_addc(sb, '{');
		if (i == 0 && h->has_lower) {
			strbuf_adds(sb, "\"min\": ");
			json_int(sb, h->lower.num);
			strbuf_adds(sb, ", ");
		} else if (i > 0) {
			strbuf_adds(sb, "\"min\": ");
			json_int(sb, h->labels[i - 1].num);
			strbuf_adds(sb, ", ");
		}
		if (i < h->nlabels) {
			/* JSON bounds are inclusive */
			strbuf_adds(sb, "\"max\": ");
			json_int(sb, (int64_t)((uint64_t)h->labels[i].num - 1));
			strbuf_adds(sb, ", ");
		}
		strbuf_adds(sb, "\"count\": ");
		strbuf_addu(sb, h->counts[i]);
		strbuf_addc(sb, '}');
	}
	strbuf_addc(sb, ']');
}
