/*
 * lexer.c - bt's tokenizer: white space and comments, identifiers,
 * integer literals (bases, `_` separators, `MeN`, C and duration
 * suffixes), string literals with escapes, `$x` / `$N` / `$#`, `@m`, and
 * operators (longest match).
 *
 * The lexer is stateless: lex_token() reads the token at a byte offset,
 * so the parser can look ahead and back up by keeping offsets.  Attach
 * points and the C preamble are not tokens; the parser scans their raw
 * text itself.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "parse.h"

void lex_fail(struct lexer *lx, size_t start, size_t end, const char *fmt,
	      ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error((struct diag_loc){ start, end }, "syntax: %s", msg);
	longjmp(*lx->fail, 1);
}

bool lex_is_ident_start(int c)
{
	return isalpha((unsigned char)c) || c == '_';
}

bool lex_is_ident_body(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static int at(const struct lexer *lx, size_t pos)
{
	return pos < lx->len ? (unsigned char)lx->src[pos] : 0;
}

size_t lex_skip_layout(struct lexer *lx, size_t pos)
{
	for (;;) {
		int c = at(lx, pos);

		if (pos < lx->len && isspace(c)) {
			pos++;
		} else if (c == '/' && at(lx, pos + 1) == '/') {
			while (pos < lx->len && lx->src[pos] != '\n')
				pos++;
		} else if (c == '/' && at(lx, pos + 1) == '*') {
			size_t open = pos;

			pos += 2;
			while (pos < lx->len &&
			       !(lx->src[pos] == '*' && at(lx, pos + 1) == '/'))
				pos++;
			if (pos >= lx->len)
				lex_fail(lx, open, open + 2,
					 "unterminated comment");
			pos += 2;
		} else {
			return pos;
		}
	}
}

void lex_error_span(const struct lexer *lx, const struct token *t,
		    size_t *start, size_t *end)
{
	*start = t->start;
	switch (t->kind) {
	case TOK_EOF:
		*end = t->start;
		break;
	case TOK_IDENT:
	case TOK_INT:
	case TOK_VAR:
	case TOK_PARAM:
	case TOK_MAP:
		*end = t->end;
		break;
	default:
		*end = t->start + 1;
	}
}

/* the multiplier of an integer suffix, 0 if the suffix is not valid */
static uint64_t suffix_scale(const char *s, uint64_t *max)
{
	static const struct {
		const char *name;
		uint64_t scale, max;
	} tab[] = {
		{ "u", 1, UINT32_MAX }, { "ul", 1, UINT64_MAX },
		{ "ull", 1, UINT64_MAX }, { "l", 1, INT64_MAX },
		{ "ll", 1, INT64_MAX },
		{ "ns", 1, UINT64_MAX }, { "us", 1000ULL, UINT64_MAX },
		{ "ms", 1000000ULL, UINT64_MAX },
		{ "s", 1000000000ULL, UINT64_MAX },
		{ "m", 60000000000ULL, UINT64_MAX },
		{ "h", 3600000000000ULL, UINT64_MAX },
		{ "d", 86400000000000ULL, UINT64_MAX },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!strcmp(tab[i].name, s)) {
			*max = tab[i].max;
			return tab[i].scale;
		}
	}
	return 0;
}

static void lex_overflow(struct lexer *lx, size_t start, size_t end,
			 uint64_t max)
{
	lex_fail(lx, start, end, "overflow error, maximum value is %llu: %.*s",
		 (unsigned long long)max, (int)(end - start), lx->src + start);
}

