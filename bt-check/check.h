/*
 * check.h - bt-check's shared state: the passes over one program.
 *
 * bt-check turns the `ast` stream into the `typed-ast` stream (WIRE.md).
 * check_program() (program.c) runs, in order: config (config.c), the
 * script's C definitions (cdefs.c, through libclang), macro expansion (macros.c),
 * attach-point expansion and probe splitting (attach.c, through the
 * providers of bt-probes), then type inference over the whole program
 * repeated until no map or variable type changes (a map may be read before
 * it is written in program order), then one last pass that reports
 * errors, writes "t" on every expression and inserts implicit casts.
 * Other files: stmt.c (statements, scopes, slots), expr.c (expressions),
 * maps.c (map key/value inference), calls.c (the function table),
 * builtins.c (the builtin identifier table), printf.c (format strings),
 * types.c (integer promotion, typespecs), btf.c (kernel types).
 *
 * Ownership: everything lives in ck->a, the arena of the run.
 */
#ifndef BT_CHECK_H
#define BT_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "bt-probes/provider.h"
#include "diag.h"
#include "type.h"
#include "val.h"

/*
 * While every value assigned so far was an integer literal, the type is
 * only a guess: the first non-literal integer type that holds all of them
 * wins (upstream's "literals adapt", `$s = 0; $s += (uint64)x` is uint64).
 */
struct check_lits {
	bool only;
	int64_t min, max;
};

/* a map as inferred so far */
struct check_map {
	const char *name;
	struct type *key;       /* NULL while unknown, or scalar */
	struct type *val;       /* NULL while unknown */
	bool used_scalar, used_keyed;
	bool assigned;          /* some statement writes it */
	struct check_lits lits; /* value type so far only from literals */
	struct val *decl;       /* map_decl node or NULL */
};

/* a scratch variable, by slot */
struct check_var {
	const char *name;
	struct type *type;      /* NULL while unknown */
	bool declared_type;     /* `let $x: T`: the type is fixed */
	struct check_lits lits;
};

struct check_scope {
	struct check_scope *up;
	const char **names;
	int *slots;
	int n, cap;
};

struct check_config {
	int64_t max_strlen;
	int64_t max_map_keys;
	const char *stack_mode;
};

struct check {
	struct arena *a;
	const struct val *hdr;
	struct val *prog;
	bool final;             /* last pass: errors, "t", casts */
	bool helper_warnings;   /* -k: bt-gen reports failed reads/lookups */
	/* reads of an assigned map with no value type yet give int64 */
	bool unknown_maps_int;
	int changed;            /* types widened in this pass */

	struct check_map *maps;
	int nmaps, capmaps;
	struct check_var *vars;
	int nvars, capvars;
	int next_slot;          /* reset every pass: slots are stable */
	struct check_scope *scope;

	struct check_config cfg;
	struct val *config;     /* resolved config map for the output */

	/* the probe being checked */
	struct val *probe;
	const struct val *ap;   /* its first expanded attach point */
	const struct provider *prov;
	int loop_depth;
	int for_depth;          /* inside `for` bodies (a BPF callback) */
	bool sys_error;         /* the system refused (tracefs, BTF): exit 3 */

	/* command line: --include FILE and -I DIR for the C part (cdefs.c) */
	const char **includes, **incdirs;
	int nincludes, nincdirs;
	/* --probe-filter REGEX: expanded attach points kept (attach.c) */
	const char *probe_filter;
	/* getopt() options seen (name -> description), final pass */
	struct val *getopts;
	bool getopt_failed;     /* one bad option value reported */
	bool help_requested;    /* `-- --help`: options listed, exit 1 */
	bool typeinfo_warned;   /* unstable_typeinfo=warn said once */
	bool dw_ustack_warned;  /* unstable_dw_ustack=warn said once */
};

