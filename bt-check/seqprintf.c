/*
 * seqprintf.c - printf() in an iter probe writes into the iterator's
 * seq_file with bpf_seq_printf(), as upstream's does: the text is what a
 * read of the iterator (or of its pin in bpffs) returns, and no event
 * travels through bt's ring buffer.  This file checks such a call and
 * translates it for the kernel; bt-gen only carries the translation out.
 *
 * The kernel formats with bpf_bprintf_prepare() (kernel/bpf/helpers.c),
 * which knows much less than bt's printf: flags "-+ 0" and a width, no
 * precision, lengths l and ll only before d i u x X, %s %c %p (and %pK
 * and such), no %o; a %s must be followed by the end, a space or a
 * punctuation character; the format may only hold printable ASCII and
 * white space; at most 12 values (MAX_BPRINTF_VARARGS), each a u64.
 * The translation keeps the output of bt-fmt's printf (printf.c there):
 *
 *   %d %i %u %x %X  the value cast by the length modifier as bt-fmt does
 *                   (none: 32 bits, hh 8, h 16, l ll j z t 64), passed
 *                   as a u64 to %lld/%llu/%llx/%llX
 *   %#x %#X         "%s%llx": "0x" (or "0X") before a non-zero value
 *   %p              "%s%llx": "0x" before a non-zero value
 *   %c              the value; the kernel prints its low byte
 *   %s              a string: a pointer to a NUL-terminated copy; an
 *                   integer: %lld/%llu of its whole value; a bool: a
 *                   pointer to "true" or "false"; a pointer: "0x%llx"
 *   precision, '*'  dropped (bt-fmt ignores them too)
 *   other bytes     a byte the kernel refuses in the format (not ASCII,
 *                   a control character), and a letter or digit right
 *                   after a %s, is printed by a %c of that constant
 *
 * Flags keep C's meaning in the kernel, so two corner cases differ from
 * bt-fmt, as they do between upstream's iter output and its other
 * output: a zero-padded negative number ("%05d" of -5 is "-0005", bt-fmt
 * "000-5") and the ' ' flag (which bt-fmt ignores).  What cannot be
 * translated is a located error.
 *
 * The result is the call's "seq" field in the typed AST (WIRE.md):
 *
 *   "seq": {"fmt": KERNEL_FORMAT, "args": [ARG, ...]}
 *   ARG:   {"as": "int", "arg": I, "bits": 8|16|32|64, "signed": bool}
 *          {"as": "str", "arg": I}        pointer to the string's bytes
 *          {"as": "bool", "arg": I}       pointer to "true"/"false"
 *          {"as": "prefix", "arg": I, "bits": N, "text": "0x"}
 *                                         pointer to text when the value
 *                                         cast to N bits is non-zero,
 *                                         else to ""
 *          {"as": "char", "v": BYTE}      a constant
 *
 * I counts printf's arguments after the format, from 0.
 */
#include <ctype.h>
#include <string.h>

#include "check.h"

#define SEQ_MAX_ARGS 12      /* MAX_BPRINTF_VARARGS in linux/bpf.h */

/* one conversion of the script's format, as bt-fmt reads it */

struct seq_out {
	struct check *ck;
	char *fmt;           /* the kernel's format, NUL-terminated */
	size_t n, cap;
	struct val *args;
	bool after_s;        /* the last thing written was a %s */
};

static void seq_putc(struct seq_out *o, char c)
{
	if (o->n + 1 >= o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		char *p = arena_alloc(o->ck->a, cap);

		if (o->n)
			memcpy(p, o->fmt, o->n);
		o->fmt = p;
		o->cap = cap;
	}
	o->fmt[o->n++] = c;
	o->fmt[o->n] = '\0';
}

static void seq_puts(struct seq_out *o, const char *s)
{
	while (*s)
		seq_putc(o, *s++);
	o->after_s = false;
}

static struct val *seq_arg(struct seq_out *o, const char *as, int arg)
{
	struct val *a = val_map(o->ck->a);

	val_set_str(o->ck->a, a, "as", as);
	if (arg >= 0)
		val_set_int(o->ck->a, a, "arg", arg);
	val_push(o->ck->a, o->args, a);
	return a;
}

static void seq_int_arg(struct seq_out *o, int arg, int bits, bool is_signed)
{
	struct val *a = seq_arg(o, "int", arg);

	val_set_int(o->ck->a, a, "bits", bits);
	val_set_bool(o->ck->a, a, "signed", is_signed);
}

/* a literal byte of the script's format */
static void seq_literal(struct seq_out *o, unsigned char c)
{
	bool ok = isascii(c) && (isprint(c) || isspace(c));

	if (ok && (!o->after_s || isspace(c) || ispunct(c))) {
		seq_putc(o, (char)c);
		if (c == '%')
			seq_putc(o, '%');
		o->after_s = false;
		return;
	}
	seq_puts(o, "%c");
	val_set_int(o->ck->a, seq_arg(o, "char", -1), "v", c);
}


/* the flags and width the kernel understands, after the '%' */
static void seq_flags(struct seq_out *o, const struct printf_spec *sp)
{
	char w[16];

	seq_putc(o, '%');
	if (sp->left)
		seq_putc(o, '-');
	if (sp->plus)
		seq_putc(o, '+');
	if (sp->space)
		seq_putc(o, ' ');
	if (sp->zero)
		seq_putc(o, '0');
	if (sp->width > 0) {
		snprintf(w, sizeof(w), "%d", sp->width);
		seq_puts(o, w);
	}
}

