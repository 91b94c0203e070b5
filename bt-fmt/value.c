/*
 * value.c - one VALUE of the events stream (WIRE.md, "VALUE encoding")
 * rendered as text or as JSON, following its type from the meta event.
 *
 * Text is upstream's text writer: integers in decimal, bools as words,
 * strings raw (with the truncation trailer when a string filled its
 * capacity), pointers 0x-hex, enums by name, tuples `(a, b)`, arrays
 * `[a,b]`, records `{ .a = 1 }`, stacks one frame per line.  JSON is
 * upstream's JSON writer: numbers (as strings when a double cannot hold
 * them), arrays without spaces, objects with ", " and ": ".
 *
 * A VALUE whose shape does not match its type (a bad producer) is
 * rendered generically from the value itself rather than rejected.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmt.h"

const char *value_trunc_trailer = "..";

struct int_val value_int(const struct type *t, const struct val *v)
{
	struct int_val r = { 0 };
	uint64_t raw = val_as_uint(v);
	int size = t ? (int)t->size : 8;

	r.is_signed = t ? t->is_signed : v->kind == VAL_INT;
	if (t && t->kind == TY_BOOL)
		r.is_signed = false;
	if (size > 0 && size < 8) {
		uint64_t mask = (1ULL << (size * 8)) - 1;

		raw &= mask;
		if (r.is_signed && (raw >> (size * 8 - 1)) & 1)
			raw |= ~mask;
	}
	r.u = raw;
	r.i = (int64_t)raw;
	return r;
}

static void int_text(struct strbuf *sb, struct int_val iv)
{
	if (iv.is_signed)
		strbuf_addi(sb, iv.i);
	else
		strbuf_addu(sb, iv.u);
}

void value_hex_buffer(struct strbuf *sb, const unsigned char *p, size_t n,
		      bool keep_ascii, bool escape_hex)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (keep_ascii && c >= 32 && c <= 126) {
			strbuf_addc(sb, (char)c);
		} else if (escape_hex) {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			strbuf_add(sb, e, 4);
		} else {
			strbuf_addc(sb, hex[c >> 4]);
			strbuf_addc(sb, hex[c & 15]);
			if (i + 1 < n)
				strbuf_addc(sb, ' ');
		}
	}
}

/* a value without (or against) its type: shape only */
static void generic_text(struct strbuf *sb, const struct val *v)
{
	size_t i;

	if (!v) {
		strbuf_adds(sb, "null");
		return;
	}
	switch (v->kind) {
	case VAL_NIL:
		strbuf_adds(sb, "null");
		break;
	case VAL_BOOL:
		strbuf_adds(sb, v->b ? "true" : "false");
		break;
	case VAL_INT:
		strbuf_addi(sb, v->i);
		break;
	case VAL_UINT:
		strbuf_addu(sb, v->u);
		break;
	case VAL_STR:
		strbuf_add(sb, v->s, v->n);
		break;
	case VAL_BIN:
		value_hex_buffer(sb, (const unsigned char *)v->s, v->n, true,
				 true);
		break;
	case VAL_ARR:
		strbuf_addc(sb, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			generic_text(sb, v->items[i]);
		}
		strbuf_addc(sb, ']');
		break;
	case VAL_MAP:
		if (!v->n) {
			strbuf_adds(sb, "{}");
			break;
		}
		strbuf_adds(sb, "{ ");
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_adds(sb, ", ");
			strbuf_addc(sb, '.');
			strbuf_adds(sb, v->kv[i].key);
			strbuf_adds(sb, " = ");
			generic_text(sb, v->kv[i].v);
		}
		strbuf_adds(sb, " }");
		break;
	}
}

static const char *field_name(const struct type *t, size_t i, char *buf)
{
	if (i < (size_t)t->nfields && t->fields[i].name)
		return t->fields[i].name;
	snprintf(buf, 24, "%zu", i);
	return buf;
}

static const struct type *field_type(const struct type *t, size_t i)
{
	if (i < (size_t)t->nfields)
		return t->fields[i].type;
	return NULL;
}

static void stack_text(struct strbuf *sb, const struct type *t,
		       const struct val *v)
{
	const char *mode = t->mode ? t->mode : "bpftrace";
	size_t i;

	strbuf_addc(sb, '\n');
	for (i = 0; i < v->n; i++) {
		if (!strcmp(mode, "perf"))
			strbuf_addc(sb, '\t');
		else if (strcmp(mode, "raw") && strcmp(mode, "build_id"))
			strbuf_fill(sb, ' ', 8);
		if (v->items[i]->kind == VAL_STR)
			strbuf_add(sb, v->items[i]->s, v->items[i]->n);
		else
			generic_text(sb, v->items[i]);
		strbuf_addc(sb, '\n');
	}
}

