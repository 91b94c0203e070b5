/*
 * diag.c - formatting of located errors, warnings and hints.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "diag.h"

static const char *src_name = "stdin";
static const char *src_text;
static size_t src_len;
static FILE *out;
static bool warnings_on = true;
static bool last_muted;
static unsigned n_errors;

void diag_set_source(const char *name, const char *text, size_t len)
{
	src_name = name ? name : "stdin";
	src_text = text;
	src_len = text ? len : 0;
}

void diag_set_source_from_header(const struct val *hdr)
{
	struct val *src = val_get(hdr, "src");
	const char *file = val_get_str(hdr, "file");

	diag_set_source(file, src && src->kind == VAL_STR ? src->s : NULL,
			src && src->kind == VAL_STR ? src->n : 0);
}

void diag_set_stream(FILE *f)
{
	out = f;
}

void diag_set_warnings(bool on)
{
	warnings_on = on;
}

unsigned diag_errors(void)
{
	return n_errors;
}

struct diag_loc diag_loc_of(const struct val *node)
{
	struct val *l = val_get(node, "loc");
	struct diag_loc loc = { 0, 0 };

	if (l && l->kind == VAL_ARR && l->n == 2) {
		loc.start = (size_t)val_as_int(l->items[0]);
		loc.end = (size_t)val_as_int(l->items[1]);
	}
	return loc;
}

void diag_line_col(size_t off, unsigned *line, unsigned *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < src_len; i++) {
		if (src_text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

struct diag_loc diag_loc_of_line(unsigned line)
{
	struct diag_loc loc = { 0, 0 };
	size_t i = 0, b, e;
	unsigned n = 1;

	if (!src_text || !line)
		return loc;
	while (n < line && i < src_len)
		if (src_text[i++] == '\n')
			n++;
	if (n != line || i >= src_len)
		return loc;
	for (e = i; e < src_len && src_text[e] != '\n'; e++)
		;
	for (b = i; b < e && (src_text[b] == ' ' || src_text[b] == '\t'); b++)
		;
	while (e > b && (src_text[e - 1] == ' ' || src_text[e - 1] == '\t' ||
			 src_text[e - 1] == '\r'))
		e--;
	if (b < e) {
		loc.start = b;
		loc.end = e;
	}
	return loc;
}

static FILE *stream(void)
{
	return out ? out : stderr;
}

/* the source lines of loc: all of them for a multi-line span, else the
 * line with a ~ underline; tabs are shown as four spaces (as upstream) */
static void excerpt(struct diag_loc loc)
{
	FILE *f = stream();
	size_t bol = loc.start, eol, i;
	unsigned l1, c1, l2, c2, col;

	if (!src_text || loc.start > src_len)
		return;
	diag_line_col(loc.start, &l1, &c1);
	diag_line_col(loc.end, &l2, &c2);
	while (bol > 0 && src_text[bol - 1] != '\n')
		bol--;
	if (l2 != l1) {
		for (i = bol; i < src_len && i < loc.end; i++)
			putc(src_text[i], f);
		if (i == 0 || src_text[i - 1] != '\n') {
			while (i < src_len && src_text[i] != '\n')
				putc(src_text[i++], f);
			putc('\n', f);
		}
		return;
	}
	for (eol = bol; eol < src_len && src_text[eol] != '\n'; eol++)
		fputs(src_text[eol] == '\t' ? "    " : (char[]){ src_text[eol], 0 }, f);
	putc('\n', f);
	for (i = bol, col = 1; i < eol && col < c2; i++, col++) {
		char m = col < c1 ? ' ' : '~';

		if (src_text[i] == '\t')
			fprintf(f, "%c%c%c%c", m, m, m, m);
		else
			putc(m, f);
	}
	putc('\n', f);
}

static void location(FILE *f, struct diag_loc loc)
{
	unsigned l1, c1, l2, c2;

	diag_line_col(loc.start, &l1, &c1);
	diag_line_col(loc.end, &l2, &c2);
	if (l1 != l2)
		fprintf(f, "%s:%u-%u: ", src_name, l1, l2);
	else
		fprintf(f, "%s:%u:%u-%u: ", src_name, l1, c1, c2);
}

static void emit(struct diag_loc loc, const char *level, const char *fmt,
		 va_list ap)
{
	FILE *f = stream();
	bool located = loc.end > loc.start || loc.start > 0;

	if (located && src_text)
		location(f, loc);
	else if (located)
		fprintf(f, "%s: ", src_name);
	fprintf(f, "%s: ", level);
	vfprintf(f, fmt, ap);
	putc('\n', f);
	if (located)
		excerpt(loc);
}

int diag_error(struct diag_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(loc, "ERROR", fmt, ap);
	va_end(ap);
	n_errors++;
	last_muted = false;
	return -EINVAL;
}

void diag_warn(struct diag_loc loc, const char *fmt, ...)
{
	va_list ap;

	last_muted = !warnings_on;
	if (!warnings_on)
		return;
	va_start(ap, fmt);
	emit(loc, "WARNING", fmt, ap);
	va_end(ap);
}

void diag_hint(const char *fmt, ...)
{
	FILE *f = stream();
	va_list ap;

	if (last_muted)
		return;
	fputs("HINT: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	putc('\n', f);
}

void diag_note(struct diag_loc loc, const char *what)
{
	FILE *f = stream();

	if (last_muted || !src_text)
		return;
	location(f, loc);
	fprintf(f, "%s\n", what);
	excerpt(loc);
}

int diag_error_at(const struct val *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(diag_loc_of(node), "ERROR", fmt, ap);
	va_end(ap);
	n_errors++;
	last_muted = false;
	return -EINVAL;
}

void diag_warn_at(const struct val *node, const char *fmt, ...)
{
	va_list ap;

	last_muted = !warnings_on;
	if (!warnings_on)
		return;
	va_start(ap, fmt);
	emit(diag_loc_of(node), "WARNING", fmt, ap);
	va_end(ap);
}
