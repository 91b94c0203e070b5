/*
 * provider.h - what bt knows about each kind of probe.
 *
 * One file per provider (tracepoint.c, special.c, interval.c, ...) fills
 * one struct provider; provider.c holds the table and the lookup by name.
 * bt-check calls expand() and args() to resolve attach points and type
 * `args`; bt-probes calls list() for `-l`; bt-load will attach from the
 * ATTACH_POINT maps (WIRE.md) that expand() produced.
 *
 * Ownership: vals and types are made in the arena the caller passes.
 */
#ifndef BT_PROVIDER_H
#define BT_PROVIDER_H

#include <stdbool.h>
#include <stdio.h>

#include "type.h"
#include "val.h"

/* why an expansion failed: a message for diag_error and an optional hint */
struct probe_err {
	char msg[512];
	char hint[512];
	int status;   /* exit status the caller should use: 1 script, 3 system */
	/*
	 * When expand() matched nothing (returns 0) the caller says upstream's
	 * "No matches for PROVIDER REST." unless the provider sets this to
	 * keep its own msg (a module that is not loaded, say).
	 */
	bool own_msg;
	/* upstream prints this one without a source location */
	bool no_loc;
};

struct provider {
	const char *name;                /* canonical, lower case */
	const char *const *short_names;  /* exact-match aliases, NULL-ended */
	/*
	 * Expand the parts of one attach point (the segments after the
	 * provider, strings) into ATTACH_POINT maps appended to out.  Returns
	 * the number appended (0 is "nothing matched", with err filled) or a
	 * negative errno with err filled.
	 */
	int (*expand)(struct arena *a, const struct val *parts, struct val *out,
		      struct probe_err *err);
	/*
	 * Print one listing line per probe whose full name matches pattern
	 * (fnmatch; NULL matches all); verbose adds argument lines.  Returns
	 * the number printed or a negative errno.
	 */
	int (*list)(struct arena *a, const char *pattern, bool verbose,
		    FILE *out);
	/*
	 * The type of `args` at one expanded attach point: a struct named
	 * "args" with one field per argument.  NULL when the provider has no
	 * args (then err says why).
	 */
	struct type *(*args)(struct arena *a, const struct val *ap,
			     struct probe_err *err);
	/*
	 * The type of retval at one expanded attach point where the probed
	 * function's BTF says it (fexit); without the hook retval is a u64.
	 */
	struct type *(*retval)(struct arena *a, const struct val *ap,
			       struct probe_err *err);
	bool has_argn;     /* arg0..argN are meaningful */
	bool has_retval;   /* retval is meaningful */
	bool has_func;     /* func is meaningful */
	bool user_args;    /* pointers in args point to user memory */
};

extern const struct provider provider_begin, provider_end,
	provider_tracepoint, provider_interval, provider_profile,
	provider_software, provider_uprobe, provider_uretprobe,
	provider_kprobe, provider_kretprobe, provider_fentry, provider_fexit,
	provider_rawtracepoint, provider_usdt, provider_iter,
	provider_hardware, provider_self, provider_watchpoint,
	provider_bench, provider_test;

/* --unsafe: attach where upstream refuses without it (size-0 symbols...) */
extern bool provider_unsafe;

/*
 * -p/--pid: the process whose binaries `uprobe:*:f`, `usdt:*` and
 * `usdt::p:n` mean (0: none)
 */
extern int provider_pid;

/*
 * The binaries a uprobe/usdt attach point names: one resolved path, the
 * files a wildcard path matches (glob, as written: `./bin/x*`), or with
 * provider_pid the process's mapped executables a wildcard matches (and
 * its main binary for ""); a path inside another mount namespace is
 * reached through /proc/PID/root.  Returns the count (0: none) or a
 * negative errno.
 */
int provider_binaries(struct arena *a, const char *bin, const char ***out);

/*
 * The part of a listing pattern after its provider when that provider
 * (possibly a glob, `*ware:*`) matches p: "*" for no pattern, NULL when
 * the pattern is for other providers
 */
const char *provider_pattern_rest(const struct provider *p,
				  const char *pattern);

/* the providers in listing order, NULL-ended */
extern const struct provider *const provider_table[];

/*
 * A provider by the name written in a script: full names are matched
 * case-insensitively, short names exactly ("t", "i", "p", "s").
 */
const struct provider *provider_find(const char *name);
/* every provider name and short name, NULL-ended, for suggestions */
const char *const *provider_all_names(void);

/* helpers shared by the providers (provider.c) */
bool provider_has_wildcard(const char *s);
/* an ATTACH_POINT map with "provider" and "name" set */
struct val *provider_ap_new(struct arena *a, const struct provider *p,
			    const char *name);
/* parts[i] as a C string or NULL */
const char *provider_part(const struct val *parts, size_t i);

/*
 * suggest.c: the closest of names[0..n) to want by edit distance, or NULL
 * when none is close enough to be a likely typo (bt-check uses it too)
 */
