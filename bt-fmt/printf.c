/*
 * printf.c - printf format strings: parsed once when the meta event
 * arrives, applied to each printf event's arguments.
 *
 * The conversions behave as upstream bpftrace's (src/format_string.cpp),
 * which formats through C++ streams rather than C's printf, so:
 *
 *   %[-][+][ ][#][0][width|*][.prec|.*][hlLjzt...]conv     (flags in that order)
 *
 * - integers are first cast by the length modifier: none -> int/unsigned
 *   int (so %x of a 64-bit value shows its low 32 bits, %lx all 64), hh
 *   char, h short, l ll j z t 64 bits;
 * - width pads the whole converted text, with '0' as fill when the 0
 *   flag is given, on the left unless '-' (so %05d of -5 is "000-5");
 * - precision is accepted and ignored, as is the space flag;
 * - '#' adds 0x/0X (hex) or 0 (octal) to non-zero values; '+' signs
 *   non-negative %d;
 * - %p prints 0x-hex (plain 0 for a null pointer); %c one byte;
 * - %s prints any value as its text; the width applies to the first
 *   piece the text writer emits, which for a tuple is "(";
 * - %r, %rx, %rh format buffers (any other value as %s);
 * - %gr names GFP allocation flags (gfp.c);
 * - conversions upstream has no handler for fall back to %s.
 */
#include <errno.h>
#include <string.h>

#include "fmt.h"

#define PRINTF_MAX_WIDTH 65535

static bool is_conv_char(char c)
{
	return c && strchr("diouxXeEfFGaAcspn%", c);
}