static bool seq_is_int(const struct type *t)
{
	switch (t->kind) {
	case TY_INT: case TY_ENUM: case TY_BOOL: case TY_PTR: case TY_KSYM:
	case TY_COUNT: case TY_SUM:
		return true;
	default:
		return false;
	}
}

static int seq_unsupported(struct seq_out *o, const struct val *node,
			   const char *what)
{
	check_error(o->ck, node, "printf() in an iter probe cannot format %s",
		    what);
	check_hint(o->ck, "iter probes write with bpf_seq_printf(), which "
		   "formats integers and strings only (%%d %%i %%u %%x %%X %%c "
		   "%%p %%s)");
	return -EINVAL;
}

/* one conversion of argument i (node a, type t) */
static int seq_conv(struct seq_out *o, const struct printf_spec *sp, int i,
		    const struct val *a, const struct type *t)
{
	const char *c = sp->conv;
	char what[96];

	if (!strcmp(c, "o") || c[0] == 'r' || !strcmp(c, "gr")) {
		snprintf(what, sizeof(what), "'%%%s'", c);
		return seq_unsupported(o, a, what);
	}
	if (strchr("diuxXcp", c[0])) {
		if (!seq_is_int(t)) {
			snprintf(what, sizeof(what), "a value of type '%s' with '%%%s'",
				 check_type_str(o->ck, t), c);
			return seq_unsupported(o, a, what);
		}
		if ((sp->alt && strchr("xX", c[0]) && sp->width > 0) ||
		    (c[0] == 'p' && sp->width > 0)) {
			snprintf(what, sizeof(what), "'%%%s' with both a width and "
				 "a 0x prefix", c);
			return seq_unsupported(o, a, what);
		}
		if (c[0] == 'c') {
			seq_flags(o, sp);
			seq_puts(o, "c");
			seq_int_arg(o, i, 64, false);
			return 0;
		}
		if (c[0] == 'p' || (sp->alt && strchr("xX", c[0]))) {
			struct val *pre = seq_arg(o, "prefix", i);
			int bits = c[0] == 'p' ? 64 : sp->bits;

			val_set_int(o->ck->a, pre, "bits", bits);
			val_set_str(o->ck->a, pre, "text", c[0] == 'X' ? "0X" : "0x");
			seq_puts(o, "%s");
			seq_flags(o, sp);
			seq_puts(o, c[0] == 'X' ? "llX" : "llx");
			seq_int_arg(o, i, bits, false);
			return 0;
		}
		seq_flags(o, sp);
		seq_puts(o, !strcmp(c, "d") || !strcmp(c, "i") ? "lld" :
			 !strcmp(c, "u") ? "llu" : !strcmp(c, "x") ? "llx" : "llX");
		seq_int_arg(o, i, sp->bits, c[0] == 'd' || c[0] == 'i');
		return 0;
	}
	/* %s, and what bt-fmt prints as a string */
	switch (t->kind) {
	case TY_STRING:
		seq_flags(o, sp);
		seq_puts(o, "s");
		o->after_s = true;
		seq_arg(o, "str", i);
		return 0;
	case TY_BOOL:
		seq_flags(o, sp);
		seq_puts(o, "s");
		o->after_s = true;
		seq_arg(o, "bool", i);
		return 0;
	case TY_INT: case TY_COUNT: case TY_SUM:
		seq_flags(o, sp);
		seq_puts(o, t->is_signed ? "lld" : "llu");
		seq_int_arg(o, i, t->kind == TY_INT ? (int)t->size * 8 : 64,
			    t->is_signed);
		return 0;
	case TY_PTR:
		if (sp->width > 0)
			return seq_unsupported(o, a, "a pointer with '%s' and a width");
		seq_puts(o, "0x%llx");
		seq_int_arg(o, i, 64, false);
		return 0;
	default:
		snprintf(what, sizeof(what), "a value of type '%s' with '%%%s'",
			 check_type_str(o->ck, t), c);
		return seq_unsupported(o, a, what);
	}
}

void seqprintf_check(struct check *ck, struct val *call, struct val *args)
{
	const char *f = val_get_str(args->items[0], "v"), *p;
	struct seq_out o = { .ck = ck };
	struct printf_spec sp;
	struct type *t;
	struct val *seq;
	size_t len;
	int i = 0;

	if (!f || !ck->final)
		return;
	o.args = val_arr(ck->a);
	for (p = f; *p; p++) {
		if (*p != '%' || !(len = check_printf_spec(p + 1, &sp))) {
			seq_literal(&o, (unsigned char)*p);
			continue;
		}
		p += len;
		if (!strcmp(sp.conv, "%")) {
			seq_literal(&o, '%');
			continue;
		}
		/* check_printf_args matched the arguments to the conversions */
		if ((size_t)i + 1 >= args->n)
			return;
		t = type_from_val(ck->a, val_get(args->items[i + 1], "t"));
		if (!t || seq_conv(&o, &sp, i, args->items[i + 1], t))
			return;
		i++;
	}
	if (o.args->n > SEQ_MAX_ARGS) {
		check_error(ck, call, "printf() in an iter probe needs %zu values "
			    "for bpf_seq_printf(), which takes at most %d",
			    o.args->n, SEQ_MAX_ARGS);
		check_hint(ck, "split the output over several printf() calls "
			   "(%%p, %%#x and bytes the kernel refuses in a format "
			   "take one more value each)");
		return;
	}
	seq = val_map(ck->a);
	val_set_str(ck->a, seq, "fmt", o.fmt ? o.fmt : "");
	val_set(ck->a, seq, "args", o.args);
	val_set(ck->a, call, "seq", seq);
}
