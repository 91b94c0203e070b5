/*
 * cli.h - what every tool's command line shares: -h/--help, --version,
 * -o FILE, --json, input from a file argument or stdin, and a checked
 * close of stdout.  The template for a new tool is bt-parse/main.c.
 *
 * Usage in main():
 *
 *     static const struct option opts[] = {
 *             CLI_COMMON_OPTIONS,
 *             { "emit-llvm", no_argument, NULL, 'L' },
 *             { 0 }
 *     };
 *     cli_init("bt-gen", usage_text);
 *     while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "L", opts, NULL)) != -1)
 *             if (!cli_common_option(c, optarg)) switch (c) { ... }
 *     in = cli_open_input(argv[optind]);   // NULL or "-" is stdin
 *     out = cli_open_output();             // -o FILE or stdout
 *     ...
 *     return cli_close_output(out) ? 2 : status;
 */
#ifndef BT_CLI_H
#define BT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#define BT_VERSION "0.1.0"

/* exit statuses shared by every tool (DESIGN.md) */
enum {
	EXIT_OK = 0,
	EXIT_SCRIPT = 1,   /* the script is wrong */
	EXIT_USAGE = 2,    /* bad usage or bad input stream */
	EXIT_SYSTEM = 3,   /* the kernel or system refused */
};

#define CLI_COMMON_SHORT "hVo:"
#define CLI_COMMON_OPTIONS                                        \
	{ "help", no_argument, NULL, 'h' },                       \
	{ "version", no_argument, NULL, 'V' },                    \
	{ "output", required_argument, NULL, 'o' },               \
	{ "json", no_argument, NULL, 'J' }

struct cli {
	const char *tool;
	const char *usage;
	const char *out_path;  /* -o */
	bool json;             /* --json */
};

extern struct cli cli;

void cli_init(const char *tool, const char *usage);
/*
 * Handles h, V, o, J; returns true if c was one of them.  -h and -V print
 * and exit 0; '?' (getopt's unknown option) prints usage and exits 2.
 * This is the one place outside main() that exits, as main's helper.
 */
bool cli_common_option(int c, const char *arg);
/* prints "TOOL: msg\nTry 'TOOL --help'." and exits 2 (main's helper) */
void cli_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* NULL or "-" is stdin; prints the reason and returns NULL on failure */
FILE *cli_open_input(const char *path);
/* -o FILE or stdout, line-buffered when not a terminal; NULL on failure */
FILE *cli_open_output(void);
/* flush and close, reporting write errors; 0 or -EIO */
int cli_close_output(FILE *f);

/* read a whole file (or stdin for NULL/"-") into malloc'd memory */
int cli_slurp(const char *path, char **text, size_t *len);

#endif
