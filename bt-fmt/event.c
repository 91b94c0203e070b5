/*
 * event.c - one function per kind of event in the events stream
 * (WIRE.md, "events"), each writing the text or the JSON form.
 *
 * Script output (printf, print, time, maps) goes to the output buffer;
 * bookkeeping (attach count, lost events, runtime errors) goes to stderr
 * in text mode, after the pending output is written so that the two
 * streams interleave in the order the events came.  In JSON mode all of
 * it is one object per line on the output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "fmt.h"

/*
 * stderr is buffered (see main) and written right after the output, so
 * that a message about the stream (which the decoder prints the moment
 * it finds a break) follows the output of every event before the break.
 */
FILE *fmt_err(const struct fmt_state *st)
{
	return st->errf ? st->errf : stderr;
}

void fmt_flush(struct fmt_state *st)
{
	if (st->out.n && !st->write_err) {
		if (fwrite(st->out.p, 1, st->out.n, st->outf) != st->out.n ||
		    fflush(st->outf))
			st->write_err = errno ? errno : EIO;
	}
	strbuf_reset(&st->out);
	fflush(fmt_err(st));
}

static int bad_event(const char *kind, const char *what)
{
	fprintf(stderr, "bt-fmt: bad '%s' event: %s\n", kind, what);
	return -EBADMSG;
}

static bool get_id(const struct val *ev, size_t n, size_t *id)
{
	const struct val *v = val_get(ev, "id");

	if (!v || !val_is_int(v) || val_as_int(v) < 0 ||
	    (uint64_t)val_as_int(v) >= n)
		return false;
	*id = (size_t)val_as_int(v);
	return true;
}

static void json_text_event(struct strbuf *sb, const char *type,
			    const char *s, size_t n)
{
	strbuf_adds(sb, "{\"type\": \"");
	strbuf_adds(sb, type);
	strbuf_adds(sb, "\", \"data\": ");
	json_string(sb, s, n);
	strbuf_adds(sb, "}\n");
}

/*
 * Output that is not a map (printf, print, time, cat/join/system) in the
 * formats other than text: a JSON object, a CSV row, or for folded and
 * svg the text on stderr, keeping stdout for the flame graph.
 */
static void side_text(struct fmt_state *st, const char *type,
		      const char *s, size_t n)
{
	switch (st->format) {
	case FMT_JSON:
		json_text_event(&st->out, type, s, n);
		break;
	case FMT_CSV:
		csv_text_row(st, type, NULL, s, n);
		break;
	case FMT_FOLDED:
	case FMT_SVG:
		fmt_flush(st);
		fwrite(s, 1, n, stderr);
		fflush(stderr);
		break;
	default:
		strbuf_add(&st->out, s, n);
		break;
	}
}

/*
 * errorf()/warnf(): text "FILE:L:C1-C2: ERROR: msg" on stderr (one
 * trailing newline of the message dropped, no source excerpt), JSON
 * {"type": "errorf", "msg", "filename", "line", "col"} on the output.
 */