const char *suggest_closest(const char *want, const char *const *names,
			    size_t n);

/*
 * kbtf.c: vmlinux BTF, loaded on first use (NULL when absent); one BTF
 * type as a bt type; a named struct/union type's fields filled in
 */
struct btf;
struct btf *kbtf_load(void);
struct type *kbtf_type(struct arena *a, const struct btf *btf, unsigned id,
		       int depth);
bool kbtf_complete(struct arena *a, struct type *st);
/*
 * `-l 'struct X*'`: the struct/union/enum names matching pattern, with
 * verbose their definitions (`vmlinux: struct X {` ... `};`); the count or
 * a negative errno
 */
int kbtf_list_types(struct arena *a, const char *pattern, bool verbose,
		    FILE *out);

/* uprobe.c: a symbol (function or object) of an ELF file: 0 or -errno */
/* does path start with the ELF magic (else: raw code, or not readable) */
bool uprobe_is_elf(const char *path);
/* a PIE or shared library (ET_DYN): loaded at an address not its own */
bool uprobe_elf_is_dyn(const char *path);
int uprobe_find_symbol(struct arena *a, const char *path, const char *name,
		       uint64_t *addr, uint64_t *size);
/* uprobe.c: the absolute path of a binary named in an attach point */
const char *uprobe_resolve_binary(struct arena *a, const char *bin);

/* tracepoint.c: the `args` struct of category:event from its format file */
struct type *tracepoint_args_type(struct arena *a, const char *category,
				  const char *event, bool user,
				  struct probe_err *err);
/*
 * tracepoint.c: is this line of a format file one of the event's arguments
 * that `-lv` prints (a field, not common_)?  Then *decl, *len: its
 * declaration ("const char * filename"), pointing into line
 */
bool tracepoint_arg_decl(const char *line, const char **decl, size_t *len);
/* tracepoint_list.c: the provider's list callback (`-l`, `-lv`) */
int tracepoint_list(struct arena *a, const char *pattern, bool verbose,
		    FILE *out);
/* tracepoint.c: parse format text (tests use it directly) */
struct type *tracepoint_parse_format(struct arena *a, const char *text,
				     bool user, bool with_common);

/*
 * software.c: perf events named by a table (software.c, hardware.c): one
 * row per event, the last row all NULL
 */
struct perf_event_def {
	const char *name, *alias;
	int64_t period;   /* default sample period */
};
int perf_event_expand(struct arena *a, const struct provider *p,
		      const struct perf_event_def *events,
		      const struct val *parts, struct val *out,
		      struct probe_err *err);
int perf_event_list(const struct provider *p,
		    const struct perf_event_def *events, const char *pattern,
		    FILE *out);

/*
 * fentry_bpf.c: the `bpf` variant of fentry/fexit (running BPF programs).
 * One function of a running program:
 */
struct fentry_bpf_func {
	uint32_t prog_id;
	const char *name;
	int nargs;          /* its parameters (BTF FUNC_PROTO) */
};
/* do these attach point parts name the bpf variant (`bpf:...`)? */
bool fentry_bpf_variant(const struct val *parts);
/*
 * parts `bpf:NAME`, `bpf:ID:NAME` or `bpf:*:NAME` into *id (0: any) and
 * *name (a glob); 0 or -EINVAL with err filled
 */
int fentry_bpf_parse(const struct val *parts, int64_t *id, const char **name,
		     struct probe_err *err);
/* ATTACH_POINTs of fns[0..n) of program id (0: any) matching pattern */
int fentry_bpf_match(struct arena *a, const struct provider *p,
		     const struct fentry_bpf_func *fns, size_t n, int64_t id,
		     const char *pattern, struct val *out);
/* the provider's expand() and list() for the bpf variant */
int fentry_bpf_expand(const struct provider *p, struct arena *a,
		      const struct val *parts, struct val *out,
		      struct probe_err *err);
int fentry_bpf_list(const struct provider *p, struct arena *a,
		    const char *pattern, FILE *out);
/*
 * For bt-load: running program prog_id opened (*prog_fd, the caller
 * closes it) and the BTF id of its function func in the program's BTF.
 * 0, -ENOENT (no such program), -ENODATA (no BTF), -ESRCH (no such
 * function) or another -errno.
 */
int fentry_bpf_target(int64_t prog_id, const char *func, int *prog_fd,
		      uint32_t *btf_id);

/* features.c: `--features`, the kernel part of `bpftrace --info` */
int features_print(FILE *out);

/*
 * A count or period as written in an attach point: decimal, 0x hex, or
 * upstream's MeN (1e6); false if it is none of them or not positive
 */
bool provider_parse_count(const char *s, int64_t *out);

/* timed.c: parse interval/profile parts into unit and period */
int timed_parse(const struct val *parts, const char **unit, int64_t *period,
		struct probe_err *err);

#endif
