/*
 * flame.c - `-f folded` and `-f svg`: maps keyed by stacks as flame
 * graph data (bt-formats(7)).
 *
 * folded: one line per map entry, `frame;frame;frame COUNT`, root first,
 * the format flamegraph.pl, inferno and speedscope read.  A key's other
 * members come first, as frames of their own (`@[comm, kstack]` gives
 * `bash;entry_SYSCALL_64;...;vfs_read 12`), then user stacks, then kernel
 * stacks (a user stack's leaf calls into the kernel).  When the program
 * has more than one map keyed by a stack, each line starts with the map's
 * name ("@cpu;..."), so that their samples stay apart.  The stream sends
 * stacks leaf first (the order of the kernel's stack map); they are
 * reversed here.  Frames lose their "+offset", perf mode's address and
 * " (object path)", so that samples in one function merge; ';' in a
 * name becomes ':'.  COUNT is the value (count, sum, integers, min,
 * max), the number of samples of avg/stats, or a histogram's total;
 * entries whose COUNT is not positive are left out.  Lines are sorted
 * and equal stacks merged per map event; each map event adds its lines
 * (flame graph tools add up repeated stacks, which is right for
 * print-and-clear scripts).
 *
 * svg: the folded lines of the whole run, kept until the end of the
 * input, drawn as one self-contained interactive SVG (flame_svg()).
 *
 * In both, output that is not a stack-keyed map (printf, print, time,
 * other maps, cat/join/system) goes to stderr as text, so stdout can be
 * piped straight into a flame graph tool.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

struct flame {
	struct strbuf folded;   /* svg: every folded line so far */
	size_t nmaps;           /* stack-keyed map events seen */
	bool prefix;            /* several stack-keyed maps: name first */
};

struct flame *flame_new(const struct fmt_meta *m)
{
	struct flame *f = calloc(1, sizeof(*f));
	size_t i, n = 0;

	if (!f)
		abort();
	for (i = 0; i < m->nmaps; i++)
		n += flame_map_has_stack(&m->maps[i]);
	f->prefix = n > 1;
	return f;
}

void flame_free(struct flame *f)
{
	if (!f)
		return;
	strbuf_free(&f->folded);
	free(f);
}

static bool is_stack(const struct type *t)
{
	return t && (t->kind == TY_KSTACK || t->kind == TY_USTACK);
}

bool flame_map_has_stack(const struct fmt_map *m)
{
	int i;

	if (is_stack(m->key))
		return true;
	if (!m->key || m->key->kind != TY_TUPLE)
		return false;
	for (i = 0; i < m->key->nfields; i++)
		if (is_stack(m->key->fields[i].type))
			return true;
	return false;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* a name as one frame: no ';', no line breaks, never empty */
static void frame_add(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	if (!n) {
		strbuf_adds(sb, "[unknown]");
		return;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ';')
			c = ':';
		else if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		strbuf_addc(sb, c);
	}
}

/* a stack frame as sent ("sym+off", "addr sym+off", "addr") */
static void stack_frame_add(struct strbuf *sb, const struct val *f)
{
	const char *s, *sp, *plus;
	size_t n, i;

	if (f->kind != VAL_STR) {
		strbuf_adds(sb, "[unknown]");
		return;
	}
	s = f->s;
	n = f->n;
	/* perf mode: "ffffffff81000010 vfs_read+16" */
	sp = memchr(s, ' ', n);
	if (sp && sp > s) {
		for (i = 0; s + i < sp && is_hex(s[i]); i++)
			;
		if (s + i == sp) {
			n -= (size_t)(sp + 1 - s);
			s = sp + 1;
		}
	}
	/* perf mode's " (/path/to/object)" after a user frame */
	if (n > 2 && s[n - 1] == ')') {
		for (i = n - 1; i-- > 0;)
			if (s[i] == '(' && i > 0 && s[i - 1] == ' ')
				break;
		if (i > 1 && i < n)
			n = i - 1;
	}
	/* "+16" or "+0x10" at the end */
	plus = NULL;
	for (i = n; i-- > 1;) {
		if (s[i] == '+') {
			plus = s + i;
			break;
		}
		if (!is_hex(s[i]) && s[i] != 'x')
			break;
	}
	if (plus && plus + 1 < s + n)
		n = (size_t)(plus - s);
	frame_add(sb, s, n);
}

static void stack_add(struct strbuf *sb, const struct val *v, bool *any)
{
	size_t i;

	if (!v || v->kind != VAL_ARR)
		return;
	for (i = v->n; i-- > 0;) {
		if (*any)
			strbuf_addc(sb, ';');
		stack_frame_add(sb, v->items[i]);
		*any = true;
	}
}

static void part_add(struct strbuf *sb, struct strbuf *tmp,
		     const struct type *t, const struct val *v, bool *any)
{
	if (*any)
		strbuf_addc(sb, ';');
	strbuf_reset(tmp);
	value_text(tmp, t, v);
	frame_add(sb, tmp->p, tmp->n);
	*any = true;
}

