/*
 * async.h - bt-gen's asynchronous actions and runtime warnings (async.c):
 * cat, system, join, strftime, strerror, signal_name, syscall_name,
 * debugf, cpid, exit()'s flag in bt_globals and the division-by-zero
 * warning.  Their ring-buffer records and bundle tables are in WIRE.md.
 */
#ifndef BT_GEN_ASYNC_H
#define BT_GEN_ASYNC_H

#include "gen.h"


#define ASYNC_ERRNO_MAX 256      /* table sizes: powers of two */
#define ASYNC_SYSCALL_MAX 512
extern const char *const async_errnos[ASYNC_ERRNO_MAX];
extern const char *const async_syscalls[ASYNC_SYSCALL_MAX];

/* a call async.c compiles: true and *out set, or false (not one of its) */
bool async_call(struct gen *g, const struct val *e, const char *name,
		struct gv *out);
/* an identifier async.c compiles (cpid) */
bool async_ident(struct gen *g, const struct val *e, const char *name,
		 struct gv *out);
/* the u64 at offset off of bt_globals (record.h GLOBALS_*), 0 when the
 * look-up fails */
LLVMValueRef async_global(struct gen *g, int off);
/* at a program's entry: return 0 once bt-load has set bt_globals' stop */
void async_stop_gate(struct gen *g);
/* exit(code): set the exit flag in bt_globals before the EXIT record */
void async_exit_flag(struct gen *g, LLVMValueRef code);
/* before x / r or x % r at node at: warn at run time when r is 0 */
void async_div_check(struct gen *g, const struct val *at, const char *op,
		     LLVMValueRef r);
/* a runtime warning msg, located at node at, here / when cond (i1) holds */
void async_warn(struct gen *g, const struct val *at, const char *msg);
void async_warn_if(struct gen *g, const struct val *at, const char *msg,
		   LLVMValueRef cond);
/* tseries maps: kernel key {KEY; u64 bucket}, value {i64 value; u64 meta;
 * u64 epoch} (WIRE.md), and one tseries() update of x at key (zeroed, the
 * user key filled in) */
void async_tseries_layout(struct gen *g, struct gmap *m);
void async_tseries(struct gen *g, struct gmap *m, LLVMValueRef key,
		   LLVMValueRef x);
/* the bundle tables of async.c */
void async_bundle(struct gen *g, struct val *bundle);

#endif
