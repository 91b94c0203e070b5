/*
 * cdefs.c - the C definitions at the top of a script (the program's
 * "cdefs" text: `#include`, `#define`, struct/union/enum definitions,
 * typedefs) and --include FILEs, compiled by libclang's C API.
 *
 * How it works:
 *  - Nothing happens, and libclang is not even loaded, when the script has
 *    no C definitions and no --include.  Otherwise libclang.c dlopen()s
 *    libclang (a located error names the package when it cannot).
 *  - The cdefs text is the script's definitions joined by newlines
 *    (bt-parse keeps each verbatim); cdef_split() cuts it into those pieces
 *    again with bt-parse's grammar and finds each one in the script, so a
 *    byte of the C buffer maps back to a script offset.  The buffer that
 *    clang parses (an unsaved file "definitions.h", C, the host's
 *    <arch>-linux-gnu target, -isystem /usr/local/include, the multiarch
 *    and /usr/include, then -I DIRs) is: an #include of the BTF header, the
 *    --include FILEs, then each piece followed by ";" when it is a
 *    definition (`struct a {...} struct b {...}` is valid bpftrace).
 *  - Kernel types, as upstream resolves them: the script may name types it
 *    does not define.  After each parse the diagnostics "unknown type name
 *    'X'" and "... incomplete type 'struct X'" name what is missing; those
 *    found in vmlinux BTF are written as C by libbpf's btf_dump (with their
 *    dependencies) into the BTF header and the buffer is parsed again,
 *    until nothing new is missing.  A type name that BTF lacks but bt knows
 *    (u64, int8, bool) becomes a typedef of its C type.  Once the script
 *    defines its own version of a kernel struct, union or enum, BTF supplies
 *    nothing (upstream's rule: whoever redefines a kernel type provides all
 *    it needs), and if BTF's definitions collide with an included header,
 *    the buffer is parsed without them.
 *  - Every error diagnostic of the last parse is printed through diag at
 *    the script location it maps to (a header's error at the piece that
 *    includes it), as "clang: error: MSG".
 *  - The cursors of the translation unit become bt types (share/type.h):
 *    every struct/union/enum definition and typedef (not the BTF header's:
 *    those stay shallow named references that btf.c completes from BTF),
 *    with sizes, alignments, field offsets and bitfields as clang lays them
 *    out; `char x[N]` is a string, as upstream treats it; floats are void
 *    values of their size; pointers to named records are shallow names,
 *    completed by check_struct_full().  Enumerators and object-like macros
 *    whose body is an integer constant expression (from the script and the
 *    included headers, through the detailed preprocessing record) become
 *    constants.
 */
#include <bpf/btf.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "check.h"
#include "libclang.h"

#define CDEF_MAIN "definitions.h"
#define CDEF_BTF_HEADER "/bt/include/__btf_types.h"
#define CDEF_MAX_ROUNDS 16

struct cdef_named {
	const char *name;
	struct type *type;
	int64_t value;        /* enumerators and macros */
};

/* the results, for check_cdef_struct() and check_cdef_const() */
static struct cdef_named *cdef_records, *cdef_consts, *cdef_typedefs;
static int n_records, n_consts, n_typedefs;

/* one definition of the script: cdefs text [at, at+len) is script [src, ...) */
struct cdef_piece {
	size_t at, len;
	size_t src;
	size_t buf;           /* where it starts in the clang buffer */
	bool is_pp;
};

struct sbuf_c {
	char *s;
	size_t n, cap;
};

struct cdefs {
	struct check *ck;
	const char *text;
	struct cdef_piece *pieces;
	int npieces;
	struct sbuf_c buf;    /* the main file */
	struct sbuf_c btfh;   /* the BTF header */
	const char **args;
	int nargs;
	CXIndex index;
	CXTranslationUnit tu;
	/* names asked of BTF (or given a fallback typedef) already */
	const char **asked;
	int nasked, capasked;
	bool use_btf;
	struct btf_dump *dump;
};

static void sb_add(struct sbuf_c *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;

		while (cap < b->n + n + 1)
			cap *= 2;
		b->s = realloc(b->s, cap);
		if (!b->s)
			abort();
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_vprintf(struct sbuf_c *b, const char *fmt, va_list ap)
{
	char tmp[512], *big = NULL;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		sb_add(b, tmp, (size_t)n);
		return;
	}
	big = malloc((size_t)n + 1);
	if (!big)
		abort();
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	sb_add(b, big, (size_t)n);
	free(big);
}