void value_stats(const struct type *t, const struct val *v, uint64_t div,
		 struct int_val *count, struct int_val *avg,
		 struct int_val *total)
{
	bool sgn = t->is_signed;
	uint64_t c = val_as_uint(val_at(v, 0));
	uint64_t s = val_as_uint(val_at(v, 1));

	if (!div)
		div = 1;
	count->is_signed = avg->is_signed = total->is_signed = sgn;
	count->u = c;
	count->i = (int64_t)c;
	total->u = s;
	total->i = (int64_t)s;
	if (sgn) {
		/* c of -1 would trap on INT64_MIN / -1; negate instead */
		int64_t a = !c ? 0 : (int64_t)c == -1 ? (int64_t)(0 - s) :
			    (int64_t)s / (int64_t)c;

		avg->i = a / (int64_t)div;
		avg->u = (uint64_t)avg->i;
	} else {
		uint64_t a = c ? s / c : 0;

		avg->u = a / div;
		avg->i = (int64_t)avg->u;
	}
}

/*
 * strftime()'s value: wall-clock ns, formatted in local time with the
 * format in the type's name and upstream's extensions %f (microseconds),
 * %k (nanoseconds) and %l (milliseconds) of the second; "(?)" at 0.
 */
static void timestamp_text(struct strbuf *sb, const char *fmt, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	uint64_t rem = ns % 1000000000ull;
	char ext[3][16], out[1024];
	struct strbuf f = { 0 };
	struct tm tm;
	size_t n;

	if (!sec || !localtime_r(&sec, &tm)) {
		strbuf_adds(sb, "(?)");
		return;
	}
	snprintf(ext[0], sizeof(ext[0]), "%06llu", (unsigned long long)(rem / 1000));
	snprintf(ext[1], sizeof(ext[1]), "%09llu", (unsigned long long)rem);
	snprintf(ext[2], sizeof(ext[2]), "%03llu", (unsigned long long)(rem / 1000000));
	for (; *fmt; fmt++) {
		if (fmt[0] == '%' && (fmt[1] == 'f' || fmt[1] == 'k' ||
				      fmt[1] == 'l')) {
			strbuf_adds(&f, ext[fmt[1] == 'f' ? 0 : fmt[1] == 'k' ? 1 : 2]);
			fmt++;
		} else {
			strbuf_addc(&f, *fmt);
		}
	}
	strbuf_addc(&f, 0);
	n = strftime(out, sizeof(out), f.p, &tm);
	strbuf_add(sb, out, n);
	strbuf_free(&f);
}

