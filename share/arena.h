/*
 * arena.h - bump allocator for short-lived data.
 *
 * The short-lived stages (bt-parse, bt-check, bt-gen) allocate everything
 * from one arena and free it at exit.  The long-running stages (bt-load,
 * bt-fmt) keep one arena per event or per batch and call arena_reset()
 * after it is written, so their memory stays flat under load.
 *
 * Ownership: every pointer returned by arena_* belongs to the arena and is
 * valid until arena_reset() or arena_free().  Allocation failure aborts
 * (there is nothing sensible to do without memory in a tracer stage).
 */
#ifndef BT_ARENA_H
#define BT_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* forget every allocation but keep the first block for reuse */
void arena_reset(struct arena *a);

void *arena_alloc(struct arena *a, size_t n);          /* zeroed, 16-aligned */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
