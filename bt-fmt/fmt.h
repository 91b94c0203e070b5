/*
 * fmt.h - the parts of bt-fmt and how they fit together.
 *
 *   main.c     command line, the read loop, flushing, signals
 *   meta.c     the `meta` event: printf formats, print and time formats,
 *              map descriptions (struct fmt_meta, in its own arena)
 *   event.c    one function per event kind, text and JSON
 *   value.c    one VALUE (WIRE.md) of a given type as text or JSON
 *   printf.c   printf format strings: parsed once, applied per event
 *   gfp.c      %gr: GFP flag names
 *   hist.c     hist/lhist buckets to labelled rows (text and JSON)
 *   tseries.c  tseries values: the text graph and the JSON array
 *   map.c      map events: sorting, top/div, the map line layouts
 *   csv.c      -f csv: every event as rows of one table (bt-formats(7))
 *   flame.c    -f folded and -f svg: stack-keyed maps as folded stacks,
 *              and the flame graph drawn from them
 *   modes.c    --mode bench and test: the bench table, the test report
 *   strbuf.c   the output and scratch buffers
 *
 * Text output follows upstream bpftrace's text and JSON writers; the
 * comments at each function name the behaviour they reproduce.
 */
#ifndef BT_FMT_FMT_H
#define BT_FMT_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "strbuf.h"
#include "type.h"
#include "val.h"

/* ---------------------------------------------------------------- printf */

enum printf_conv {
	CONV_D,      /* d i */
	CONV_U,      /* u */
	CONV_O,      /* o */
	CONV_X,      /* x */
	CONV_XX,     /* X */
	CONV_C,      /* c */
	CONV_S,      /* s, and anything upstream formats as a string */
	CONV_P,      /* p */
	CONV_R,      /* r  buffer, printable bytes kept */
	CONV_RX,     /* rx buffer, every byte \xNN */
	CONV_RH,     /* rh buffer, hex bytes separated by spaces */
	CONV_GR,     /* gr GFP flags by name */
};

struct printf_spec {
	const char *lit;     /* text before this conversion (%% resolved) */
	size_t litn;
	bool left, plus, alt, zero;
	int width;           /* 0: none */
	char len[4];         /* length modifier as written ("", "hh", ...) */
	enum printf_conv conv;
};

struct printf_fmt {
	struct printf_spec *specs;
	int nspecs;
	const char *tail;    /* text after the last conversion */
	size_t tailn;
	struct type **args;  /* argument types from the bundle */
	int nargs;
	/* errorf()/warnf(): "severity": "error"|"warning" in the meta entry;
	 * printed as a located diagnostic instead of output */
	int severity;        /* 0 printf, 1 warning, 2 error */
	size_t loc_start, loc_end;
	/* where the macro holding it was expanded, innermost first */
	struct diag_loc *from;
	int nfrom;
};

int printf_parse(struct arena *a, const char *fmt, struct printf_fmt *pf);
/* one conversion of one argument, appended to sb */
void printf_apply(struct strbuf *sb, const struct printf_spec *sp,
		  const struct type *t, const struct val *v,
		  struct strbuf *scratch);
/* %gr: GFP flags as the kernel names them (gfp.c) */
void gfp_format(struct strbuf *sb, uint64_t flags);
/* the whole format with its arguments */
void printf_render(struct strbuf *sb, const struct printf_fmt *pf,
		   const struct val *args, struct strbuf *scratch);

/* ---------------------------------------------------------------- meta */

struct fmt_map {
	const char *name;    /* "@x" */
	struct type *key;    /* NULL for a scalar map */
	struct type *val;
};

struct fmt_meta {
	struct printf_fmt *printf;
	size_t nprintf;
	struct type **print;
	size_t nprint;
	const char **time;
	size_t ntime;
	struct fmt_map *maps;
	size_t nmaps;
	bool no_exit_maps;   /* config print_maps_on_exit = false */
};

/* reads the meta event into m (allocated in a); -EBADMSG with a message */
int meta_load(struct arena *a, const struct val *ev, struct fmt_meta *m);

