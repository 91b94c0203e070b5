/*
 * map.c - `map` events: the entries sorted as upstream sorts them, cut to
 * the top N, values divided, and printed in the text layout (O-24..O-30)
 * or as one JSON object (O-46..O-49).
 *
 * Order (O-28): count, sum and integer values by value; min/max by value
 * (compared unsigned, as upstream does); avg/stats by average; hist/lhist
 * by total count; tseries by their newest interval; anything else by
 * key.  Entries that tie keep the key order, so the output does not
 * depend on the order in which bt-load read them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

static int64_t key_int(const struct type *t, const struct val *v)
{
	struct type st = *t;

	/* upstream compares integer keys as signed, whatever their sign */
	st.is_signed = true;
	return value_int(&st, v).i;
}

static int key_str_cmp(const struct val *a, const struct val *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->s, b->s, n);

	if (c)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

int map_key_cmp(const struct type *t, const struct val *a,
		const struct val *b)
{
	int64_t x, y;
	size_t i;
	int c;

	if (!t || !a || !b)
		return 0;
	switch (t->kind) {
	case TY_INT:
	case TY_ENUM:
		if (!val_is_int(a) || !val_is_int(b))
			return 0;
		x = key_int(t, a);
		y = key_int(t, b);
		return (x > y) - (x < y);
	case TY_STRING:
		if ((a->kind != VAL_STR && a->kind != VAL_BIN) ||
		    (b->kind != VAL_STR && b->kind != VAL_BIN))
			return 0;
		return key_str_cmp(a, b);
	case TY_TUPLE:
		if (a->kind != VAL_ARR || b->kind != VAL_ARR)
			return 0;
		for (i = 0; i < (size_t)t->nfields && i < a->n && i < b->n;
		     i++) {
			const struct type *ft = t->fields[i].type;

			if (!ft || (ft->kind != TY_INT && ft->kind != TY_ENUM &&
				    ft->kind != TY_STRING))
				continue;
			c = map_key_cmp(ft, a->items[i], b->items[i]);
			if (c)
				return c;
		}
		return 0;
	default:
		return 0;
	}
}

enum sort_by { BY_KEY, BY_SIGNED, BY_UNSIGNED };

struct sort_ctx {
	const struct type *key;
	enum sort_by by;
	bool int_keys;       /* keys precomputed in entry.ki */
};

/* one pass: value (unless BY_KEY), then key, then input position; the
 * same order as a key sort followed by a stable value sort */
