/*
 * tracepoint.c - the tracepoint provider: static kernel tracepoints found
 * in tracefs (events/CATEGORY/EVENT/format).
 *
 * Listing and wildcard expansion walk the events directory; `args` is typed
 * from the event's format file, one field per line:
 *
 *     field:const char * filename;	offset:24;	size:8;	signed:0;
 *
 * Integers take their size and signedness from the line (as upstream does),
 * `char x[N]` becomes string[N], other arrays are arrays of sized integers,
 * `__data_loc char[] x` becomes string[64] with "mode": "data_loc" (the
 * u32 in the record holds offset | length << 16; bt-check resizes it to
 * max_strlen), pointers point to the simple C type
 * named (char -> int8, sized integers, struct X, void), and in the
 * syscalls category they point to user memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs.h"
#include "provider.h"

/* the parsed form of one "field:" line */
struct tp_field {
	char decl[256];     /* "const char * filename" as written */
	char ctype[256];    /* "const char *" */
	char name[128];     /* "filename" */
	long array;         /* -1 not an array, 0 for [], else N */
	long offset, size;
	bool is_signed, data_loc;
};

static bool tp_section(const char *line, const char *title, char *out,
		       size_t n)
{
	const char *s = strstr(line, title), *e;

	if (!s)
		return false;
	s += strlen(title);
	e = strchr(s, ';');
	if (!e || (size_t)(e - s) >= n)
		return false;
	memcpy(out, s, e - s);
	out[e - s] = '\0';
	return true;
}

static bool tp_parse_field(const char *line, struct tp_field *f)
{
	char num[32], *sp, *br;

	memset(f, 0, sizeof(*f));
	if (!tp_section(line, "field:", f->decl, sizeof(f->decl)))
		return false;
	sp = strrchr(f->decl, ' ');
	if (!sp || strrchr(f->decl, '\t') > sp)
		sp = strrchr(f->decl, '\t');
	if (!sp)
		return false;
	snprintf(f->ctype, sizeof(f->ctype), "%.*s", (int)(sp - f->decl),
		 f->decl);
	snprintf(f->name, sizeof(f->name), "%s", sp + 1);
	f->array = -1;
	br = strchr(f->name, '[');
	if (br) {
		f->array = strtol(br + 1, NULL, 10);
		*br = '\0';
	}
	/* `__data_loc char[] name`: the brackets are on the type */
	if (strstr(f->ctype, "__data_loc"))
		f->data_loc = true;
	if (!tp_section(line, "offset:", num, sizeof(num)))
		return false;
	f->offset = strtol(num, NULL, 10);
	if (!tp_section(line, "size:", num, sizeof(num)))
		return false;
	f->size = strtol(num, NULL, 10);
	if (!tp_section(line, "signed:", num, sizeof(num)))
		return false;
	f->is_signed = num[0] == '1';
	return true;
}

/* "TITLE" followed by 1 to 31 digits and ';' at s: the end, or NULL */
static const char *tp_number_at(const char *s, const char *title)
{
	size_t n = strlen(title), d = 0;

	if (strncmp(s, title, n))
		return NULL;
	for (s += n; *s >= '0' && *s <= '9'; s++)
		d++;
	return d && d < 32 && *s == ';' ? s + 1 : NULL;
}

bool tracepoint_arg_decl(const char *line, const char **decl, size_t *len)
{
	const char *d = line + 7, *semi, *sp, *rest;
	struct tp_field f;
	size_t n;

	/*
	 * The kernel's layout, "\tfield:DECL;\toffset:N;\tsize:N;\tsigned:N;"
	 * with no ':' in DECL, is what tp_parse_field finds its sections in;
	 * checked in place here, as -lv reads thousands of these lines.
	 */
	if (!strncmp(line, "\tfield:", 7) && (semi = strchr(d, ';')) &&
	    (n = semi - d) < sizeof(f.decl) && !memchr(d, ':', n) &&
	    (rest = tp_number_at(semi + 1, "\toffset:")) &&
	    (rest = tp_number_at(rest, "\tsize:")) &&
	    tp_number_at(rest, "\tsigned:")) {
		for (sp = semi; sp > d && sp[-1] != ' ' && sp[-1] != '\t'; sp--)
			;
		if (sp > d) {
			if (semi - sp >= 7 && !strncmp(sp, "common_", 7))
				return false;
			*decl = d;
			*len = n;
			return true;
		}
	}
	/* anything else: as tp_parse_field sees it */
	if (!strstr(line, "field:") || !tp_parse_field(line, &f) ||
	    !strncmp(f.name, "common_", 7))
		return false;
	*decl = strstr(line, "field:") + 6;
	*len = strlen(f.decl);
	return true;
}