static void severity_printf(struct fmt_state *st, const struct printf_fmt *pf,
			    const struct val *args)
{
	const char *level = pf->severity == 2 ? "ERROR" : "WARNING";
	unsigned l1 = 0, c1 = 0, l2, c2;
	bool located = pf->loc_start || pf->loc_end;
	struct strbuf msg = { 0 };
	int i;

	printf_render(&msg, pf, args, &st->scratch);
	if (located) {
		diag_line_col(pf->loc_start, &l1, &c1);
		diag_line_col(pf->loc_end, &l2, &c2);
		if (l2 != l1)
			c2 = c1 + 1;
	}
	if (st->json) {
		strbuf_adds(&st->out, pf->severity == 2 ?
			    "{\"type\": \"errorf\", \"msg\": " :
			    "{\"type\": \"warnf\", \"msg\": ");
		json_string(&st->out, msg.p ? msg.p : "", msg.n);
		if (located) {
			strbuf_adds(&st->out, ", \"filename\": ");
			json_string(&st->out, st->src_name,
				    strlen(st->src_name));
			strbuf_adds(&st->out, ", \"line\": ");
			strbuf_addu(&st->out, l1);
			strbuf_adds(&st->out, ", \"col\": ");
			strbuf_addu(&st->out, c1);
		}
		strbuf_adds(&st->out, "}\n");
	} else if (pf->severity == 2 || !st->no_warnings) {
		if (msg.n && msg.p[msg.n - 1] == '\n')
			msg.n--;
		fmt_flush(st);
		if (located)
			fprintf(fmt_err(st), "%s:%u:%u-%u: ", st->src_name, l1, c1,
				c2);
		fprintf(fmt_err(st), "%s: %.*s\n", level, (int)msg.n,
			msg.p ? msg.p : "");
		for (i = 0; i < pf->nfrom; i++)
			diag_note(pf->from[i], pf->severity == 2 ?
				  "ERROR: expanded from" :
				  "WARNING: expanded from");
		fflush(fmt_err(st));
	}
	strbuf_free(&msg);
}

static int ev_printf(struct fmt_state *st, const struct val *ev)
{
	const struct val *args = val_get(ev, "args");
	size_t id, start;

	if (!get_id(ev, st->meta.nprintf, &id))
		return bad_event("printf", "unknown printf id");
	if (args && args->kind != VAL_ARR)
		return bad_event("printf", "'args' is not an array");
	if (st->meta.printf[id].severity) {
		severity_printf(st, &st->meta.printf[id], args);
		return 0;
	}
	if (st->format == FMT_TEXT) {
		printf_render(&st->out, &st->meta.printf[id], args,
			      &st->scratch);
		return 0;
	}
	/* render the text at the end of the output, then quote it */
	start = st->out.n;
	printf_render(&st->out, &st->meta.printf[id], args, &st->scratch);
	strbuf_reset(&st->scratch);
	strbuf_add(&st->scratch, st->out.p + start, st->out.n - start);
	st->out.n = start;
	side_text(st, "printf", st->scratch.p, st->scratch.n);
	return 0;
}

static int ev_print(struct fmt_state *st, const struct val *ev)
{
	const struct val *v = val_get(ev, "v");
	size_t id;

	if (!get_id(ev, st->meta.nprint, &id))
		return bad_event("print", "unknown print id");
	if (!v)
		return bad_event("print", "no value 'v'");
	if (st->json) {
		strbuf_adds(&st->out, "{\"type\": \"value\", \"data\": ");
		value_json(&st->out, st->meta.print[id], v);
		strbuf_adds(&st->out, "}\n");
	} else if (st->format == FMT_TEXT) {
		value_text(&st->out, st->meta.print[id], v);
		strbuf_addc(&st->out, '\n');
	} else if (st->format == FMT_CSV) {
		csv_print(st, st->meta.print[id], v);
	} else {
		struct strbuf sb = { 0 };

		value_text(&sb, st->meta.print[id], v);
		strbuf_addc(&sb, '\n');
		side_text(st, "print", sb.p, sb.n);
		strbuf_free(&sb);
	}
	return 0;
}

static int ev_time(struct fmt_state *st, const struct val *ev)
{
	const struct val *ns = val_get(ev, "ns");
	char buf[1024];
	struct tm tm;
	time_t secs;
	size_t id, n;

	if (!get_id(ev, st->meta.ntime, &id))
		return bad_event("time", "unknown time id");
	if (!ns || !val_is_int(ns))
		return bad_event("time", "no 'ns'");
	secs = (time_t)(val_as_int(ns) / 1000000000LL);
	if (!localtime_r(&secs, &tm))
		return bad_event("time", "time out of range");
	n = strftime(buf, sizeof(buf), st->meta.time[id], &tm);
	side_text(st, "time", buf, n);
	return 0;
}

/*
 * A map sent in batches (WIRE.md `map`, more: true): the entries are
 * gathered in st->pending (the event arena is kept until the last batch)
 * and *evp becomes one event holding them all; false while more follow.
 */
