/*
 * object.c - the BPF object through libbpf: open the bundle's ELF from
 * memory, find each probe's program and each map, load (create maps,
 * verify programs), write bt_globals.
 *
 * libbpf's own messages are kept in a buffer (shown with -v) so that a
 * failed load can be explained: which probe the verifier rejected, at
 * which script location, and the end of the verifier log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bug.h"
#include "load.h"

#define LOG_MAX (8u << 20)
#define LOG_TAIL_LINES 20

static char *log_buf;
static size_t log_len, log_cap;
static bool log_verbose;

static int log_print(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	va_list ap2;
	int n;

	if (log_verbose) {
		va_copy(ap2, ap);
		vfprintf(stderr, fmt, ap2);
		va_end(ap2);
	}
	if (level == LIBBPF_DEBUG)
		return 0;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0 || log_len + n + 1 > LOG_MAX)
		return 0;
	if (log_len + n + 1 > log_cap) {
		size_t cap = log_cap ? log_cap * 2 : 4096;
		char *p;

		while (cap < log_len + n + 1)
			cap *= 2;
		p = realloc(log_buf, cap);
		if (!p)
			return 0;
		log_buf = p;
		log_cap = cap;
	}
	vsnprintf(log_buf + log_len, n + 1, fmt, ap);
	log_len += n;
	return 0;
}

void object_log_init(bool verbose)
{
	log_verbose = verbose;
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(log_print);
}

int object_open(struct load *l)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "bt");
	const struct val *elf = val_get(l->bundle, "elf");
	struct bpf_map *scratch;
	int i, err;

	l->obj = bpf_object__open_mem(elf->s, elf->n, &opts);
	if (!l->obj) {
		err = -errno;
		fprintf(stderr, "ERROR: cannot open the BPF object of the bundle: %s\n",
			strerror(-err));
		return -EBADMSG;
	}
	for (i = 0; i < l->nprobes; i++) {
		struct load_probe *p = &l->probes[i];

		p->bpf = bpf_object__find_program_by_name(l->obj, p->prog);
		if (!p->bpf) {
			fprintf(stderr, "bt-load: malformed bundle: no program '%s' in the ELF object\n",
				p->prog);
			return -EBADMSG;
		}
	}
	/* bt_scratch: an entry per possible CPU (bt-gen indexes it by CPU) */
	scratch = bpf_object__find_map_by_name(l->obj,
			val_get_str(l->bundle, "scratch") ?: "bt_scratch");
	if (scratch && bpf_map__type(scratch) == BPF_MAP_TYPE_ARRAY &&
	    libbpf_num_possible_cpus() > 0)
		bpf_map__set_max_entries(scratch,
					 (__u32)libbpf_num_possible_cpus());
	for (i = 0; i < l->nmaps; i++) {
		struct load_map *m = &l->maps[i];

		m->bpf = bpf_object__find_map_by_name(l->obj, m->elf);
		if (!m->bpf) {
			fprintf(stderr, "bt-load: malformed bundle: no map '%s' (for %s) in the ELF object\n",
				m->elf, m->name);
			return -EBADMSG;
		}
	}
	return 0;
}

/* the probe whose program is prog, or NULL */
static struct load_probe *probe_of(struct load *l, struct bpf_program *prog)
{
	int i;

	for (i = 0; i < l->nprobes; i++)
		if (l->probes[i].bpf == prog)
			return &l->probes[i];
	return NULL;
}

/* the part of libbpf's output that is the verifier log, else all of it */
static void log_extract(const char **start, size_t *len)
{
	const char *b, *e;

	*start = log_buf ? log_buf : "";
	*len = log_len;
	if (!log_buf)
		return;
	b = strstr(log_buf, "-- BEGIN PROG LOAD LOG --");
	if (!b)
		return;
	b = strchr(b, '\n');
	if (!b)
		return;
	b++;
	e = strstr(b, "-- END PROG LOAD LOG --");
	*start = b;
	*len = e ? (size_t)(e - b) : log_len - (b - log_buf);
}

static void log_print_tail(const char *s, size_t n, int lines)
{
	size_t i = n;
	int seen = 0;

	while (i > 0 && s[i - 1] == '\n')
		i--;
	n = i;
	while (i > 0) {
		if (s[i - 1] == '\n' && ++seen == lines)
			break;
		i--;
	}
	if (i > 0)
		fprintf(stderr, "...\n");
	fwrite(s + i, 1, n - i, stderr);
	if (n > i)
		putc('\n', stderr);
}

/* which program failed: the first in load order that has no fd */
static struct bpf_program *object_failed_prog(struct load *l)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, l->obj)
		if (bpf_program__autoload(prog) && bpf_program__fd(prog) < 0)
			return prog;
	return NULL;
}