/* the key as frames: other members, user stacks, kernel stacks */
static void key_frames(struct strbuf *sb, struct strbuf *tmp,
		       const struct type *t, const struct val *key)
{
	enum type_kind pass[3] = { TY_VOID, TY_USTACK, TY_KSTACK };
	bool any = false;
	int p, i;

	if (t->kind != TY_TUPLE || key->kind != VAL_ARR) {
		if (is_stack(t))
			stack_add(sb, key, &any);
		else
			part_add(sb, tmp, t, key, &any);
	} else {
		for (p = 0; p < 3; p++) {
			for (i = 0; i < t->nfields && (size_t)i < key->n;
			     i++) {
				const struct type *ft = t->fields[i].type;
				enum type_kind k = is_stack(ft) ? ft->kind :
								  TY_VOID;

				if (k != pass[p])
					continue;
				if (k == TY_VOID)
					part_add(sb, tmp, ft, key->items[i],
						 &any);
				else
					stack_add(sb, key->items[i], &any);
			}
		}
	}
	if (!any)
		strbuf_adds(sb, "[unknown]");
}

/* the samples an entry stands for; 0 to leave it out */
static uint64_t entry_count(const struct type *t, const struct val *v,
			    uint64_t div)
{
	struct int_val iv;

	switch (t->kind) {
	case TY_COUNT:
	case TY_SUM:
	case TY_MIN:
	case TY_MAX:
	case TY_INT:
		if (!val_is_int(v))
			return 0;
		iv = t->kind == TY_INT ? value_int(t, v) : value_int(NULL, v);
		if (t->kind != TY_INT)
			iv.is_signed = t->is_signed;
		if (iv.is_signed)
			return iv.i > 0 ? (uint64_t)iv.i / div : 0;
		return iv.u / div;
	case TY_AVG:
	case TY_STATS:
		if (v->kind != VAL_ARR || !v->n)
			return 0;
		return val_as_uint(v->items[0]);
	case TY_HIST:
	case TY_LHIST:
		return hist_total(v);
	default:
		return 0;
	}
}

struct folded_line {
	const char *s;
	size_t n;
	uint64_t count;
};

static int line_cmp(const void *pa, const void *pb)
{
	const struct folded_line *a = pa, *b = pb;
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->s, b->s, n);

	if (c)
		return c;
	return (a->n > b->n) - (a->n < b->n);
}

/* stderr, after the pending output: what has no place in a flame graph */
static void to_stderr(struct fmt_state *st, struct strbuf *sb)
{
	fmt_flush(st);
	fwrite(sb->p, 1, sb->n, stderr);
	fflush(stderr);
}

int flame_map(struct fmt_state *st, struct arena *a, const struct fmt_map *m,
	      const struct val *ev)
{
	struct strbuf lines = { 0 }, tmp = { 0 };
	struct strbuf *out;
	struct folded_line *fl;
	struct map_entry *e;
	size_t n, i, first, nl = 0, *start;
	uint64_t div;

	if (!flame_map_has_stack(m)) {
		struct strbuf sb = { 0 };
		int err = map_render(&sb, a, m, ev, false, &st->scratch);

		if (!err && sb.n)
			to_stderr(st, &sb);
		strbuf_free(&sb);
		return err;
	}
	if (map_entries(a, m, ev, &e, &n, &first, &div))
		return -EBADMSG;
	st->flame->nmaps++;
	fl = arena_alloc(a, (n ? n : 1) * sizeof(*fl));
	start = arena_alloc(a, (n ? n : 1) * sizeof(*start));
	for (i = first; i < n; i++) {
		uint64_t c = entry_count(m->val, e[i].val, div);

		if (!c || !e[i].key)
			continue;
		start[nl] = lines.n;
		if (st->flame->prefix) {
			frame_add(&lines, m->name, strlen(m->name));
			strbuf_addc(&lines, ';');
		}
		key_frames(&lines, &tmp, m->key, e[i].key);
		fl[nl].n = lines.n - start[nl];
		fl[nl].count = c;
		nl++;
	}
	/* the buffer may have moved while it grew: point in at the end */
	for (i = 0; i < nl; i++)
		fl[i].s = lines.p + start[i];
	qsort(fl, nl, sizeof(*fl), line_cmp);
	out = st->format == FMT_SVG ? &st->flame->folded : &st->out;
	for (i = 0; i < nl; i++) {
		uint64_t c = fl[i].count;

		while (i + 1 < nl && !line_cmp(&fl[i], &fl[i + 1]))
			c += fl[++i].count;
		strbuf_add(out, fl[i].s, fl[i].n);
		strbuf_addc(out, ' ');
		strbuf_addu(out, c);
		strbuf_addc(out, '\n');
	}
	strbuf_free(&lines);
	strbuf_free(&tmp);
	return 0;
}

void flame_finish(struct fmt_state *st)
{
	struct flame *f = st->flame;

	if (!f)
		return;
	if (!f->nmaps) {
		fmt_flush(st);
		fprintf(stderr, "bt-fmt: no map keyed by a stack (kstack, "
			"ustack) in this run: nothing to draw\n");
	}
	if (st->format == FMT_SVG)
		flame_svg(&st->out, f->folded.p ? f->folded.p : "",
			  f->folded.n, NULL);
}
