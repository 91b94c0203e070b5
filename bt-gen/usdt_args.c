/*
 * usdt_args.c - argN of a usdt probe, read as the note's argument spec
 * says (x86_64, AT&T syntax as <sys/sdt.h> writes it):
 *
 *   SIZE@$IMM                 a constant             4@$5
 *   SIZE@%REG                 a register             -4@%eax
 *   SIZE@DISP(%BASE)          memory at BASE + DISP  8@-16(%rbp)
 *   SIZE@DISP(%BASE,%IDX,S)   memory at BASE + IDX*S + DISP
 *
 * SIZE is 1, 2, 4 or 8 bytes, negative for a signed value; the value is
 * cut to SIZE and widened to 64 bits by its sign, as libbpf's usdt.bpf.h
 * does (bt-check types argN int64, as upstream).  Registers come
 * from the program's struct pt_regs, memory through probe_read_user.  The
 * attach point of the program carries the spec ("args"); a body using
 * argN is split per attach point by bt-check, so one program reads one
 * spec.  Not handled (an error): symbolic displacements (`sym(%rip)`).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "diag.h"
#include "gen.h"

/* struct pt_regs (x86_64) offsets by register number, 64-bit names */
static const struct {
	const char *q, *d, *w, *b;
	int64_t off;
} regs[] = {
	{ "rax", "eax", "ax", "al", 80 },   { "rbx", "ebx", "bx", "bl", 40 },
	{ "rcx", "ecx", "cx", "cl", 88 },   { "rdx", "edx", "dx", "dl", 96 },
	{ "rsi", "esi", "si", "sil", 104 }, { "rdi", "edi", "di", "dil", 112 },
	{ "rbp", "ebp", "bp", "bpl", 32 },  { "rsp", "esp", "sp", "spl", 152 },
	{ "r8", "r8d", "r8w", "r8b", 72 },  { "r9", "r9d", "r9w", "r9b", 64 },
	{ "r10", "r10d", "r10w", "r10b", 56 },
	{ "r11", "r11d", "r11w", "r11b", 48 },
	{ "r12", "r12d", "r12w", "r12b", 24 },
	{ "r13", "r13d", "r13w", "r13b", 16 },
	{ "r14", "r14d", "r14w", "r14b", 8 },
	{ "r15", "r15d", "r15w", "r15b", 0 },
	{ "rip", "eip", "ip", NULL, 128 },
};

/* the pt_regs offset of %NAME (ah..dh: the second byte), -1 if unknown */
static int64_t reg_offset(const char *name, size_t len, int *shift)
{
	static const char *const high[] = { "ah", "bh", "ch", "dh" };
	char n[8];
	size_t i;

	*shift = 0;
	if (len == 0 || len >= sizeof(n))
		return -1;
	memcpy(n, name, len);
	n[len] = 0;
	for (i = 0; i < 4; i++)
		if (!strcmp(n, high[i])) {
			*shift = 8;
			return regs[i].off;
		}
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (!strcmp(n, regs[i].q) || !strcmp(n, regs[i].d) ||
		    !strcmp(n, regs[i].w) ||
		    (regs[i].b && !strcmp(n, regs[i].b)))
			return regs[i].off;
	return -1;
}

struct usdt_spec {
	int size;               /* bytes */
	bool is_signed;
	enum { ARG_CONST, ARG_REG, ARG_MEM } kind;
	int64_t imm;            /* constant, or displacement */
	int64_t base, idx;      /* pt_regs offsets (idx -1: none) */
	int base_shift;         /* %ah: the register's second byte */
	int64_t scale;
};

/* "%reg" at *p: its offset, *p moved past it */
static int64_t parse_reg(const char **p, int *shift)
{
	const char *s = *p, *e;

	if (*s != '%')
		return -1;
	e = ++s;
	while (isalnum((unsigned char)*e))
		e++;
	*p = e;
	return reg_offset(s, (size_t)(e - s), shift);
}

/*
 * the n-th argument's text in spec ("-4@%edi 8@%rsi"), parsed; an
 * argument the note does not have is the constant 0 (upstream's
 * bpf_usdt_arg() leaves 0 there)
 */