/* ---------------------------------------------------------------- values */

/* str_trunc_trailer, ".." unless the stream's config says otherwise */
extern const char *value_trunc_trailer;

struct int_val {
	bool is_signed;
	int64_t i;
	uint64_t u;
};

/* an integer VALUE normalised to the width and sign of t */
struct int_val value_int(const struct type *t, const struct val *v);
void value_text(struct strbuf *sb, const struct type *t, const struct val *v);
void value_json(struct strbuf *sb, const struct type *t, const struct val *v);
/* bytes as upstream's hex_format_buffer: keep_ascii, escape_hex */
void value_hex_buffer(struct strbuf *sb, const unsigned char *p, size_t n,
		      bool keep_ascii, bool escape_hex);
void json_string(struct strbuf *sb, const char *s, size_t n);
void json_int(struct strbuf *sb, int64_t v);
void json_uint(struct strbuf *sb, uint64_t v);
/* avg/stats VALUE [count, total] */
void value_stats(const struct type *t, const struct val *v, uint64_t div,
		 struct int_val *count, struct int_val *avg,
		 struct int_val *total);

/* ---------------------------------------------------------------- hist */

struct hist_label {
	int64_t num;
	bool sym;            /* symbolic: text differs from the number */
	char text[24];
};

struct hist_rows {
	bool has_lower;
	struct hist_label lower;
	struct hist_label *labels;
	size_t nlabels;
	uint64_t *counts;
	size_t ncounts;
};

/* bucket counts (a VALUE) to rows; hist divides counts by div */
void hist_build(struct arena *a, const struct type *t, const struct val *v,
		uint64_t div, struct hist_rows *h);
uint64_t hist_total(const struct val *v);
void hist_text(struct strbuf *sb, const struct hist_rows *h);
void hist_json(struct strbuf *sb, const struct hist_rows *h);
/* the label of bucket index i of hist(n, k), as upstream names it */
void hist_label_of(uint32_t index, uint32_t k, struct hist_label *l);

/* ---------------------------------------------------------------- tseries */

void tseries_text(struct strbuf *sb, struct arena *a, const struct type *t,
		  const struct val *v);
void tseries_json(struct strbuf *sb, struct arena *a, const struct type *t,
		  const struct val *v);
/* wall-clock ns of the newest interval with data (the sort key) */
uint64_t tseries_latest(const struct val *v);

/* ---------------------------------------------------------------- maps */

struct map_entry {
	const struct val *key, *val;
	/* scalar keys and values copied next to the entry before sorting
	 * (key and val point here after it): printing 100k sorted entries
	 * then reads memory in order instead of all over the event */
	struct val kcopy, vcopy;
	bool kcopied, vcopied;
	size_t index;        /* input position, for stable ordering */
	int64_t si;          /* the value's sort key, signed or not */
	uint64_t su;
	int64_t ki;          /* an integer key, as it sorts */
};

/* sort entries as upstream prints them (O-28) */
void map_sort(const struct fmt_map *m, struct map_entry *e, size_t n);
/* order of two keys of type t: integers signed, strings bytewise, tuples
 * field by field; other types compare equal */
int map_key_cmp(const struct type *t, const struct val *a,
		const struct val *b);
/*
 * the entries of a map event, sorted and cut to its top N: *e (allocated
 * in a), the rows to show are (*e)[first..n-1]; *div is the event's
 * divisor (at least 1).  -EBADMSG on a malformed event.
 */
int map_entries(struct arena *a, const struct fmt_map *m,
		const struct val *ev, struct map_entry **e, size_t *n,
		size_t *first, uint64_t *div);
/* a non-histogram map value with print()'s divisor, text or JSON */
void map_value(struct strbuf *sb, const struct type *t, const struct val *v,
	       uint64_t div, bool json);
/* the VALUE a never-written scalar map shows, NULL for histograms */
const struct val *map_zero_value(struct arena *a, const struct type *t);
/* render one map event; returns -EBADMSG on a malformed event */
int map_render(struct strbuf *sb, struct arena *a, const struct fmt_map *m,
	       const struct val *ev, bool json, struct strbuf *scratch);

