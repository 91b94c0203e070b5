/*
 * bt-fmt - render the events stream of bt-load as bpftrace prints it.
 *
 *     bt-load < prog.bundle | bt-fmt [-f text|json|csv|folded|svg] [-q]
 *                                    [-o FILE]
 *
 * text and json are upstream's; csv, folded and svg are bt's own
 * (bt-formats(7)).  A saved stream (bt-load > run.events) renders the
 * same way in every format later.
 *
 * A pure function of the stream: the header, the meta event (formats and
 * map descriptions, kept in their own arena for the whole run), then one
 * event at a time, each decoded into an arena that is reset before the
 * next, so memory stays flat however long the trace runs.
 *
 * Output is buffered and written whenever the input has nothing more
 * ready (and at 64 KiB), so a pipe or file sees each batch of events as
 * soon as it arrives while a busy stream costs one write per batch
 * (-B line, the default; -B none writes after every event, -B full only
 * when 64 KiB are pending and at the end).
 * SIGINT and SIGTERM are ignored: bt-load decides when the run ends, and
 * bt-fmt renders everything up to the end of its input.  A truncated or
 * corrupt stream prints everything before the break, then one error
 * naming the byte offset, and exits 2.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "fmt.h"
#include "wire.h"

#define FMT_FLUSH_AT (64 * 1024)

static const char usage_text[] =
	"Usage: bt-fmt [OPTIONS] [FILE|-]\n"
	"\n"
	"Render the events stream of bt-load (msgpack or JSON) as bpftrace\n"
	"prints it.\n"
	"\n"
	"  -f, --format FMT   text (default), json, csv, folded (flame graph\n"
	"                     input) or svg (a flame graph); bt-formats(7)\n"
	"  -q, --quiet        do not print the 'Attached N probes' line\n"
	"  -B MODE            output buffering: line (default), full, none\n"
	"      --no-warnings  do not print warnings (warnf, runtime\n"
	"                     warnings, the lost-event total)\n"
	"      --quiet-empty  an empty input exits 2 without a message (the\n"
	"                     bpftrace driver: bt-load said why it failed)\n"
	"  -o, --output FILE  write to FILE instead of stdout\n"
	"      --json         same as -f json\n"
	"  -h, --help         show this help\n"
	"  -V, --version      show the version\n";

/* everything rendered so far, then the error; the status to exit with */
static int stream_broken(struct fmt_state *st, struct wire_in *in,
			 bool already_said)
{
	fmt_flush(st);
	if (!already_said)
		fprintf(stderr, "bt-fmt: malformed input stream at byte %zu\n",
			wire_in_offset(in));
	return EXIT_USAGE;
}

