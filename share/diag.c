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

static FILE *stream(void)
{
	return out ? out : stderr;
}

static void excerpt(struct diag_loc loc)
{
	FILE *f = stream();
	size_t bol = loc.start, eol = loc.start, i, end;

	if (!src_text || loc.start > src_len)
		return;
	while (bol > 0 && src_text[bol - 1] != '\n')
		bol--;
	while (eol < src_len && src_text[eol] != '\n')
		eol++;
	fwrite(src_text + bol, 1, eol - bol, f);
	putc('\n', f);
	end = loc.end > eol ? eol : loc.end;
	if (end <= loc.start)
		end = loc.start + 1;
	for (i = bol; i < loc.start; i++)
		putc(src_text[i] == '\t' ? '\t' : ' ', f);
	for (; i < end; i++)
		putc('~', f);
	putc('\n', f);
}

static void emit(struct diag_loc loc, const char *level, const char *fmt,
		 va_list ap)
{
	FILE *f = stream();
	unsigned l1, c1, l2, c2;
	bool located = loc.end > loc.start || loc.start > 0;

	if (located && src_text) {
		diag_line_col(loc.start, &l1, &c1);
		diag_line_col(loc.end, &l2, &c2);
		if (l2 != l1)
			c2 = c1 + 1;
		fprintf(f, "%s:%u:%u-%u: ", src_name, l1, c1, c2);
	} else if (located) {
		fprintf(f, "%s: ", src_name);
	}
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
	unsigned l, c, l2, c2;

	if (last_muted || !src_text)
		return;
	diag_line_col(loc.start, &l, &c);
	diag_line_col(loc.end, &l2, &c2);
	fprintf(f, "%s:%u:%u-%u: %s\n", src_name, l, c, l2 == l ? c2 : c + 1,
		what);
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
