/*
 * bt-probes - list the probes this system offers, in upstream's format:
 *
 *     bt-probes -l ['tracepoint:syscalls:sys_enter_open*']
 *     bt-probes -lv tracepoint:syscalls:sys_enter_openat
 *
 * The provider code itself lives in the other files of this directory
 * (build/bt-probes/lib.a), which bt-check and bt-load link.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dwarfinfo.h"
#include "provider.h"
#include "tracefs.h"
#include "wire.h"

static const char usage_text[] =
	"Usage: bt-probes -l [-v] [PATTERN[,PATTERN...]]\n"
	"       bt-probes -l [-v] --program < TYPED_AST\n"
	"       bt-probes --features\n"
	"List probes whose full name (provider:target:name) matches the glob\n"
	"PATTERN; provider short names (t, i, p, s) are accepted; a pattern\n"
	"'struct X', 'union X' or 'enum X' lists kernel types (-v: their\n"
	"definitions).\n"
	"\n"
	"  -l, --list      list probes (the default action)\n"
	"  -v, --verbose   with -l, also list each probe's arguments\n"
	"  -p, --pid PID   user probes of the binaries PID maps (uprobe:*, usdt:*)\n"
	"  --program       list the probes of the typed-ast program on stdin\n"
	"                  (bt-check's output), as `bpftrace -l -e PROG` does\n"
	"  --features      print the kernel's BPF features (bpftrace --info)\n"
	"  --unsafe        list what only --unsafe attaches\n"
	"  --debuginfo DIR search DIR first for user binaries' separate DWARF\n"
	"  --libdw-version print the version of the linked libdw (DWARF)\n"
	"  -o FILE         write to FILE instead of stdout\n"
	"  --json          print the listing as JSON lines {\"probe\": NAME}\n"
	"  -h, --help      show this help\n"
	"  --version       show the version\n";

/* "t:syscalls:x" -> "tracepoint:syscalls:x" */
static const char *probes_canonical(struct arena *a, const char *pattern)
{
	const struct provider *p;
	const char *colon;

	if (!pattern)
		return NULL;
	colon = strchr(pattern, ':');
	if (!colon)
		return strchr(pattern, '*') ? pattern
					    : arena_printf(a, "*%s*", pattern);
	p = provider_find(arena_strndup(a, pattern, colon - pattern));
	return p ? arena_printf(a, "%s%s", p->name, colon) : pattern;
}

/*
 * Can pattern name probes of provider p?  Only the provider segment is
 * looked at, so that `-l 'tracepoint:*'` does not read /proc/kallsyms or
 * BTF for kprobes and fentry; a pattern without ':' searches them all.
 */
static bool probes_provider_may_match(const struct provider *p,
				      const char *pattern)
{
	const char *colon = pattern ? strchr(pattern, ':') : NULL;
	char prov[64];

	if (!colon || (size_t)(colon - pattern) >= sizeof(prov))
		return true;
	memcpy(prov, pattern, (size_t)(colon - pattern));
	prov[colon - pattern] = '\0';
	return fnmatch(prov, p->name, 0) == 0;
}

/* one pattern: kernel types, or every provider's probes */
static int probes_list_one(struct arena *a, const char *pat, bool verbose,
			   FILE *mem)
{
	const struct provider *const *p;
	const char *pattern;
	int status = EXIT_OK;

	if (pat && (!strncmp(pat, "struct ", 7) || !strncmp(pat, "union ", 6) ||
		    !strncmp(pat, "enum ", 5))) {
		int n = kbtf_list_types(a, pat, verbose, mem);

		if (n < 0) {
			fprintf(stderr, "bt-probes: cannot list kernel types: "
				"no vmlinux BTF (%s)\n", strerror(-n));
			return EXIT_SYSTEM;
		}
		return EXIT_OK;
	}
	pattern = probes_canonical(a, pat);
	for (p = provider_table; *p; p++) {
		int n;

		if (!(*p)->list || !probes_provider_may_match(*p, pattern))
			continue;
		n = (*p)->list(a, pattern, verbose, mem);
		if (n == -ENOENT || n == -EACCES || n == -EPERM ||
		    n == -ENODEV) {
			fprintf(stderr, "bt-probes: cannot list %s probes: "
				"tracefs is not available (%s)\nHINT: %s\n",
				(*p)->name, strerror(-n), tracefs_hint());
			status = EXIT_SYSTEM;
		} else if (n < 0) {
			fprintf(stderr, "bt-probes: cannot list %s probes: %s\n",
				(*p)->name, strerror(-n));
			status = EXIT_SYSTEM;
		}
	}
	return status;
}

/* the listing name of an expanded attach point (upstream's -l -e) */
static const char *probes_ap_listing(struct arena *a, const struct val *ap)
{
	const char *prov = val_get_str(ap, "provider");
	const char *name = val_get_str(ap, "name");

	if (!prov || !name)
		return NULL;
	if (!strcmp(prov, "begin") || !strcmp(prov, "end") ||
	    !strcmp(prov, "self") || !strcmp(prov, "bench") ||
	    !strcmp(prov, "test"))
		return NULL;   /* not probes of the system */
	if (!strcmp(prov, "interval") || !strcmp(prov, "profile"))
		return arena_printf(a, "%s:%s:", prov,
				    val_get_str(ap, "unit") ?
				    val_get_str(ap, "unit") : "");
	if (!strcmp(prov, "software") || !strcmp(prov, "hardware"))
		return arena_printf(a, "%s:%s:", prov,
				    val_get_str(ap, "alias") ?
				    val_get_str(ap, "alias") :
				    val_get_str(ap, "target"));
	return name;
}