static int run(struct fmt_state *st, struct wire_in *in)
{
	struct arena *meta_arena = arena_new();
	struct arena *ev_arena = arena_new();
	struct val *hdr, *ev;
	int err, status = EXIT_OK;
	size_t at;

	err = wire_read_header(in, meta_arena, "events", &hdr);
	if (err) {
		status = EXIT_USAGE;
		goto out;
	}
	diag_set_source_from_header(hdr);
	st->src_name = val_get_str(hdr, "file");
	if (!st->src_name)
		st->src_name = "stdin";

	at = wire_in_offset(in);
	err = wire_in_next(in, meta_arena, &ev);
	if (err == -ENODATA) {
		fprintf(stderr, "bt-fmt: the events stream has no meta "
			"event\n");
		status = EXIT_USAGE;
		goto out;
	}
	if (err) {
		status = stream_broken(st, in, true);
		goto out;
	}
	if (meta_load(meta_arena, ev, &st->meta)) {
		fprintf(stderr, "bt-fmt: malformed event at byte %zu\n", at);
		status = EXIT_USAGE;
		goto out;
	}
	if (st->format == FMT_CSV)
		csv_header(st);
	if (st->format == FMT_FOLDED || st->format == FMT_SVG)
		st->flame = flame_new(&st->meta);

	for (;;) {
		at = wire_in_offset(in);
		if (!st->pending)
			arena_reset(ev_arena);
		err = wire_in_next(in, ev_arena, &ev);
		if (err == -ENODATA && st->pending) {
			fmt_flush(st);
			fprintf(stderr, "bt-fmt: the stream ends inside a map "
				"sent in batches, at byte %zu\n", at);
			status = EXIT_USAGE;
			goto out;
		}
		if (err == -ENODATA)
			break;
		if (err) {
			status = stream_broken(st, in, true);
			goto out;
		}
		if (ev->kind != VAL_MAP || event_render(st, ev_arena, ev)) {
			fmt_flush(st);
			fprintf(stderr, "bt-fmt: malformed event at byte %zu\n",
				at);
			status = EXIT_USAGE;
			goto out;
		}
		if (st->out.n >= FMT_FLUSH_AT || st->buffering == 'n' ||
		    (st->buffering == 'l' && !wire_in_pending(in)))
			fmt_flush(st);
		if (st->write_err == EPIPE)
			break;
	}
	flame_finish(st);
	fmt_flush(st);
out:
	flame_free(st->flame);
	st->flame = NULL;
	arena_free(ev_arena);
	arena_free(meta_arena);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-warnings", no_argument, NULL, 'W' },
		{ "quiet-empty", no_argument, NULL, 'E' },
		{ 0 }
	};
	struct fmt_state st = { .buffering = 'l', .errf = stderr };
	struct wire_in *in;
	bool quiet_empty = false;
	FILE *inf;
	int c, status;

	cli_init("bt-fmt", usage_text);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "f:qB:", opts,
				NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text"))
				st.format = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				st.format = FMT_JSON;
			else if (!strcmp(optarg, "csv"))
				st.format = FMT_CSV;
			else if (!strcmp(optarg, "folded"))
				st.format = FMT_FOLDED;
			else if (!strcmp(optarg, "svg"))
				st.format = FMT_SVG;
			else
				cli_usage_error("unknown output format '%s' "
						"(text, json, csv, folded or "
						"svg)", optarg);
			break;
		case 'q':
			st.quiet = true;
			break;
		case 'B':
			if (strcmp(optarg, "line") && strcmp(optarg, "full") &&
			    strcmp(optarg, "none"))
				cli_usage_error("unknown buffering mode '%s' "
						"(line, full or none)", optarg);
			st.buffering = optarg[0];
			break;
		case 'E':
			quiet_empty = true;
			break;
		case 'W':
			st.no_warnings = true;
			diag_set_warnings(false);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (cli.json)
		st.format = FMT_JSON;
	st.json = st.format == FMT_JSON;
	if (optind + 1 < argc)
		cli_usage_error("too many arguments");

	setvbuf(stderr, NULL, _IOFBF, BUFSIZ);
	/* bt-load does the stopping; we render what it sends until EOF */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);

	inf = cli_open_input(argv[optind]);
	if (!inf)
		return EXIT_USAGE;
	st.outf = cli_open_output();
	if (!st.outf)
		return EXIT_USAGE;
	in = wire_in_open(inf, "bt-fmt");
	if (in && quiet_empty)
		wire_in_quiet_empty(in);
	status = run(&st, in);
	wire_in_close(in);
	if (inf != stdin)
		fclose(inf);
	if (st.capture) {
		/* the stream ended inside a test: its output was not reported */
		fclose(st.capture);
		free(st.cap_buf);
	}
	strbuf_free(&st.failed_names);
	strbuf_free(&st.out);
	strbuf_free(&st.scratch);
	if (st.write_err && st.write_err != EPIPE) {
		fprintf(stderr, "bt-fmt: write error: %s\n",
			strerror(st.write_err));
		return EXIT_SYSTEM;
	}
	if (cli_close_output(st.outf) && status == EXIT_OK)
		status = errno == EPIPE ? EXIT_OK : EXIT_SYSTEM;
	return status;
}
