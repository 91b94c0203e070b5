/*
 * actions.c - the asynchronous actions bt-load carries out for the BPF
 * side (WIRE.md "Ring-buffer records", actions 10 to 14) and the state it
 * shares with the programs through bt_globals:
 *
 *   CAT (10)      format the path (bundle "cat"), read up to config
 *                 max_cat_bytes of the file -> `text` kind cat; a file
 *                 that cannot be opened is an `error` event, as upstream
 *   SYSTEM (11)   format the command (bundle "system"), run it with
 *                 /bin/sh -c, its stdout and stderr -> `text` kind system
 *                 (not after SIGINT/SIGTERM: the backlog is skipped)
 *   JOIN (12)     argnum strings of argsize bytes (bundle "join"), up to
 *                 the first empty one, joined by sep -> `text` kind join
 *   WARNING (13)  a `warn` event with the bundle's "warnings" msg and loc
 *                 (division by zero)
 *   UNWATCH (14)  destroy the watchpoint links of the address (attach_perf.c)
 *
 *   bt_globals    u64 cpid at offset 8 (the -c command's pid), and exit()'s
 *                 flag at offset 16 (1 << 32 | code), read after every poll
 *                 round, so that exit() works when its record was lost
 *
 * Formats are C printf formats with the argument types of the bundle;
 * integers and strings are formatted here the way printf(3) does, other
 * values by their decoded text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bug.h"
#include "load.h"


static int bad(const char *what)
{
	fprintf(stderr, "bt-load: malformed bundle: %s\n", what);
	return -EBADMSG;
}

/* "cat"/"system": [{"fmt", "args": [TYPE]}] -> formats and arg tuples */
static int read_fmt_table(struct load *l, const struct val *list,
			  struct load_fmt **out, int *n)
{
	size_t i, j;

	*n = 0;
	if (!list)
		return 0;
	if (list->kind != VAL_ARR)
		return bad("a cat/system table is not an array");
	*out = arena_alloc(l->arena, sizeof(**out) * (list->n + 1));
	for (i = 0; i < list->n; i++) {
		const struct val *args = val_get(list->items[i], "args");
		size_t na = args && args->kind == VAL_ARR ? args->n : 0;
		struct type **el = arena_alloc(l->arena, sizeof(*el) * (na + 1));

		(*out)[i].fmt = val_get_str(list->items[i], "fmt");
		if (!(*out)[i].fmt)
			return bad("a cat/system entry lacks 'fmt'");
		for (j = 0; j < na; j++) {
			el[j] = type_from_val(l->arena, args->items[j]);
			if (!el[j])
				return bad("a cat/system argument type is not a type");
		}
		(*out)[i].args = type_tuple(l->arena, el, na);
	}
	*n = list->n;
	return 0;
}

int actions_read(struct load *l, const struct val *bundle)
{
	const struct val *cfg = val_get(bundle, "config");
	int err;

	if ((err = read_fmt_table(l, val_get(bundle, "cat"), &l->cats, &l->ncat)) ||
	    (err = read_fmt_table(l, val_get(bundle, "system"), &l->systems,
				  &l->nsystem)))
		return err;
	l->joins = val_get(bundle, "join");
	l->warnings = val_get(bundle, "warnings");
	if ((l->joins && l->joins->kind != VAL_ARR) ||
	    (l->warnings && l->warnings->kind != VAL_ARR))
		return bad("'join' or 'warnings' is not an array");
	l->max_cat_bytes = val_get_int(cfg, "max_cat_bytes", 10240);
	if (l->max_cat_bytes < 0)
		l->max_cat_bytes = 10240;
	return 0;
}

/* ------------------------------------------------------------ formats */

/* one argument as printf's %<spec> would print it; spec ends with conv */
static void format_arg(FILE *f, struct arena *a, const char *spec,
		       size_t speclen, char conv, const struct type *t,
		       const unsigned char *p, size_t n)
{
	char fs[64];
	size_t k, i;
	struct val *v;

	/* %, flags, width, precision; the length modifier is ours */
	fs[0] = '%';
	for (i = 0, k = 1; i + 1 < speclen && k < sizeof(fs) - 8; i++) {
		if (strchr("hljztL", spec[i]))
			break;
		fs[k++] = spec[i];
	}
	v = decode_value(a, t, p, n);
	if (conv == 's' || !v || !val_is_int(v)) {
		const char *s = "";
		char *tmp = NULL;

		if (v && v->kind == VAL_STR)
			s = tmp = strndup(v->s, v->n);
		else if (v && val_is_int(v))
			s = tmp = v->kind == VAL_UINT ?
				  arena_printf(a, "%llu", (unsigned long long)v->u) :
				  arena_printf(a, "%lld", (long long)val_as_int(v));
		fs[k] = 's';
		fs[k + 1] = 0;
		fprintf(f, fs, s);
		if (v && v->kind == VAL_STR)
			free(tmp);
		return;
	}
	if (conv == 'c') {
		fs[k] = 'c';
		fs[k + 1] = 0;
		fprintf(f, fs, (int)val_as_int(v));
		return;
	}
	if (conv == 'p') {
		fprintf(f, "0x%llx", (unsigned long long)val_as_int(v));
		return;
	}
	fs[k] = 'l';
	fs[k + 1] = 'l';
	fs[k + 2] = conv == 'i' ? 'd' : conv;
	fs[k + 3] = 0;
	if (conv == 'd' || conv == 'i')
		fprintf(f, fs, (long long)val_as_int(v));
	else
		fprintf(f, fs, (unsigned long long)val_as_int(v));
}