/* integer literal at pos (a digit) */
static void lex_integer(struct lexer *lx, size_t pos, struct token *t)
{
	size_t start = pos, sfx_start;
	uint64_t v = 0, max = UINT64_MAX, scale = 1;
	unsigned base = 10, ndig = 0;
	char sfx[8];
	size_t n = 0;

	if (at(lx, pos) == '0' && (at(lx, pos + 1) == 'x' ||
				   at(lx, pos + 1) == 'X')) {
		base = 16;
		pos += 2;
	} else if (at(lx, pos) == '0' && (at(lx, pos + 1) == 'b' ||
					  at(lx, pos + 1) == 'B') &&
		   (at(lx, pos + 2) == '0' || at(lx, pos + 2) == '1')) {
		base = 2;
		pos += 2;
	} else if (at(lx, pos) == '0' && isdigit(at(lx, pos + 1))) {
		base = 8;
		pos++;
	}
	for (;; pos++) {
		int c = at(lx, pos);
		unsigned d;

		if (c == '_')
			continue;
		if (isdigit(c))
			d = c - '0';
		else if (base == 16 && isxdigit(c))
			d = (tolower(c) - 'a') + 10;
		else
			break;
		if (d >= base)
			lex_fail(lx, start, pos + 1, "invalid integer: %.*s",
				 (int)(pos + 1 - start), lx->src + start);
		if (v > (UINT64_MAX - d) / base) {
			while (lex_is_ident_body(at(lx, pos)))
				pos++;
			lex_overflow(lx, start, pos, UINT64_MAX);
		}
		v = v * base + d;
		ndig++;
	}
	if (at(lx, pos - 1) == '_')
		lex_fail(lx, pos - 1, pos,
			 "trailing underscore in integer literal");
	if (!ndig)
		lex_fail(lx, start, pos, "invalid integer: %.*s",
			 (int)(pos - start), lx->src + start);
	/* scientific notation: a single digit coefficient 1-9, then eN */
	if (base == 10 && (at(lx, pos) == 'e' || at(lx, pos) == 'E')) {
		uint64_t e = 0;
		size_t epos = ++pos;

		if (!isdigit(at(lx, pos)) && !lex_is_ident_body(at(lx, pos)))
			lex_fail(lx, start, pos, "invalid trailing bytes: %.*s",
				 (int)(pos - start), lx->src + start);
		if (!isdigit(at(lx, pos))) {
			pos--;  /* `5ex`: an invalid suffix below */
			goto suffix;
		}
		for (; isdigit(at(lx, pos)) || at(lx, pos) == '_'; pos++) {
			if (at(lx, pos) == '_')
				continue;
			if (e < 1000)
				e = e * 10 + (at(lx, pos) - '0');
		}
		if (at(lx, pos - 1) == '_')
			lex_fail(lx, pos - 1, pos,
				 "trailing underscore in integer literal");
		if (v < 1 || v > 9 || epos - start != 2)
			lex_fail(lx, start, pos,
				 "coefficient part of scientific literal must be 1-9: %.*s",
				 (int)(pos - start), lx->src + start);
		while (e--) {
			if (v > UINT64_MAX / 10)
				lex_overflow(lx, start, pos, UINT64_MAX);
			v *= 10;
		}
	}
	/* `1.5`, but not the `0.1` of `$t.0.1` */
	if (at(lx, pos) == '.' && isdigit(at(lx, pos + 1)) &&
	    !(start > 0 && lx->src[start - 1] == '.')) {
		size_t e = pos + 1;

		while (isdigit(at(lx, e)))
			e++;
		lex_fail(lx, start, e, "floating-point numbers are not supported");
	}
suffix:
	/*
	 * suffix, longest valid prefix first as upstream reads it:
	 * ns us ms | s m h d | u[l[l]] | l[l]; whatever identifier
	 * characters remain are an invalid suffix
	 */
	sfx_start = pos;
	{
		int c0 = tolower(at(lx, pos)), c1 = tolower(at(lx, pos + 1));

		if ((c0 == 'n' || c0 == 'u' || c0 == 'm') && c1 == 's') {
			pos += 2;
		} else if (c0 == 's' || c0 == 'm' || c0 == 'h' || c0 == 'd') {
			pos++;
		} else if (c0 == 'u' || c0 == 'l') {
			pos++;
			if (c0 == 'u' && tolower(at(lx, pos)) == 'l')
				pos++;
			if (tolower(at(lx, pos)) == 'l')
				pos++;
		}
	}
	if (lex_is_ident_body(at(lx, pos))) {
		size_t bad = pos;

		while (lex_is_ident_body(at(lx, pos)))
			pos++;
		lex_fail(lx, bad, pos, "invalid integer suffix '%.*s'",
			 (int)(pos - bad), lx->src + bad);
	}
	for (; n < pos - sfx_start; n++)
		sfx[n] = (char)tolower(at(lx, sfx_start + n));
	sfx[n] = '\0';
	t->suffix = NULL;
	if (n) {
		scale = suffix_scale(sfx, &max);
		if (!scale)
			lex_fail(lx, sfx_start, pos,
				 "invalid integer suffix '%.*s'",
				 (int)(pos - sfx_start), lx->src + sfx_start);
		t->suffix = arena_strdup(lx->a, sfx);
		if (v > max / scale)
			lex_overflow(lx, start, pos, max);
		v *= scale;
	}
	t->kind = TOK_INT;
	t->ival = v;
	t->end = pos;
}

