/*
 * cli.c - the command-line handling every tool shares.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct cli cli;

void cli_init(const char *tool, const char *usage)
{
	cli.tool = tool;
	cli.usage = usage;
}

bool cli_common_option(int c, const char *arg)
{
	switch (c) {
	case 'h':
		fputs(cli.usage, stdout);
		exit(EXIT_OK);
	case 'V':
		printf("%s (bt) %s\n", cli.tool, BT_VERSION);
		exit(EXIT_OK);
	case 'o':
		cli.out_path = arg;
		return true;
	case 'J':
		cli.json = true;
		return true;
	case '?':
		fprintf(stderr, "Try '%s --help'.\n", cli.tool);
		exit(EXIT_USAGE);
	default:
		return false;
	}
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli.tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", cli.tool);
	exit(EXIT_USAGE);
}

FILE *cli_open_input(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdin;
	f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "%s: cannot open '%s': %s\n", cli.tool, path,
			strerror(errno));
	return f;
}

FILE *cli_open_output(void)
{
	FILE *f = stdout;

	if (cli.out_path && strcmp(cli.out_path, "-")) {
		f = fopen(cli.out_path, "w");
		if (!f) {
			fprintf(stderr, "%s: cannot open '%s': %s\n", cli.tool,
				cli.out_path, strerror(errno));
			return NULL;
		}
	}
	if (!isatty(fileno(f)))
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

int cli_close_output(FILE *f)
{
	int err = 0, e = 0;

	/* errno only tells when the call that failed set it */
	if (fflush(f))
		e = errno;
	else if (ferror(f))
		e = EIO;
	if (f != stdout && fclose(f) && !e)
		e = errno;
	if (e)
		err = -EIO;
	if (e && e != EPIPE)
		fprintf(stderr, "%s: write error: %s\n", cli.tool, strerror(e));
	return err;
}

int cli_slurp(const char *path, char **text, size_t *len)
{
	FILE *f = cli_open_input(path);
	size_t cap = 4096, n = 0, r;
	char *buf;

	if (!f)
		return -errno;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error: %s\n", cli.tool,
			strerror(errno));
		free(buf);
		return -EIO;
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
