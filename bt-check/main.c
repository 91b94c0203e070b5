/*
 * bt-check - name and type resolution: reads the `ast` stream (bt-parse)
 * and writes the `typed-ast` stream (share/WIRE.md) that bt-gen compiles
 * without semantic analysis of its own.  All user-facing semantic errors
 * are reported here, several per run, then the exit status is 1.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bt-probes/dwarfinfo.h"
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
	"  --debuginfo DIR  search DIR first for user binaries' separate DWARF\n"
	"  -p, --pid PID    uprobe:*, usdt:* and usdt::P:N mean PID's binaries\n"
	"  --include FILE   #include FILE before the script's C part (repeatable)\n"
	"  -I DIR           search DIR for #include files (repeatable)\n"
	"  -k, --warnings   (accepted: runtime warnings are bt-load's)\n"
	"  --probe-filter REGEX\n"
	"                   keep only the attach points whose name matches\n"
	"                   (begin, end and self probes are kept)\n"
	"  -h, --help       show this help\n"
	"  --version        show the version\n"
	"\n"
	"Exit status: 0 ok, 1 the script is wrong, 2 bad usage or input,\n"
	"3 the system refused (e.g. tracefs unavailable).\n";

/*
 * The words after `--` that start with `--` are named program options
 * for getopt(): they leave "params" ($1...) for "named_params"
 * ({"name": "value"}, or true for a bare `--flag`), unless the driver
 * already wrote that.
 */
static void named_params_split(struct arena *a, struct val *hdr)
{
	struct val *params = val_get(hdr, "params"), *pos, *named;
	size_t i;

	if (val_get(hdr, "named_params") || !params || params->kind != VAL_ARR)
		return;
	pos = val_arr(a);
	named = val_map(a);
	for (i = 0; i < params->n; i++) {
		const struct val *p = params->items[i];
		const char *eq;

		if (p->kind != VAL_STR || strncmp(p->s, "--", 2) || !p->s[2]) {
			val_push(a, pos, params->items[i]);
			continue;
		}
		eq = strchr(p->s + 2, '=');
		if (eq)
			val_set_str(a, named, arena_strndup(a, p->s + 2,
							    eq - p->s - 2),
				    eq + 1);
		else
			val_set_bool(a, named, p->s + 2, true);
	}
	if (!named->n)
		return;   /* the header stays as it came */
	val_set(a, hdr, "params", pos);
	val_set(a, hdr, "named_params", named);
}

/* named options no getopt() asks for: upstream's error and hint */
static void named_params_unexpected(struct check *ck, const struct val *hdr)
{
	const struct val *named = val_get(hdr, "named_params");
	char *err = NULL, *hint = NULL;
	size_t i, elen = 0, hlen = 0;
	bool help = false, any = false;
	FILE *e, *h;

	if (!named || named->kind != VAL_MAP || !named->n || ck->getopt_failed)
		return;
	e = open_memstream(&err, &elen);
	h = open_memstream(&hint, &hlen);
	for (i = 0; i < named->n; i++) {
		const char *k = named->kv[i].key;

		if (ck->getopts && val_get(ck->getopts, k))
			continue;
		if (!strcmp(k, "help")) {
			help = true;
			continue;
		}
		fprintf(e, "%s--%s", any ? ", " : "", k);
		any = true;
	}
	if (!ck->getopts || !ck->getopts->n) {
		fputs("no custom program options defined.", h);
	} else {
		fputs(help ? "expected program options:\n" :
			     "expected program options: ", h);
		for (i = 0; i < ck->getopts->n; i++) {
			const char *d = ck->getopts->kv[i].v->s;

			fprintf(h, "--%s", ck->getopts->kv[i].key);
			if (help && d && *d)
				fprintf(h, ": %s", d);
			if (i + 1 < ck->getopts->n)
				fputs(help ? "\n" : ": ", h);
		}
	}
	fclose(e);
	fclose(h);
	if (any) {
		diag_error((struct diag_loc){ 0 },
			   "unexpected program command line options: %s", err);
		diag_hint("%s", hint);
	} else if (help) {
		fprintf(stderr, "HINT: %s\n", hint);
		ck->help_requested = true;
	}
	free(err);
	free(hint);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "no-warnings", no_argument, NULL, 'W' },
		{ "unsafe", no_argument, NULL, 'U' },
		{ "pid", required_argument, NULL, 'p' },
		{ "include", required_argument, NULL, 'N' },
		{ "warnings", no_argument, NULL, 'k' },
		{ "probe-filter", required_argument, NULL, 'F' },
		{ "debuginfo", required_argument, NULL, 'D' },
		{ 0 }
	};
	struct check ck = { 0 };
	struct val *hdr, *prog, *out_hdr;
	struct wire_in *in;
	struct wire_out *wo;
	FILE *fin, *fout;
	int c, r, status = EXIT_OK;

	cli_init("bt-check", usage_text);
	ck.a = arena_new();
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "p:I:k", opts,
				NULL)) != -1) {
		char *end;

		if (cli_common_option(c, optarg))
			continue;
		if (c == 'W')
			diag_set_warnings(false);
		else if (c == 'U')
			provider_unsafe = true;
		else if (c == 'D')
			dwarfinfo_path = optarg;
		else if (c == 'p') {
			provider_pid = (int)strtol(optarg, &end, 10);
			if (*end || provider_pid <= 0)
				cli_usage_error("--pid expects a process id");
		} else if (c == 'N' || c == 'I') {
			const char ***v = c == 'N' ? &ck.includes : &ck.incdirs;
			int *n = c == 'N' ? &ck.nincludes : &ck.nincdirs;
			const char **nv = arena_alloc(ck.a, sizeof(*nv) * (*n + 1));

			if (*n)
				memcpy(nv, *v, sizeof(*nv) * *n);
			nv[(*n)++] = optarg;
			*v = nv;
		} else if (c == 'k') {
			ck.helper_warnings = true;
		} else if (c == 'F') {
			ck.probe_filter = optarg;
		}
		else
			cli_usage_error("unknown option");
	}
	if (optind + 1 < argc)
		cli_usage_error("only one input file is accepted");
	fin = cli_open_input(argv[optind]);
	if (!fin)
		return EXIT_USAGE;
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
	named_params_split(ck.a, hdr);
	ck.hdr = hdr;
	r = check_program(&ck, prog);
	if (r >= 0 && !diag_errors())
		named_params_unexpected(&ck, hdr);
	if (ck.help_requested)
		return EXIT_SCRIPT;
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
