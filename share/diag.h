/*
 * diag.h - user-facing diagnostics, in bpftrace's layout:
 *
 *     stdin:1:12-24: ERROR: BAD_CONFIG: not a known configuration option
 *     config = { BAD_CONFIG=1 } begin { }
 *                ~~~~~~~~~~~~
 *     HINT: ...
 *
 * Locations are byte offsets [start, end) into the source text; line and
 * column (1-based, end column exclusive) are computed only when printed.
 * The source text and its name come from the stream header (see
 * diag_set_source_from_header), so every stage can point into the script.
 *
 * Every message goes to stderr.  Errors are counted (diag_errors()) so a
 * pass can report several and the tool exits 1 at the end.
 */
#ifndef BT_DIAG_H
#define BT_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "val.h"

struct diag_loc {
	size_t start, end;  /* byte offsets; start == end == 0 means none */
};

/* the source that locations refer to; text is not copied */
void diag_set_source(const char *name, const char *text, size_t len);
void diag_set_source_from_header(const struct val *hdr);
/* redirect output (tests); default stderr */
void diag_set_stream(FILE *f);
/* --no-warnings */
void diag_set_warnings(bool on);

/* a loc from a node's "loc": [start, end] (zero loc if absent) */
struct diag_loc diag_loc_of(const struct val *node);

/*
 * Print "ERROR: msg" at loc (with the source line and underline) and
 * count it.  Returns -EINVAL so code can `return diag_error(...)`.
 */
int diag_error(struct diag_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warn(struct diag_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "HINT: msg" under the last error or warning (skipped if it was muted) */
void diag_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a located note with the source excerpt, e.g. "expanded from" */
void diag_note(struct diag_loc loc, const char *what);

/* convenience: the node's "loc" */
int diag_error_at(const struct val *node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void diag_warn_at(const struct val *node, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

unsigned diag_errors(void);

/* the text of source line `line` (1-based) without its leading and
 * trailing blanks; a zero loc when there is no such line or it is blank */
struct diag_loc diag_loc_of_line(unsigned line);
/* line (1-based) and column (1-based) of a byte offset */
void diag_line_col(size_t off, unsigned *line, unsigned *col);

#endif
