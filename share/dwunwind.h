/*
 * dwunwind.h - the unwind tables of dw_ustack (WIRE.md, "dw_ustack"):
 * the layout of the BPF maps that bt-load fills from the target
 * processes' .eh_frame and that the code bt-gen emits walks, frame by
 * frame, in the kernel.  One list, used by both.
 *
 *   bt_dw_rows    array, u32 index -> struct dw_row; the rows of every
 *                 file, each file's rows sorted by pc, a row holding from
 *                 its pc up to the next row's pc
 *   bt_dw_pids    hash, u32 pid (as bt-load sees it) -> struct dw_proc;
 *                 the executable mappings of the process, sorted by start
 *   bt_dw_stacks  hash, u64 stack id -> u64[GEN_STACK_DEPTH] addresses
 *                 (zero-padded); a dw_ustack value is {i64 id; u32 pid;
 *                 u32 DW_STACK_KIND}
 *
 * Rules are x86_64's: registers are rsp, rbp and the return address,
 * which a supported row keeps at CFA - 8.
 */
#ifndef BT_DWUNWIND_H
#define BT_DWUNWIND_H

#include <stdint.h>

#define DW_MAX_MAPPINGS 128      /* per process; a power of two */
#define DW_MAPPING_STEPS 8       /* binary search steps: log2(128) + 1 */
#define DW_ROW_STEPS 24          /* rows of one file: below 1 << 23 */
#define DW_MAX_ROWS (1u << 23)
#define DW_STACK_KIND 1          /* the last u32 of a dw_ustack value */
#define DW_STACK_FRAMES 127      /* frames kept per stack (GEN_STACK_DEPTH) */

/* how the CFA (the stack pointer before the call) is found at a pc */
enum dw_cfa_kind {
	DW_CFA_NONE = 0,         /* no unwind information: the walk stops */
	DW_CFA_RSP = 1,          /* rsp + cfa_off */
	DW_CFA_RBP = 2,          /* rbp + cfa_off */
	DW_CFA_PLT = 3,          /* a PLT stub: rsp + 8, + 8 more when
				    (pc & 15) >= plt_threshold */
	DW_CFA_OUTERMOST = 4,    /* the return address is undefined (_start):
				    the frame is the last one */
};

/* where the caller's rbp is */
enum dw_rbp_kind {
	DW_RBP_SAME = 0,         /* unchanged */
	DW_RBP_SAVED = 1,        /* at CFA + rbp_off */
	DW_RBP_LOST = 2,         /* not recoverable */
};

struct dw_row {
	uint64_t pc;             /* file address (ELF vaddr) */
	int32_t cfa_off;
	int32_t rbp_off;
	uint8_t cfa_kind;        /* enum dw_cfa_kind */
	uint8_t rbp_kind;        /* enum dw_rbp_kind */
	uint8_t plt_threshold;
	uint8_t pad[5];
};

#define DW_ROW_PC 0
#define DW_ROW_CFA_OFF 8
#define DW_ROW_RBP_OFF 12
#define DW_ROW_CFA_KIND 16
#define DW_ROW_RBP_KIND 17
#define DW_ROW_PLT 18
#define DW_ROW_SIZE 24

/* an executable mapping: pc - bias is the file address, rows lo..hi-1 */
struct dw_mapping {
	uint64_t start, end;
	uint64_t bias;
	uint32_t lo, hi;
};

struct dw_proc {
	uint64_t n;
	struct dw_mapping m[DW_MAX_MAPPINGS];
};

#define DW_MAP_START 0
#define DW_MAP_END 8
#define DW_MAP_BIAS 16
#define DW_MAP_LO 24
#define DW_MAP_HI 28
#define DW_MAP_SIZE 32
#define DW_PROC_MAPS 8
#define DW_PROC_SIZE (8 + DW_MAX_MAPPINGS * DW_MAP_SIZE)

#endif