/* string literal at pos (a '"'): decode the escapes */
static void lex_string(struct lexer *lx, size_t pos, struct token *t)
{
	size_t cap = 16, n = 0;
	char *buf = arena_alloc(lx->a, cap);

	pos++;
	for (;;) {
		int c = at(lx, pos);
		size_t esc = pos;

		if (pos >= lx->len || c == '\n')
			lex_fail(lx, pos, pos, "unterminated string");
		if (c == '"')
			break;
		if (n + 2 >= cap) {
			char *nb = arena_alloc(lx->a, cap * 2);

			memcpy(nb, buf, n);
			buf = nb;
			cap *= 2;
		}
		pos++;
		if (c != '\\') {
			buf[n++] = (char)c;
			continue;
		}
		c = at(lx, pos++);
		switch (c) {
		case 'n': buf[n++] = '\n'; break;
		case 't': buf[n++] = '\t'; break;
		case 'r': buf[n++] = '\r'; break;
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case 'x':
		case 'X': {
			unsigned v = 0, k = 0;

			while (k < 2 && isxdigit(at(lx, pos))) {
				int h = at(lx, pos++);

				v = v * 16 + (isdigit(h) ? h - '0' :
					      tolower(h) - 'a' + 10);
				k++;
			}
			if (!k)
				lex_fail(lx, esc, pos,
					 "invalid hex escape sequence");
			buf[n++] = (char)v;
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				unsigned v = c - '0', k = 1;

				while (k < 3 && at(lx, pos) >= '0' &&
				       at(lx, pos) <= '7') {
					v = v * 8 + (at(lx, pos++) - '0');
					k++;
				}
				if (v > 255)
					lex_fail(lx, esc, pos,
						 "octal escape sequence out of range '%.*s'",
						 (int)(pos - esc),
						 lx->src + esc);
				buf[n++] = (char)v;
				break;
			}
			if (pos > lx->len)
				lex_fail(lx, esc, esc, "unterminated string");
			lex_fail(lx, esc, pos, "invalid escape character '\\%c'",
				 isprint(c) ? c : '?');
		}
	}
	buf[n] = '\0';
	t->kind = TOK_STR;
	t->text = buf;
	t->len = n;
	t->end = pos + 1;
}

/* operators, longest first */
static const char *const puncts[] = {
	"<<=", ">>=",
	"==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "++", "--", "->",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "..",
	"+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "=",
	"?", ":", ";", ",", ".", "(", ")", "[", "]", "{", "}", "#",
};

void lex_token(struct lexer *lx, size_t pos, struct token *t)
{
	int c;
	size_t i;

	pos = lex_skip_layout(lx, pos);
	memset(t, 0, sizeof(*t));
	t->start = t->end = pos;
	if (pos >= lx->len) {
		t->kind = TOK_EOF;
		return;
	}
	c = at(lx, pos);
	if (lex_is_ident_start(c)) {
		while (lex_is_ident_body(at(lx, pos)))
			pos++;
		t->kind = TOK_IDENT;
		t->text = arena_strndup(lx->a, lx->src + t->start,
					pos - t->start);
		t->len = pos - t->start;
		t->end = pos;
		return;
	}
	if (isdigit(c)) {
		lex_integer(lx, pos, t);
		return;
	}
	if (c == '"') {
		lex_string(lx, pos, t);
		return;
	}
	if (c == '$') {
		if (at(lx, pos + 1) == '#') {
			t->kind = TOK_PARAMCOUNT;
			t->end = pos + 2;
			return;
		}
		if (isdigit(at(lx, pos + 1))) {
			uint64_t v = 0;
			bool big = false;

			for (pos++; isdigit(at(lx, pos)); pos++) {
				if (v > (uint64_t)INT64_MAX / 10)
					big = true;
				v = v * 10 + (at(lx, pos) - '0');
				if (v > (uint64_t)INT64_MAX)
					big = true;
			}
			if (big || v < 1)
				lex_fail(lx, t->start, pos,
					 "param %.*s is out of integer range [1, %lld]",
					 (int)(pos - t->start),
					 lx->src + t->start,
					 (long long)INT64_MAX);
			t->kind = TOK_PARAM;
			t->ival = v;
			t->end = pos;
			return;
		}
		if (!lex_is_ident_start(at(lx, pos + 1)))
			lex_fail(lx, pos, pos + 1,
				 "expected identifier after '$'");
		for (pos++; lex_is_ident_body(at(lx, pos)); pos++)
			;
		t->kind = TOK_VAR;
		t->text = arena_strndup(lx->a, lx->src + t->start,
					pos - t->start);
		t->len = pos - t->start;
		t->end = pos;
		return;
	}
	if (c == '@') {
		for (pos++; lex_is_ident_body(at(lx, pos)); pos++)
			;
		t->kind = TOK_MAP;
		t->text = arena_strndup(lx->a, lx->src + t->start,
					pos - t->start);
		t->len = pos - t->start;
		t->end = pos;
		return;
	}
	for (i = 0; i < sizeof(puncts) / sizeof(puncts[0]); i++) {
		size_t n = strlen(puncts[i]);

		if (pos + n <= lx->len && !memcmp(lx->src + pos, puncts[i], n)) {
			t->kind = TOK_PUNCT;
			t->text = puncts[i];
			t->len = n;
			t->end = pos + n;
			return;
		}
	}
	if (c == '\'')
		lex_fail(lx, pos, pos + 1,
			 "character literals are not supported, use a string");
	lex_fail(lx, pos, pos + 1, "unexpected character '%s'",
		 isprint(c) ? (char[]){ (char)c, 0 } : "\\?");
}
