/*
 * libclang.c - loads libclang at run time for the C definitions (cdefs.c):
 * Debian's libclang-19.so.1 (package libclang1-19), else a libclang.so on
 * the library path, then every function of LIBCLANG_FUNCS (libclang.h)
 * through dlsym into `lc`.  Loading happens at most once per process.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "libclang.h"

struct libclang lc;

int libclang_load(const char **why)
{
	static const char *const names[] = { "libclang-19.so.1", "libclang.so" };
	static int state;          /* 0 untried, 1 loaded, -errno failed */
	static const char *reason;
	void *h = NULL;
	size_t i;

	if (state) {
		*why = reason;
		return state < 0 ? state : 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]) && !h; i++) {
		h = dlopen(names[i], RTLD_LAZY | RTLD_LOCAL);
		if (!h && !reason)
			reason = dlerror();
	}
	if (!h) {
		state = -ENOENT;
		*why = reason;
		return state;
	}
#define LIBCLANG_RESOLVE(fn)                                     \
	if (!(lc.fn = (__typeof__(fn) *)dlsym(h, #fn))) {         \
		reason = "libclang lacks " #fn;                   \
		state = -ENOENT;                                  \
		*why = reason;                                    \
		return state;                                     \
	}
	LIBCLANG_FUNCS(LIBCLANG_RESOLVE)
#undef LIBCLANG_RESOLVE
	state = 1;
	*why = NULL;
	return 0;
}
