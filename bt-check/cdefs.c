/*
 * cdefs.c - the C definitions at the top of a script (the program's
 * "cdefs" text): struct and union definitions, enums, typedefs and
 * object-like `#define NAME NUMBER` macros, laid out as gcc does on
 * x86_64 (natural alignment, bitfields packed into units of their type).
 *
 * This is a small declaration parser, not a C compiler: `#include` lines
 * only contribute their numeric macros (through cpp, cdef_includes), kernel
 * types come from BTF (btf.c), and a construct it
 * does not know is a located error.
 *
 *   cdefs    := { pp-line | struct-def ';'? | enum-def ';'? | typedef ';' }
 *   struct-def := ('struct'|'union') NAME? '{' { member } '}'
 *   member   := type declarator { ',' declarator } ';'
 *   declarator := '*'* NAME? { '[' NUMBER? ']' } [ ':' NUMBER ]
 *   enum-def := 'enum' NAME? '{' NAME [ '=' NUMBER ] { ',' ... } ','? '}'
 */
#include <ctype.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

struct cdefs {
	struct check *ck;
	const char *src, *p;
	size_t base;          /* offset of cdefs in the script source */
	char tok[128];
	const char *tok_start;
	bool failed;
};

struct cdef_named {
	const char *name;
	struct type *type;
	int64_t value;        /* enumerators and macros */
};

static struct cdef_named *cdef_structs, *cdef_consts, *cdef_typedefs;
static int n_structs, n_consts, n_typedefs;

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

static void cdef_skip_space(struct cdefs *c)
{
	for (;;) {
		while (*c->p && isspace((unsigned char)*c->p))
			c->p++;
		if (c->p[0] == '/' && c->p[1] == '/') {
			while (*c->p && *c->p != '\n')
				c->p++;
		} else if (c->p[0] == '/' && c->p[1] == '*') {
			const char *e = strstr(c->p + 2, "*/");

			c->p = e ? e + 2 : c->p + strlen(c->p);
		} else {
			return;
		}
	}
}

/* the next token into c->tok ("" at the end) */
static const char *cdef_next(struct cdefs *c)
{
	size_t n = 0;

	cdef_skip_space(c);
	c->tok_start = c->p;
	if (isalpha((unsigned char)*c->p) || *c->p == '_') {
		while ((isalnum((unsigned char)*c->p) || *c->p == '_') &&
		       n < sizeof(c->tok) - 1)
			c->tok[n++] = *c->p++;
	} else if (isdigit((unsigned char)*c->p) || (*c->p == '-' && isdigit((unsigned char)c->p[1]))) {
		c->tok[n++] = *c->p++;
		while (isalnum((unsigned char)*c->p) && n < sizeof(c->tok) - 1)
			c->tok[n++] = *c->p++;
	} else if (*c->p) {
		c->tok[n++] = *c->p++;
	}
	c->tok[n] = '\0';
	return c->tok;
}

static const char *cdef_peek(struct cdefs *c)
{
	const char *save = c->p;
	const char *t;

	t = cdef_next(c);
	c->p = save;
	return t;
}

static void cdef_error(struct cdefs *c, const char *msg)
{
	struct diag_loc loc;

	if (c->failed)
		return;
	c->failed = true;
	loc.start = c->base + (size_t)(c->tok_start - c->src);
	loc.end = loc.start + (strlen(c->tok) ? strlen(c->tok) : 1);
	diag_error(loc, "%s", msg);
}

static bool cdef_expect(struct cdefs *c, const char *want)
{
	if (strcmp(cdef_next(c), want)) {
		char msg[300];

		snprintf(msg, sizeof(msg), "C definitions: expected '%s', found '%s'",
			 want, c->tok);
		cdef_error(c, msg);
		return false;
	}
	return true;
}

static int64_t cdef_number(struct cdefs *c, bool *ok)
{
	char *end;
	long long v = strtoll(c->tok, &end, 0);

	while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
		end++;
	*ok = *c->tok && !*end;
	if (!*ok) {
		size_t i;

		for (i = 0; i < (size_t)n_consts; i++)
			if (!strcmp(cdef_consts[i].name, c->tok)) {
				*ok = true;
				return cdef_consts[i].value;
			}
	}
	return v;
}

