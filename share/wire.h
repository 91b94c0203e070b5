/*
 * wire.h - the stream between the stages (see WIRE.md for every schema).
 *
 * A stream is a sequence of vals: a header map {"bt": KIND, "v": N,
 * "src": TEXT, "file": NAME, ...} and then the payload.  On a pipe the
 * encoding is msgpack; with --json it is one JSON document per line.
 * Readers accept both and tell them apart by the first byte, so every
 * stage reads what `--json` of the previous stage printed.
 *
 * Ownership: a wire_in/wire_out owns its buffers, not the FILE.  Values
 * read are allocated in the arena the caller passes.
 */
#ifndef BT_WIRE_H
#define BT_WIRE_H

#include <stdbool.h>
#include <stdio.h>

#include "val.h"

#define WIRE_VERSION 1

struct wire_in;
struct wire_out;

/* tool is the program name used in error messages ("bt-gen") */
struct wire_in *wire_in_open(FILE *f, const char *tool);
/* an empty stream fails wire_read_header without a message: its producer
 * (bt-load under the driver) has already said why */
void wire_in_quiet_empty(struct wire_in *in);
void wire_in_close(struct wire_in *in);
/*
 * Read the next value.  Returns 0, -ENODATA at a clean end of stream, or
 * -EBADMSG for a malformed or truncated stream (after printing one line
 * that names the byte offset).
 */
int wire_in_next(struct wire_in *in, struct arena *a, struct val **out);
/* bytes consumed so far */
size_t wire_in_offset(const struct wire_in *in);
bool wire_in_is_json(const struct wire_in *in);
/*
 * Bytes already read from the input but not yet decoded.  0 means the
 * next wire_in_next() may block: a long-running reader (bt-fmt) flushes
 * its output then, so that batches appear as soon as they arrive.
 */
size_t wire_in_pending(const struct wire_in *in);

/*
 * Read and check the header: its kind must be want ("ast", "typed-ast",
 * "bundle", "events") and its version WIRE_VERSION.  On mismatch prints
 * e.g. "bt-gen: expected typed-ast, got ast (pipe through bt-check)" and
 * returns -EPROTO; the caller exits 2.
 */
int wire_read_header(struct wire_in *in, struct arena *a, const char *want,
		     struct val **hdr);

struct wire_out *wire_out_open(FILE *f, bool json);
/* writes one value; msgpack is buffered, call wire_out_flush() */
int wire_out_write(struct wire_out *o, const struct val *v);
int wire_out_flush(struct wire_out *o);
/* flushes and frees; returns the first write error seen, or 0 */
int wire_out_close(struct wire_out *o);

/*
 * A new header of the given kind that carries over "src", "file",
 * "params" and anything else the input header had.
 */
struct val *wire_header(struct arena *a, const char *kind,
			const struct val *from);

/* JSON text of one value (no newline), for debugging and tests */
void wire_print_json(FILE *f, const struct val *v);

#endif
