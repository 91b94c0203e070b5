/*
 * printf.c - format strings of printf-like calls, checked against the
 * argument types with upstream's conversions and messages
 * (src/format_string.cpp): %[-][+][ ][#][0][W|*][.P|*][hlLjzt]*CONV with
 * CONV one of d i o u x X c s p r rx rh gr (and %% for a percent sign).
 */
#include <errno.h>
#include <string.h>

#include "check.h"

enum printf_class { PF_ANY, PF_INT, PF_BUFFER, PF_BAD };

/*
 * %[flags][width|*][.prec|.*][hlLjzt...]conv at s (just after '%'), flags
 * in any order; the length or 0 when it is no conversion (shared by the
 * checks here and seqprintf.c's translation for the kernel)
 */
size_t check_printf_spec(const char *s, struct printf_spec *sp)
{
	const char *p = s, *len;
	size_t n;

	memset(sp, 0, sizeof(*sp));
	sp->width = -1;
	for (; *p && strchr("-+ #0", *p); p++) {
		sp->left |= *p == '-';
		sp->plus |= *p == '+';
		sp->space |= *p == ' ';
		sp->alt |= *p == '#';
		sp->zero |= *p == '0';
	}
	if (*p == '*') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		sp->width = 0;
		for (; *p >= '0' && *p <= '9'; p++)
			if (sp->width < 100000)
				sp->width = sp->width * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (*p == '*')
			p++;
		else
			while (*p >= '0' && *p <= '9')
				p++;
	}
	len = p;
	while (*p && strchr("hlLjzt", *p))
		p++;
	n = (size_t)(p - len);
	/* bt-fmt's casts (len_bits there) */
	if ((n == 2 && !strncmp(len, "hh", 2)))
		sp->bits = 8;
	else if (n == 1 && *len == 'h')
		sp->bits = 16;
	else if ((n == 1 && strchr("ljzt", *len)) ||
		 (n == 2 && !strncmp(len, "ll", 2)))
		sp->bits = 64;
	else
		sp->bits = 32;
	if (!strncmp(p, "gr", 2) || !strncmp(p, "rh", 2) || !strncmp(p, "rx", 2))
		n = 2;
	else if (*p && strchr("diouxXeEfFGaAcspn%gr", *p))
		n = 1;
	else
		return 0;
	memcpy(sp->conv, p, n);
	sp->conv[n] = '\0';
	return (size_t)(p - s) + n;
}

static enum printf_class printf_class_of(const char *conv)
{
	static const struct { const char *conv; enum printf_class c; } tab[] = {
		{ "d", PF_INT }, { "i", PF_INT }, { "u", PF_INT },
		{ "o", PF_INT }, { "x", PF_INT }, { "X", PF_INT },
		{ "c", PF_INT }, { "p", PF_INT }, { "gr", PF_INT },
		{ "r", PF_BUFFER }, { "rx", PF_BUFFER }, { "rh", PF_BUFFER },
		{ "s", PF_ANY },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(tab[i].conv, conv))
			return tab[i].c;
	return PF_BAD;
}

int check_printf_args(struct check *ck, struct val *call, const char *fn,
		      struct val *fmt, struct val *args, size_t first)
{
	const char *f = val_get_str(fmt, "v"), *p;
	size_t nargs = args->n - first, nspec = 0, i;
	char convs[64][4];

	for (p = f; p && *p; p++) {
		struct printf_spec sp;
		size_t len;

		if (*p != '%')
			continue;
		len = check_printf_spec(p + 1, &sp);
		if (!len)
			continue;
		p += len;
		if (!strcmp(sp.conv, "%"))
			continue;
		if (nspec < 64)
			memcpy(convs[nspec], sp.conv, sizeof(sp.conv));
		nspec++;
	}
	if (nargs < nspec) {
		check_error(ck, call, "not enough arguments for format string (%zu supplied, %zu expected)",
			    nargs, nspec);
		return -EINVAL;
	}
	if (nargs > nspec) {
		check_error(ck, call, "too many arguments for format string (%zu supplied, %zu expected)",
			    nargs, nspec);
		return -EINVAL;
	}
	for (i = 0; i < nspec && i < 64; i++) {
		struct val *a = args->items[first + i];
		struct type *t = type_from_val(ck->a, val_get(a, "t"));
		enum printf_class c = printf_class_of(convs[i]);

		if (!t)
			continue;
		if (t->kind == TY_VOID) {
			check_error(ck, call, "unable to print none type for specifier: %s",
				    convs[i]);
			return -EINVAL;
		}
		if (c == PF_BAD) {
			check_error(ck, call, "unsupported format specifier: %s",
				    convs[i]);
			return -EINVAL;
		}
		if (t->kind == TY_HIST || t->kind == TY_LHIST ||
		    t->kind == TY_TSERIES || (c != PF_ANY && t->kind == TY_STATS)) {
			/* these are tables and tuples, not one number */
			check_error(ck, call, "unsupported format specifier for type '%s_t': %s",
				    type_kind_name(t->kind), convs[i]);
			return -EINVAL;
		}
		if ((c == PF_INT && !check_is_intlike(t) && t->kind != TY_PTR &&
		     !type_is_aggregation(t)) ||
		    (c == PF_BUFFER && t->kind != TY_BUFFER)) {
			check_error(ck, call, "unsupported format specifier for type '%s': %s",
				    type_kind_name(t->kind), convs[i]);
			return -EINVAL;
		}
	}
	return 0;
}