/*
 * bt_ncpus, alone in section .rodata.bt_ncpus when a program reads an
 * aggregation (WIRE.md): the number of possible CPUs, set before loading
 * since .rodata is frozen by then
 */
static int object_set_ncpus(struct load *l)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj,
							 ".rodata.bt_ncpus");
	uint32_t n32;
	int n, err;

	if (!m)
		return 0;
	if (bpf_map__value_size(m) != sizeof(n32)) {
		fprintf(stderr, "bt-load: malformed bundle: section "
			"'.rodata.bt_ncpus' is not one u32\n");
		return -EBADMSG;
	}
	n = libbpf_num_possible_cpus();
	if (n <= 0) {
		fprintf(stderr, "ERROR: cannot count the possible CPUs: %s\n",
			strerror(n ? -n : EINVAL));
		return n ? n : -EINVAL;
	}
	n32 = (uint32_t)n;
	err = bpf_map__set_initial_value(m, &n32, sizeof(n32));
	if (err)
		fprintf(stderr, "ERROR: cannot set '.rodata.bt_ncpus': %s\n",
			strerror(-err));
	return err;
	return 0;
}

/* the part of script line `line` inside the probe's span; the whole
 * probe when the line is unknown or outside it */
static struct diag_loc verifier_loc(struct diag_loc probe, unsigned line)
{
	struct diag_loc l = diag_loc_of_line(line);

	if (!line || l.end <= probe.start || l.start >= probe.end)
		return probe;
	if (l.start < probe.start)
		l.start = probe.start;
	if (l.end > probe.end)
		l.end = probe.end;
	return l;
}

int object_load(struct load *l)
{
	struct bpf_program *prog;
	struct load_probe *p;
	const char *vlog;
	size_t vlen;
	int err;

	if ((err = object_set_ncpus(l)))
		return err;
	log_len = 0;
	err = bpf_object__load(l->obj);
	if (!err)
		return 0;
	prog = object_failed_prog(l);
	p = prog ? probe_of(l, prog) : NULL;
	log_extract(&vlog, &vlen);
	if (p && vlen) {
		const char *name = val_get_str(p->attach->items[0], "name");
		const char *why = verifier_explain(vlog, vlen);
		struct diag_loc at = verifier_loc(p->loc, verifier_line(vlog, vlen));

		if (why)
			diag_error(at, "the BPF verifier rejected probe '%s': %s",
				   name ? name : p->prog, why);
		else
			diag_error(at, "the BPF verifier rejected probe '%s' (%s)",
				   name ? name : p->prog, strerror(-err));
		if (!log_verbose) {
			log_print_tail(vlog, vlen, LOG_TAIL_LINES);
			diag_hint("run bt-load with -v for the whole verifier log");
		}
	} else {
		fprintf(stderr, "ERROR: loading the BPF object failed: %s\n",
			strerror(-err));
		if (!log_verbose && log_len)
			log_print_tail(log_buf, log_len, LOG_TAIL_LINES);
		if (err == -EPERM)
			fprintf(stderr, "HINT: bt-load needs root (CAP_BPF and CAP_PERFMON)\n");
	}
	return err;
}

int object_set_globals(struct load *l)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj, l->globals_name);
	struct timespec ts;
	unsigned char *buf;
	uint64_t ns;
	uint32_t key = 0;
	size_t size;
	int fd, err;

	if (!m)
		return 0; /* a program that never asks for elapsed time */
	fd = bpf_map__fd(m);
	size = bpf_map__value_size(m);
	if (size < sizeof(ns)) {
		fprintf(stderr, "bt-load: malformed bundle: map '%s' is smaller than its u64 start_ns\n",
			l->globals_name);
		return -EBADMSG;
	}
	buf = calloc(1, size);
	if (!buf)
		BUG("out of memory");
	bpf_map_lookup_elem(fd, &key, buf);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	memcpy(buf, &ns, sizeof(ns));
	if (size >= GLOBALS_TAI_OFF + 8) {
		struct timespec tai;
		uint64_t off;

		clock_gettime(CLOCK_TAI, &tai);
		off = (uint64_t)tai.tv_sec * 1000000000ull + tai.tv_nsec - ns;
		memcpy(buf + GLOBALS_TAI_OFF, &off, sizeof(off));
	}
	err = bpf_map_update_elem(fd, &key, buf, BPF_ANY) ? -errno : 0;
	free(buf);
	if (err)
		fprintf(stderr, "ERROR: cannot write '%s': %s\n", l->globals_name,
			strerror(-err));
	return err;
}

void object_close(struct load *l)
{
	bpf_object__close(l->obj);
	l->obj = NULL;
	free(log_buf);
	log_buf = NULL;
	log_len = log_cap = 0;
}