static int map_gather(struct fmt_state *st, struct arena *a, size_t id,
		      const struct val **evp)
{
	const struct val *ev = *evp, *ents = val_get(ev, "entries");
	struct val *whole;
	size_t i;

	if (!val_get_bool(ev, "more", false) && !st->pending)
		return 1;
	if (!ents || ents->kind != VAL_ARR)
		return bad_event("map", "'entries' is not a list");
	if (st->pending && st->pending_id != id)
		return bad_event("map", "a map's batches end with another map");
	if (!st->pending) {
		st->pending = val_arr(a);
		st->pending_id = id;
	}
	for (i = 0; i < ents->n; i++)
		val_push(a, st->pending, ents->items[i]);
	if (val_get_bool(ev, "more", false))
		return 0;
	whole = val_map(a);
	for (i = 0; i < ev->n; i++)
		val_set(a, whole, ev->kv[i].key,
			strcmp(ev->kv[i].key, "entries") ? ev->kv[i].v
							 : st->pending);
	st->pending = NULL;
	*evp = whole;
	return 1;
}

static int ev_map(struct fmt_state *st, struct arena *a, const struct val *ev)
{
	size_t id;
	int err;

	if (!get_id(ev, st->meta.nmaps, &id))
		return bad_event("map", "unknown map id");
	err = map_gather(st, a, id, &ev);
	if (err <= 0)
		return err;
	/* print_maps_on_exit = false: the exit dump shows no maps */
	if (st->meta.no_exit_maps && val_get_bool(ev, "final", false))
		return 0;
	if (st->format == FMT_CSV) {
		if (csv_map(st, a, &st->meta.maps[id], ev))
			return bad_event("map", "'entries' is not a list of "
					 "[key, value] pairs");
		return 0;
	}
	if (st->format == FMT_FOLDED || st->format == FMT_SVG) {
		if (flame_map(st, a, &st->meta.maps[id], ev))
			return bad_event("map", "'entries' is not a list of "
					 "[key, value] pairs");
		return 0;
	}
	if (map_render(&st->out, a, &st->meta.maps[id], ev, st->json,
		       &st->scratch))
		return bad_event("map", "'entries' is not a list of "
				 "[key, value] pairs");
	return 0;
}

static int ev_attached(struct fmt_state *st, const struct val *ev)
{
	int64_t n = val_get_int(ev, "n", -1);
	/* --mode bench/test: no attach line */
	bool quiet = st->quiet || val_get_bool(ev, "quiet", false);

	if (n < 0)
		return bad_event("attached", "no count 'n'");
	if (st->json) {
		if (!quiet) {
			strbuf_adds(&st->out, "{\"type\": \"attached_probes\", "
				    "\"count\": ");
			strbuf_addi(&st->out, n);
			strbuf_adds(&st->out, ", \"data\": {\"probes\": ");
			strbuf_addi(&st->out, n);
			strbuf_adds(&st->out, "}}\n");
		}
		fmt_flush(st);
	} else {
		fmt_flush(st);
		if (!quiet)
			fprintf(stderr, "Attached %lld probe%s\n", (long long)n,
				n == 1 ? "" : "s");
	}
	fflush(stderr);
	/*
	 * The conformance runner waits for this line before it goes on;
	 * upstream writes it to stdout (even with -o FILE), after
	 * everything printed so far.
	 */
	if (getenv("__BPFTRACE_NOTIFY_PROBES_ATTACHED")) {
		fputs("__BPFTRACE_NOTIFY_PROBES_ATTACHED\n", stdout);
		fflush(stdout);
	}
	return 0;
}

static int ev_lost(struct fmt_state *st, const struct val *ev)
{
	int64_t n = val_get_int(ev, "n", -1);

	if (n < 0)
		return bad_event("lost", "no count 'n'");
	st->lost_total += (uint64_t)n;
	if (st->json) {
		strbuf_adds(&st->out, "{\"type\": \"lost_events\", \"count\": ");
		strbuf_addi(&st->out, n);
		strbuf_adds(&st->out, ", \"data\": {\"events\": ");
		strbuf_addi(&st->out, n);
		strbuf_adds(&st->out, "}}\n");
		return 0;
	}
	fmt_flush(st);
	fprintf(fmt_err(st), "Lost %lld events\n", (long long)n);
	fflush(fmt_err(st));
	return 0;
}