/* fmt with the arguments in p (a tuple of type args), as a string in a */
static char *format_args(struct arena *a, const char *fmt,
			 const struct type *args, const unsigned char *p,
			 size_t n)
{
	char *buf = NULL, *res;
	size_t len = 0, s;
	FILE *f = open_memstream(&buf, &len);
	int i = 0;

	if (!f)
		BUG("out of memory");
	while (*fmt) {
		if (*fmt != '%') {
			fputc(*fmt++, f);
			continue;
		}
		if (fmt[1] == '%') {
			fputc('%', f);
			fmt += 2;
			continue;
		}
		for (s = 1; fmt[s] && !strchr("diouxXcspeEfgG", fmt[s]); s++)
			;
		if (!fmt[s]) {
			fputs(fmt, f);
			break;
		}
		if (i < args->nfields) {
			int64_t off = args->fields[i].offset;

			format_arg(f, a, fmt + 1, s, fmt[s],
				   args->fields[i].type, p + off,
				   n > (size_t)off ? n - off : 0);
			i++;
		}
		fmt += s + 1;
	}
	fclose(f);
	res = arena_strdup(a, buf ? buf : "");
	free(buf);
	return res;
}

static void put_text(struct load *l, const char *kind, const char *data,
		     size_t n)
{
	struct val *ev = emit_event(l, "text");

	val_set_str(l->ev, ev, "kind", kind);
	val_set(l->ev, ev, "data", val_strn(l->ev, data, n));
	emit_put(l, ev);
}

static void put_error(struct load *l, const char *msg)
{
	struct val *ev = emit_event(l, "error");

	val_set_str(l->ev, ev, "msg", msg);
	emit_put(l, ev);
}

