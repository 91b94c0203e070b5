/*
 * main.c - the bt-parse command: read a bpftrace script (file, stdin or
 * -e), parse it and write the `ast` stream (WIRE.md): a header carrying
 * the source text, its name and the positional parameters, then the
 * program node.  Also the template for a new tool's command line.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cli.h"
#include "diag.h"
#include "parse.h"
#include "wire.h"

static const char usage[] =
	"Usage: bt-parse [options] [FILE|-] [-- PARAM...]\n"
	"       bt-parse [options] -e PROGRAM [-- PARAM...]\n"
	"\n"
	"Parse a bpftrace script and write its syntax tree (the `ast` stream)\n"
	"for bt-check.  Positional parameters ($1, $2, ...) travel in the\n"
	"stream header; `$N` inside attach points is replaced here.\n"
	"\n"
	"Options:\n"
	"  -e PROGRAM      parse PROGRAM instead of a file (named \"stdin\")\n"
	"  -o, --output F  write to F instead of stdout\n"
	"      --json      write JSON lines instead of msgpack\n"
	"  -h, --help      show this help\n"
	"  -V, --version   show the version\n"
	"\n"
	"Exit status: 0 ok, 1 syntax error, 2 bad usage.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ 0 }
	};
	const char *prog = NULL, *path = NULL, *name;
	const char *const *params;
	struct val *hdr, *arr, *ast;
	struct wire_out *wo;
	struct arena *a;
	char *text;
	size_t len;
	int c, nparams, err;
	FILE *out;

	cli_init("bt-parse", usage);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "e:", opts,
				NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		if (c == 'e') {
			if (prog)
				cli_usage_error("-e given twice");
			prog = optarg;
		} else {
			cli_usage_error("unknown option");
		}
	}
	if (!prog && optind < argc)
		path = argv[optind++];
	params = (const char *const *)argv + optind;
	nparams = argc - optind;

	if (prog) {
		text = strdup(prog);
		len = strlen(prog);
		name = "stdin";
		if (!text)
			return EXIT_SYSTEM;
	} else {
		err = cli_slurp(path, &text, &len);
		if (err)
			return EXIT_USAGE;
		name = !path || !strcmp(path, "-") ? "stdin" : path;
	}

	a = arena_new();
	if (parse_program(a, name, text, len, params, nparams, &ast)) {
		arena_free(a);
		free(text);
		return EXIT_SCRIPT;
	}

	hdr = val_map(a);
	val_set_str(a, hdr, "bt", "ast");
	val_set_int(a, hdr, "v", WIRE_VERSION);
	val_set(a, hdr, "src", val_strn(a, text, len));
	val_set_str(a, hdr, "file", name);
	arr = val_arr(a);
	for (c = 0; c < nparams; c++)
		val_push(a, arr, val_str(a, params[c]));
	val_set(a, hdr, "params", arr);

	out = cli_open_output();
	if (!out) {
		arena_free(a);
		free(text);
		return EXIT_USAGE;
	}
	wo = wire_out_open(out, cli.json);
	wire_out_write(wo, hdr);
	wire_out_write(wo, ast);
	err = wire_out_close(wo);
	if (cli_close_output(out) || err)
		return EXIT_USAGE;
	arena_free(a);
	free(text);
	return EXIT_OK;
}
