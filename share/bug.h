/*
 * bug.h - internal invariant checks.  BUG() is for "cannot happen" only:
 * it names the source location and aborts.  User-facing errors go through
 * diag.h instead.
 */
#ifndef BT_BUG_H
#define BT_BUG_H

#include <stdio.h>
#include <stdlib.h>

#define BUG(...)                                                          \
	do {                                                              \
		fprintf(stderr, "BUG at %s:%d: ", __FILE__, __LINE__);    \
		fprintf(stderr, __VA_ARGS__);                             \
		fputc('\n', stderr);                                      \
		abort();                                                  \
	} while (0)

#define BUG_ON(cond)                                                      \
	do {                                                              \
		if (cond)                                                 \
			BUG("%s", #cond);                                 \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
