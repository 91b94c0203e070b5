/*
 * tracepoint_list.c - `-l` and `-lv` for tracepoints: the events under
 * tracefs events/CATEGORY/EVENT, sorted, and with -v each event's argument
 * lines, read from its format file.
 *
 * The cost of -v is in the kernel: every format text is built when it is
 * read (under one mutex), and every open walks eventfs.  So up to
 * TPL_THREADS threads share the work.  A thread takes the next category,
 * lists its events (getdents on a directory fd that it keeps for opening
 * the formats relative to it), then reads that category's formats one event
 * at a time; a thread with no category left to list helps with the events
 * of the others.  Argument lines go to the text of the thread that read
 * them, and main prints names and lines in sorted order afterwards, so the
 * output does not depend on which thread read what.
 *
 * Ownership: everything lives until tracepoint_list returns; event names
 * in each thread's own arena, argument lines in each thread's malloc'd text.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracefs.h"
#include "provider.h"

#define TPL_THREADS 2

/* the last record of a format file: once read, the next read says EOF */
#define TPL_FORMAT_LAST "\nprint fmt: "

struct tpl_event {
	const char *name;
	int reader;          /* the thread holding its argument lines, or -1 */
	size_t off, len;     /* their place in that thread's text */
};

struct tpl_category {
	const char *name;
	int fd;                   /* the directory, open until all are read */
	struct tpl_event *evs;
	size_t n;
	size_t next, done;        /* events taken, events read (atomic) */
	int state;                /* TPL_* below (atomic) */
};

enum { TPL_UNLISTED, TPL_LISTED };

struct tpl_walk {
	struct tpl_category *cats;
	size_t ncat, next_cat;    /* next_cat: atomic */
	int eventsfd;
	const char *pattern;      /* on "tracepoint:CAT:EVENT", or NULL */
	bool verbose;
};

struct tpl_reader {
	struct tpl_walk *w;
	int id, err;
	struct arena *a;
	char *buf;                /* one format file */
	size_t bufcap;
	char *text;               /* "    DECL\n" lines of the events read */
	size_t len, cap;
	pthread_t thread;
	char dents[32768];
};

static int tpl_name_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* sorted names of the subdirectories of fd, or NULL with *err set */
static char **tpl_dir_names(struct arena *a, int fd, char *dents,
			    size_t dsize, size_t *n, int *err)
{
	size_t cap = 64;
	char **names = arena_alloc(a, sizeof(*names) * cap);

	*n = 0;
	for (;;) {
		ssize_t got = getdents64(fd, dents, dsize), off;

		if (got < 0) {
			*err = -errno;
			return NULL;
		}
		if (got == 0)
			break;
		for (off = 0; off < got;) {
			struct dirent64 *de = (struct dirent64 *)(dents + off);

			off += de->d_reclen;
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
	}
	qsort(names, *n, sizeof(*names), tpl_name_cmp);
	return names;
}

/* list the events of c that match the pattern, then let readers at them */
static void tpl_list_category(struct tpl_reader *r, struct tpl_category *c)
{
	struct tpl_walk *w = r->w;
	char **names = NULL, full[512];
	size_t n = 0, i;
	int err = 0;

	c->fd = openat(w->eventsfd, c->name,
		       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->fd >= 0)
		names = tpl_dir_names(r->a, c->fd, r->dents, sizeof(r->dents),
				      &n, &err);
	/* a category that cannot be listed is left out, as by tp_walk */
	c->evs = arena_alloc(r->a, sizeof(*c->evs) * (n ? n : 1));
	for (i = 0; names && i < n; i++) {
		if (w->pattern) {
			snprintf(full, sizeof(full), "tracepoint:%s:%s", c->name,
				 names[i]);
			if (fnmatch(w->pattern, full, 0))
				continue;
		}
		c->evs[c->n].name = names[i];
		c->evs[c->n].reader = -1;
		c->n++;
	}
	if (c->fd >= 0 && (!w->verbose || !c->n)) {
		close(c->fd);
		c->fd = -1;
	}
	__atomic_store_n(&c->state, TPL_LISTED, __ATOMIC_RELEASE);
}

static void tpl_append(struct tpl_reader *r, const char *decl, size_t n)
{
	if (r->cap - r->len < n + 5) {
		size_t ncap = r->cap ? r->cap * 2 : 256 * 1024;
		char *nt;

		while (ncap - r->len < n + 5)
			ncap *= 2;
		nt = realloc(r->text, ncap);
		if (!nt) {
			r->err = -ENOMEM;
			return;
		}
		r->text = nt;
		r->cap = ncap;
	}
	memcpy(r->text + r->len, "    ", 4);
	memcpy(r->text + r->len + 4, decl, n);
	r->text[r->len + 4 + n] = '\n';
	r->len += n + 5;
}

/* read the format of one event and keep its argument lines */
static void tpl_read_event(struct tpl_reader *r, struct tpl_category *c,
			   struct tpl_event *e)
{
	char rel[300], *line, *nl;
	const char *decl;
	size_t dlen;
	ssize_t got;

	if (snprintf(rel, sizeof(rel), "%s/format", e->name) >= (int)sizeof(rel))
		return;
	got = tracefs_read_at(c->fd, rel, TPL_FORMAT_LAST, &r->buf, &r->bufcap);
	if (got == -ENOMEM)
		r->err = -ENOMEM;
	if (got < 0)
		return;   /* listed without arguments */
	e->off = r->len;
	for (line = r->buf; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (tracepoint_arg_decl(line, &decl, &dlen))
			tpl_append(r, decl, dlen);
	}
	e->reader = r->id;
	e->len = r->len - e->off;
}

/* read the formats of c's events not yet taken by another thread */
static void tpl_read_category(struct tpl_reader *r, struct tpl_category *c)
{
	size_t i;

	while ((i = __atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED)) < c->n) {
		tpl_read_event(r, c, &c->evs[i]);
		if (__atomic_add_fetch(&c->done, 1, __ATOMIC_ACQ_REL) == c->n) {
			close(c->fd);
			c->fd = -1;
		}
	}
}