/*
 * error and warn: diagnostics at the script location when there is one.
 * A failed helper call also carries "helper" (its name) and "retcode";
 * text mode shows only msg (bt-load puts upstream's "Additional Info"
 * line into it), JSON makes it a helper_error object.
 */
static int ev_diag(struct fmt_state *st, const struct val *ev, bool error)
{
	const char *msg = val_get_str(ev, "msg");
	const char *helper = val_get_str(ev, "helper");
	struct diag_loc loc = diag_loc_of(ev);
	unsigned line, col;

	if (!msg)
		return bad_event(error ? "error" : "warn", "no 'msg'");
	if (!st->json) {
		fmt_flush(st);
		if (error)
			diag_error(loc, "%s", msg);
		else
			diag_warn(loc, "%s", msg);
		fflush(fmt_err(st));
		return 0;
	}
	if (helper) {
		/* a failed BPF helper: {"type": "helper_error", "msg",
		 * "helper", "retcode", ...location} */
		/* upstream's JSON msg is the errno text of the retcode */
		int64_t rc = val_get_int(ev, "retcode", 0);
		const char *why = rc < 0 && rc > -4096 ? strerror((int)-rc) : msg;

		strbuf_adds(&st->out, "{\"type\": \"helper_error\", \"msg\": ");
		json_string(&st->out, why, strlen(why));
		strbuf_adds(&st->out, ", \"helper\": ");
		json_string(&st->out, helper, strlen(helper));
		strbuf_adds(&st->out, ", \"retcode\": ");
		json_int(&st->out, val_get_int(ev, "retcode", 0));
	} else {
		strbuf_adds(&st->out, "{\"type\": \"runtime_error\", "
			    "\"msg\": ");
		json_string(&st->out, msg, strlen(msg));
	}
	if (loc.start || loc.end) {
		const char *file = st->src_name;

		diag_line_col(loc.start, &line, &col);
		strbuf_adds(&st->out, ", \"filename\": ");
		json_string(&st->out, file, strlen(file));
		strbuf_adds(&st->out, ", \"line\": ");
		strbuf_addu(&st->out, line);
		strbuf_adds(&st->out, ", \"col\": ");
		strbuf_addu(&st->out, col);
	}
	strbuf_adds(&st->out, "}\n");
	return 0;
}

/*
 * An iterator's text (printf() in an iter probe, which the kernel
 * formatted): text as it is; in the other formats one printf object or
 * row per line, as the printf events of other probes give.
 */
static void iter_text(struct fmt_state *st, const char *s, size_t n)
{
	const char *nl;
	size_t len;

	if (st->format == FMT_TEXT) {
		strbuf_add(&st->out, s, n);
		return;
	}
	while (n) {
		nl = memchr(s, '\n', n);
		len = nl ? (size_t)(nl - s) + 1 : n;
		side_text(st, "printf", s, len);
		s += len;
		n -= len;
	}
}

/*
 * An iter probe's link pinned in bpffs: upstream's line, on stdout in
 * text and JSON, even with -o FILE, as upstream writes it (std::cout)
 * after the attach line; with csv, folded and svg, whose stdout is a
 * table or a flame graph, on stderr with the other bookkeeping.
 */
static int ev_pinned(struct fmt_state *st, const struct val *ev)
{
	const char *path = val_get_str(ev, "path");
	FILE *f = st->format == FMT_TEXT || st->format == FMT_JSON ?
		  stdout : fmt_err(st);

	if (!path)
		return bad_event("pinned", "no 'path'");
	fmt_flush(st);
	fprintf(f, "Program pinned to %s\n", path);
	fflush(f);
	return 0;
}