static int cmp_entry(const void *pa, const void *pb, void *ctx)
{
	const struct map_entry *a = pa, *b = pb;
	const struct sort_ctx *sc = ctx;
	int c = 0;

	if (sc->by == BY_SIGNED)
		c = (a->si > b->si) - (a->si < b->si);
	else if (sc->by == BY_UNSIGNED)
		c = (a->su > b->su) - (a->su < b->su);
	if (c)
		return c;
	if (sc->int_keys)
		c = (a->ki > b->ki) - (a->ki < b->ki);
	else
		c = map_key_cmp(sc->key, a->key, b->key);
	if (c)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

/*
 * Integer keys (or none): the order is that of three unsigned numbers
 * (value, key, input position), signed ones with their top bit flipped.
 * These 24-byte rows are merge-sorted with the comparison inlined and the
 * entries then moved into place, several times faster than qsort_r over
 * the entries for a 100k-key map.
 */
struct sort_row {
	uint64_t v, k;
	size_t i;
};

static bool row_before(const struct sort_row *a, const struct sort_row *b)
{
	if (a->v != b->v)
		return a->v < b->v;
	if (a->k != b->k)
		return a->k < b->k;
	return a->i < b->i;
}

static void rows_merge_sort(struct sort_row *r, struct sort_row *tmp,
			    size_t n)
{
	struct sort_row *src = r, *dst = tmp, *t;
	size_t w, lo, mid, hi, a, b, k;

	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			a = lo;
			b = mid;
			k = lo;
			while (a < mid && b < hi)
				dst[k++] = row_before(&src[b], &src[a]) ?
					   src[b++] : src[a++];
			while (a < mid)
				dst[k++] = src[a++];
			while (b < hi)
				dst[k++] = src[b++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != r)
		memcpy(r, src, n * sizeof(*r));
}

static void sort_rows(struct map_entry *e, size_t n, const struct sort_ctx *sc)
{
	const uint64_t flip = 1ULL << 63;
	struct sort_row *r = malloc(2 * (n ? n : 1) * sizeof(*r));
	struct map_entry t;
	size_t j, cur, src;

	if (!r) {
		qsort_r(e, n, sizeof(*e), cmp_entry, (void *)sc);
		return;
	}
	for (j = 0; j < n; j++) {
		r[j].v = sc->by == BY_SIGNED ? (uint64_t)e[j].si ^ flip :
			 sc->by == BY_UNSIGNED ? e[j].su : 0;
		r[j].k = sc->int_keys ? (uint64_t)e[j].ki ^ flip : 0;
		r[j].i = e[j].index;
	}
	rows_merge_sort(r, r + n, n);
	/* e[j] = old e[r[j].i], one permutation cycle at a time */
	for (j = 0; j < n; j++) {
		if (r[j].i == SIZE_MAX)
			continue;
		t = e[j];
		for (cur = j;; cur = src) {
			src = r[cur].i;
			r[cur].i = SIZE_MAX;
			if (src == j) {
				e[cur] = t;
				break;
			}
			e[cur] = e[src];
		}
	}
	free(r);
}

static bool val_is_scalar(const struct val *v)
{
	return v->kind != VAL_ARR && v->kind != VAL_MAP;
}

void map_sort(const struct fmt_map *m, struct map_entry *e, size_t n)
{
	const struct type *t = m->val;
	struct sort_ctx sc = { .key = m->key, .by = BY_KEY };
	struct int_val c, a, s;
	size_t i;

	sc.int_keys = m->key &&
		      (m->key->kind == TY_INT || m->key->kind == TY_ENUM);
	for (i = 0; i < n; i++) {
		struct map_entry *x = &e[i];

		x->index = i;
		x->kcopied = val_is_scalar(x->key);
		if (x->kcopied)
			x->kcopy = *x->key;
		x->vcopied = val_is_scalar(x->val);
		if (x->vcopied)
			x->vcopy = *x->val;
		if (sc.int_keys)
			x->ki = val_is_int(x->key) ? key_int(m->key, x->key)
						   : 0;
		switch (t->kind) {
		case TY_HIST:
		case TY_LHIST:
			sc.by = BY_UNSIGNED;
			x->su = hist_total(x->val);
			break;
		case TY_TSERIES:
			sc.by = BY_UNSIGNED;
			x->su = tseries_latest(x->val);
			break;
		case TY_COUNT:
		case TY_SUM:
		case TY_INT:
		case TY_ENUM:
			if (!val_is_int(x->val))
				break;
			c = value_int(t, x->val);
			if (t->kind == TY_COUNT || t->kind == TY_SUM) {
				c = value_int(NULL, x->val);
				c.is_signed = t->is_signed;
			}
			sc.by = c.is_signed ? BY_SIGNED : BY_UNSIGNED;
			x->si = c.i;
			x->su = c.u;
			break;
		case TY_MIN:
		case TY_MAX:
			sc.by = BY_UNSIGNED;
			x->su = val_as_uint(x->val);
			break;
		case TY_AVG:
		case TY_STATS:
			if (x->val->kind != VAL_ARR)
				break;
			value_stats(t, x->val, 1, &c, &a, &s);
			sc.by = t->is_signed ? BY_SIGNED : BY_UNSIGNED;
			x->si = a.i;
			x->su = a.u;
			break;
		default:
			break;
		}
	}
	if (sc.int_keys || !m->key)
		sort_rows(e, n, &sc);
	else
		qsort_r(e, n, sizeof(*e), cmp_entry, &sc);
	for (i = 0; i < n; i++) {
		if (e[i].kcopied)
			e[i].key = &e[i].kcopy;
		if (e[i].vcopied)
			e[i].val = &e[i].vcopy;
	}
}

static void int_out(struct strbuf *sb, struct int_val v, bool json)
{
	if (json && v.is_signed)
		json_int(sb, v.i);
	else if (json)
		json_uint(sb, v.u);
	else if (v.is_signed)
		strbuf_addi(sb, v.i);
	else
		strbuf_addu(sb, v.u);
}

/* a map value with print()'s divisor applied */
void map_value(struct strbuf *sb, const struct type *t,
		      const struct val *v, uint64_t div, bool json)
{
	struct int_val iv, c, a, s;

	switch (t->kind) {
	case TY_COUNT:
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
	case TY_INT:
		if (!val_is_int(v) && v->kind != VAL_NIL)
			break;
		iv = t->kind == TY_INT ? value_int(t, v) : value_int(NULL, v);
		if (t->kind != TY_INT)
			iv.is_signed = t->is_signed;
		if (iv.is_signed) {
			iv.i /= (int64_t)div;
			iv.u = (uint64_t)iv.i;
		} else {
			iv.u /= div;
			iv.i = (int64_t)iv.u;
		}
		int_out(sb, iv, json);
		return;
	case TY_AVG:
	case TY_STATS:
		if (v->kind != VAL_ARR || div == 1)
			break;
		value_stats(t, v, div, &c, &a, &s);
		if (t->kind == TY_AVG) {
			int_out(sb, a, json);
			return;
		}
		/* stats with a divisor: the average divided, as upstream */
		strbuf_adds(sb, json ? "{\"count\": " : "{ .count = ");
		int_out(sb, c, json);
		strbuf_adds(sb, json ? ", \"average\": " : ", .average = ");
		int_out(sb, a, json);
		strbuf_adds(sb, json ? ", \"total\": " : ", .total = ");
		int_out(sb, s, json);
		strbuf_adds(sb, json ? "}" : " }");
		return;
	default:
		break;
	}
	if (json)
		value_json(sb, t, v);
	else
		value_text(sb, t, v);
}

/*
 * The VALUE of zeroed memory of type t: what a never-written scalar shows
 * when print()ed (O-11).  NULL for the types without one (histograms).
 */
const struct val *map_zero_value(struct arena *a, const struct type *t)
{
	struct val *v;
	int64_t i;

	if (!t)
		return val_int(a, 0);
	switch (t->kind) {
	case TY_BOOL:
		return val_bool(a, false);
	case TY_STRING:
	case TY_KSYM:
	case TY_USYM:
	case TY_INET:
	case TY_MACADDR:
	case TY_CGROUP_PATH:
	case TY_USERNAME:
		return val_str(a, "");
	case TY_BUFFER:
		return val_bin(a, "", 0);
	case TY_KSTACK:
	case TY_USTACK:
		return val_arr(a);
	case TY_AVG:
	case TY_STATS:
		v = val_arr(a);
		val_push(a, v, val_int(a, 0));
		val_push(a, v, val_int(a, 0));
		return v;
	case TY_TUPLE:
	case TY_RECORD:
	case TY_STRUCT:
		v = val_arr(a);
		for (i = 0; i < t->nfields; i++)
			val_push(a, v, (struct val *)map_zero_value(a,
						t->fields[i].type));
		return v;
	case TY_ARRAY:
		v = val_arr(a);
		for (i = 0; i < t->count && i < 4096; i++)
			val_push(a, v, (struct val *)map_zero_value(a, t->elem));
		return v;
	case TY_HIST:
	case TY_LHIST:
	case TY_TSERIES:
		return NULL;
	default:
		return val_int(a, 0);
	}
}

/* the text of a key as a map line shows it: a tuple without its parens */
static void key_text(struct strbuf *sb, const struct type *t,
		     const struct val *key, bool json)
{
	size_t start = sb->n, n, i, j;

	value_text(sb, t, key);
	n = sb->n - start;
	if (n >= 2 && sb->p[start] == '(' && sb->p[sb->n - 1] == ')') {
		memmove(sb->p + start, sb->p + start + 1, n - 2);
		sb->n -= 2;
	}
	if (!json)
		return;
	/* JSON keys also lose every space */
	for (i = j = start; i < sb->n; i++)
		if (sb->p[i] != ' ')
			sb->p[j++] = sb->p[i];
	sb->n = j;
}

static const char *json_type_of(const struct type *t)
{
	switch (t->kind) {
	case TY_HIST:
	case TY_LHIST:
		return "hist";
	case TY_AVG:
	case TY_STATS:
		return "stats";
	case TY_TSERIES:
		return "tseries";
	default:
		return "map";
	}
}

static void hist_value(struct strbuf *sb, struct arena *a,
		       const struct type *t, const struct val *v,
		       uint64_t div, bool json)
{
	struct hist_rows h;

	if (t->kind == TY_TSERIES) {
		if (json)
			tseries_json(sb, a, t, v);
		else
			tseries_text(sb, a, t, v);
		return;
	}
	hist_build(a, t, v, t->kind == TY_LHIST ? 1 : div, &h);
	if (json)
		hist_json(sb, &h);
	else
		hist_text(sb, &h);
}

int map_entries(struct arena *a, const struct fmt_map *m,
		const struct val *ev, struct map_entry **ep, size_t *np,
		size_t *firstp, uint64_t *divp)
{
	const struct val *ents = val_get(ev, "entries");
	int64_t top = val_get_int(ev, "top", 0);
	int64_t div = val_get_int(ev, "div", 0);
	struct map_entry *e;
	size_t n, i;

	if (!ents || ents->kind != VAL_ARR)
		return -EBADMSG;
	n = ents->n;
	e = arena_alloc(a, (n ? n : 1) * sizeof(*e));
	for (i = 0; i < n; i++) {
		const struct val *p = ents->items[i];

		if (p->kind != VAL_ARR || p->n != 2)
			return -EBADMSG;
		e[i].key = p->items[0];
		e[i].val = p->items[1];
		e[i].index = i;
	}
	map_sort(m, e, n);
	*ep = e;
	*np = n;
	*firstp = top > 0 && n > (size_t)top ? n - (size_t)top : 0;
	*divp = div > 0 ? (uint64_t)div : 1;
	return 0;
}

int map_render(struct strbuf *sb, struct arena *a, const struct fmt_map *m,
	       const struct val *ev, bool json, struct strbuf *scratch)
{
	const struct type *t = m->val;
	/* values printed on lines of their own */
	bool is_hist = t->kind == TY_HIST || t->kind == TY_LHIST ||
		       t->kind == TY_TSERIES;
	bool final = val_get_bool(ev, "final", false);
	struct map_entry *e;
	size_t n, i, first;
	uint64_t div;

	if (map_entries(a, m, ev, &e, &n, &first, &div))
		return -EBADMSG;

	if (!m->key) {
		const struct val *v = n ? e[n - 1].val : NULL;

		if (!v && !final && !is_hist)
			v = map_zero_value(a, t);
		if (!v)
			return 0;
		if (json) {
			strbuf_adds(sb, "{\"type\": \"");
			strbuf_adds(sb, json_type_of(t));
			strbuf_adds(sb, "\", \"data\": {");
			json_string(sb, m->name, strlen(m->name));
			strbuf_adds(sb, ": ");
		} else {
			strbuf_adds(sb, m->name);
			strbuf_adds(sb, is_hist ? ":\n" : ": ");
		}
		if (is_hist)
			hist_value(sb, a, t, v, (uint64_t)div, json);
		else
			map_value(sb, t, v, (uint64_t)div, json);
		strbuf_adds(sb, json ? "}}\n" : "\n");
		return 0;
	}

	if (first >= n)
		return 0;
	if (json) {
		strbuf_adds(sb, "{\"type\": \"");
		strbuf_adds(sb, json_type_of(t));
		strbuf_adds(sb, "\", \"data\": {");
		json_string(sb, m->name, strlen(m->name));
		strbuf_adds(sb, ": {");
	}
	for (i = first; i < n; i++) {
		if (json) {
			if (i > first)
				strbuf_adds(sb, ", ");
			strbuf_reset(scratch);
			key_text(scratch, m->key, e[i].key, true);
			json_string(sb, scratch->p, scratch->n);
			strbuf_adds(sb, ": ");
		} else {
			strbuf_adds(sb, m->name);
			strbuf_addc(sb, '[');
			key_text(sb, m->key, e[i].key, false);
			strbuf_adds(sb, is_hist ? "]:\n" : "]: ");
		}
		if (is_hist)
			hist_value(sb, a, t, e[i].val, (uint64_t)div, json);
		else
			map_value(sb, t, e[i].val, (uint64_t)div, json);
		if (!json)
			strbuf_addc(sb, '\n');
	}
	if (json)
		strbuf_adds(sb, "}}}\n");
	return 0;
}