/* ---------------------------------------------------------------- events */

enum fmt_format {
	FMT_TEXT,            /* upstream's text output */
	FMT_JSON,            /* upstream's -f json */
	FMT_CSV,             /* one table (csv.c, bt-formats(7)) */
	FMT_FOLDED,          /* folded stacks (flame.c) */
	FMT_SVG,             /* a flame graph (flame.c) */
};

struct flame;

struct fmt_state {
	struct fmt_meta meta;
	enum fmt_format format;
	bool json;           /* format == FMT_JSON */
	bool quiet;          /* -q */
	bool no_warnings;    /* --no-warnings: text mode drops warnings */
	char buffering;      /* -B: 'l'ine (default), 'f'ull, 'n'one */
	FILE *outf;          /* -o FILE or stdout */
	struct strbuf out;   /* pending output, written by fmt_flush() */
	struct strbuf scratch;
	int write_err;       /* errno of the first failed write */
	const char *src_name; /* the script's file name, for JSON locations */
	uint64_t lost_total; /* every `lost` so far, reported once at the end */
	bool lost_reported;
	size_t csv_keys;     /* -f csv: key columns (csv_header()) */
	struct flame *flame; /* -f folded/svg: the stacks seen so far */
	/* the entries of a map sent in batches, until its last batch (the
	 * event arena is not reset meanwhile) */
	struct val *pending;
	size_t pending_id;
	FILE *errf;          /* diagnostics: stderr, or a test's capture */
	/* --mode test: a running test's output, captured (modes.c) */
	FILE *capture;
	char *cap_buf;
	size_t cap_len;
	FILE *saved_outf;
	enum fmt_format saved_format;
	uint64_t tests_failed;        /* so far in this run of tests */
	struct strbuf failed_names;   /* their names, NUL-separated */
	uint64_t bench_rows;          /* bench table rows so far */
};

/* --mode bench and test results (modes.c); -EBADMSG when malformed */
int modes_bench(struct fmt_state *st, const struct val *ev);
int modes_test_start(struct fmt_state *st, const struct val *ev);
int modes_test(struct fmt_state *st, const struct val *ev);

/* -f csv (csv.c) */
void csv_header(struct fmt_state *st);
/* one row: type, map (may be NULL), no keys, value (n bytes) */
void csv_text_row(struct fmt_state *st, const char *type, const char *map,
		  const char *value, size_t n);
/* a --mode bench/test result: type ("bench.average"...), the name as
 * key1, the value (n bytes) */
void csv_result_row(struct fmt_state *st, const char *type,
		    const char *name, const char *value, size_t n);
/* print() of a non-map value */
void csv_print(struct fmt_state *st, const struct type *t,
	       const struct val *v);
int csv_map(struct fmt_state *st, struct arena *a, const struct fmt_map *m,
	    const struct val *ev);
void csv_field(struct strbuf *sb, const char *s, size_t n);

/* -f folded and -f svg (flame.c) */
struct flame *flame_new(const struct fmt_meta *m);
void flame_free(struct flame *f);
/* whether a map's key holds a stack (a map folded and drawn) */
bool flame_map_has_stack(const struct fmt_map *m);
/* fold one map event: folded lines to st->out, or kept for the SVG */
int flame_map(struct fmt_state *st, struct arena *a, const struct fmt_map *m,
	      const struct val *ev);
/* at the end of the input: the SVG, or a note when nothing was folded */
void flame_finish(struct fmt_state *st);
/* the SVG of folded lines "a;b;c N" (n bytes), title may be NULL */
void flame_svg(struct strbuf *sb, const char *folded, size_t n,
	       const char *title);

/* write the pending output */
void fmt_flush(struct fmt_state *st);
/* where diagnostics go: st->errf, stderr when unset */
FILE *fmt_err(const struct fmt_state *st);
/*
 * Render one event.  Returns 0, or -EBADMSG when the event is malformed
 * (after printing why; the caller adds the byte offset and exits 2).
 */
int event_render(struct fmt_state *st, struct arena *a, const struct val *ev);

#endif