static void *tpl_reader_main(void *arg)
{
	struct tpl_reader *r = arg;
	struct tpl_walk *w = r->w;
	size_t i;

	while ((i = __atomic_fetch_add(&w->next_cat, 1, __ATOMIC_RELAXED)) <
	       w->ncat) {
		tpl_list_category(r, &w->cats[i]);
		if (w->verbose)
			tpl_read_category(r, &w->cats[i]);
	}
	/*
	 * Help with the events of every category.  All are taken by now; one
	 * still being listed (a getdents or two) is waited for, so that a big
	 * category listed last is not left to its lister alone.
	 */
	for (i = 0; w->verbose && i < w->ncat; i++) {
		while (__atomic_load_n(&w->cats[i].state, __ATOMIC_ACQUIRE) !=
		       TPL_LISTED)
			sched_yield();
		tpl_read_category(r, &w->cats[i]);
	}
	return NULL;
}

/*
 * The category to walk for a listing pattern: the category itself when
 * the pattern names one without wildcards ("tracepoint:syscalls:..." can
 * only match events of syscalls, as no name holds a ':'), else NULL (all).
 * A name that is no plain directory entry ('/', leading '.') walks all.
 */
static const char *tpl_pattern_category(struct arena *a, const char *pattern)
{
	static const char prefix[] = "tracepoint:";
	const char *cat, *colon, *wild;

	if (!pattern || strncmp(pattern, prefix, sizeof(prefix) - 1))
		return NULL;
	cat = pattern + sizeof(prefix) - 1;
	colon = strchr(cat, ':');
	wild = strpbrk(cat, "*?[\\/");
	if (!colon || colon == cat || *cat == '.' || (wild && wild < colon))
		return NULL;
	return arena_strndup(a, cat, colon - cat);
}

/* the categories to walk, sorted: all, or the one the pattern names */
static int tpl_categories(struct arena *a, struct tpl_walk *w,
			  const char *only, char *dents, size_t dsize)
{
	char **names;
	size_t n, i;
	int err = 0;

	if (only) {
		names = arena_alloc(a, sizeof(*names));
		names[0] = (char *)only;
		n = 1;
	} else {
		names = tpl_dir_names(a, w->eventsfd, dents, dsize, &n, &err);
		if (!names)
			return err;
	}
	w->cats = arena_alloc(a, sizeof(*w->cats) * (n ? n : 1));
	for (i = 0; i < n; i++) {
		w->cats[i].name = names[i];
		w->cats[i].fd = -1;
	}
	w->ncat = n;
	return 0;
}

int tracepoint_list(struct arena *a, const char *pattern, bool verbose,
		    FILE *out)
{
	struct tpl_walk w = { .pattern = pattern, .verbose = verbose };
	struct tpl_reader *rd;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nrd, started, i, r, count = 0;
	bool single;
	size_t c, j;

	w.eventsfd = tracefs_open("events", O_RDONLY | O_DIRECTORY);
	if (w.eventsfd < 0)
		return w.eventsfd;
	nrd = cpus < TPL_THREADS ? (cpus > 0 ? (int)cpus : 1) : TPL_THREADS;
	rd = arena_alloc(a, sizeof(*rd) * nrd);
	r = tpl_categories(a, &w, tpl_pattern_category(a, pattern), rd[0].dents,
			   sizeof(rd[0].dents));
	if (r < 0) {
		close(w.eventsfd);
		return r;
	}
	/*
	 * Threads pay off for formats: not without -v (measured: listing
	 * names alone is faster in one), nor for a single event; one category
	 * still shares its events out (`tracepoint:syscalls:*`)
	 */
	single = pattern && !provider_has_wildcard(pattern);
	if (!verbose || !w.ncat || (w.ncat == 1 && single))
		nrd = 1;
	for (i = 0; i < nrd; i++) {
		rd[i].w = &w;
		rd[i].id = i;
		rd[i].a = i ? arena_new() : a;
	}
	/* reader 0 is this thread; one that fails to start leaves its share */
	for (started = 1; started < nrd; started++)
		if (pthread_create(&rd[started].thread, NULL, tpl_reader_main,
				   &rd[started]))
			break;
	tpl_reader_main(&rd[0]);
	for (i = 1; i < started; i++)
		pthread_join(rd[i].thread, NULL);
	close(w.eventsfd);

	r = 0;
	for (i = 0; i < nrd; i++)
		if (rd[i].err)
			r = rd[i].err;
	for (c = 0; !r && c < w.ncat; c++) {
		const struct tpl_category *cat = &w.cats[c];

		for (j = 0; j < cat->n; j++) {
			const struct tpl_event *e = &cat->evs[j];

			fprintf(out, "tracepoint:%s:%s\n", cat->name, e->name);
			if (e->reader >= 0 && e->len)
				fwrite(rd[e->reader].text + e->off, 1, e->len,
				       out);
			count++;
		}
	}
	for (i = 0; i < nrd; i++) {
		free(rd[i].buf);
		free(rd[i].text);
		if (i)
			arena_free(rd[i].a);
	}
	return r < 0 ? r : count;
}
