/*
 * arena.c - bump allocator: a list of blocks, the first 64 KiB, each new
 * one twice the size of the last up to 8 MiB.  Blocks of 4 MiB and more
 * are mapped directly, 2 MiB-aligned and marked for transparent huge
 * pages: an arena that holds a 100k-key map then takes a few page faults
 * instead of thousands (bt-fmt's map dump spent half its time in them).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "bug.h"

#define ARENA_BLOCK (64 * 1024)
#define ARENA_BLOCK_MAX (8 * 1024 * 1024)
#define ARENA_HUGE (4 * 1024 * 1024)       /* mapped from this size on */
#define HUGE_PAGE (2 * 1024 * 1024)

struct block {
	struct block *next;
	size_t size, used;
	void *map;               /* the mapping, for a mapped block */
	size_t map_len;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct block *head;
};

static struct block *block_map(size_t size)
{
	size_t len = sizeof(struct block) + size + HUGE_PAGE;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct block *b;
	uintptr_t at;

	if (m == MAP_FAILED)
		return NULL;
	at = ((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	madvise((void *)at, len - (at - (uintptr_t)m), MADV_HUGEPAGE);
	b = (struct block *)at;
	b->map = m;
	b->map_len = len;
	return b;
}

static struct block *block_new(size_t want, size_t last)
{
	size_t size = last * 2 > ARENA_BLOCK ? last * 2 : ARENA_BLOCK;
	struct block *b;

	if (size > ARENA_BLOCK_MAX)
		size = ARENA_BLOCK_MAX;
	if (want > size)
		size = want;
	b = size >= ARENA_HUGE ? block_map(size) : NULL;
	if (!b) {
		b = malloc(sizeof(*b) + size);
		if (!b)
			BUG("out of memory allocating %zu bytes", size);
		b->map = NULL;
		b->map_len = 0;
	}
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

static void block_free(struct block *b)
{
	if (b->map)
		munmap(b->map, b->map_len);
	else
		free(b);
}

struct arena *arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));

	if (!a)
		BUG("out of memory");
	return a;
}

void arena_free(struct arena *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		block_free(b);
	}
	free(a);
}

void arena_reset(struct arena *a)
{
	struct block *b, *next, *last = NULL;

	/* keep the oldest (bottom) block, which is the first one allocated */
	for (b = a->head; b; b = next) {
		next = b->next;
		if (!next)
			last = b;
		else
			block_free(b);
	}
	a->head = last;
	if (last)
		last->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct block *b = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->size - b->used < n) {
		b = block_new(n, b ? b->size : 0);
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