static struct type *cdef_struct(struct cdefs *c, bool is_union);

/* skip `__attribute__((...))` lists; true if one of them says packed */
static bool cdef_attributes(struct cdefs *c)
{
	bool packed = false;

	while (!strcmp(cdef_peek(c), "__attribute__")) {
		int depth = 0;

		cdef_next(c);
		do {
			const char *t = cdef_next(c);

			if (!*t)
				break;
			if (!strcmp(t, "("))
				depth++;
			else if (!strcmp(t, ")"))
				depth--;
			else if (!strcmp(t, "packed") || !strcmp(t, "__packed__"))
				packed = true;
		} while (depth > 0);
	}
	return packed;
}
static struct type *cdef_enum(struct cdefs *c);

/* a base type: returns NULL (with an error) if it is not one */
static struct type *cdef_base_type(struct cdefs *c)
{
	struct arena *a = c->ck->a;
	int longs = 0, size = 0;
	bool sgn = true, any = false;
	const char *t;
	int i;

	for (;;) {
		t = cdef_peek(c);
		if (!strcmp(t, "const") || !strcmp(t, "volatile")) {
			cdef_next(c);
			continue;
		}
		if (!strcmp(t, "unsigned") || !strcmp(t, "signed")) {
			sgn = t[0] == 's';
			any = true;
			cdef_next(c);
			continue;
		}
		if (!strcmp(t, "char") || !strcmp(t, "short") || !strcmp(t, "int") ||
		    !strcmp(t, "long")) {
			if (t[0] == 'c')
				size = 1;
			else if (t[0] == 's')
				size = 2;
			else if (t[0] == 'l')
				longs++;
			else if (!size)
				size = 4;
			any = true;
			cdef_next(c);
			continue;
		}
		break;
	}
	if (any) {
		if (longs)
			size = 8;
		return type_int(a, size ? size : 4, sgn);
	}
	t = cdef_next(c);
	if (!strcmp(t, "struct") || !strcmp(t, "union"))
		return cdef_struct(c, t[0] == 'u');
	if (!strcmp(t, "enum"))
		return cdef_enum(c);
	if (!strcmp(t, "bool") || !strcmp(t, "_Bool"))
		return type_new(a, TY_BOOL);
	if (!strcmp(t, "void"))
		return type_new(a, TY_VOID);
	if (!strcmp(t, "float") || !strcmp(t, "double")) {
		/* no floats in bt: a value of no type that keeps the layout
		 * (printed as null, as upstream does) */
		struct type *f = type_new(a, TY_VOID);

		f->size = t[0] == 'f' ? 4 : 8;
		return f;
	}
	for (i = 0; i < n_typedefs; i++)
		if (!strcmp(cdef_typedefs[i].name, t))
			return cdef_typedefs[i].type;
	{
		struct val *spec = val_map(a);
		struct type *r;
		unsigned before = diag_errors();

		/* int8, uint32_t, u64 ...: bt-check's own integer names */
		val_set_str(a, spec, "base", t);
		c->ck->final = false;
		r = check_typespec(c->ck, spec);
		c->ck->final = true;
		if (r && r->kind == TY_INT && diag_errors() == before)
			return r;
	}
	{
		char msg[200];

		snprintf(msg, sizeof(msg), "C definitions: unknown type '%s'", t);
		cdef_error(c, msg);
	}
	return NULL;
}

