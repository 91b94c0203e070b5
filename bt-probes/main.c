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
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "provider.h"
#include "tracefs.h"
#include "wire.h"

static const char usage_text[] =
	"Usage: bt-probes -l [-v] [PATTERN]\n"
	"List probes whose full name (provider:target:name) matches the glob\n"
	"PATTERN; provider short names (t, i, p, s) are accepted.\n"
	"\n"
	"  -l, --list      list probes (the default action)\n"
	"  -v, --verbose   with -l, also list each probe's arguments\n"
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ 0 }
	};
	const struct provider *const *p;
	const char *pattern = NULL;
	struct arena *a = arena_new();
	bool verbose = false;
	int c, status = EXIT_OK;
	FILE *out, *mem;
	char *buf = NULL;
	size_t len = 0;

	cli_init("bt-probes", usage_text);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "lv", opts,
				NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		switch (c) {
		case 'l':
			break;
		case 'v':
			verbose = true;
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (optind + 1 < argc)
		cli_usage_error("only one pattern is accepted");
	pattern = probes_canonical(a, argv[optind]);

	mem = open_memstream(&buf, &len);
	if (!mem) {
		fprintf(stderr, "bt-probes: %s\n", strerror(errno));
		return EXIT_SYSTEM;
	}
	for (p = provider_table; *p; p++) {
		int n;

		if (!(*p)->list)
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
	fclose(mem);

	out = cli_open_output();
	if (!out)
		return EXIT_USAGE;
	if (cli.json) {
		char *line = buf, *nl;
		struct val *cur = NULL;

		/* one JSON line per probe, argument lines as "args" */
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
	} else if (len) {
		fwrite(buf, 1, len, out);
	}
	free(buf);
	if (cli_close_output(out))
		status = EXIT_USAGE;
	arena_free(a);
	return status;
}