/* diagnostics only in the final pass */
int check_error(struct check *ck, const struct val *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_warn(struct check *ck, const struct val *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_hint(struct check *ck, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* program.c */
int check_program(struct check *ck, struct val *prog);
/* config.c */
int check_config(struct check *ck, struct val *prog);
/* attach.c: expands every probe's attach points, splits probes */
int check_attach(struct check *ck, struct val *prog);
bool check_body_depends_on_ap(const struct val *node);
/* stmt.c */
void check_block(struct check *ck, struct val *block, bool new_scope);
void check_stmt(struct check *ck, struct val **ref);
void check_scope_push(struct check *ck);
void check_scope_pop(struct check *ck);
int check_var_declare(struct check *ck, const char *name);
int check_var_lookup(struct check *ck, const char *name);
/* one printf conversion, after its '%' (printf.c) */
struct printf_spec {
	bool left, plus, space, alt, zero;
	int width;           /* -1: none */
	int bits;            /* the length modifier's cast: 8 16 32 64 */
	char conv[3];
};
size_t check_printf_spec(const char *s, struct printf_spec *sp);
/* the probe's provider name, "?" outside a probe */
const char *check_provider_name(struct check *ck);
void check_var_assign(struct check *ck, struct val *node, int slot,
		      struct type *t, struct val **rhs_ref);
/* expr.c */
struct type *check_expr(struct check *ck, struct val **ref);
/* set "t" (final pass) and return t */
struct type *check_set_type(struct check *ck, struct val *node,
			    struct type *t);
/* wrap *ref in an implicit cast to t when its type differs (final pass) */
void check_cast_to(struct check *ck, struct val **ref, struct type *from,
		   struct type *to);
/* the node's literal integer value, if it is one (int or -int) */
bool check_int_literal(const struct val *node, int64_t *v, bool *is_uint);
struct type *check_lvalue(struct check *ck, struct val **ref);
/* types.c: the value of a constant integer expression (literals, + - ...) */
bool check_const_eval(const struct val *node, int64_t *v);
/* maps.c */
struct check_map *check_map_get(struct check *ck, const char *name);
struct type *check_map_key(struct check *ck, struct val *map_node);
void check_map_assign(struct check *ck, struct val *stmt,
		      struct val *map_node, struct type *t,
		      struct val **rhs_ref);
struct type *check_map_read(struct check *ck, struct val *map_node);
struct val *check_maps_to_val(struct check *ck);
/* calls.c */
struct type *check_call(struct check *ck, struct val **ref, bool is_stmt,
			struct val *assign_map);
bool check_call_is_aggregation(const char *name);
/* skboutput, socket_cookie: helpers of BPF_PROG_TYPE_TRACING programs */
bool check_call_is_tracing_only(const char *name);
/* the value of a constant condition: integers, literal strings (also
 * fields of record literals) compared, ! && || */
bool check_const_cond(const struct val *n, int64_t *v);
/* builtins.c: NULL if name is not a builtin (err set when it is one that
   does not apply here) */
/* dw_ustack is unstable: per config unstable_dw_ustack an error at node,
 * a warning (once) or nothing; false after the error */
bool check_dw_ustack_allowed(struct check *ck, const struct val *node);
struct type *check_builtin(struct check *ck, struct val *node,
			   const char *name, bool *known);
/* builtins.c: ppid/pcomm become task field accesses (true if rewritten) */
bool check_builtin_rewrite(struct check *ck, struct val **ref);
/* printf.c: 0, or -EINVAL after reporting a mismatch */
int check_printf_args(struct check *ck, struct val *call, const char *fn,
		      struct val *fmt, struct val *args, size_t first);
/* seqprintf.c: printf() in an iter probe, translated for bpf_seq_printf
 * into the call's "seq" field (after check_printf_args accepted it) */
void seqprintf_check(struct check *ck, struct val *call, struct val *args);
/* types.c */
struct type *check_literal_type(struct arena *a, int64_t v, bool is_uint);
bool check_literal_fits(int64_t v, bool is_uint, const struct type *t);
/*
 * The type holding both; lx/ly are the literal values if the operand is a
 * literal.  *lossy set when the sign cannot be reconciled (int64 chosen).
 * NULL when x and y cannot be unified.
 */
struct type *check_unify(struct check *ck, struct type *x, const struct val *nx,
			 struct type *y, const struct val *ny, bool *lossy);
struct type *check_typespec(struct check *ck, const struct val *spec);
struct type *check_int_of(struct arena *a, struct type *t);
/*
 * The new type of a variable or map value that had type old (lits says
 * whether only literals were stored) when t (node rhs) is stored; NULL if
 * they cannot be unified.
 */
struct type *check_store_type(struct check *ck, struct check_lits *lits,
			      struct type *old, struct type *t,
			      const struct val *rhs, bool *lossy);
bool check_is_intlike(const struct type *t);
const char *check_type_str(struct check *ck, const struct type *t);
/* hist, lhist, stats, tseries: an aggregation whose value a probe cannot
 * read (upstream: only count, sum, min, max and avg are castable) */
bool check_is_unreadable_agg(const struct type *t);
/* upstream's example call for assigning an aggregation, e.g. "stats(arg2)" */
const char *check_agg_hint(const struct type *t);
/* the closest of names to want, for "did you mean" hints */
const char *check_suggest(const char *want, const char *const *names, size_t n);

/*
 * btf.c: the complete form (fields, size) of a struct type that may only
 * name its struct: st itself when it has fields, else the script's C
 * definition or vmlinux BTF's (a separate object, so that self-referencing
 * structs never form a cycle); NULL when unknown
 */
struct type *check_struct_full(struct check *ck, struct type *st);
bool check_btf_available(void);
/* a function (kfunc) of vmlinux BTF by name */
bool check_btf_func_exists(const char *name);
/* kfunc_allowed(): may this probe's program type call kfunc name (the
 * kernel is asked, btf.c) */
bool check_btf_kfunc_allowed(struct check *ck, const char *name);
/* the type of a vmlinux BTF variable (per-CPU data), or NULL */
struct type *check_btf_var(struct check *ck, const char *name);
/* a typedef of vmlinux BTF (`loff_t`) as a bt type, or NULL */
struct type *check_btf_typedef(struct check *ck, const char *name);
/* an enumerator of vmlinux BTF by name: its value and enum type */
bool check_btf_enum_const(struct check *ck, const char *name, int64_t *v,
			  struct type **t);

/*
 * cdefs.c: the script's C definitions (#include, structs, unions, enums,
 * typedefs, #define constants) compiled by libclang, loaded only when there
 * are some (libclang.c); lookups by "struct X"/"enum X"/typedef name and by
 * constant name (t is the enum type, NULL for a #define)
 */
int check_cdefs(struct check *ck, const struct val *prog);
struct type *check_cdef_struct(const char *name);
bool check_cdef_const(const char *name, int64_t *v, struct type **t);

/* stdlib.c: calls upstream defines as stdlib macros (call_table hooks) */
#define STDLIB_HOOK(name) \
	struct type *stdlib_check_##name(struct check *ck, struct val *call, \
					 struct val *args, struct val *assign_map)
STDLIB_HOOK(assert_str);
STDLIB_HOOK(default_str_length);
STDLIB_HOOK(strcap);
STDLIB_HOOK(strlen);
STDLIB_HOOK(strstr);
STDLIB_HOOK(str_concat);
STDLIB_HOOK(memcmp);
STDLIB_HOOK(fail);
STDLIB_HOOK(container_of);
STDLIB_HOOK(typeinfo);
#undef STDLIB_HOOK

/* macros.c: expands macro calls in every probe (before attach) */
int check_macros(struct check *ck, struct val *prog);

/* node helpers (program.c) */
struct val **check_ref(struct val *map, const char *key);
struct val *check_node(struct check *ck, const char *kind,
		       const struct val *loc_from);

#endif