void value_text(struct strbuf *sb, const struct type *t, const struct val *v)
{
	struct int_val iv, c, a, s;
	char nb[24];
	size_t i;
	int k;

	if (!t || !v) {
		generic_text(sb, v);
		return;
	}
	if (t->kind == TY_TIMESTAMP && t->name && val_is_int(v)) {
		timestamp_text(sb, t->name, (uint64_t)val_as_int(v));
		return;
	}
	switch (t->kind) {
	case TY_INT:
	case TY_COUNT:
	case TY_SUM:
	case TY_TIMESTAMP:
		if (!val_is_int(v) && v->kind != VAL_BOOL)
			break;
		if (t->kind == TY_COUNT || t->kind == TY_SUM ||
		    t->kind == TY_TIMESTAMP) {
			iv = value_int(NULL, v);
			iv.is_signed = t->is_signed;
		} else {
			iv = value_int(t, v);
		}
		int_text(sb, iv);
		return;
	case TY_MIN:
	case TY_MAX:
		if (v->kind == VAL_NIL) {
			strbuf_addc(sb, '0');
			return;
		}
		if (!val_is_int(v))
			break;
		iv = value_int(NULL, v);
		iv.is_signed = t->is_signed;
		int_text(sb, iv);
		return;
	case TY_BOOL:
		if (v->kind != VAL_BOOL && !val_is_int(v))
			break;
		strbuf_adds(sb, val_as_int(v) ? "true" : "false");
		return;
	case TY_ENUM:
		if (!val_is_int(v))
			break;
		iv = value_int(t, v);
		for (k = 0; k < t->nenums; k++)
			if (t->enums[k].value == iv.i ||
			    (uint64_t)t->enums[k].value == iv.u) {
				strbuf_adds(sb, t->enums[k].name);
				return;
			}
		/* unknown enumerator: the number, unsigned as upstream */
		strbuf_addu(sb, iv.u);
		return;
	case TY_PTR:
		if (!val_is_int(v))
			break;
		strbuf_adds(sb, "0x");
		strbuf_addx(sb, val_as_uint(v));
		return;
	case TY_STRING:
		if (v->kind != VAL_STR && v->kind != VAL_BIN)
			break;
		strbuf_add(sb, v->s, v->n);
		if (t->size > 0 && (int64_t)v->n >= t->size)
			strbuf_adds(sb, value_trunc_trailer);
		return;
	case TY_BUFFER:
		if (v->kind != VAL_STR && v->kind != VAL_BIN)
			break;
		value_hex_buffer(sb, (const unsigned char *)v->s, v->n, true,
				 true);
		return;
	case TY_TUPLE:
		if (v->kind != VAL_ARR)
			break;
		strbuf_addc(sb, '(');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_adds(sb, ", ");
			value_text(sb, field_type(t, i), v->items[i]);
		}
		strbuf_addc(sb, ')');
		return;
	case TY_RECORD:
	case TY_STRUCT:
		if (v->kind != VAL_ARR)
			break;
		if (!v->n) {
			strbuf_adds(sb, "{}");
			return;
		}
		strbuf_adds(sb, "{ ");
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_adds(sb, ", ");
			strbuf_addc(sb, '.');
			strbuf_adds(sb, field_name(t, i, nb));
			strbuf_adds(sb, " = ");
			value_text(sb, field_type(t, i), v->items[i]);
		}
		strbuf_adds(sb, " }");
		return;
	case TY_ARRAY:
		if (v->kind != VAL_ARR)
			break;
		strbuf_addc(sb, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			value_text(sb, t->elem, v->items[i]);
		}
		strbuf_addc(sb, ']');
		return;
	case TY_KSTACK:
	case TY_USTACK:
		if (v->kind != VAL_ARR)
			break;
		stack_text(sb, t, v);
		return;
	case TY_KSYM:
	case TY_USYM:
	case TY_INET:
	case TY_MACADDR:
	case TY_CGROUP_PATH:
	case TY_USERNAME:
		if (v->kind != VAL_STR)
			break;
		strbuf_add(sb, v->s, v->n);
		return;
	case TY_AVG:
		if (v->kind != VAL_ARR)
			break;
		value_stats(t, v, 1, &c, &a, &s);
		int_text(sb, a);
		return;
	case TY_STATS:
		if (v->kind != VAL_ARR)
			break;
		value_stats(t, v, 1, &c, &a, &s);
		strbuf_adds(sb, "{ .count = ");
		int_text(sb, c);
		strbuf_adds(sb, ", .average = ");
		int_text(sb, a);
		strbuf_adds(sb, ", .total = ");
		int_text(sb, s);
		strbuf_adds(sb, " }");
		return;
	case TY_VOID:
		strbuf_adds(sb, "null");
		return;
	default:
		break;
	}
	generic_text(sb, v);
}

/* ------------------------------------------------------------------ JSON */

void json_string(struct strbuf *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	strbuf_addc(sb, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		}
		if (esc) {
			strbuf_adds(sb, esc);
		} else {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				      hex[c & 15] };

			strbuf_add(sb, u, 6);
		}
	}
	strbuf_add(sb, s + run, n - run);
	strbuf_addc(sb, '"');
}

/* a number JSON readers hold as a double, else the digits as a string */
void json_int(struct strbuf *sb, int64_t v)
{
	double d = (double)v;
	bool exact = d < 9223372036854775808.0 && (int64_t)d == v;

	if (!exact)
		strbuf_addc(sb, '"');
	strbuf_addi(sb, v);
	if (!exact)
		strbuf_addc(sb, '"');
}

void json_uint(struct strbuf *sb, uint64_t v)
{
	double d = (double)v;
	bool exact = d < 18446744073709551616.0 && (uint64_t)d == v;

	if (!exact)
		strbuf_addc(sb, '"');
	strbuf_addu(sb, v);
	if (!exact)
		strbuf_addc(sb, '"');
}

static void json_intv(struct strbuf *sb, struct int_val iv)
{
	if (iv.is_signed)
		json_int(sb, iv.i);
	else
		json_uint(sb, iv.u);
}

static struct strbuf json_scratch;

