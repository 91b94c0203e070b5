/*
 * strbuf.h - a growable byte buffer, the one place bt-fmt builds text.
 *
 * bt-fmt renders each event into a strbuf (the output buffer, or a
 * scratch buffer for map keys and printf arguments) and writes the output
 * buffer with one fwrite() per batch, so the hot path makes no stdio call
 * per character and no allocation once the buffers have grown.
 *
 * Ownership: a strbuf owns its bytes (malloc); strbuf_free() releases
 * them.  The bytes are not NUL-terminated unless strbuf_cstr() is called.
 */
#ifndef BT_FMT_STRBUF_H
#define BT_FMT_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf {
	char *p;
	size_t n, cap;
};

void strbuf_grow(struct strbuf *sb, size_t more);
void strbuf_free(struct strbuf *sb);

static inline void strbuf_reset(struct strbuf *sb)
{
	sb->n = 0;
}

static inline void strbuf_add(struct strbuf *sb, const void *s, size_t n)
{
	if (!n)
		return;
	if (sb->cap - sb->n < n)
		strbuf_grow(sb, n);
	memcpy(sb->p + sb->n, s, n);
	sb->n += n;
}

static inline void strbuf_addc(struct strbuf *sb, char c)
{
	if (sb->cap == sb->n)
		strbuf_grow(sb, 1);
	sb->p[sb->n++] = c;
}

static inline void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

/* n copies of c */
void strbuf_fill(struct strbuf *sb, char c, size_t n);
/* decimal */
void strbuf_addu(struct strbuf *sb, uint64_t v);
void strbuf_addi(struct strbuf *sb, int64_t v);
/* lower-case hex without prefix */
void strbuf_addx(struct strbuf *sb, uint64_t v);
/* s (n bytes) left- or right-aligned in width columns, padded with fill */
void strbuf_addpad(struct strbuf *sb, const char *s, size_t n, size_t width,
		   char fill, int left);
/* NUL-terminated view of the contents (the NUL is not counted in n) */
const char *strbuf_cstr(struct strbuf *sb);

/* digits of v in base 8, 10 or 16 into buf (at least 24 bytes), returns
 * the length; upper selects A-F */
size_t strbuf_fmt_u64(char *buf, uint64_t v, int base, int upper);

#endif
