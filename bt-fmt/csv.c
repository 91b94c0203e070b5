/*
 * csv.c - `-f csv`: the whole run as one table that a spreadsheet or
 * pandas reads as it is (RFC 4180: comma-separated, CRLF-free "\n" line
 * ends, fields quoted only when they hold a comma, a quote or a line
 * break, quotes doubled).  The layout is documented in bt-formats(7);
 * change the two together.
 *
 *     type,map,key1,...,keyN,bucket_min,bucket_max,value
 *
 * N is the widest key of any map in the meta event (a tuple key has one
 * column per member, any other key one), at least 1, so the header is
 * known before the first event and every row has the same columns.
 *
 *   type        map | hist | tseries | stats.count | stats.average |
 *               stats.total | printf | print | time | cat | join |
 *               system | bench.average | bench.iters | test.duration |
 *               test.passed | test.output
 *   map         the map's name ("@x", "@" for the anonymous map)
 *   keyI        the key's members as text; stacks as folded frames
 *               (root first, ';' between them); bench and test rows:
 *               key1 is the benchmark's or test's name
 *   bucket_min  hist/lhist: inclusive lower bound (empty: no bound);
 *               tseries: the interval's start, wall-clock ns
 *   bucket_max  hist/lhist: inclusive upper bound (empty: no bound)
 *   value       the number (count, sum, min, max, avg, a bucket's
 *               count, a tseries interval's value) or the text (printf
 *               and other output without its last newline)
 *
 * Bookkeeping (attach count, lost events, errors, warnings) goes to
 * stderr as in text mode, so the table on stdout stays a table.
 */
#include <errno.h>
#include <string.h>

#include "fmt.h"

/* a cell's text before quoting; the row itself is built in st->out */
static struct strbuf cell;

void csv_field(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r')
			break;
	if (i == n) {
		strbuf_add(sb, s, n);
		return;
	}
	strbuf_addc(sb, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			strbuf_addc(sb, '"');
		strbuf_addc(sb, s[i]);
	}
	strbuf_addc(sb, '"');
}

static size_t key_width(const struct type *k)
{
	if (!k)
		return 0;
	if (k->kind == TY_TUPLE)
		return k->nfields > 0 ? (size_t)k->nfields : 1;
	return 1;
}

void csv_header(struct fmt_state *st)
{
	size_t i, n = 1;

	for (i = 0; i < st->meta.nmaps; i++)
		if (key_width(st->meta.maps[i].key) > n)
			n = key_width(st->meta.maps[i].key);
	st->csv_keys = n;
	strbuf_adds(&st->out, "type,map");
	for (i = 1; i <= n; i++) {
		strbuf_adds(&st->out, ",key");
		strbuf_addu(&st->out, i);
	}
	strbuf_adds(&st->out, ",bucket_min,bucket_max,value\n");
}

/* a stack as folded frames: root first, ';' between them */
static void stack_cell(struct strbuf *sb, const struct val *v)
{
	size_t i;

	if (!v || v->kind != VAL_ARR)
		return;
	for (i = v->n; i-- > 0;) {
		const struct val *f = v->items[i];

		if (f->kind == VAL_STR)
			strbuf_add(sb, f->s, f->n);
		if (i)
			strbuf_addc(sb, ';');
	}
}

/* one key member (or a whole non-tuple key) as a field */
static void key_cell(struct strbuf *sb, const struct type *t,
		     const struct val *v)
{
	strbuf_reset(&cell);
	if (t && (t->kind == TY_KSTACK || t->kind == TY_USTACK))
		stack_cell(&cell, v);
	else if (v)
		value_text(&cell, t, v);
	csv_field(sb, cell.p, cell.n);
}

/* "type,map,key1..keyN," for one row */
static void row_start(struct fmt_state *st, const char *type,
		      const struct fmt_map *m, const struct val *key)
{
	struct strbuf *sb = &st->out;
	size_t i, used = 0;

	strbuf_adds(sb, type);
	strbuf_addc(sb, ',');
	if (m)
		csv_field(sb, m->name, strlen(m->name));
	if (m && m->key && key) {
		if (m->key->kind == TY_TUPLE && key->kind == VAL_ARR) {
			for (i = 0; i < (size_t)m->key->nfields; i++) {
				strbuf_addc(sb, ',');
				key_cell(sb, m->key->fields[i].type,
					 i < key->n ? key->items[i] : NULL);
			}
			used = (size_t)m->key->nfields;
		} else {
			strbuf_addc(sb, ',');
			key_cell(sb, m->key, key);
			used = 1;
		}
	}
	for (i = used; i < st->csv_keys; i++)
		strbuf_addc(sb, ',');
	strbuf_addc(sb, ',');
}

void csv_text_row(struct fmt_state *st, const char *type, const char *map,
		  const char *value, size_t n)
{
	size_t i;

	strbuf_adds(&st->out, type);
	strbuf_addc(&st->out, ',');
	if (map)
		csv_field(&st->out, map, strlen(map));
	for (i = 0; i < st->csv_keys; i++)
		strbuf_addc(&st->out, ',');
	strbuf_adds(&st->out, ",,,");
	if (n && value[n - 1] == '\n')
		n--;
	csv_field(&st->out, value, n);
	strbuf_addc(&st->out, '\n');
}

