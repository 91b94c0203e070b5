/*
 * strbuf.c - growth and number formatting for struct strbuf (strbuf.h).
 */
#include <stdlib.h>

#include "bug.h"
#include "strbuf.h"

void strbuf_grow(struct strbuf *sb, size_t more)
{
	size_t cap = sb->cap ? sb->cap : 256;

	while (cap - sb->n < more)
		cap *= 2;
	if (cap == sb->cap)
		return;
	sb->p = realloc(sb->p, cap);
	if (!sb->p)
		BUG("out of memory");
	sb->cap = cap;
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->p);
	sb->p = NULL;
	sb->n = sb->cap = 0;
}

void strbuf_fill(struct strbuf *sb, char c, size_t n)
{
	if (!n)
		return;
	if (sb->cap - sb->n < n)
		strbuf_grow(sb, n);
	memset(sb->p + sb->n, c, n);
	sb->n += n;
}

size_t strbuf_fmt_u64(char *buf, uint64_t v, int base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = digits[v % (unsigned)base];
		v /= (unsigned)base;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

void strbuf_addu(struct strbuf *sb, uint64_t v)
{
	char buf[24];

	strbuf_add(sb, buf, strbuf_fmt_u64(buf, v, 10, 0));
}

void strbuf_addi(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		strbuf_addc(sb, '-');
		strbuf_addu(sb, -(uint64_t)v);
	} else {
		strbuf_addu(sb, (uint64_t)v);
	}
}

void strbuf_addx(struct strbuf *sb, uint64_t v)
{
	char buf[24];

	strbuf_add(sb, buf, strbuf_fmt_u64(buf, v, 16, 0));
}

void strbuf_addpad(struct strbuf *sb, const char *s, size_t n, size_t width,
		   char fill, int left)
{
	size_t pad = width > n ? width - n : 0;

	if (!left)
		strbuf_fill(sb, fill, pad);
	strbuf_add(sb, s, n);
	if (left)
		strbuf_fill(sb, fill, pad);
}

const char *strbuf_cstr(struct strbuf *sb)
{
	strbuf_addc(sb, '\0');
	sb->n--;
	return sb->p;
}