/*
 * cat(), join() and system() output: {"e": "text", "kind": "cat"|"join"|
 * "system", "data": str}, one event per call, data as upstream hands it
 * to its writers (cat: the file's bytes; join: the joined arguments;
 * system: the command's whole output).  Text prints data, and a newline
 * after join and system, as upstream does; JSON names system's output
 * "syscall" and adds nothing.
 */
static int ev_text(struct fmt_state *st, const struct val *ev)
{
	const char *kind = val_get_str(ev, "kind");
	const struct val *data = val_get(ev, "data");
	bool newline;

	if (!kind || (strcmp(kind, "cat") && strcmp(kind, "join") &&
		      strcmp(kind, "system") && strcmp(kind, "iter")))
		return bad_event("text", "'kind' is not cat, join, system or "
				 "iter");
	if (!data || (data->kind != VAL_STR && data->kind != VAL_BIN))
		return bad_event("text", "no string 'data'");
	if (!strcmp(kind, "iter")) {
		iter_text(st, data->s, data->n);
		return 0;
	}
	newline = strcmp(kind, "cat") != 0;
	if (st->format == FMT_JSON) {
		if (!strcmp(kind, "system"))
			kind = "syscall";
		json_text_event(&st->out, kind, data->s, data->n);
	} else if (st->format == FMT_CSV) {
		/* the row holds the text without its last newline anyway */
		csv_text_row(st, kind, NULL, data->s, data->n);
	} else {
		side_text(st, kind, data->s, data->n);
		if (newline)
			side_text(st, kind, "\n", 1);
	}
	return 0;
}

/*
 * After the last events of a run (before the exit dump, or at the exit
 * when there is no dump) upstream warns once about all lost events.
 */
static void lost_summary(struct fmt_state *st)
{
	if (st->lost_reported || !st->lost_total || st->no_warnings)
		return;
	st->lost_reported = true;
	fmt_flush(st);
	fprintf(stderr, "WARNING: Total lost event count: %llu\n",
		(unsigned long long)st->lost_total);
	fflush(stderr);
}

int event_render(struct fmt_state *st, struct arena *a, const struct val *ev)
{
	const char *e = val_get_str(ev, "e");

	if (!e) {
		fprintf(stderr, "bt-fmt: event without a kind 'e'\n");
		return -EBADMSG;
	}
	if (st->pending && strcmp(e, "map"))
		return bad_event(e, "a map's batches were cut off");
	/* the most frequent first */
	if (!strcmp(e, "printf"))
		return ev_printf(st, ev);
	if (!strcmp(e, "map"))
		return ev_map(st, a, ev);
	if (!strcmp(e, "print"))
		return ev_print(st, ev);
	if (!strcmp(e, "time"))
		return ev_time(st, ev);
	if (!strcmp(e, "dump")) {
		lost_summary(st);
		/* text mode separates the exit dump by two newlines */
		if (st->format == FMT_TEXT)
			strbuf_adds(&st->out, "\n\n");
		return 0;
	}
	if (!strcmp(e, "text"))
		return ev_text(st, ev);
	if (!strcmp(e, "attached"))
		return ev_attached(st, ev);
	if (!strcmp(e, "pinned"))
		return ev_pinned(st, ev);
	if (!strcmp(e, "lost"))
		return ev_lost(st, ev);
	if (!strcmp(e, "error"))
		return ev_diag(st, ev, true);
	if (!strcmp(e, "warn"))
		return ev_diag(st, ev, false);
	if (!strcmp(e, "bench"))
		return modes_bench(st, ev);
	if (!strcmp(e, "test_start"))
		return modes_test_start(st, ev);
	if (!strcmp(e, "test"))
		return modes_test(st, ev);
	if (!strcmp(e, "exit")) {
		lost_summary(st);
		return 0;
	}
	if (!strcmp(e, "meta")) {
		fprintf(stderr, "bt-fmt: a second 'meta' event\n");
		return -EBADMSG;
	}
	fprintf(stderr, "bt-fmt: unknown event '%s'\n", e);
	return -EBADMSG;
}
