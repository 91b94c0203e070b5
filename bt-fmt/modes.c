/*
 * modes.c - the results of --mode bench and --mode test (the `bench`,
 * `test_start` and `test` events), as upstream's text and JSON writers
 * print them (TextOutput/JsonOutput::benchmark_result and test_result):
 *
 *   bench   text: a table, its header and dash rule before the first row
 *               Benchmark<pad to max(40, longest name) + 1>Time(ns)<pad
 *               to 15>Iterations
 *           JSON: {"type": "benchmark_result", "data": {"NAME":
 *                 {"average": NS, "iters": N}}}
 *   test    text: gtest's layout, coloured; the captured output is shown
 *               only for a failed test, its non-empty lines
 *           JSON: {"type": "test_result", "data": {"NAME": {"duration":
 *                 NS, "passed": BOOL, "output": TEXT}}}
 *
 * Between `test_start` and `test` every event renders as text into a
 * capture (output and diagnostics alike, in order), which the `test`
 * event then reports.  CSV has rows of its own (bench.average,
 * bench.iters, test.duration, test.passed, test.output: bt-formats(7));
 * folded and svg get the text report on stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fmt.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define RESET "\033[0m"

/* formatted text appended to sb */
static void __attribute__((format(printf, 2, 3)))
modes_put(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	strbuf_grow(sb, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(sb->p + sb->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->n += (size_t)n;
}

static int bad_event(const char *kind, const char *what)
{
	fprintf(stderr, "bt-fmt: bad '%s' event: %s\n", kind, what);
	return -EBADMSG;
}

/* the text report: on the output, or on stderr beside a flame graph */
static void modes_side(struct fmt_state *st, struct strbuf *sb)
{
	if (st->format == FMT_TEXT) {
		strbuf_add(&st->out, sb->p, sb->n);
	} else {
		fmt_flush(st);
		fwrite(sb->p, 1, sb->n, fmt_err(st));
		fflush(fmt_err(st));
	}
}

static void pad(struct strbuf *sb, size_t have, size_t want)
{
	while (have++ < want)
		strbuf_addc(sb, ' ');
}

int modes_bench(struct fmt_state *st, const struct val *ev)
{
	const char *name = val_get_str(ev, "name");
	int64_t width = val_get_int(ev, "width", -1);
	int64_t avg = val_get_int(ev, "average", -1);
	int64_t iters = val_get_int(ev, "iters", -1);
	size_t col, rule;
	struct strbuf sb = { 0 };
	char num[32];
	int n;

	if (!name || width < 0 || avg < 0 || iters < 0)
		return bad_event("bench", "needs name, width, average and iters");
	if (st->format == FMT_CSV) {
		n = snprintf(num, sizeof(num), "%lld", (long long)avg);
		csv_result_row(st, "bench.average", name, num, (size_t)n);
		n = snprintf(num, sizeof(num), "%lld", (long long)iters);
		csv_result_row(st, "bench.iters", name, num, (size_t)n);
		return 0;
	}
	if (st->json) {
		strbuf_adds(&st->out, "{\"type\": \"benchmark_result\", \"data\": {");
		json_string(&st->out, name, strlen(name));
		strbuf_adds(&st->out, ": {\"average\": ");
		json_int(&st->out, avg);
		strbuf_adds(&st->out, ", \"iters\": ");
		json_int(&st->out, iters);
		strbuf_adds(&st->out, "}}}\n");
		return 0;
	}
	col = (size_t)width > 40 ? (size_t)width : 40;
	if ((size_t)strlen(name) > col)
		col = strlen(name);
	col++;
	/* upstream prints the header with benchmark 0; a skipped first
	 * benchmark would leave the table without one, so: the first row */
	if (!st->bench_rows++) {
		strbuf_adds(&sb, "Benchmark");
		pad(&sb, strlen("Benchmark"), col);
		strbuf_adds(&sb, "Time(ns)");
		pad(&sb, strlen("Time(ns)"), 15);
		strbuf_adds(&sb, "Iterations\n");
		for (rule = 0; rule < col + 15 + strlen("Iterations"); rule++)
			strbuf_addc(&sb, '-');
		strbuf_addc(&sb, '\n');
	}
	strbuf_adds(&sb, name);
	pad(&sb, strlen(name), col);
	n = snprintf(num, sizeof(num), "%lld", (long long)avg);
	strbuf_adds(&sb, num);
	pad(&sb, (size_t)n, 15);
	strbuf_addi(&sb, iters);
	strbuf_addc(&sb, '\n');
	modes_side(st, &sb);
	strbuf_free(&sb);
	return 0;
}

/* test_start: render into a capture until the test's result */
int modes_test_start(struct fmt_state *st, const struct val *ev)
{
	if (!val_get_str(ev, "name"))
		return bad_event("test_start", "no 'name'");
	if (st->capture)
		return bad_event("test_start", "the previous test has no result");
	fmt_flush(st);
	st->cap_buf = NULL;
	st->cap_len = 0;
	st->capture = open_memstream(&st->cap_buf, &st->cap_len);
	if (!st->capture) {
		fprintf(stderr, "bt-fmt: cannot capture a test's output: %s\n",
			strerror(errno));
		return -EBADMSG;
	}
	st->saved_outf = st->outf;
	st->saved_format = st->format;
	st->outf = st->errf = st->capture;
	st->format = FMT_TEXT;
	st->json = false;
	diag_set_stream(st->capture);
	return 0;
}

/* the end of a capture: its text in *buf (malloc'd, or NULL) */
static size_t modes_capture_end(struct fmt_state *st, char **buf)
{
	size_t n;

	*buf = NULL;
	if (!st->capture)
		return 0;
	fmt_flush(st);
	fclose(st->capture);
	st->capture = NULL;
	*buf = st->cap_buf;
	n = st->cap_len;
	st->outf = st->saved_outf;
	st->errf = stderr;
	st->format = st->saved_format;
	st->json = st->format == FMT_JSON;
	diag_set_stream(stderr);
	return n;
}

static const char *tests_word(uint64_t n)
{
	return n == 1 ? "test" : "tests";
}

/* upstream's duration_str: the largest of s, ms, us, ns not above it */
static void modes_duration(struct strbuf *sb, uint64_t ns)
{
	static const struct { uint64_t scale; const char *unit; } units[] = {
		{ 1000000000ull, "s" }, { 1000000ull, "ms" }, { 1000ull, "us" },
		{ 1, "ns" },
	};
	size_t i;

	for (i = 0; i + 1 < sizeof(units) / sizeof(units[0]); i++)
		if (ns >= units[i].scale)
			break;
	strbuf_adds(sb, " (");
	strbuf_addu(sb, ns / units[i].scale);
	strbuf_addc(sb, ' ');
	strbuf_adds(sb, units[i].unit);
	strbuf_adds(sb, ")\n");
}

static void modes_test_text(struct fmt_state *st, struct strbuf *sb,
			    const char *name, int64_t index, int64_t count,
			    uint64_t ns, bool passed, const char *out,
			    size_t outn)
{
	const char *line, *end = out + outn, *nl, *p;

	if (index == 0)
		modes_put(sb, GREEN "[==========]" RESET " Running %lld tests.\n",
			      (long long)count);
	modes_put(sb, GREEN "[ RUN      ]" RESET " %s\n", name);
	if (passed) {
		modes_put(sb, GREEN "[       OK ]" RESET " %s", name);
	} else {
		for (line = out; line && line < end; line = nl + 1) {
			nl = memchr(line, '\n', (size_t)(end - line));
			if (!nl)
				nl = end;
			if (nl > line) {
				strbuf_add(sb, line, (size_t)(nl - line));
				strbuf_addc(sb, '\n');
			}
		}
		modes_put(sb, RED "[  FAILED  ]" RESET " %s", name);
		/* the failed names, NUL-separated, for the summary */
		strbuf_add(&st->failed_names, name, strlen(name) + 1);
		st->tests_failed++;
	}
	modes_duration(sb, ns);
	if (index != count - 1)
		return;
	modes_put(sb, GREEN "[==========]" RESET " %lld %s ran.\n",
		      (long long)count, tests_word((uint64_t)count));
	modes_put(sb, GREEN "[  PASSED  ]" RESET " %llu %s.\n",
		      (unsigned long long)(count - st->tests_failed),
		      tests_word((uint64_t)(count - st->tests_failed)));
	if (!st->tests_failed)
		return;
	modes_put(sb, RED "[  FAILED  ]" RESET " %llu %s, listed below:\n",
		      (unsigned long long)st->tests_failed,
		      tests_word(st->tests_failed));
	for (p = st->failed_names.p; p && p < st->failed_names.p + st->failed_names.n;
	     p += strlen(p) + 1)
		modes_put(sb, RED "[  FAILED  ]" RESET " %s\n", p);
}

int modes_test(struct fmt_state *st, const struct val *ev)
{
	const char *name = val_get_str(ev, "name");
	int64_t index = val_get_int(ev, "index", -1);
	int64_t count = val_get_int(ev, "count", -1);
	int64_t ns = val_get_int(ev, "duration", -1);
	const struct val *passed = val_get(ev, "passed");
	struct strbuf sb = { 0 };
	char *out;
	size_t outn = modes_capture_end(st, &out);

	if (!name || index < 0 || count <= index || ns < 0 || !passed ||
	    passed->kind != VAL_BOOL) {
		free(out);
		return bad_event("test", "needs name, index, count, duration "
				 "and passed");
	}
	if (index == 0) {
		st->tests_failed = 0;
		strbuf_reset(&st->failed_names);
	}
	if (st->format == FMT_CSV) {
		char num[32];
		int n = snprintf(num, sizeof(num), "%lld", (long long)ns);

		csv_result_row(st, "test.duration", name, num, (size_t)n);
		csv_result_row(st, "test.passed", name, passed->b ? "1" : "0", 1);
		if (outn)
			csv_result_row(st, "test.output", name, out, outn);
	} else if (st->json) {
		strbuf_adds(&st->out, "{\"type\": \"test_result\", \"data\": {");
		json_string(&st->out, name, strlen(name));
		strbuf_adds(&st->out, ": {\"duration\": ");
		json_int(&st->out, ns);
		strbuf_adds(&st->out, passed->b ? ", \"passed\": true" :
			    ", \"passed\": false");
		strbuf_adds(&st->out, ", \"output\": ");
		json_string(&st->out, out ? out : "", outn);
		strbuf_adds(&st->out, "}}}\n");
	} else {
		modes_test_text(st, &sb, name, index, count, (uint64_t)ns,
				passed->b, out, outn);
		modes_side(st, &sb);
	}
	strbuf_free(&sb);
	free(out);
	return 0;
}