/* '*'* NAME? { '[' N? ']' } [':' bits]: the declared type and name */
static struct type *cdef_declarator(struct cdefs *c, struct type *base,
				    const char **name, int *bits)
{
	struct arena *a = c->ck->a;
	struct type *t = base, *dims[8];
	int ndims = 0, i;
	bool ok;

	*name = "";
	*bits = 0;
	while (!strcmp(cdef_peek(c), "*") || !strcmp(cdef_peek(c), "const")) {
		if (!strcmp(cdef_next(c), "*"))
			t = type_ptr(a, t, false);
	}
	if (isalpha((unsigned char)*cdef_peek(c)) || *cdef_peek(c) == '_')
		*name = arena_strdup(a, cdef_next(c));
	while (!strcmp(cdef_peek(c), "[") && ndims < 8) {
		struct type *arr = type_new(a, TY_ARRAY);

		cdef_next(c);
		if (strcmp(cdef_peek(c), "]")) {
			cdef_next(c);
			arr->count = cdef_number(c, &ok);
			if (!ok || arr->count < 0)
				cdef_error(c, "C definitions: bad array size");
		}
		cdef_expect(c, "]");
		dims[ndims++] = arr;
	}
	/* int y[2][3] is an array of 2 arrays of 3 */
	for (i = ndims - 1; i >= 0; i--) {
		dims[i]->elem = t;
		t = dims[i];
		if (t->elem->kind == TY_INT && t->elem->size == 1 &&
		    t->elem->is_signed && i == ndims - 1 && t->count) {
			/* char x[N] is a string, as upstream treats it */
			struct type *s = type_string(a, t->count);

			t = s;
		}
	}
	if (!strcmp(cdef_peek(c), ":")) {
		cdef_next(c);
		cdef_next(c);
		*bits = (int)cdef_number(c, &ok);
		if (!ok || *bits <= 0 || *bits > 64)
			cdef_error(c, "C definitions: bad bitfield width");
	}
	return t;
}

/* lay out the members: C rules, bitfields within units of their type */
static void cdef_layout(struct type *st, bool is_union, bool packed)
{
	int64_t off = 0, al = 1, bitpos = 0, size = 0;
	int i;

	for (i = 0; i < st->nfields; i++) {
		struct type_field *f = &st->fields[i];
		int64_t fa = packed ? 1 : type_align(f->type);
		int64_t fs = type_size(f->type);

		if (fa > al)
			al = fa;
		if (is_union) {
			f->offset = 0;
			if (fs > size)
				size = fs;
			continue;
		}
		if (f->bitfield_bits) {
			int64_t unit_bits = fs * 8;
			int64_t start = off * 8 + bitpos;
			int64_t unit = start / unit_bits * unit_bits;

			if (start + f->bitfield_bits > unit + unit_bits)
				unit += unit_bits;  /* does not fit: next unit */
			if (start < unit)
				start = unit;
			/*
			 * read at the storage unit (a read of the field's type
			 * stays inside it); packed: the byte of the first bit
			 */
			if (packed) {
				f->offset = start / 8;
				f->bitfield_offset = (int)(start % 8);
			} else {
				f->offset = unit / 8;
				f->bitfield_offset = (int)(start - unit);
			}
			start += f->bitfield_bits;
			off = start / 8;
			bitpos = start % 8;
			continue;
		}
		if (bitpos) {
			off++;
			bitpos = 0;
		}
		off = (off + fa - 1) / fa * fa;
		f->offset = off;
		off += fs;
	}
	if (bitpos)
		off++;
	if (!is_union)
		size = off;
	st->size = (size + al - 1) / al * al;
}

static struct type *cdef_struct(struct cdefs *c, bool is_union)
{
	struct arena *a = c->ck->a;
	const char *kw = is_union ? "union" : "struct";
	struct type *st = NULL;
	const char *name = NULL;
	struct type_field *fields = NULL;
	int n = 0, cap = 0, i;
	bool packed = cdef_attributes(c);

	if (isalpha((unsigned char)*cdef_peek(c)) || *cdef_peek(c) == '_')
		name = arena_printf(a, "%s %s", kw, cdef_next(c));
	if (strcmp(cdef_peek(c), "{")) {
		/* a reference: a script struct, else BTF decides later */
		for (i = 0; name && i < n_structs; i++)
			if (!strcmp(cdef_structs[i].name, name))
				return cdef_structs[i].type;
		/* a shallow reference, completed when a script reaches into it */
		st = type_new(a, TY_STRUCT);
		st->name = name ? name : kw;
		if (check_struct_full(c->ck, st))
			st->size = check_struct_full(c->ck, st)->size;
		return st;
	}
	cdef_next(c);
	st = type_new(a, TY_STRUCT);
	st->name = name ? name : arena_printf(a, "%s (anonymous)", kw);
	while (!c->failed && strcmp(cdef_peek(c), "}") && *cdef_peek(c)) {
		struct type *base = cdef_base_type(c);

		if (!base)
			break;
		do {
			const char *fname;
			int bits;
			struct type *ft = cdef_declarator(c, base, &fname, &bits);

			if (n == cap) {
				struct type_field *nf;

				cap = cap ? cap * 2 : 8;
				nf = arena_alloc(a, sizeof(*nf) * cap);
				if (n)
					memcpy(nf, fields, sizeof(*nf) * n);
				fields = nf;
			}
			fields[n].name = fname;
			fields[n].type = ft;
			fields[n].bitfield_bits = bits;
			n++;
		} while (!strcmp(cdef_peek(c), ",") && cdef_next(c));
		if (strcmp(cdef_peek(c), "}"))
			cdef_expect(c, ";");
	}
	cdef_expect(c, "}");
	packed |= cdef_attributes(c);
	st->fields = fields;
	st->nfields = n;
	cdef_layout(st, is_union, packed);
	if (name)
		cdef_add(a, &cdef_structs, &n_structs, name, st, 0);
	return st;
}