static bool usdt_spec_parse(const char *spec, int n, struct usdt_spec *out)
{
	const char *p = spec;
	char *end;
	long size;
	int i, shift;

	memset(out, 0, sizeof(*out));
	out->idx = -1;
	for (i = 0; ; i++) {
		while (*p == ' ')
			p++;
		if (!*p) {
			out->kind = ARG_CONST;
			out->size = 8;
			return true;
		}
		if (i == n)
			break;
		while (*p && *p != ' ')
			p++;
	}
	size = strtol(p, &end, 10);
	if (end == p || *end != '@')
		return false;
	if (labs(size) != 1 && labs(size) != 2 && labs(size) != 4 &&
	    labs(size) != 8)
		return false;
	out->size = (int)labs(size);
	out->is_signed = size < 0;
	p = end + 1;
	if (*p == '$') {
		out->kind = ARG_CONST;
		out->imm = (int64_t)strtoull(p + 1, &end, 0);
		if (p[1] == '-')
			out->imm = strtoll(p + 1, &end, 0);
		return end != p + 1 && (!*end || *end == ' ');
	}
	if (*p == '%') {
		out->kind = ARG_REG;
		out->base = parse_reg(&p, &out->base_shift);
		return out->base >= 0 && (!*p || *p == ' ');
	}
	out->kind = ARG_MEM;
	if (*p != '(') {
		out->imm = strtoll(p, &end, 0);
		if (end == p)
			return false;     /* a symbol: not handled */
		p = end;
	}
	if (*p++ != '(')
		return false;
	out->base = parse_reg(&p, &shift);
	if (out->base < 0 || shift)
		return false;
	if (*p == ',') {
		p++;
		out->idx = parse_reg(&p, &shift);
		if (out->idx < 0 || shift)
			return false;
		out->scale = 1;
		if (*p == ',') {
			out->scale = strtoll(p + 1, &end, 10);
			if (end == p + 1)
				return false;
			p = end;
		}
	}
	return *p++ == ')' && (!*p || *p == ' ');
}

static LLVMValueRef regs_load(struct gen *g, int64_t off)
{
	LLVMValueRef ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8),
					 gen_ptr_add(g, g->ctxarg, off), "");

	LLVMSetAlignment(ld, 8);
	return ld;
}

/* v (i64) cut to size bytes and widened by sign */
static LLVMValueRef widen(struct gen *g, LLVMValueRef v, int size,
			  bool is_signed)
{
	LLVMValueRef sh;

	if (size >= 8)
		return v;
	sh = gen_i64(g, (uint64_t)(64 - 8 * size));
	v = LLVMBuildShl(g->b, v, sh, "");
	return is_signed ? LLVMBuildAShr(g->b, v, sh, "") :
			   LLVMBuildLShr(g->b, v, sh, "");
}

/* argN of the usdt probe being generated, as a u64 (NULL: error given) */
LLVMValueRef usdt_arg(struct gen *g, const struct val *e, int n)
{
	const char *spec = g->attach ? val_get_str(g->attach, "args") : NULL;
	struct usdt_spec s;
	LLVMValueRef v, addr, tmp, ld, args[3];

	if (!spec || !usdt_spec_parse(spec, n, &s)) {
		diag_error_at(e, "usdt probe '%s': argument %d ('%s') cannot be read: unsupported argument spec",
			      g->attach ? val_get_str(g->attach, "name") : "?",
			      n, spec ? spec : "");
		return NULL;
	}
	switch (s.kind) {
	case ARG_CONST:
		v = gen_i64(g, (uint64_t)s.imm);
		break;
	case ARG_REG:
		v = regs_load(g, s.base);
		if (s.base_shift)
			v = LLVMBuildLShr(g->b, v,
					  gen_i64(g, (uint64_t)s.base_shift), "");
		break;
	default:
		addr = LLVMBuildAdd(g->b, regs_load(g, s.base),
				    gen_i64(g, (uint64_t)s.imm), "");
		if (s.idx >= 0)
			addr = LLVMBuildAdd(g->b, addr, LLVMBuildMul(g->b,
				regs_load(g, s.idx),
				gen_i64(g, (uint64_t)s.scale), ""), "");
		tmp = gen_tmp(g, 8);
		LLVMSetAlignment(LLVMBuildStore(g->b, gen_i64(g, 0), tmp), 8);
		args[0] = tmp;
		args[1] = gen_const(g, 4, (uint64_t)s.size);
		args[2] = LLVMBuildIntToPtr(g->b, addr,
					    LLVMPointerTypeInContext(g->ctx, 0),
					    "");
		gen_helper(g, BPF_FUNC_probe_read_user,
			   LLVMInt64TypeInContext(g->ctx), args, 3);
		ld = LLVMBuildLoad2(g->b, gen_int_type(g, 8), tmp, "");
		LLVMSetAlignment(ld, 8);
		v = ld;
		break;
	}
	return widen(g, v, s.size, s.is_signed);
}
