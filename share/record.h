/*
 * record.h - the ring-buffer records a BPF program sends to bt-load
 * (WIRE.md, "Ring-buffer records"): one list, used by bt-gen, which
 * writes them, and bt-load, which reads them.  Every record starts with
 * struct record_head; the payload follows, 8-aligned.
 *
 * To add an action: take the next free number here, document its id and
 * payload in WIRE.md, emit it in bt-gen and decode it in bt-load.
 */
#ifndef BT_RECORD_H
#define BT_RECORD_H

#include <stdint.h>

enum record_action {
	REC_PRINTF = 1,        /* id: printf index; payload: args tuple */
	REC_PRINT_VALUE = 2,   /* id: print index; payload: the value */
	REC_PRINT_MAP = 3,     /* id: map id; payload: {u64 top; u64 div} */
	REC_CLEAR_MAP = 4,     /* id: map id */
	REC_ZERO_MAP = 5,      /* id: map id */
	REC_EXIT = 6,          /* payload: {i64 code} */
	REC_TIME = 7,          /* id: time index */
	REC_HELPER_ERROR = 8,  /* id: helper_errors index; {i64 retcode} */
	/* 9 reserved */
	REC_CAT = 10,          /* id: cat index; payload: args tuple */
	REC_SYSTEM = 11,       /* id: system index; payload: args tuple */
	REC_JOIN = 12,         /* id: join index; payload: the strings */
	REC_WARNING = 13,      /* id: warnings index */
	REC_UNWATCH = 14,      /* id: 0; payload: {u64 addr} */
	REC_SKB_OUTPUT = 15,   /* perf buffer bt_skb, not the ring buffer:
				  struct record_skb, then len packet bytes */
};

struct record_head {
	uint32_t action;
	uint32_t id;
};

/*
 * skboutput(): bpf_skb_output() sends this header and then the first len
 * bytes of the sk_buff's data as one perf-buffer sample (the kernel may
 * pad the sample's end: len says where the packet stops)
 */
struct record_skb {
	struct record_head h;  /* REC_SKB_OUTPUT, id: skboutput index */
	uint64_t ns;           /* bpf_ktime_get_boot_ns() */
	uint64_t len;          /* packet bytes that follow */
};

/*
 * bt_globals: an array map with one entry that bt-load writes and the
 * programs read (WIRE.md, "Programs and globals"):
 * struct { u64 start_ns; u64 cpid; u64 exit; u64 stop; u64 tai_off; }
 * tai_off: CLOCK_TAI - CLOCK_BOOTTIME when bt-load started, for
 * nsecs(sw_tai) on kernels without bpf_ktime_get_tai_ns.
 * stop: set by bt-load when the run ends; every attached program then
 * returns at once, so the maps hold still while detaching (slow: the
 * kernel waits for an RCU grace period) happens after the output
 */
#define GLOBALS_START_NS 0
#define GLOBALS_CPID 8
#define GLOBALS_EXIT 16
#define GLOBALS_STOP 24
#define GLOBALS_TAI_OFF 32
#define GLOBALS_SIZE 40

#endif
