/*
 * tracefs.h - where the kernel's tracing file system lives.
 *
 * bt-probes lists tracepoints from it and reads their format files;
 * bt-load reads tracepoint ids from it.  tracefs_root() finds the mount
 * (/sys/kernel/tracing, else /sys/kernel/debug/tracing) and, when neither
 * is mounted, mounts tracefs on /sys/kernel/tracing (needs root).
 *
 * Ownership: returned paths are static (root) or malloc'd (read_file text,
 * freed by the caller); read_at fills a buffer the caller owns.
 */
#ifndef BT_TRACEFS_H
#define BT_TRACEFS_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The tracefs root directory, mounting it if needed.  Returns NULL and sets
 * *err to a negative errno when it is not available; tracefs_hint() then
 * says what the user can do.
 */
const char *tracefs_root(int *err);
/*
 * Make /sys/kernel/debug/tracing reach tracefs, the place upstream's docs
 * send debugf() readers to (trace_pipe): mounts debugfs (or tracefs there)
 * when needed.  0 or a negative errno.
 */
int tracefs_mount_debug_path(void);
/* one line telling the user how to make tracefs available */
const char *tracefs_hint(void);
/* open ROOT/rel with open(2) flags (O_CLOEXEC added): an fd or negative errno */
int tracefs_open(const char *rel, int flags);
/*
 * Read the file rel, relative to dirfd (an fd from tracefs_open, or
 * AT_FDCWD with a full path), into *buf, NUL-terminated.  *buf and *cap are
 * the caller's buffer and its size (NULL and 0 at first), grown with
 * realloc and reused across calls; the caller frees *buf.  With last set,
 * reading stops once the text holds it: for a seq_file whose last record
 * starts with `last` (a seq_file read returns whole records), that saves
 * the read that would return 0.  Returns the length read or a negative
 * errno.
 */
ssize_t tracefs_read_at(int dirfd, const char *rel, const char *last,
			char **buf, size_t *cap);
/* read ROOT/rel into malloc'd NUL-terminated text; 0 or negative errno */
int tracefs_read_file(const char *rel, char **text, size_t *len);
/* ROOT/events/CAT/EVENT/format exists: 1, absent: 0, error: negative errno */
int tracefs_event_exists(const char *category, const char *event);

#endif
