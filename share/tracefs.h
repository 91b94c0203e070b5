/*
 * tracefs.h - where the kernel's tracing file system lives.
 *
 * bt-probes lists tracepoints from it and reads their format files;
 * bt-load reads tracepoint ids from it.  tracefs_root() finds the mount
 * (/sys/kernel/tracing, else /sys/kernel/debug/tracing) and, when neither
 * is mounted, mounts tracefs on /sys/kernel/tracing (needs root).
 *
 * Ownership: returned paths are static (root) or malloc'd (read_file text,
 * freed by the caller).
 */
#ifndef BT_TRACEFS_H
#define BT_TRACEFS_H

#include <stddef.h>

/*
 * The tracefs root directory, mounting it if needed.  Returns NULL and sets
 * *err to a negative errno when it is not available; tracefs_hint() then
 * says what the user can do.
 */
const char *tracefs_root(int *err);
/* one line telling the user how to make tracefs available */
const char *tracefs_hint(void);
/* read ROOT/rel into malloc'd NUL-terminated text; 0 or negative errno */
int tracefs_read_file(const char *rel, char **text, size_t *len);
/* ROOT/events/CAT/EVENT/format exists: 1, absent: 0, error: negative errno */
int tracefs_event_exists(const char *category, const char *event);

#endif