/* matches one conversion at s (s[0] == '%'); returns its length or 0 */
static size_t spec_match(const char *s, struct printf_spec *sp, char *conv)
{
	const char *p = s + 1;
	long w = 0;
	size_t n;

	memset(sp, 0, sizeof(*sp));
	if (*p == '-')
		sp->left = true, p++;
	if (*p == '+')
		sp->plus = true, p++;
	if (*p == ' ')
		p++;
	if (*p == '#')
		sp->alt = true, p++;
	if (*p == '0')
		sp->zero = true, p++;
	if (*p == '*') {
		p++;
	} else {
		while (*p >= '0' && *p <= '9') {
			if (w < PRINTF_MAX_WIDTH)
				w = w * 10 + (*p - '0');
			p++;
		}
		sp->width = w > PRINTF_MAX_WIDTH ? PRINTF_MAX_WIDTH : (int)w;
	}
	if (*p == '.' && (p[1] == '*' || (p[1] >= '0' && p[1] <= '9'))) {
		p += 2;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	n = 0;
	while (*p && strchr("hlLjzt", *p)) {
		if (n < sizeof(sp->len) - 1)
			sp->len[n++] = *p;
		else
			sp->len[0] = 'L'; /* too long to be a known one */
		p++;
	}
	sp->len[n] = '\0';
	if (is_conv_char(*p)) {
		conv[0] = *p++;
		conv[1] = '\0';
	} else if (p[0] == 'g' || p[0] == 'r') {
		conv[0] = *p++;
		conv[1] = '\0';
		if ((conv[0] == 'g' && *p == 'r') ||
		    (conv[0] == 'r' && (*p == 'h' || *p == 'x'))) {
			conv[1] = *p++;
			conv[2] = '\0';
		}
	} else {
		return 0;
	}
	return (size_t)(p - s);
}

static enum printf_conv conv_of(const char *c)
{
	switch (c[0]) {
	case 'd': case 'i': return CONV_D;
	case 'u': return CONV_U;
	case 'o': return CONV_O;
	case 'x': return CONV_X;
	case 'X': return CONV_XX;
	case 'c': return CONV_C;
	case 'p': return CONV_P;
	case 'g':
		return c[1] == 'r' ? CONV_GR : CONV_S;
	case 'r':
		if (c[1] == 'x')
			return CONV_RX;
		if (c[1] == 'h')
			return CONV_RH;
		return CONV_R;
	default:  return CONV_S;
	}
}

int printf_parse(struct arena *a, const char *fmt, struct printf_fmt *pf)
{
	struct strbuf lit = { 0 };
	struct printf_spec sp;
	size_t cap = 0, i = 0, n;
	char conv[3];

	memset(pf, 0, sizeof(*pf));
	while (fmt[i]) {
		if (fmt[i] != '%' || !(n = spec_match(fmt + i, &sp, conv))) {
			strbuf_addc(&lit, fmt[i++]);
			continue;
		}
		i += n;
		if (conv[0] == '%') {
			strbuf_addc(&lit, '%');
			continue;
		}
		sp.conv = conv_of(conv);
		sp.lit = arena_strndup(a, lit.p ? lit.p : "", lit.n);
		sp.litn = lit.n;
		strbuf_reset(&lit);
		if ((size_t)pf->nspecs == cap) {
			struct printf_spec *ns;

			cap = cap ? cap * 2 : 4;
			ns = arena_alloc(a, cap * sizeof(*ns));
			if (pf->nspecs)
				memcpy(ns, pf->specs,
				       pf->nspecs * sizeof(*ns));
			pf->specs = ns;
		}
		pf->specs[pf->nspecs++] = sp;
	}
	pf->tail = arena_strndup(a, lit.p ? lit.p : "", lit.n);
	pf->tailn = lit.n;
	strbuf_free(&lit);
	return 0;
}

/* the 64-bit pattern of an integer-like argument, or false */
static bool arg_bits(const struct type *t, const struct val *v, uint64_t *out)
{
	if (!v || (!val_is_int(v) && v->kind != VAL_BOOL))
		return false;
	if (t && t->kind != TY_INT && t->kind != TY_ENUM &&
	    t->kind != TY_BOOL && t->kind != TY_PTR &&
	    !type_is_aggregation(t) && t->kind != TY_TIMESTAMP &&
	    t->kind != TY_KSYM)
		return false;
	*out = t && (t->kind == TY_INT || t->kind == TY_ENUM) ?
	       value_int(t, v).u : val_as_uint(v);
	return true;
}

/* bit width the length modifier casts to */
static int len_bits(const char *len)
{
	if (!strcmp(len, "hh"))
		return 8;
	if (!strcmp(len, "h"))
		return 16;
	if (!strcmp(len, "l") || !strcmp(len, "ll") || !strcmp(len, "j") ||
	    !strcmp(len, "z") || !strcmp(len, "t"))
		return 64;
	return 32;
}

static void pad_out(struct strbuf *sb, const struct printf_spec *sp,
		    const char *s, size_t n)
{
	strbuf_addpad(sb, s, n, sp->width > 0 ? (size_t)sp->width : 0,
		      sp->zero ? '0' : ' ', sp->left);
}

static void int_conv(struct strbuf *sb, const struct printf_spec *sp,
		     uint64_t bits)
{
	char buf[32];
	size_t n = 0;
	int w = len_bits(sp->len);
	uint64_t mask = w == 64 ? ~0ULL : (1ULL << w) - 1;
	uint64_t u = bits & mask;

	switch (sp->conv) {
	case CONV_D: {
		int64_t i = (int64_t)u;

		if (w < 64 && (u >> (w - 1)) & 1)
			i = (int64_t)(u | ~mask);
		if (i < 0) {
			buf[n++] = '-';
			n += strbuf_fmt_u64(buf + n, -(uint64_t)i, 10, 0);
		} else {
			if (sp->plus)
				buf[n++] = '+';
			n += strbuf_fmt_u64(buf + n, (uint64_t)i, 10, 0);
		}
		break;
	}
	case CONV_U:
		n = strbuf_fmt_u64(buf, u, 10, 0);
		break;
	case CONV_O:
		if (sp->alt && u)
			buf[n++] = '0';
		n += strbuf_fmt_u64(buf + n, u, 8, 0);
		break;
	case CONV_X:
	case CONV_XX:
		if (sp->alt && u) {
			buf[n++] = '0';
			buf[n++] = sp->conv == CONV_XX ? 'X' : 'x';
		}
		n += strbuf_fmt_u64(buf + n, u, 16, sp->conv == CONV_XX);
		break;
	case CONV_C:
		buf[n++] = (char)(u & 0xff);
		break;
	case CONV_P:
		/* a stream prints void* as 0x-hex, and a null one as 0 */
		if (bits) {
			buf[n++] = '0';
			buf[n++] = 'x';
		}
		n += strbuf_fmt_u64(buf + n, bits, 16, 0);
		break;
	default:
		break;
	}
	pad_out(sb, sp, buf, n);
}

/* length of the first piece upstream's text writer emits for t */
static size_t first_piece(const struct type *t, const struct val *v,
			  size_t whole)
{
	if (!t || !v || v->kind != VAL_ARR)
		return whole;
	switch (t->kind) {
	case TY_TUPLE:
	case TY_ARRAY:
		return 1;
	case TY_RECORD:
	case TY_STRUCT:
		return 2; /* "{ " or "{}" */
	default:
		return whole;
	}
}

static void string_conv(struct strbuf *sb, const struct printf_spec *sp,
			const struct type *t, const struct val *v,
			struct strbuf *scratch)
{
	size_t first;

	strbuf_reset(scratch);
	if (sp->plus && t && t->kind == TY_INT && t->is_signed &&
	    val_is_int(v) && value_int(t, v).i >= 0)
		strbuf_addc(scratch, '+');
	value_text(scratch, t, v);
	first = first_piece(t, v, scratch->n);
	pad_out(sb, sp, scratch->p, first);
	strbuf_add(sb, scratch->p + first, scratch->n - first);
}

void printf_apply(struct strbuf *sb, const struct printf_spec *sp,
		  const struct type *t, const struct val *v,
		  struct strbuf *scratch)
{
	uint64_t bits;
	bool is_buf = v && v->kind == VAL_BIN &&
		      (!t || t->kind == TY_BUFFER);

	switch (sp->conv) {
	case CONV_D:
	case CONV_U:
	case CONV_O:
	case CONV_X:
	case CONV_XX:
	case CONV_C:
	case CONV_P:
		if (arg_bits(t, v, &bits)) {
			int_conv(sb, sp, bits);
			return;
		}
		strbuf_adds(sb, "!{invalid integer conversion: ");
		value_text(sb, t, v);
		strbuf_addc(sb, '}');
		return;
	case CONV_GR:
		if (!arg_bits(t, v, &bits)) {
			strbuf_adds(sb, "!{invalid GFP flags conversion: ");
			value_text(sb, t, v);
			strbuf_addc(sb, '}');
			return;
		}
		strbuf_reset(scratch);
		gfp_format(scratch, bits);
		pad_out(sb, sp, scratch->p, scratch->n);
		return;
	case CONV_R:
	case CONV_RX:
	case CONV_RH:
		if (!is_buf)
			break;
		strbuf_reset(scratch);
		value_hex_buffer(scratch, (const unsigned char *)v->s, v->n,
				 sp->conv == CONV_R, sp->conv != CONV_RH);
		pad_out(sb, sp, scratch->p, scratch->n);
		return;
	default:
		break;
	}
	string_conv(sb, sp, t, v, scratch);
}

void printf_render(struct strbuf *sb, const struct printf_fmt *pf,
		   const struct val *args, struct strbuf *scratch)
{
	size_t nargs = args && args->kind == VAL_ARR ? args->n : 0;
	size_t i;

	for (i = 0; i < (size_t)pf->nspecs && i < nargs; i++) {
		const struct printf_spec *sp = &pf->specs[i];

		strbuf_add(sb, sp->lit, sp->litn);
		printf_apply(sb, sp, i < (size_t)pf->nargs ? pf->args[i] : NULL,
			     args->items[i], scratch);
	}
	strbuf_add(sb, pf->tail, pf->tailn);
}