static void sb_printf(struct sbuf_c *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

static void cdef_add(struct arena *a, struct cdef_named **arr, int *n,
		     const char *name, struct type *t, int64_t v)
{
	struct cdef_named *na = arena_alloc(a, sizeof(*na) * (*n + 1));

	if (*n)
		memcpy(na, *arr, sizeof(*na) * *n);
	na[*n].name = arena_strdup(a, name);
	na[*n].type = t;
	na[*n].value = v;
	*arr = na;
	(*n)++;
}

static struct cdef_named *cdef_find(struct cdef_named *arr, int n,
				    const char *name)
{
	int i;

	for (i = n - 1; i >= 0; i--)
		if (!strcmp(arr[i].name, name))
			return &arr[i];
	return NULL;
}

static char *cdef_str(struct arena *a, CXString s)
{
	const char *c = lc.clang_getCString(s);
	char *r = arena_strdup(a, c ? c : "");

	lc.clang_disposeString(s);
	return r;
}

/* ------------------------------------------------------------ pieces */

/* past spaces and comments */
static size_t cdef_skip_layout(const char *s, size_t i)
{
	for (;;) {
		while (s[i] && isspace((unsigned char)s[i]))
			i++;
		if (s[i] == '/' && s[i + 1] == '/') {
			while (s[i] && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && s[i + 1] == '*') {
			const char *e = strstr(s + i + 2, "*/");

			i = e ? (size_t)(e - s) + 2 : strlen(s);
		} else {
			return i;
		}
	}
}

/* the end of the piece starting at i, as bt-parse cut it */
static size_t cdef_piece_end(const char *s, size_t i)
{
	int depth = 0;

	if (s[i] == '#') {
		while (s[i] && s[i] != '\n') {
			if (s[i] == '\\' && s[i + 1] == '\n')
				i++;
			i++;
		}
		return i;
	}
	while (s[i] && s[i] != '{')
		i++;
	for (; s[i]; i++) {
		size_t k = cdef_skip_layout(s, i);

		if (k != i && s[i] == '/') {
			i = k - 1;
			continue;
		}
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			break;
	}
	if (!s[i])
		return i;
	i++;
	for (;;) {
		size_t q = cdef_skip_layout(s, i);

		if (!strncmp(s + q, "__attribute__", 13)) {
			int d = 0;

			q += 13;
			while (s[q] && s[q] != '(')
				q++;
			for (; s[q]; q++) {
				if (s[q] == '(')
					d++;
				else if (s[q] == ')' && --d == 0)
					break;
			}
			i = s[q] ? q + 1 : q;
			continue;
		}
		if (s[q] == ';')
			i = q + 1;
		return i;
	}
}

static void cdef_split(struct cdefs *c, const char *src)
{
	const char *s = c->text;
	size_t i = 0, from = 0;

	for (;;) {
		struct cdef_piece *p;
		size_t end;
		const char *at;

		while (s[i] && isspace((unsigned char)s[i]))
			i++;
		if (!s[i])
			break;
		end = cdef_piece_end(s, i);
		if (end == i)
			end = i + 1;
		p = arena_alloc(c->ck->a, sizeof(*p) * (c->npieces + 1));
		if (c->npieces)
			memcpy(p, c->pieces, sizeof(*p) * c->npieces);
		c->pieces = p;
		p = &c->pieces[c->npieces++];
		p->at = i;
		p->len = end - i;
		p->is_pp = s[i] == '#';
		at = src && strlen(src) >= from ?
		     memmem(src + from, strlen(src) - from, s + i, p->len) : NULL;
		p->src = at ? (size_t)(at - src) : from;
		if (at)
			from = p->src + p->len;
		i = end;
	}
}

/* a script location of clang buffer offset off (n bytes long) */
static struct diag_loc cdef_script_loc(struct cdefs *c, size_t off, size_t n)
{
	struct diag_loc loc = { 0, 0 };
	int i;

	if (!c->npieces)
		return loc;
	loc.start = c->pieces[0].src;
	loc.end = loc.start + 1;
	for (i = 0; i < c->npieces; i++) {
		struct cdef_piece *p = &c->pieces[i];

		if (off >= p->buf && off <= p->buf + p->len) {
			size_t d = off - p->buf;

			loc.start = p->src + d;
			if (n > p->len - d)
				n = p->len - d;
			loc.end = loc.start + (n ? n : 1);
			if (d == p->len && loc.start > p->src) {
				loc.start--;
				loc.end = loc.start + 1;
			}
			return loc;
		}
	}
	return loc;
}

/* ------------------------------------------------------------ parsing */

static void cdef_btf_print(void *ctx, const char *fmt, va_list ap)
{
	sb_vprintf(ctx, fmt, ap);
}

static bool cdef_asked(struct cdefs *c, const char *name)
{
	int i;

	for (i = 0; i < c->nasked; i++)
		if (!strcmp(c->asked[i], name))
			return true;
	if (c->nasked == c->capasked) {
		const char **n;

		c->capasked = c->capasked ? c->capasked * 2 : 16;
		n = arena_alloc(c->ck->a, sizeof(*n) * c->capasked);
		if (c->nasked)
			memcpy(n, c->asked, sizeof(*n) * c->nasked);
		c->asked = n;
	}
	c->asked[c->nasked++] = arena_strdup(c->ck->a, name);
	return false;
}

/*
 * C for a missing type: "struct X"/"union X"/"enum X" or a typedef name.
 * true when something was added to the BTF header.
 */
static bool cdef_provide(struct cdefs *c, const char *what)
{
	struct btf *btf = c->use_btf ? kbtf_load() : NULL;
	const char *name = what;
	int kind = BTF_KIND_TYPEDEF;
	__s32 id = -1;

	if (cdef_asked(c, what))
		return false;
	if (!strncmp(what, "struct ", 7)) {
		name = what + 7;
		kind = BTF_KIND_STRUCT;
	} else if (!strncmp(what, "union ", 6)) {
		name = what + 6;
		kind = BTF_KIND_UNION;
	} else if (!strncmp(what, "enum ", 5)) {
		name = what + 5;
		kind = BTF_KIND_ENUM;
	}
	if (btf) {
		id = btf__find_by_name_kind(btf, name, kind);
		if (id < 0 && kind == BTF_KIND_ENUM)
			id = btf__find_by_name_kind(btf, name, BTF_KIND_ENUM64);
	}
	if (id > 0) {
		if (!c->dump) {
			c->dump = btf_dump__new(btf, cdef_btf_print, &c->btfh, NULL);
			if (!c->dump)
				return false;
		}
		return btf_dump__dump_type(c->dump, (__u32)id) == 0;
	}
	if (kind == BTF_KIND_TYPEDEF) {
		/* bt's own names: int8, uint32_t, u64, bool ... */
		struct val *spec = val_map(c->ck->a);
		unsigned before = diag_errors();
		struct type *t;
		static const char *const cnames[2][4] = {
			{ "unsigned char", "unsigned short", "unsigned int",
			  "unsigned long long" },
			{ "signed char", "short", "int", "long long" },
		};

		val_set_str(c->ck->a, spec, "base", name);
		c->ck->final = false;
		t = check_typespec(c->ck, spec);
		c->ck->final = true;
		if (!t || diag_errors() != before)
			return false;
		if (t->kind == TY_BOOL) {
			sb_printf(&c->btfh, "typedef _Bool %s;\n", name);
			return true;
		}
		if (t->kind == TY_INT && (t->size == 1 || t->size == 2 ||
					   t->size == 4 || t->size == 8)) {
			sb_printf(&c->btfh, "typedef %s %s;\n",
				  cnames[t->is_signed][t->size == 1 ? 0 :
						       t->size == 2 ? 1 :
						       t->size == 4 ? 2 : 3],
				  name);
			return true;
		}
	}
	return false;
}

static int cdef_parse(struct cdefs *c)
{
	struct CXUnsavedFile files[2] = {
		{ CDEF_MAIN, c->buf.s, c->buf.n },
		{ CDEF_BTF_HEADER, c->btfh.s ? c->btfh.s : "", c->btfh.n },
	};

	if (c->tu)
		lc.clang_disposeTranslationUnit(c->tu);
	c->tu = NULL;
	if (lc.clang_parseTranslationUnit2(c->index, CDEF_MAIN, c->args, c->nargs,
					   files, 2,
					   CXTranslationUnit_DetailedPreprocessingRecord |
					   CXTranslationUnit_KeepGoing,
					   &c->tu) || !c->tu)
		return -EINVAL;
	return 0;
}

/* the quoted name after prefix in msg ("unknown type name 'X'"), or NULL */
static const char *cdef_quoted(struct arena *a, const char *msg,
			       const char *prefix)
{
	const char *p = strstr(msg, prefix), *e;

	if (!p)
		return NULL;
	p += strlen(prefix);
	e = strchr(p, '\'');
	return e ? arena_strndup(a, p, (size_t)(e - p)) : NULL;
}

/* provide what the diagnostics say is missing: true if anything was */
static bool cdef_resolve_round(struct cdefs *c, bool *redefinition)
{
	unsigned i, n = lc.clang_getNumDiagnostics(c->tu);
	bool added = false;

	*redefinition = false;
	for (i = 0; i < n; i++) {
		CXDiagnostic d = lc.clang_getDiagnostic(c->tu, i);
		char *msg = cdef_str(c->ck->a, lc.clang_getDiagnosticSpelling(d));
		const char *name;

		if (lc.clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			if (strstr(msg, "redefinition"))
				*redefinition = true;
			if ((name = cdef_quoted(c->ck->a, msg, "unknown type name '")))
				added |= cdef_provide(c, name);
			else if (strstr(msg, "incomplete") &&
				 ((name = cdef_quoted(c->ck->a, msg, "type 'struct ")) ||
				  (name = cdef_quoted(c->ck->a, msg, "type 'union ")) ||
				  (name = cdef_quoted(c->ck->a, msg, "type 'enum "))))
				added |= cdef_provide(c, arena_printf(c->ck->a, "%s %s",
					strstr(msg, "type 'struct ") ? "struct" :
					strstr(msg, "type 'union ") ? "union" : "enum",
					name));
		}
		lc.clang_disposeDiagnostic(d);
	}
	return added;
}

/* the script location of a clang source location */
static struct diag_loc cdef_loc_of(struct cdefs *c, CXSourceLocation l,
				   size_t n)
{
	CXFile f;
	unsigned line, col, off;
	char *fname;

	lc.clang_getSpellingLocation(l, &f, &line, &col, &off);
	fname = f ? cdef_str(c->ck->a, lc.clang_getFileName(f)) : "";
	if (strcmp(fname, CDEF_MAIN))
		return cdef_script_loc(c, (size_t)-1, 1);
	if (!n) {
		while (off + n < c->buf.n &&
		       (isalnum((unsigned char)c->buf.s[off + n]) ||
			c->buf.s[off + n] == '_'))
			n++;
	}
	return cdef_script_loc(c, off, n);
}

struct cdef_incl {
	struct cdefs *c;
	const char *file;
	struct diag_loc loc;
	bool found;
};

/* where the main file includes (maybe indirectly) the file of a diagnostic */
static void cdef_inclusion(CXFile f, CXSourceLocation *stack, unsigned n,
			   CXClientData data)
{
	struct cdef_incl *in = data;
	char *fname;

	if (in->found || !n || !f)
		return;
	fname = cdef_str(in->c->ck->a, lc.clang_getFileName(f));
	if (strcmp(fname, in->file))
		return;
	in->found = true;
	in->loc = cdef_loc_of(in->c, stack[n - 1], 0);
}

/* print the errors of the last parse; their count */
static int cdef_report(struct cdefs *c)
{
	unsigned i, n = lc.clang_getNumDiagnostics(c->tu);
	int errors = 0;

	for (i = 0; i < n; i++) {
		CXDiagnostic d = lc.clang_getDiagnostic(c->tu, i);
		char *msg = cdef_str(c->ck->a, lc.clang_getDiagnosticSpelling(d));
		CXSourceLocation l = lc.clang_getDiagnosticLocation(d);
		CXFile f;
		unsigned line, col, off, len = 0;
		char *fname;
		struct diag_loc loc;

		if (lc.clang_getDiagnosticSeverity(d) < CXDiagnostic_Error) {
			lc.clang_disposeDiagnostic(d);
			continue;
		}
		lc.clang_getSpellingLocation(l, &f, &line, &col, &off);
		fname = f ? cdef_str(c->ck->a, lc.clang_getFileName(f)) : "";
		if (!strcmp(fname, CDEF_MAIN)) {
			if (lc.clang_getDiagnosticNumRanges(d)) {
				CXSourceRange r = lc.clang_getDiagnosticRange(d, 0);
				CXFile f2, f3;
				unsigned l2, c2, o2, l3, c3, o3;

				lc.clang_getSpellingLocation(lc.clang_getRangeStart(r),
							     &f2, &l2, &c2, &o2);
				lc.clang_getSpellingLocation(lc.clang_getRangeEnd(r),
							     &f3, &l3, &c3, &o3);
				if (o2 == off && o3 > off)
					len = o3 - off;
			}
			loc = cdef_loc_of(c, l, len);
			if (len) {
				/* clang's ranges end at the last token's start */
				size_t e = off + len;

				while (e < c->buf.n &&
				       (isalnum((unsigned char)c->buf.s[e]) ||
					c->buf.s[e] == '_'))
					e++;
				loc = cdef_script_loc(c, off, e - off);
			}
			diag_error(loc, "clang: error: %s", msg);
		} else {
			struct cdef_incl in = { c, fname, { 0, 0 }, false };

			lc.clang_getInclusions(c->tu, cdef_inclusion, &in);
			if (!in.found)
				in.loc = cdef_script_loc(c, (size_t)-1, 1);
			if (*fname)
				diag_error(in.loc, "clang: error: %s:%u:%u: %s",
					   fname, line, col, msg);
			else
				diag_error(in.loc, "clang: error: %s", msg);
		}
		if (strstr(msg, "unknown type name") ||
		    strstr(msg, "incomplete type")) {
			if (!c->use_btf && check_btf_available())
				check_hint(c->ck, "the script defines its own version of a kernel type, so no kernel types are taken from BTF: define every type it uses");
			else
				check_hint(c->ck, "define the type, #include a header that does, or make kernel BTF available");
		}
		errors++;
		lc.clang_disposeDiagnostic(d);
	}
	return errors;
}

/* ------------------------------------------------------------ types */

static struct type *cdef_type(struct cdefs *c, CXType t);

static char *cdef_file_of(struct cdefs *c, CXCursor cur)
{
	CXFile f;
	unsigned line, col, off;

	lc.clang_getSpellingLocation(lc.clang_getCursorLocation(cur), &f, &line,
				     &col, &off);
	return f ? cdef_str(c->ck->a, lc.clang_getFileName(f)) : "";
}

/* "struct X" for a record or enum declaration, NULL when it has no tag */
static const char *cdef_tag(struct cdefs *c, CXCursor decl)
{
	enum CXCursorKind k = lc.clang_getCursorKind(decl);
	const char *kw = k == CXCursor_UnionDecl ? "union" :
			 k == CXCursor_EnumDecl ? "enum" : "struct";
	char *n = cdef_str(c->ck->a, lc.clang_getCursorSpelling(decl));

	if (!*n || lc.clang_Cursor_isAnonymous(decl) || strchr(n, ' ') ||
	    strchr(n, '('))
		return NULL;
	return arena_printf(c->ck->a, "%s %s", kw, n);
}

struct cdef_fields {
	struct cdefs *c;
	struct type *st;
	int cap;
};

static enum CXVisitorResult cdef_field(CXCursor f, CXClientData data)
{
	struct cdef_fields *fs = data;
	struct cdefs *c = fs->c;
	struct type *st = fs->st;
	struct type_field *tf;
	long long bits = lc.clang_Cursor_getOffsetOfField(f);
	CXType ft = lc.clang_getCanonicalType(lc.clang_getCursorType(f));
	char *name = cdef_str(c->ck->a, lc.clang_getCursorSpelling(f));

	if (st->nfields == fs->cap) {
		struct type_field *n;

		fs->cap = fs->cap ? fs->cap * 2 : 8;
		n = arena_alloc(c->ck->a, sizeof(*n) * fs->cap);
		if (st->nfields)
			memcpy(n, st->fields, sizeof(*n) * st->nfields);
		st->fields = n;
	}
	tf = &st->fields[st->nfields++];
	memset(tf, 0, sizeof(*tf));
	/* an anonymous struct/union member has no name */
	if (ft.kind == CXType_Record &&
	    lc.clang_Cursor_isAnonymousRecordDecl(lc.clang_getTypeDeclaration(ft)))
		name = "";
	tf->name = name;
	tf->type = cdef_type(c, ft);
	if (bits < 0)
		bits = 0;
	if (lc.clang_Cursor_isBitField(f)) {
		int w = lc.clang_getFieldDeclBitWidth(f);
		int64_t unit_bits = type_size(tf->type) * 8;
		int64_t unit = unit_bits ? bits / unit_bits * unit_bits : bits;

		tf->bitfield_bits = w > 64 ? 64 : w;
		/*
		 * read at the storage unit of the field's type when the field
		 * lies inside one and the unit inside the struct (a read never
		 * runs past it), else from the byte of its first bit (packed)
		 */
		if (unit_bits && bits + w <= unit + unit_bits &&
		    unit / 8 + unit_bits / 8 <= st->size) {
			tf->offset = unit / 8;
			tf->bitfield_offset = (int)(bits - unit);
		} else {
			tf->offset = bits / 8;
			tf->bitfield_offset = (int)(bits % 8);
		}
		if (!w)
			st->nfields--;  /* `int :0;` only aligns */
	} else {
		tf->offset = bits / 8;
	}
	return CXVisit_Continue;
}

static struct type *cdef_record(struct cdefs *c, CXType t)
{
	CXCursor decl = lc.clang_getTypeDeclaration(t);
	const char *tag = cdef_tag(c, decl);
	struct cdef_named *known = tag ? cdef_find(cdef_records, n_records, tag)
				       : NULL;
	long long size = lc.clang_Type_getSizeOf(t);
	struct cdef_fields fs = { c, NULL, 0 };
	struct type *st;

	if (known)
		return known->type;
	st = type_new(c->ck->a, TY_STRUCT);
	st->size = size > 0 ? size : 0;
	st->name = tag ? tag : lc.clang_getCursorKind(decl) == CXCursor_UnionDecl ?
		   "union (anonymous)" : "struct (anonymous)";
	/* BTF's types and undefined ones: a reference that btf.c completes */
	if (size < 0 || !strcmp(cdef_file_of(c, decl), CDEF_BTF_HEADER))
		return st;
	fs.st = st;
	lc.clang_Type_visitFields(t, cdef_field, &fs);
	if (tag)
		cdef_add(c->ck->a, &cdef_records, &n_records, tag, st, 0);
	return st;
}

struct cdef_enum {
	struct cdefs *c;
	struct type *t;
};

static enum CXChildVisitResult cdef_enumerator(CXCursor cur, CXCursor parent,
					       CXClientData data)
{
	struct cdef_enum *e = data;
	struct type *t = e->t;
	struct type_enumerator *ne;

	if (lc.clang_getCursorKind(cur) != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	ne = arena_alloc(e->c->ck->a, sizeof(*ne) * (t->nenums + 1));
	if (t->nenums)
		memcpy(ne, t->enums, sizeof(*ne) * t->nenums);
	ne[t->nenums].name = cdef_str(e->c->ck->a, lc.clang_getCursorSpelling(cur));
	ne[t->nenums].value = lc.clang_getEnumConstantDeclValue(cur);
	t->enums = ne;
	t->nenums++;
	return CXChildVisit_Continue;
}

/*
 * an enum declaration: the type registered under its name and that its
 * enumerators carry is 64 bits wide, as enumerator values are upstream; a
 * field of the enum type has the enum's own size
 */
static struct type *cdef_enum_decl(struct cdefs *c, CXCursor decl)
{
	const char *tag = cdef_tag(c, decl);
	struct cdef_named *known = tag ? cdef_find(cdef_records, n_records, tag)
				       : NULL;
	struct cdef_enum e = { c, NULL };
	int i;

	if (known)
		return known->type;
	e.t = type_new(c->ck->a, TY_ENUM);
	e.t->name = tag ? tag : "enum (anonymous)";
	e.t->size = 8;
	e.t->is_signed = true;
	lc.clang_visitChildren(decl, cdef_enumerator, &e);
	if (tag)
		cdef_add(c->ck->a, &cdef_records, &n_records, tag, e.t, 0);
	for (i = 0; i < e.t->nenums; i++)
		cdef_add(c->ck->a, &cdef_consts, &n_consts, e.t->enums[i].name,
			 e.t, e.t->enums[i].value);
	return e.t;
}

static struct type *cdef_type(struct cdefs *c, CXType t)
{
	struct arena *a = c->ck->a;
	long long size;
	struct type *r;

	t = lc.clang_getCanonicalType(t);
	size = lc.clang_Type_getSizeOf(t);
	switch (t.kind) {
	case CXType_Bool:
		return type_new(a, TY_BOOL);
	case CXType_Char_S: case CXType_SChar: case CXType_Short:
	case CXType_Int: case CXType_Long: case CXType_LongLong:
	case CXType_Char_U: case CXType_UChar: case CXType_UShort:
	case CXType_UInt: case CXType_ULong: case CXType_ULongLong:
		if (size == 1 || size == 2 || size == 4 || size == 8)
			return type_int(a, (int)size,
					t.kind == CXType_Char_S || t.kind == CXType_SChar ||
					t.kind == CXType_Short || t.kind == CXType_Int ||
					t.kind == CXType_Long || t.kind == CXType_LongLong);
		break;
	case CXType_Record:
		return cdef_record(c, t);
	case CXType_Enum: {
		struct type *e = cdef_enum_decl(c, lc.clang_getTypeDeclaration(t));

		CXType it = lc.clang_getCanonicalType(lc.clang_getEnumDeclIntegerType(
			lc.clang_getTypeDeclaration(t)));

		r = type_new(a, TY_ENUM);
		*r = *e;
		r->size = size > 0 ? size : 4;
		r->is_signed = !(it.kind == CXType_UInt || it.kind == CXType_ULong ||
				 it.kind == CXType_ULongLong ||
				 it.kind == CXType_UShort || it.kind == CXType_UChar);
		return r;
	}
	case CXType_Pointer: {
		CXType pt = lc.clang_getCanonicalType(lc.clang_getPointeeType(t));
		struct type *elem;

		if (pt.kind == CXType_Record) {
			CXCursor decl = lc.clang_getTypeDeclaration(pt);
			const char *tag = cdef_tag(c, decl);
			struct cdef_named *known = tag ?
				cdef_find(cdef_records, n_records, tag) : NULL;

			if (known) {
				elem = known->type;
			} else if (tag) {
				/* never recurse through pointers: a named
				   reference, completed on use */
				elem = type_new(a, TY_STRUCT);
				elem->name = tag;
				size = lc.clang_Type_getSizeOf(pt);
				elem->size = size > 0 ? size : 0;
			} else {
				elem = cdef_record(c, pt);
			}
		} else if (pt.kind == CXType_FunctionProto ||
			   pt.kind == CXType_FunctionNoProto) {
			elem = type_new(a, TY_VOID);
		} else {
			elem = cdef_type(c, pt);
		}
		return type_ptr(a, elem, false);
	}
	case CXType_ConstantArray:
	case CXType_IncompleteArray: {
		CXType et = lc.clang_getCanonicalType(lc.clang_getArrayElementType(t));
		long long n = t.kind == CXType_ConstantArray ?
			      lc.clang_getNumElements(t) : 0;

		if ((et.kind == CXType_Char_S || et.kind == CXType_Char_U) && n > 0)
			return type_string(a, n);
		r = type_new(a, TY_ARRAY);
		r->elem = cdef_type(c, et);
		r->count = n > 0 ? n : 0;
		return r;
	}
	case CXType_Void:
		return type_new(a, TY_VOID);
	default:
		break;
	}
	/* no bt type (float, double, __int128 ...): a value of no type that
	   keeps the layout (printed as null, as upstream does) */
	r = type_new(a, TY_VOID);
	r->size = size > 0 ? size : 0;
	return r;
}

/* ------------------------------------------------------------ macros */

struct cdef_tokens {
	char **s;
	unsigned n, i;
	bool ok;
};

static int64_t cdef_eval(struct cdef_tokens *tk, int prec);

static int64_t cdef_eval_unary(struct cdef_tokens *tk)
{
	const char *s;
	struct cdef_named *k;
	int64_t v;

	if (tk->i >= tk->n) {
		tk->ok = false;
		return 0;
	}
	s = tk->s[tk->i++];
	if (!strcmp(s, "-"))
		return (int64_t)(0 - (uint64_t)cdef_eval_unary(tk));
	if (!strcmp(s, "+"))
		return cdef_eval_unary(tk);
	if (!strcmp(s, "~"))
		return ~cdef_eval_unary(tk);
	if (!strcmp(s, "!"))
		return !cdef_eval_unary(tk);
	if (!strcmp(s, "(")) {
		v = cdef_eval(tk, 0);
		if (tk->i >= tk->n || strcmp(tk->s[tk->i], ")"))
			tk->ok = false;
		tk->i++;
		return v;
	}
	if (isdigit((unsigned char)s[0])) {
		char *end;

		v = (int64_t)strtoull(s, &end, 0);
		while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
			end++;
		if (*end)
			tk->ok = false;
		return v;
	}
	if ((isalpha((unsigned char)s[0]) || s[0] == '_') &&
	    (k = cdef_find(cdef_consts, n_consts, s)))
		return k->value;
	tk->ok = false;
	return 0;
}

/* binary operators by precedence (C's, loosest first) */
static int cdef_prec(const char *op)
{
	static const char *const ops[][4] = {
		{ "|" }, { "^" }, { "&" }, { "<<", ">>" }, { "+", "-" },
		{ "*", "/", "%" },
	};
	int i, j;

	for (i = 0; i < 6; i++)
		for (j = 0; j < 4 && ops[i][j]; j++)
			if (!strcmp(op, ops[i][j]))
				return i + 1;
	return 0;
}

static int64_t cdef_eval(struct cdef_tokens *tk, int prec)
{
	int64_t l = cdef_eval_unary(tk);

	while (tk->ok && tk->i < tk->n) {
		const char *op = tk->s[tk->i];
		int p = cdef_prec(op);
		int64_t r;

		if (!p || p <= prec)
			break;
		tk->i++;
		r = cdef_eval(tk, p);
		switch (op[0]) {
		case '|': l |= r; break;
		case '^': l ^= r; break;
		case '&': l &= r; break;
		case '<': l = r >= 0 && r < 64 ? (int64_t)((uint64_t)l << r) : 0; break;
		case '>': l = r >= 0 && r < 64 ? l >> r : 0; break;
		case '+': l = (int64_t)((uint64_t)l + (uint64_t)r); break;
		case '-': l = (int64_t)((uint64_t)l - (uint64_t)r); break;
		case '*': l = (int64_t)((uint64_t)l * (uint64_t)r); break;
		/* no division by 0, and INT64_MIN / -1 wraps instead of trapping */
		case '/':
			if (!r) tk->ok = false;
			else l = r == -1 ? (int64_t)(0 - (uint64_t)l) : l / r;
			break;
		case '%':
			if (!r) tk->ok = false;
			else l = r == -1 ? 0 : l % r;
			break;
		}
	}
	return l;
}

/* `#define NAME <integer constant expression>`: a constant */
static void cdef_macro(struct cdefs *c, CXCursor cur)
{
	CXToken *toks = NULL;
	unsigned n = 0, i;
	struct cdef_tokens tk = { NULL, 0, 0, true };
	int64_t v;

	if (lc.clang_Cursor_isMacroBuiltin(cur) ||
	    lc.clang_Cursor_isMacroFunctionLike(cur))
		return;
	lc.clang_tokenize(c->tu, lc.clang_getCursorExtent(cur), &toks, &n);
	if (n < 2) {
		lc.clang_disposeTokens(c->tu, toks, n);
		return;
	}
	tk.s = arena_alloc(c->ck->a, sizeof(*tk.s) * n);
	for (i = 0; i < n; i++)
		if (lc.clang_getTokenKind(toks[i]) != CXToken_Comment)
			tk.s[tk.n++] = cdef_str(c->ck->a,
						lc.clang_getTokenSpelling(c->tu, toks[i]));
	lc.clang_disposeTokens(c->tu, toks, n);
	if (tk.n < 2)
		return;
	tk.i = 1;
	v = cdef_eval(&tk, 0);
	if (tk.ok && tk.i == tk.n)
		cdef_add(c->ck->a, &cdef_consts, &n_consts, tk.s[0], NULL, v);
}

/* ------------------------------------------------------------ the walk */

static enum CXChildVisitResult cdef_top(CXCursor cur, CXCursor parent,
					CXClientData data)
{
	struct cdefs *c = data;
	enum CXCursorKind k = lc.clang_getCursorKind(cur);

	if (k == CXCursor_MacroDefinition) {
		cdef_macro(c, cur);
		return CXChildVisit_Continue;
	}
	if (k != CXCursor_StructDecl && k != CXCursor_UnionDecl &&
	    k != CXCursor_EnumDecl && k != CXCursor_TypedefDecl)
		return CXChildVisit_Continue;
	if (!strcmp(cdef_file_of(c, cur), CDEF_BTF_HEADER))
		return CXChildVisit_Continue;
	if (k == CXCursor_TypedefDecl) {
		char *name = cdef_str(c->ck->a, lc.clang_getCursorSpelling(cur));
		struct type *t = cdef_type(c,
			lc.clang_getTypedefDeclUnderlyingType(cur));

		cdef_add(c->ck->a, &cdef_typedefs, &n_typedefs, name, t, 0);
	} else if (lc.clang_isCursorDefinition(cur)) {
		if (k == CXCursor_EnumDecl)
			cdef_enum_decl(c, cur);
		else
			cdef_type(c, lc.clang_getCursorType(cur));
	}
	return CXChildVisit_Continue;
}

/* does the script itself define a struct/union/enum that BTF has? */
static enum CXChildVisitResult cdef_redefines(CXCursor cur, CXCursor parent,
					      CXClientData data)
{
	struct cdefs *c = data;
	enum CXCursorKind k = lc.clang_getCursorKind(cur);
	struct btf *btf = kbtf_load();
	const char *tag;

	if ((k != CXCursor_StructDecl && k != CXCursor_UnionDecl &&
	     k != CXCursor_EnumDecl) || !lc.clang_isCursorDefinition(cur) ||
	    strcmp(cdef_file_of(c, cur), CDEF_MAIN) || !btf)
		return CXChildVisit_Continue;
	tag = cdef_tag(c, cur);
	if (tag && btf__find_by_name_kind(btf, strchr(tag, ' ') + 1,
					  k == CXCursor_StructDecl ? BTF_KIND_STRUCT :
					  k == CXCursor_UnionDecl ? BTF_KIND_UNION :
					  BTF_KIND_ENUM) > 0) {
		c->use_btf = false;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static void cdef_args(struct cdefs *c)
{
	struct arena *a = c->ck->a;
	struct utsname u;
	const char *m = uname(&u) ? "x86_64" : arena_strdup(a, u.machine);
	int i, n = 0;

	c->args = arena_alloc(a, sizeof(*c->args) * (16 + 2 * c->ck->nincdirs));
	c->args[n++] = "-x";
	c->args[n++] = "c";
	c->args[n++] = arena_printf(a, "--target=%s-linux-gnu", m);
	c->args[n++] = "-ferror-limit=32";
	for (i = 0; i < c->ck->nincdirs; i++) {
		c->args[n++] = "-I";
		c->args[n++] = c->ck->incdirs[i];
	}
	c->args[n++] = "-isystem";
	c->args[n++] = "/usr/local/include";
	c->args[n++] = "-isystem";
	c->args[n++] = arena_printf(a, "/usr/include/%s-linux-gnu", m);
	c->args[n++] = "-isystem";
	c->args[n++] = "/usr/include";
	if (check_btf_available())
		c->args[n++] = "-DBPFTRACE_HAVE_BTF";
	c->nargs = n;
}

int check_cdefs(struct check *ck, const struct val *prog)
{
	const char *text = val_get_str(prog, "cdefs");
	const char *src = val_get_str(ck->hdr, "src");
	struct cdefs c = { ck };
	const char *why = NULL;
	bool redefinition = false;
	int i, rounds, err = 0;

	if ((!text || !*text) && !ck->nincludes)
		return 0;
	c.text = text ? text : "";
	cdef_split(&c, src);
	if (libclang_load(&why) < 0) {
		struct diag_loc loc = cdef_script_loc(&c, (size_t)-1, 1);

		/* the first line of the first definition */
		if (c.npieces && src) {
			const char *nl = memchr(src + c.pieces[0].src, '\n',
						c.pieces[0].len);

			loc.end = nl ? (size_t)(nl - src) :
				  c.pieces[0].src + c.pieces[0].len;
		}
		diag_error(loc, "C definitions need libclang, which cannot be loaded: %s",
			   why ? why : "not found");
		check_hint(ck, "install Debian's libclang1-19 (or libclang-19-dev)");
		return -ENOENT;
	}
	sb_add(&c.buf, "#include \"" CDEF_BTF_HEADER "\"\n",
	       strlen("#include \"" CDEF_BTF_HEADER "\"\n"));
	for (i = 0; i < ck->nincludes; i++)
		sb_printf(&c.buf, "#include \"%s\"\n", ck->includes[i]);
	for (i = 0; i < c.npieces; i++) {
		struct cdef_piece *p = &c.pieces[i];

		p->buf = c.buf.n;
		sb_add(&c.buf, c.text + p->at, p->len);
		sb_add(&c.buf, p->is_pp ? "\n" : ";\n", p->is_pp ? 1 : 2);
	}
	sb_add(&c.btfh, "", 0);
	cdef_args(&c);
	c.index = lc.clang_createIndex(0, 0);
	c.use_btf = check_btf_available();
	if (cdef_parse(&c) < 0) {
		diag_error(cdef_script_loc(&c, (size_t)-1, 1),
			   "clang could not parse the C definitions");
		err = -EINVAL;
		goto out;
	}
	if (c.use_btf)
		lc.clang_visitChildren(lc.clang_getTranslationUnitCursor(c.tu),
				       cdef_redefines, &c);
	for (rounds = 0; rounds < CDEF_MAX_ROUNDS &&
	     cdef_resolve_round(&c, &redefinition); rounds++) {
		if (cdef_parse(&c) < 0)
			break;
	}
	if (c.tu && redefinition && c.btfh.n) {
		/* BTF's definitions collide with a header's: do without */
		c.btfh.n = 0;
		c.btfh.s[0] = '\0';
		cdef_parse(&c);
	}
	if (!c.tu) {
		diag_error(cdef_script_loc(&c, (size_t)-1, 1),
			   "clang could not parse the C definitions");
		err = -EINVAL;
		goto out;
	}
	if (cdef_report(&c)) {
		err = -EINVAL;
		goto out;
	}
	lc.clang_visitChildren(lc.clang_getTranslationUnitCursor(c.tu),
			       cdef_top, &c);
out:
	if (c.dump)
		btf_dump__free(c.dump);
	if (c.tu)
		lc.clang_disposeTranslationUnit(c.tu);
	if (c.index)
		lc.clang_disposeIndex(c.index);
	free(c.buf.s);
	free(c.btfh.s);
	return err;
}

struct type *check_cdef_struct(const char *name)
{
	struct cdef_named *n = cdef_find(cdef_records, n_records, name);

	if (!n)
		n = cdef_find(cdef_typedefs, n_typedefs, name);
	return n ? n->type : NULL;
}

bool check_cdef_const(const char *name, int64_t *v, struct type **t)
{
	struct cdef_named *n = cdef_find(cdef_consts, n_consts, name);

	if (!n)
		return false;
	*v = n->value;
	*t = n->type;
	return true;
}