/* the type a simple C type name points to, or NULL if it is not simple */
static struct type *tp_pointee(struct arena *a, const char *ctype)
{
	static const struct { const char *name; int size; bool sgn; } ints[] = {
		{ "char", 1, true }, { "signed char", 1, true },
		{ "unsigned char", 1, false }, { "u8", 1, false },
		{ "s8", 1, true }, { "short", 2, true },
		{ "unsigned short", 2, false }, { "u16", 2, false },
		{ "s16", 2, true }, { "int", 4, true },
		{ "unsigned int", 4, false }, { "unsigned", 4, false },
		{ "u32", 4, false }, { "s32", 4, true }, { "long", 8, true },
		{ "unsigned long", 8, false }, { "long long", 8, true },
		{ "unsigned long long", 8, false }, { "u64", 8, false },
		{ "s64", 8, true }, { "size_t", 8, false },
		{ "pid_t", 4, true }, { "uid_t", 4, false },
		{ "gid_t", 4, false }, { "umode_t", 2, false },
	};
	char base[256], *p, *q;
	size_t i;

	/* drop qualifiers, __user and the last '*' */
	snprintf(base, sizeof(base), "%s", ctype);
	p = strrchr(base, '*');
	if (p)
		*p = '\0';
	for (;;) {
		static const char *const quals[] = { "const ", "volatile ",
						     "__user ", "struct " };
		bool again = false;

		/* "struct " stays: tp_pointee names the struct below */
		for (i = 0; i < 3; i++) {
			q = strstr(base, quals[i]);
			if (q) {
				memmove(q, q + strlen(quals[i]),
					strlen(q + strlen(quals[i])) + 1);
				again = true;
			}
		}
		if (!again)
			break;
	}
	for (p = base; *p == ' '; p++)
		;
	for (q = p + strlen(p); q > p && (q[-1] == ' ' || q[-1] == '\t'); q--)
		q[-1] = '\0';
	if (strchr(p, '*')) {
		/* pointer to pointer (`const char *const * argv`) */
		struct type *inner = tp_pointee(a, p);

		return inner ? type_ptr(a, inner, false) : NULL;
	}
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(p, ints[i].name))
			return type_int(a, ints[i].size, ints[i].sgn);
	if (!strcmp(p, "void"))
		return type_new(a, TY_VOID);
	if (!strncmp(p, "struct ", 7) || strstr(ctype, "struct ")) {
		struct type *t = type_new(a, TY_STRUCT);

		t->name = arena_printf(a, "struct %s",
				       !strncmp(p, "struct ", 7) ? p + 7 : p);
		return t;
	}
	return NULL;
}

static struct type *tp_field_type(struct arena *a, const struct tp_field *f,
				  bool user)
{
	struct type *t;

	if (f->data_loc) {
		t = type_string(a, 64);
		t->mode = "data_loc";
		return t;
	}
	if (f->array >= 0) {
		long n = f->array ? f->array : 0;
		bool is_char = strstr(f->ctype, "char") != NULL;

		if (is_char)
			return type_string(a, n ? n : f->size);
		t = type_new(a, TY_ARRAY);
		t->count = n;
		t->elem = type_int(a, n ? (int)(f->size / n) : 1, f->is_signed);
		if (t->elem->size != 1 && t->elem->size != 2 &&
		    t->elem->size != 4 && t->elem->size != 8)
			t->elem->size = 1;
		if (n)
			t->count = f->size / t->elem->size;
		return t;
	}
	if (strchr(f->ctype, '*') && f->size == 8) {
		struct type *elem = tp_pointee(a, f->ctype);

		if (elem) {
			struct type *e;

			/* every level of a syscall argument points to user memory */
			for (e = elem; e && e->kind == TY_PTR; e = e->elem)
				e->user = user;
			return type_ptr(a, elem, user);
		}
		return type_int(a, 8, false);
	}
	if (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)
		return type_int(a, (int)f->size, f->is_signed);
	/* odd sizes: an array of bytes */
	t = type_new(a, TY_ARRAY);
	t->count = f->size;
	t->elem = type_int(a, 1, false);
	return t;
}