static void generic_json(struct strbuf *sb, const struct val *v)
{
	size_t i;

	if (!v) {
		strbuf_adds(sb, "null");
		return;
	}
	switch (v->kind) {
	case VAL_NIL:
		strbuf_adds(sb, "null");
		break;
	case VAL_BOOL:
		strbuf_adds(sb, v->b ? "true" : "false");
		break;
	case VAL_INT:
		json_int(sb, v->i);
		break;
	case VAL_UINT:
		json_uint(sb, v->u);
		break;
	case VAL_STR:
		json_string(sb, v->s, v->n);
		break;
	case VAL_BIN:
		strbuf_addc(sb, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			strbuf_addi(sb, (signed char)v->s[i]);
		}
		strbuf_addc(sb, ']');
		break;
	case VAL_ARR:
		strbuf_addc(sb, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			generic_json(sb, v->items[i]);
		}
		strbuf_addc(sb, ']');
		break;
	case VAL_MAP:
		strbuf_addc(sb, '{');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_adds(sb, ", ");
			json_string(sb, v->kv[i].key, strlen(v->kv[i].key));
			strbuf_adds(sb, ": ");
			generic_json(sb, v->kv[i].v);
		}
		strbuf_addc(sb, '}');
		break;
	}
}

void value_json(struct strbuf *sb, const struct type *t, const struct val *v)
{
	struct int_val c, a, s;
	char nb[24];
	size_t i;

	if (!t || !v) {
		generic_json(sb, v);
		return;
	}
	switch (t->kind) {
	case TY_INT:
	case TY_ENUM:
		if (!val_is_int(v) && v->kind != VAL_BOOL)
			break;
		/* enums travel as their number in JSON (O-08) */
		json_intv(sb, value_int(t, v));
		return;
	case TY_COUNT:
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
		if (v->kind == VAL_NIL) {
			strbuf_addc(sb, '0');
			return;
		}
		if (!val_is_int(v))
			break;
		c = value_int(NULL, v);
		c.is_signed = t->is_signed;
		json_intv(sb, c);
		return;
	case TY_PTR:
		if (!val_is_int(v))
			break;
		json_uint(sb, val_as_uint(v));
		return;
	case TY_BOOL:
		if (v->kind != VAL_BOOL && !val_is_int(v))
			break;
		strbuf_adds(sb, val_as_int(v) ? "true" : "false");
		return;
	case TY_STRING:
	case TY_KSTACK:
	case TY_USTACK:
	case TY_KSYM:
	case TY_USYM:
	case TY_INET:
	case TY_MACADDR:
	case TY_CGROUP_PATH:
	case TY_USERNAME:
	case TY_TIMESTAMP:
		if (t->kind == TY_TIMESTAMP && val_is_int(v) && !t->name)
			break;
		if (t->kind == TY_STRING && v->kind != VAL_STR &&
		    v->kind != VAL_BIN)
			break;
		/* the text rendering, as a JSON string; strings never nest,
		 * so one scratch buffer serves */
		strbuf_reset(&json_scratch);
		value_text(&json_scratch, t, v);
		json_string(sb, json_scratch.p ? json_scratch.p : "",
			    json_scratch.n);
		return;
	case TY_TUPLE:
	case TY_ARRAY:
		if (v->kind != VAL_ARR)
			break;
		strbuf_addc(sb, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				strbuf_addc(sb, ',');
			value_json(sb, t->kind == TY_ARRAY ? t->elem :
				   field_type(t, i), v->items[i]);
		}
		strbuf_addc(sb, ']');
		return;
	case TY_RECORD:
	case TY_STRUCT:
		if (v->kind != VAL_ARR)
			break;
		strbuf_addc(sb, '{');
		for (i = 0; i < v->n; i++) {
			const char *name = field_name(t, i, nb);

			if (i)
				strbuf_adds(sb, ", ");
			json_string(sb, name, strlen(name));
			strbuf_adds(sb, ": ");
			value_json(sb, field_type(t, i), v->items[i]);
		}
		strbuf_addc(sb, '}');
		return;
	case TY_AVG:
		if (v->kind != VAL_ARR)
			break;
		value_stats(t, v, 1, &c, &a, &s);
		json_intv(sb, a);
		return;
	case TY_STATS:
		if (v->kind != VAL_ARR)
			break;
		value_stats(t, v, 1, &c, &a, &s);
		strbuf_adds(sb, "{\"count\": ");
		json_intv(sb, c);
		strbuf_adds(sb, ", \"average\": ");
		json_intv(sb, a);
		strbuf_adds(sb, ", \"total\": ");
		json_intv(sb, s);
		strbuf_addc(sb, '}');
		return;
	case TY_VOID:
		strbuf_adds(sb, "null");
		return;
	default:
		break;
	}
	generic_json(sb, v);
}
