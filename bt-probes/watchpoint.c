/*
 * watchpoint.c - hardware watchpoints: `watchpoint:ADDR:LEN:MODE` fires
 * when the CPU reads (r), writes (w) or executes (x) the LEN bytes at ADDR.
 * A user address needs -p or -c (bt-load watches that process and the
 * threads it creates); without them ADDR is a kernel address, watched on
 * every CPU.  Nothing to list: `-l` shows no watchpoints, as upstream.
 *
 * ATTACH_POINT fields: addr (int), len (1, 2, 4 or 8), mode (the letters
 * sorted: "w", "rw", "x").  The older `watchpoint:FUNC+argN:LEN:MODE` and
 * asyncwatchpoint forms (removed upstream in 0.25) are refused by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

/* the modes x86_64's debug registers can watch (Intel SDM vol. 3, 17.2.4) */
static const char *const watch_modes[] = { "w", "rw", "x", NULL };

static int watch_fail(struct probe_err *err, const char *msg)
{
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	err->status = 1;
	return -EINVAL;
}

/* mode letters sorted into buf (upstream sorts too: "wr" is "rw") */
static int watch_mode(const char *mode, char *buf, struct probe_err *err)
{
	size_t n = strlen(mode), i, j;
	char c;

	if (!n || n > 3)
		return watch_fail(err, "watchpoint mode must be combination "
				  "of (r,w,x)");
	memcpy(buf, mode, n + 1);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && buf[j - 1] > buf[j]; j--)
			c = buf[j], buf[j] = buf[j - 1], buf[j - 1] = c;
	for (i = 0; i < n; i++) {
		if (buf[i] != 'r' && buf[i] != 'w' && buf[i] != 'x')
			return watch_fail(err, "watchpoint mode must be "
					  "combination of (r,w,x)");
		if (i && buf[i] == buf[i - 1])
			return watch_fail(err, "watchpoint modes may not be "
					  "duplicated");
	}
	for (i = 0; watch_modes[i]; i++)
		if (!strcmp(buf, watch_modes[i]))
			return 0;
	snprintf(err->msg, sizeof(err->msg),
		 "watchpoint mode '%s' is not supported on x86_64", buf);
	snprintf(err->hint, sizeof(err->hint),
		 "the debug registers watch w, rw or x");
	err->status = 1;
	return -EINVAL;
}

static int watchpoint_expand(struct arena *a, const struct val *parts,
			     struct val *out, struct probe_err *err)
{
	const char *addr = provider_part(parts, 0), *len = provider_part(parts, 1);
	const char *mode = provider_part(parts, 2);
	char sorted[4], *end;
	unsigned long long at;
	long n;
	struct val *ap;

	if (!parts || parts->n != 3 || !addr || !len || !mode)
		return watch_fail(err, "watchpoint probe type requires 3 "
				  "arguments (address, length, mode)");
	if (strchr(addr, '+') || (*addr && (*addr < '0' || *addr > '9'))) {
		snprintf(err->msg, sizeof(err->msg),
			 "watchpoint on a function argument ('%s') is not "
			 "supported", addr);
		snprintf(err->hint, sizeof(err->hint),
			 "upstream removed this form in 0.25; watch an "
			 "absolute address with -p PID or -c CMD");
		err->status = 1;
		return -EINVAL;
	}
	errno = 0;
	at = strtoull(addr, &end, 0);
	if (*end || errno)
		return watch_fail(err, "watchpoint address must be a number");
	if (!at)
		return watch_fail(err, "watchpoint must be attached to a "
				  "non-zero address");
	n = strtol(len, &end, 10);
	if (*end || (n != 1 && n != 2 && n != 4 && n != 8))
		return watch_fail(err, "watchpoint length must be one of "
				  "(1,2,4,8)");
	if (watch_mode(mode, sorted, err))
		return -EINVAL;
	ap = provider_ap_new(a, &provider_watchpoint,
			     arena_printf(a, "watchpoint:0x%llx:%ld:%s", at, n,
					  sorted));
	val_set_int(a, ap, "addr", (int64_t)at);
	val_set_int(a, ap, "len", n);
	val_set_str(a, ap, "mode", sorted);
	val_push(a, out, ap);
	return 1;
}

static int watchpoint_list(struct arena *a, const char *pattern, bool verbose,
			   FILE *out)
{
	(void)a, (void)pattern, (void)verbose, (void)out;
	return 0;
}

static const char *const watchpoint_short[] = { "w", NULL };

const struct provider provider_watchpoint = {
	.name = "watchpoint",
	.short_names = watchpoint_short,
	.expand = watchpoint_expand,
	.list = watchpoint_list,
};