struct type *tracepoint_parse_format(struct arena *a, const char *text,
				     bool user, bool with_common)
{
	struct type *st = type_new(a, TY_STRUCT);
	const char *line = text;
	int cap = 16;

	st->name = "args";
	st->fields = arena_alloc(a, sizeof(*st->fields) * cap);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char buf[1024];
		struct tp_field f;

		snprintf(buf, sizeof(buf), "%.*s",
			 nl ? (int)(nl - line) : (int)strlen(line), line);
		line = nl ? nl + 1 : NULL;
		if (!strstr(buf, "field:") || !tp_parse_field(buf, &f))
			continue;
		if (!with_common && !strncmp(f.name, "common_", 7))
			continue;
		if (st->nfields == cap) {
			struct type_field *nf;

			cap *= 2;
			nf = arena_alloc(a, sizeof(*nf) * cap);
			memcpy(nf, st->fields, sizeof(*nf) * st->nfields);
			st->fields = nf;
		}
		st->fields[st->nfields].name = arena_strdup(a, f.name);
		st->fields[st->nfields].type = tp_field_type(a, &f, user);
		st->fields[st->nfields].offset = f.offset;
		if (f.offset + f.size > st->size)
			st->size = f.offset + f.size;
		st->nfields++;
	}
	return st;
}

static char *tp_format_path(struct arena *a, const char *cat, const char *ev)
{
	return arena_printf(a, "events/%s/%s/format", cat, ev);
}

struct type *tracepoint_args_type(struct arena *a, const char *category,
				  const char *event, bool user,
				  struct probe_err *err)
{
	struct type *t;
	char *text;
	int r;

	r = tracefs_read_file(tp_format_path(a, category, event), &text, NULL);
	if (r < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "cannot read the format of tracepoint %s:%s: %s",
			 category, event, strerror(-r));
		err->status = r == -ENOENT ? 1 : 3;
		return NULL;
	}
	t = tracepoint_parse_format(a, text, user, false);
	free(text);
	return t;
}

static int tp_name_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* sorted entries of ROOT/rel that are directories, or NULL */
static char **tp_dir_list(struct arena *a, const char *rel, size_t *n,
			  int *err)
{
	const char *root = tracefs_root(err);
	char **names;
	size_t cap = 64;
	struct dirent *de;
	DIR *d;

	*n = 0;
	if (!root)
		return NULL;
	d = opendir(arena_printf(a, "%s/%s", root, rel));
	if (!d) {
		*err = -errno;
		return NULL;
	}
	names = arena_alloc(a, sizeof(*names) * cap);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (*n == cap) {
			char **nn = arena_alloc(a, sizeof(*nn) * cap * 2);

			memcpy(nn, names, sizeof(*nn) * cap);
			names = nn;
			cap *= 2;
		}
		names[(*n)++] = arena_strdup(a, de->d_name);
	}
	closedir(d);
	qsort(names, *n, sizeof(*names), tp_name_cmp);
	return names;
}

/*
 * Call fn for every event whose category matches cat and name matches ev
 * (fnmatch patterns).  Returns the number of matches or a negative errno.
 */
static int tp_walk(struct arena *a, const char *cat, const char *ev,
		   int (*fn)(void *ctx, const char *cat, const char *ev),
		   void *ctx)
{
	size_t ncat, nev, i, j;
	char **cats, **evs;
	int err = 0, n = 0, r;

	cats = tp_dir_list(a, "events", &ncat, &err);
	if (!cats)
		return err;
	for (i = 0; i < ncat; i++) {
		if (fnmatch(cat, cats[i], 0))
			continue;
		evs = tp_dir_list(a, arena_printf(a, "events/%s", cats[i]),
				  &nev, &err);
		for (j = 0; evs && j < nev; j++) {
			if (fnmatch(ev, evs[j], 0))
				continue;
			r = fn(ctx, cats[i], evs[j]);
			if (r < 0)
				return r;
			n++;
		}
	}
	return n;
}

