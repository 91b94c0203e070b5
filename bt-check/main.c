/*
 * bt-check - name and type resolution: reads the `ast` stream (bt-parse)
 * and writes the `typed-ast` stream (share/WIRE.md) that bt-gen compiles
 * without semantic analysis of its own.  All user-facing semantic errors
 * are reported here, several per run, then the exit status is 1.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "wire.h"

static const char usage_text[] =
	"Usage: bt-check [OPTIONS] [FILE]\n"
	"Type-check the ast stream in FILE (or stdin) from bt-parse and write\n"
	"the typed-ast stream for bt-gen.\n"
	"\n"
	"  -o FILE          write to FILE instead of stdout\n"
	"  --json           write JSON lines instead of msgpack\n"
	"  --no-warnings    do not print warnings\n"
	"  --unsafe         allow unsafe functions and attach points\n"
	"  -h, --help       show this help\n"
	"  --version        show the version\n"
	"\n"
	"Exit status: 0 ok, 1 the script is wrong, 2 bad usage or input,\n"
	"3 the system refused (e.g. tracefs unavailable).\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "no-warnings", no_argument, NULL, 'W' },
		{ "unsafe", no_argument, NULL, 'U' },
		{ 0 }
	};
	struct check ck = { 0 };
	struct val *hdr, *prog, *out_hdr;
	struct wire_in *in;
	struct wire_out *wo;
	FILE *fin, *fout;
	int c, r, status = EXIT_OK;

	cli_init("bt-check", usage_text);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT, opts, NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		if (c == 'W')
			diag_set_warnings(false);
		else if (c == 'U')
			provider_unsafe = true;
		else
			cli_usage_error("unknown option");
	}
	if (optind + 1 < argc)
		cli_usage_error("only one input file is accepted");
	fin = cli_open_input(argv[optind]);
	if (!fin)
		return EXIT_USAGE;
	ck.a = arena_new();
	in = wire_in_open(fin, "bt-check");
	if (wire_read_header(in, ck.a, "ast", &hdr) < 0)
		return EXIT_USAGE;
	r = wire_in_next(in, ck.a, &prog);
	if (r == -ENODATA) {
		fprintf(stderr, "bt-check: the ast stream has a header but no program\n");
		return EXIT_USAGE;
	}
	if (r < 0)
		return EXIT_USAGE;
	if (ast_kind(prog) != AST_PROGRAM) {
		fprintf(stderr, "bt-check: expected a program node, got '%s'\n",
			val_kind_of(prog));
		return EXIT_USAGE;
	}
	diag_set_source_from_header(hdr);
	ck.hdr = hdr;
	r = check_program(&ck, prog);
	if (r < 0 || diag_errors())
		return ck.sys_error ? EXIT_SYSTEM : EXIT_SCRIPT;

	fout = cli_open_output();
	if (!fout)
		return EXIT_USAGE;
	wo = wire_out_open(fout, cli.json);
	out_hdr = wire_header(ck.a, "typed-ast", hdr);
	if (wire_out_write(wo, out_hdr) < 0 || wire_out_write(wo, prog) < 0)
		status = EXIT_USAGE;
	if (wire_out_close(wo) < 0)
		status = EXIT_USAGE;
	if (cli_close_output(fout))
		status = EXIT_USAGE;
	wire_in_close(in);
	arena_free(ck.a);
	return status;
}