/* --program: the expanded probes of bt-check's output, each once */
static int probes_list_program(struct arena *a, bool verbose, FILE *mem)
{
	struct wire_in *in = wire_in_open(stdin, "bt-probes");
	struct val *hdr, *prog, *probes, *seen = val_map(a);
	size_t i, j;

	if (wire_read_header(in, a, "typed-ast", &hdr) < 0 ||
	    wire_in_next(in, a, &prog) < 0)
		return EXIT_USAGE;
	probes = val_get(prog, "probes");
	for (i = 0; probes && i < probes->n; i++) {
		const struct val *exp = val_get(probes->items[i], "expanded");

		for (j = 0; exp && j < exp->n; j++) {
			const char *name = probes_ap_listing(a, exp->items[j]);
			const struct provider *p;

			if (!name || val_get(seen, name))
				continue;
			val_set_bool(a, seen, name, true);
			p = provider_find(val_get_str(exp->items[j], "provider"));
			if (verbose && p && p->list &&
			    !provider_has_wildcard(name) &&
			    p->list(a, name, true, mem) > 0)
				continue;
			fprintf(mem, "%s\n", name);
		}
	}
	wire_in_close(in);
	return EXIT_OK;
}

/* JSON output: one line per probe of the listing text, argument lines as "args" */
static void probes_print_json(struct arena *a, char *text, FILE *out)
{
	char *line = text, *nl;
	struct val *cur = NULL;

	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strncmp(line, "    ", 4) && cur) {
			struct val *args = val_get(cur, "args");

			if (!args) {
				args = val_arr(a);
				val_set(a, cur, "args", args);
			}
			val_push(a, args, val_str(a, line + 4));
			continue;
		}
		if (cur) {
			wire_print_json(out, cur);
			fputc('\n', out);
		}
		cur = val_map(a);
		val_set_str(a, cur, "probe", line);
	}
	if (cur) {
		wire_print_json(out, cur);
		fputc('\n', out);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "pid", required_argument, NULL, 'p' },
		{ "program", no_argument, NULL, 'P' },
		{ "features", no_argument, NULL, 'F' },
		{ "unsafe", no_argument, NULL, 'U' },
		{ "debuginfo", required_argument, NULL, 'D' },
		{ "libdw-version", no_argument, NULL, 'W' },
		{ 0 }
	};
	const char *patterns = NULL;
	struct arena *a = arena_new();
	bool verbose = false, program = false;
	int c, status = EXIT_OK;
	FILE *out, *mem;
	char *buf = NULL, *end;
	size_t len = 0;

	cli_init("bt-probes", usage_text);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "lvp:", opts,
				NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		switch (c) {
		case 'l':
			break;
		case 'v':
			verbose = true;
			break;
		case 'p':
			provider_pid = (int)strtol(optarg, &end, 10);
			if (*end || provider_pid <= 0)
				cli_usage_error("--pid expects a process id");
			break;
		case 'P':
			program = true;
			break;
		case 'F':
			return features_print(stdout) < 0 ? EXIT_SYSTEM : EXIT_OK;
		case 'U':
			provider_unsafe = true;
			break;
		case 'D':
			dwarfinfo_path = optarg;
			break;
		case 'W':
			printf("libdw %s\n", dwarfinfo_version());
			return EXIT_OK;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (optind + 1 < argc)
		cli_usage_error("only one pattern is accepted");
	if (program && optind < argc)
		cli_usage_error("--program reads the program on stdin, not a pattern");
	patterns = argv[optind];

	/*
	 * Text goes straight to the output, fully buffered (cli_open_output
	 * line-buffers a pipe: one write per line of a 500 KB listing);
	 * JSON is made from the whole text afterwards.
	 */
	if (cli.json) {
		mem = open_memstream(&buf, &len);
		if (!mem) {
			fprintf(stderr, "bt-probes: %s\n", strerror(errno));
			return EXIT_SYSTEM;
		}
	} else {
		mem = cli_open_output();
		if (!mem)
			return EXIT_USAGE;
		setvbuf(mem, NULL, _IOFBF, 64 * 1024);
	}
	if (program) {
		status = probes_list_program(a, verbose, mem);
	} else if (!patterns) {
		status = probes_list_one(a, NULL, verbose, mem);
	} else {
		/* upstream splits the argument on commas */
		char *list = arena_strdup(a, patterns), *save = NULL, *pat;

		for (pat = strtok_r(list, ",", &save); pat;
		     pat = strtok_r(NULL, ",", &save)) {
			int st = probes_list_one(a, pat, verbose, mem);

			if (st != EXIT_OK)
				status = st;
		}
	}
	if (cli.json) {
		fclose(mem);
		out = cli_open_output();
		if (!out)
			return EXIT_USAGE;
		probes_print_json(a, buf, out);
	} else {
		out = mem;
	}
	free(buf);
	if (cli_close_output(out))
		status = EXIT_USAGE;
	arena_free(a);
	return status;
}