struct tp_expand_ctx {
	struct arena *a;
	struct val *out;
};

static int tp_expand_one(void *ctx, const char *cat, const char *ev)
{
	struct tp_expand_ctx *c = ctx;
	struct val *ap;

	ap = provider_ap_new(c->a, &provider_tracepoint,
			     arena_printf(c->a, "tracepoint:%s:%s", cat, ev));
	val_set_str(c->a, ap, "target", cat);
	val_set_str(c->a, ap, "func", ev);
	val_push(c->a, c->out, ap);
	return 0;
}

struct tp_names_ctx {
	struct arena *a;
	const char **names;
	size_t n, cap;
};

static int tp_collect_name(void *ctx, const char *cat, const char *ev)
{
	struct tp_names_ctx *c = ctx;

	if (c->n == c->cap) {
		const char **nn;

		c->cap = c->cap ? c->cap * 2 : 1024;
		nn = arena_alloc(c->a, sizeof(*nn) * c->cap);
		if (c->n)
			memcpy(nn, c->names, sizeof(*nn) * c->n);
		c->names = nn;
	}
	c->names[c->n++] = arena_printf(c->a, "%s:%s", cat, ev);
	return 0;
}

static int tp_expand(struct arena *a, const struct val *parts,
		     struct val *out, struct probe_err *err)
{
	size_t n = parts && parts->kind == VAL_ARR ? parts->n : 0;
	const char *cat = provider_part(parts, 0), *ev = provider_part(parts, 1);
	struct tp_expand_ctx ctx = { a, out };
	struct tp_names_ctx names = { a };
	const char *close;
	int r;

	err->status = 1;
	if (n == 1) {
		ev = cat;
		cat = "*";
	}
	if ((n != 1 && n != 2) || !cat || !ev || !*cat || !*ev) {
		snprintf(err->msg, sizeof(err->msg),
			 "tracepoint probe type requires 2 arguments");
		return -EINVAL;
	}
	r = tp_walk(a, cat, ev, tp_expand_one, &ctx);
	if (r < 0) {
		snprintf(err->msg, sizeof(err->msg),
			 "cannot list tracepoints: %s", strerror(-r));
		snprintf(err->hint, sizeof(err->hint), "%s", tracefs_hint());
		err->status = 3;
		return r;
	}
	if (r > 0)
		return r;
	if (provider_has_wildcard(cat) || provider_has_wildcard(ev))
		snprintf(err->msg, sizeof(err->msg),
			 "no tracepoints match 'tracepoint:%s:%s'", cat, ev);
	else
		snprintf(err->msg, sizeof(err->msg),
			 "tracepoint not found: %s:%s", cat, ev);
	if (tp_walk(a, "*", "*", tp_collect_name, &names) > 0) {
		const char *want = arena_printf(a, "%s:%s", cat, ev);

		close = suggest_closest(want, names.names, names.n);
		if (close)
			snprintf(err->hint, sizeof(err->hint),
				 "did you mean 'tracepoint:%s'?", close);
	}
	return 0;
}

static struct type *tp_args(struct arena *a, const struct val *ap,
			    struct probe_err *err)
{
	const char *cat = val_get_str(ap, "target");
	const char *ev = val_get_str(ap, "func");

	if (!cat || !ev) {
		snprintf(err->msg, sizeof(err->msg), "tracepoint without a name");
		return NULL;
	}
	return tracepoint_args_type(a, cat, ev, !strcmp(cat, "syscalls"), err);
}

static const char *const tracepoint_short[] = { "t", NULL };

const struct provider provider_tracepoint = {
	.name = "tracepoint",
	.short_names = tracepoint_short,
	.expand = tp_expand,
	.list = tracepoint_list,
	.args = tp_args,
};