static struct type *cdef_enum(struct cdefs *c)
{
	struct arena *a = c->ck->a;
	struct type *t = type_new(a, TY_ENUM);
	int64_t next = 0;
	bool ok;
	int i;

	t->size = 8;
	t->is_signed = true;
	if (isalpha((unsigned char)*cdef_peek(c)) || *cdef_peek(c) == '_')
		t->name = arena_printf(a, "enum %s", cdef_next(c));
	else
		t->name = "enum (anonymous)";
	if (strcmp(cdef_peek(c), "{")) {
		for (i = 0; i < n_typedefs; i++)
			if (!strcmp(cdef_typedefs[i].name, t->name))
				return cdef_typedefs[i].type;
		return t;
	}
	cdef_next(c);
	while (!c->failed && strcmp(cdef_peek(c), "}") && *cdef_peek(c)) {
		const char *name = arena_strdup(a, cdef_next(c));
		struct type_enumerator *ne;

		if (!strcmp(cdef_peek(c), "=")) {
			cdef_next(c);
			cdef_next(c);
			next = cdef_number(c, &ok);
			if (!ok)
				cdef_error(c, "C definitions: enumerator values must be integers");
		}
		ne = arena_alloc(a, sizeof(*ne) * (t->nenums + 1));
		if (t->nenums)
			memcpy(ne, t->enums, sizeof(*ne) * t->nenums);
		ne[t->nenums].name = name;
		ne[t->nenums].value = next;
		t->enums = ne;
		t->nenums++;
		cdef_add(a, &cdef_consts, &n_consts, name, t, next);
		next++;
		if (strcmp(cdef_peek(c), "}"))
			cdef_expect(c, ",");
	}
	cdef_expect(c, "}");
	cdef_add(a, &cdef_typedefs, &n_typedefs, t->name, t, 0);
	return t;
}

static void cdef_pp_line(struct cdefs *c)
{
	const char *eol = strchr(c->p, '\n');
	const char *line = c->p;
	char name[128];
	long long v;
	char *end;
	int len = 0;

	if (!eol)
		eol = c->p + strlen(c->p);
	c->p = eol;
	if (sscanf(line, "#define %127s %n", name, &len) == 1 && len) {
		v = strtoll(line + len, &end, 0);
		if (end != line + len && end <= eol)
			cdef_add(c->ck->a, &cdef_consts, &n_consts, name, NULL, v);
	}
}

/*
 * `#include` lines and --include FILEs: the C preprocessor (cpp, with the
 * -I directories) tells the object-like macros they define; the numeric
 * ones become constants (`EPERM`).  Their types come from BTF.
 */