static void do_cat(struct load *l, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t got = 0;
	ssize_t r;

	if (fd < 0) {
		put_error(l, arena_printf(l->ev, "failed to open file '%s' (%s)",
					  path, strerror(errno)));
		return;
	}
	buf = arena_alloc(l->ev, (size_t)l->max_cat_bytes + 1);
	while (got < (size_t)l->max_cat_bytes &&
	       (r = read(fd, buf + got, (size_t)l->max_cat_bytes - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	close(fd);
	put_text(l, "cat", buf, got);
}

static void do_system(struct load *l, const char *cmd)
{
	int pfd[2], status;
	pid_t pid;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	char chunk[4096];
	ssize_t r;

	fflush(stdout);
	if (pipe2(pfd, O_CLOEXEC)) {
		put_error(l, "system(): pipe() failed");
		return;
	}
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		put_error(l, "system(): fork() failed");
		return;
	}
	if (pid == 0) {
		if (dup2(pfd[1], STDOUT_FILENO) < 0 ||
		    dup2(pfd[1], STDERR_FILENO) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = open_memstream(&buf, &len);
	if (!f)
		BUG("out of memory");
	while ((r = read(pfd[0], chunk, sizeof(chunk))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		fwrite(chunk, 1, (size_t)r, f);
	}
	close(pfd[0]);
	fclose(f);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status))
		put_error(l, "child process did not exit normally");
	else if (WEXITSTATUS(status))
		put_error(l, arena_printf(l->ev, "command exited with code %d",
					  WEXITSTATUS(status)));
	else
		put_text(l, "system", buf ? buf : "", len);
	free(buf);
}

static int do_join(struct load *l, uint32_t id, const unsigned char *p,
		   size_t n)
{
	const struct val *j = val_at(l->joins, id);
	const char *sep = val_get_str(j, "sep");
	int64_t num = val_get_int(j, "argnum", 0), size = val_get_int(j, "argsize", 0);
	char *buf = NULL;
	size_t len = 0, sl;
	FILE *f;
	int64_t i;

	if (!j || !sep || num <= 0 || size <= 0)
		return -EBADMSG;
	if (n < (size_t)(num * size))
		return -EMSGSIZE;
	f = open_memstream(&buf, &len);
	if (!f)
		BUG("out of memory");
	for (i = 0; i < num; i++) {
		const char *s = (const char *)p + i * size;

		sl = strnlen(s, (size_t)size);
		if (!sl)
			break;
		if (i)
			fputs(sep, f);
		fwrite(s, 1, sl, f);
	}
	fclose(f);
	put_text(l, "join", buf ? buf : "", len);
	free(buf);
	return 0;
}

int actions_record(struct load *l, uint32_t action, uint32_t id,
		   const unsigned char *p, size_t n)
{
	const struct val *w;
	struct val *ev;
	int err;

	switch (action) {
	case REC_CAT:
		if (id >= (uint32_t)l->ncat)
			return -ENOENT;
		if (n < (size_t)type_size(l->cats[id].args))
			return -EMSGSIZE;
		do_cat(l, format_args(l->ev, l->cats[id].fmt, l->cats[id].args, p, n));
		return 0;
	case REC_SYSTEM:
		if (id >= (uint32_t)l->nsystem)
			return -ENOENT;
		if (n < (size_t)type_size(l->systems[id].args))
			return -EMSGSIZE;
		/* after Ctrl-C, the backlog's commands would delay the end
		 * for as long as they took to queue up: skip them */
		if (signals_stop_requested())
			return 0;
		do_system(l, format_args(l->ev, l->systems[id].fmt,
					 l->systems[id].args, p, n));
		return 0;
	case REC_JOIN:
		err = do_join(l, id, p, n);
		return err == -EBADMSG ? -ENOENT : err;
	case REC_WARNING:
		w = val_at(l->warnings, id);
		if (!w || !val_get_str(w, "msg"))
			return -ENOENT;
		ev = emit_event(l, "warn");
		val_set_str(l->ev, ev, "msg", val_get_str(w, "msg"));
		if (val_get(w, "loc"))
			val_set(l->ev, ev, "loc", val_copy(l->ev, val_get(w, "loc")));
		emit_put(l, ev);
		return 0;
	case REC_UNWATCH:
		if (n < 8)
			return -EMSGSIZE;
		{
			uint64_t addr;

			memcpy(&addr, p, 8);
			attach_unwatch(l, addr);
		}
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* ------------------------------------------------------------ globals */

static int globals_fd(struct load *l)
{
	struct bpf_map *m;

	if (!l->obj)
		return -1;
	m = bpf_object__find_map_by_name(l->obj, l->globals_name);
	if (!m || bpf_map__value_size(m) < GLOBALS_EXIT + 8)
		return -1;
	return bpf_map__fd(m);
}

static int globals_rw(struct load *l, unsigned char **buf)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj, l->globals_name);
	uint32_t key = 0;
	int fd = globals_fd(l);

	if (fd < 0)
		return -1;
	*buf = arena_alloc(l->ev, bpf_map__value_size(m));
	if (bpf_map_lookup_elem(fd, &key, *buf))
		return -1;
	return fd;
}

void actions_set_cpid(struct load *l)
{
	unsigned char *buf;
	uint64_t pid = (uint64_t)l->child_pid;
	uint32_t key = 0;
	int fd;

	if (!l->child_pid || (fd = globals_rw(l, &buf)) < 0)
		return;
	memcpy(buf + GLOBALS_CPID, &pid, 8);
	if (bpf_map_update_elem(fd, &key, buf, BPF_ANY))
		fprintf(stderr, "ERROR: cannot write cpid to '%s': %s\n",
			l->globals_name, strerror(errno));
}

bool actions_stop_probes(struct load *l)
{
	unsigned char *buf;
	uint64_t one = 1;
	uint32_t key = 0;
	int fd = globals_rw(l, &buf);

	if (fd < 0)
		return false;
	memcpy(buf + GLOBALS_STOP, &one, 8);
	return bpf_map_update_elem(fd, &key, buf, BPF_ANY) == 0;
}

bool actions_exit_flagged(struct load *l, int *code)
{
	unsigned char *buf;
	uint64_t x;

	if (globals_rw(l, &buf) < 0)
		return false;
	memcpy(&x, buf + GLOBALS_EXIT, 8);
	if (!(x >> 32))
		return false;
	*code = (int)(int32_t)(uint32_t)x;
	return true;
}

void actions_exit_clear(struct load *l)
{
	unsigned char *buf;
	uint64_t zero = 0;
	uint32_t key = 0;
	int fd = globals_rw(l, &buf);

	if (fd < 0)
		return;
	memcpy(buf + GLOBALS_EXIT, &zero, 8);
	if (bpf_map_update_elem(fd, &key, buf, BPF_ANY))
		fprintf(stderr, "ERROR: cannot clear the exit flag in '%s': %s\n",
			l->globals_name, strerror(errno));
}