void csv_result_row(struct fmt_state *st, const char *type,
		    const char *name, const char *value, size_t n)
{
	size_t i;

	strbuf_adds(&st->out, type);
	strbuf_adds(&st->out, ",,");
	csv_field(&st->out, name, strlen(name));
	for (i = 1; i < st->csv_keys; i++)
		strbuf_addc(&st->out, ',');
	strbuf_adds(&st->out, ",,,");
	if (n && value[n - 1] == '\n')
		n--;
	csv_field(&st->out, value, n);
	strbuf_addc(&st->out, '\n');
}

void csv_print(struct fmt_state *st, const struct type *t,
	       const struct val *v)
{
	strbuf_reset(&cell);
	if (t && (t->kind == TY_KSTACK || t->kind == TY_USTACK))
		stack_cell(&cell, v);
	else
		value_text(&cell, t, v);
	csv_text_row(st, "print", NULL, cell.p, cell.n);
}

static void int_cell(struct strbuf *sb, struct int_val v)
{
	if (v.is_signed)
		strbuf_addi(sb, v.i);
	else
		strbuf_addu(sb, v.u);
}

static void hist_rows(struct fmt_state *st, struct arena *a,
		      const struct fmt_map *m, const struct val *key,
		      const struct val *v, uint64_t div)
{
	const struct type *t = m->val;
	struct hist_rows h;
	size_t i;

	hist_build(a, t, v, t->kind == TY_LHIST ? 1 : div, &h);
	for (i = 0; i < h.ncounts; i++) {
		row_start(st, "hist", m, key);
		/* bounds inclusive, as in the JSON output */
		if (i == 0 && h.has_lower)
			strbuf_addi(&st->out, h.lower.num);
		else if (i > 0)
			strbuf_addi(&st->out, h.labels[i - 1].num);
		strbuf_addc(&st->out, ',');
		if (i < h.nlabels)
			strbuf_addi(&st->out,
				    (int64_t)((uint64_t)h.labels[i].num - 1));
		strbuf_addc(&st->out, ',');
		strbuf_addu(&st->out, h.counts[i]);
		strbuf_addc(&st->out, '\n');
	}
}

static void tseries_rows(struct fmt_state *st, const struct fmt_map *m,
			 const struct val *key, const struct val *v)
{
	size_t i;

	if (!v || v->kind != VAL_ARR)
		return;
	for (i = 0; i < v->n; i++) {
		const struct val *p = v->items[i];

		if (p->kind != VAL_ARR || p->n != 2 || !val_is_int(p->items[0]))
			continue;
		row_start(st, "tseries", m, key);
		strbuf_addu(&st->out, val_as_uint(p->items[0]));
		strbuf_adds(&st->out, ",,");
		if (val_is_int(p->items[1]))
			int_cell(&st->out, value_int(m->val, p->items[1]));
		strbuf_addc(&st->out, '\n');
	}
}

static void stats_rows(struct fmt_state *st, const struct fmt_map *m,
		       const struct val *key, const struct val *v,
		       uint64_t div)
{
	static const char *const names[] = {
		"stats.count", "stats.average", "stats.total"
	};
	struct int_val r[3];
	int i;

	if (!v || v->kind != VAL_ARR)
		return;
	value_stats(m->val, v, div, &r[0], &r[1], &r[2]);
	for (i = 0; i < 3; i++) {
		row_start(st, names[i], m, key);
		strbuf_adds(&st->out, ",,");
		int_cell(&st->out, r[i]);
		strbuf_addc(&st->out, '\n');
	}
}

static void value_row(struct fmt_state *st, struct arena *a,
		      const struct fmt_map *m, const struct val *key,
		      const struct val *v, uint64_t div)
{
	switch (m->val->kind) {
	case TY_HIST:
	case TY_LHIST:
		hist_rows(st, a, m, key, v, div);
		return;
	case TY_TSERIES:
		tseries_rows(st, m, key, v);
		return;
	case TY_STATS:
		stats_rows(st, m, key, v, div);
		return;
	default:
		break;
	}
	row_start(st, "map", m, key);
	strbuf_adds(&st->out, ",,");
	strbuf_reset(&cell);
	if (m->val->kind == TY_KSTACK || m->val->kind == TY_USTACK)
		stack_cell(&cell, v);
	else
		map_value(&cell, m->val, v, div, false);
	csv_field(&st->out, cell.p, cell.n);
	strbuf_addc(&st->out, '\n');
}

int csv_map(struct fmt_state *st, struct arena *a, const struct fmt_map *m,
	    const struct val *ev)
{
	struct map_entry *e;
	size_t n, i, first;
	uint64_t div;

	if (map_entries(a, m, ev, &e, &n, &first, &div))
		return -EBADMSG;
	if (!m->key) {
		const struct val *v = n ? e[n - 1].val : NULL;

		/* print() of a never-written scalar shows its zero */
		if (!v && !val_get_bool(ev, "final", false))
			v = map_zero_value(a, m->val);
		if (v)
			value_row(st, a, m, NULL, v, div);
		return 0;
	}
	for (i = first; i < n; i++)
		value_row(st, a, m, e[i].key, e[i].val, div);
	return 0;
}