static int cdef_includes(struct check *ck, const char *text)
{
	char tmpl[] = "/tmp/bt-check.XXXXXX.h", line[1024];
	const char **argv;
	int fd, i, n = 0, status, pfd[2];
	posix_spawn_file_actions_t fa;
	const char *p;
	FILE *f;
	pid_t pid;

	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '#' && strstr(q, "include") &&
		    strstr(q, "include") < (strchr(q, '\n') ? strchr(q, '\n') : q + strlen(q)))
			n++;
	}
	if (!n && !ck->nincludes)
		return 0;
	fd = mkstemps(tmpl, 2);
	if (fd < 0)
		return 0;
	f = fdopen(fd, "w");
	for (i = 0; i < ck->nincludes; i++)
		fprintf(f, "#include \"%s\"\n", ck->includes[i]);
	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *q = p, *e = strchr(p, '\n');

		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '#')
			fprintf(f, "%.*s\n", (int)(e ? e - q : (long)strlen(q)), q);
	}
	fclose(f);
	argv = arena_alloc(ck->a, sizeof(*argv) * (2 * ck->nincdirs + 6));
	n = 0;
	argv[n++] = "cpp";
	argv[n++] = "-dM";
	for (i = 0; i < ck->nincdirs; i++) {
		argv[n++] = "-I";
		argv[n++] = ck->incdirs[i];
	}
	argv[n++] = tmpl;
	argv[n] = NULL;
	if (pipe(pfd) < 0) {
		unlink(tmpl);
		return 0;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addclose(&fa, pfd[0]);
	if (posix_spawnp(&pid, "cpp", &fa, NULL, (char **)argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[0]);
		close(pfd[1]);
		unlink(tmpl);
		return 0;   /* no preprocessor: #define lines still work */
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (fgets(line, sizeof(line), f)) {
		char name[128], *end;
		long long v;
		int len = 0;

		if (sscanf(line, "#define %127[A-Za-z0-9_] %n", name, &len) != 1 ||
		    !len || line[len - 1] == '(')
			continue;
		v = strtoll(line + len + (line[len] == '('), &end, 0);
		if (end == line + len + (line[len] == '('))
			continue;
		while (*end == 'U' || *end == 'L' || *end == 'u' || *end == 'l')
			end++;
		if (*end == ')')
			end++;
		if (*end != '\n' && *end)
			continue;
		cdef_add(ck->a, &cdef_consts, &n_consts, name, NULL, v);
	}
	fclose(f);
	waitpid(pid, &status, 0);
	unlink(tmpl);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		diag_error((struct diag_loc){ 0 },
			   "the C preprocessor failed on the #include lines");
		return -EINVAL;
	}
	return 0;
}

int check_cdefs(struct check *ck, const struct val *prog)
{
	const char *text = val_get_str(prog, "cdefs");
	const char *src = val_get_str(ck->hdr, "src");
	struct cdefs c = { ck };

	if (cdef_includes(ck, text ? text : "") < 0)
		return -EINVAL;
	if (!text || !*text)
		return 0;
	c.src = c.p = text;
	/* locations: find the cdefs text in the script */
	if (src && strstr(src, text))
		c.base = (size_t)(strstr(src, text) - src);
	for (;;) {
		const char *t;

		cdef_skip_space(&c);
		if (!*c.p || c.failed)
			break;
		if (*c.p == '#') {
			cdef_pp_line(&c);
			continue;
		}
		t = cdef_peek(&c);
		if (!strcmp(t, ";")) {
			cdef_next(&c);
		} else if (!strcmp(t, "typedef")) {
			struct type *base, *td;
			const char *name;
			int bits;

			cdef_next(&c);
			base = cdef_base_type(&c);
			if (!base)
				break;
			td = cdef_declarator(&c, base, &name, &bits);
			cdef_add(ck->a, &cdef_typedefs, &n_typedefs, name, td, 0);
			cdef_expect(&c, ";");
		} else if (!cdef_base_type(&c)) {
			break;
		} else if (!strcmp(cdef_peek(&c), ";")) {
			cdef_next(&c);
		}
	}
	return c.failed ? -EINVAL : 0;
}

struct type *check_cdef_struct(const char *name)
{
	int i;

	for (i = 0; i < n_structs; i++)
		if (!strcmp(cdef_structs[i].name, name))
			return cdef_structs[i].type;
	for (i = 0; i < n_typedefs; i++)
		if (!strcmp(cdef_typedefs[i].name, name))
			return cdef_typedefs[i].type;
	return NULL;
}

bool check_cdef_const(const char *name, int64_t *v, struct type **t)
{
	int i;

	for (i = 0; i < n_consts; i++)
		if (!strcmp(cdef_consts[i].name, name)) {
			*v = cdef_consts[i].value;
			*t = cdef_consts[i].type;
			return true;
		}
	return false;
}
