/*
 * verifier.c - turn the verifier's last words into a plain sentence, the
 * way libbpf's fixup_verifier_log() does for the failures it knows.  The
 * table is searched from the end of the log backwards (the reason for a
 * rejection is at the end); the first pattern found wins.
 *
 * To add a case: a row with a substring of the verifier's message and
 * what it means for someone who wrote the script, not the BPF.
 *
 * verifier_line() finds the script line the verifier stopped in, from
 * the BTF line info notes in its log.
 */
#include <string.h>

#include "bug.h"
#include "load.h"

static const struct {
	const char *pattern;
	const char *meaning;
} verifier_reasons[] = {
	{ "invalid mem access 'map_value_or_null'",
	  "a map value is used without checking that the lookup found it" },
	{ "invalid mem access 'scalar'",
	  "memory is read through an integer, not a pointer the verifier knows; read it with a probe_read helper" },
	{ "invalid mem access 'inv'",
	  "memory is read through an integer, not a pointer the verifier knows; read it with a probe_read helper" },
	{ "BPF program is too large",
	  "the program is too large for the verifier; split the probe or shorten its loops" },
	{ "The sequence of 8193 jumps is too complex",
	  "the program has too many branches for the verifier" },
	{ "back-edge from insn",
	  "the verifier cannot prove that a loop ends" },
	{ "infinite loop detected",
	  "the verifier found a loop that may never end" },
	{ "combined stack size",
	  "the probe needs more than 512 bytes of stack" },
	{ "stack depth",
	  "the probe needs more than 512 bytes of stack" },
	{ "invalid read from stack",
	  "a value is read before it was written" },
	{ "invalid indirect read from stack",
	  "a value passed to a helper was not fully written" },
	{ "failed to find the address for kernel symbol",
	  "the kernel has no address for a per-CPU variable that percpu_kaddr() names: /proc/kallsyms lacks data symbols (the kernel needs CONFIG_KALLSYMS_ALL)" },
	{ "unknown func",
	  "a helper that this kernel does not offer to this probe type is called" },
	{ "cannot use helper bpf_probe_write_user",
	  "write_user() needs the helper bpf_probe_write_user, which this kernel does not allow: kernel lockdown (integrity or confidentiality, see /sys/kernel/security/lockdown) forbids it" },
	{ "unknown func bpf_override_return",
	  "override() needs the helper bpf_override_return: the kernel needs CONFIG_BPF_KPROBE_OVERRIDE, and the function must be on the error-injection list" },
	{ "program of this type cannot use helper",
	  "a helper that this probe type may not call is used" },
	{ "cannot pass map_type",
	  "a map of this type cannot be used here" },
	{ "R0 !read_ok",
	  "the probe does not return a value" },
	{ "max value is outside of the allowed memory range",
	  "an index or length may be out of bounds; check it before use" },
	{ "min value is negative",
	  "an index or length may be negative; check it before use" },
	{ "unbounded memory access",
	  "an index or length has no upper bound; check it before use" },
	{ "expected=ptr_",
	  "a helper that takes a kernel object (skboutput()'s skb) was given a pointer whose type the verifier does not know: pass one the probe receives (args.skb, or argN cast to struct sk_buff *), not one read from memory, a map or arithmetic" },
	{ "dereference of modified ctx ptr",
	  "the probe context pointer was changed before it was read" },
	{ "Unreleased reference",
	  "a reference (e.g. a ring-buffer reservation) is not released on every path" },
	{ "frames is too deep",
	  "loops (each a callback) and calls nest more than 8 deep" },
};

/* the meaning of the last known failure in the log, or NULL */
const char *verifier_explain(const char *log, size_t len)
{
	const char *best = NULL, *best_at = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(verifier_reasons); i++) {
		const char *p = log, *last = NULL, *end = log + len;
		size_t plen = strlen(verifier_reasons[i].pattern);

		while (p < end && (p = memmem(p, end - p, verifier_reasons[i].pattern,
					      plen))) {
			last = p;
			p += plen;
		}
		if (last && (!best_at || last > best_at)) {
			best_at = last;
			best = verifier_reasons[i].meaning;
		}
	}
	return best;
}

/*
 * The script line the verifier was in when it gave up: with BTF line
 * info (bt-gen emits it for every statement) the log shows
 * "; SOURCE LINE @ FILE:N" whenever the line changes along the path it
 * walks, so the last such note before the end names the line.  0 when
 * the log has none.
 */
unsigned verifier_line(const char *log, size_t len)
{
	const char *p = log, *end = log + len, *eol, *at;
	unsigned line = 0;

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (eol - p < 4 || p[0] != ';' || p[1] != ' ')
			continue;
		/* the last " @ " of the note: the source text may hold one */
		for (at = eol - 3; at > p && memcmp(at, " @ ", 3); at--)
			;
		if (at <= p)
			continue;
		{
			const char *colon = eol, *q;
			unsigned n = 0;

			while (colon > at && *colon != ':')
				colon--;
			if (colon <= at)
				continue;
			for (q = colon + 1; q < eol && *q >= '0' && *q <= '9'; q++)
				n = n * 10 + (unsigned)(*q - '0');
			if (q == eol && n)
				line = n;
		}
	}
	return line;
}
