/*
 * type.h - bt's type model, shared by bt-check (infers), bt-gen (lays out
 * and compiles), bt-load (decodes BPF bytes) and bt-fmt (renders).
 *
 * On the wire a type is a map {"t": NAME, ...}; type_to_val() and
 * type_from_val() convert.  The table below is the one list of type kinds
 * (to add a kind: add a row, then handle it in type_size/type_align, the
 * codec in type.c, bt-load's decoder and bt-fmt's renderer).
 *
 * Memory layout in BPF maps and ring-buffer records is C's on x86_64 and
 * aarch64 (little-endian, natural alignment): see type_size(),
 * type_align() and type_offset().
 *
 * Ownership: types live in the arena they were made or read in.
 */
#ifndef BT_TYPE_H
#define BT_TYPE_H

#include <stdbool.h>
#include <stdint.h>

#include "val.h"

/*    kind         wire name      fields used                         */
#define TYPE_KINDS(X)                                                  \
	X(TY_VOID,     "void")      /* none                          */ \
	X(TY_INT,      "int")       /* size (1,2,4,8), is_signed     */ \
	X(TY_BOOL,     "bool")      /* size 1                        */ \
	X(TY_STRING,   "string")    /* size = capacity incl. NUL     */ \
	X(TY_BUFFER,   "buffer")    /* size = capacity of the bytes; */ \
				    /* layout: u32 len, u8 data[size] */ \
	X(TY_TUPLE,    "tuple")     /* fields (names NULL)           */ \
	X(TY_RECORD,   "record")    /* fields (named)                */ \
	X(TY_STRUCT,   "struct")    /* name ("struct x"), size,      */ \
				    /* fields with offsets, optional */ \
	X(TY_PTR,      "ptr")       /* elem, user (address space)    */ \
	X(TY_ARRAY,    "array")     /* elem, count                   */ \
	X(TY_ENUM,     "enum")      /* name, size, is_signed, enumerators */ \
	X(TY_KSTACK,   "kstack")    /* mode, limit; layout u64 stackid */ \
	X(TY_USTACK,   "ustack")    /* mode, limit; layout           */ \
				    /* {i64 stackid; u32 pid; u32 0} */ \
	X(TY_KSYM,     "ksym")      /* u64 address, symbolized       */ \
	X(TY_USYM,     "usym")      /* {u64 addr; u32 pid; u32 0}    */ \
	X(TY_INET,     "inet")      /* {u32 af; u8 addr[16]}         */ \
	X(TY_MACADDR,  "macaddr")   /* u8[6]                         */ \
	X(TY_TIMESTAMP,"timestamp") /* u64 ns; mode ("boot", ...)    */ \
	X(TY_CGROUP_PATH, "cgroup_path") /* u64 id                   */ \
	X(TY_USERNAME, "username")  /* u64 uid                       */ \
	X(TY_COUNT,    "count")     /* map values of aggregations:   */ \
	X(TY_SUM,      "sum")       /*   is_signed                   */ \
	X(TY_MIN,      "min")       /*   is_signed; {i64 v; u64 set} */ \
	X(TY_MAX,      "max")       /*   is_signed; {i64 v; u64 set} */ \
	X(TY_AVG,      "avg")       /*   is_signed; {i64 total; u64 count} */ \
	X(TY_STATS,    "stats")     /*   is_signed; {i64 total; u64 count} */ \
	X(TY_HIST,     "hist")      /*   k; per-bucket u64 counts    */ \
	X(TY_LHIST,    "lhist")     /*   min, max, step              */ \
	X(TY_TSERIES,  "tseries")   /*   interval_ns, count, agg     */

/* no bt value is larger; bigger sizes in a stream are rejected */
#define TYPE_MAX_SIZE ((int64_t)1 << 30)

#define TYPE_ENUM(id, name) id,
enum type_kind { TYPE_KINDS(TYPE_ENUM) TY__COUNT };
#undef TYPE_ENUM

struct type;

struct type_field {
	const char *name;     /* NULL for tuple elements */
	struct type *type;
	int64_t offset;       /* bytes; filled by type_layout() for tuples */
	int bitfield_bits;    /* 0 unless a bitfield */
	int bitfield_offset;  /* bit offset within the unit at .offset */
};

struct type_enumerator {
	const char *name;
	int64_t value;
};

struct type {
	enum type_kind kind;
	int64_t size;          /* bytes, see the table */
	bool is_signed;
	bool user;             /* TY_PTR: points to user memory */
	const char *name;      /* TY_STRUCT/TY_ENUM: "struct task_struct" */
	struct type *elem;     /* TY_PTR, TY_ARRAY */
	int64_t count;         /* TY_ARRAY elements; TY_TSERIES intervals */
	struct type_field *fields;
	int nfields;
	struct type_enumerator *enums;
	int nenums;
	const char *mode;      /* stacks: "bpftrace" "perf" "raw" "build_id";
				  timestamp: "boot" "monotonic" "tai" "sw_tai";
				  tseries: "avg" "max" "min" "sum" or NULL */
	int64_t limit;         /* stacks: max frames */
	int64_t k;             /* hist */
	int64_t min, max, step;/* lhist */
	int64_t interval_ns;   /* tseries */
};

const char *type_kind_name(enum type_kind k);

/* constructors */
struct type *type_new(struct arena *a, enum type_kind k);
struct type *type_int(struct arena *a, int size, bool is_signed);
struct type *type_string(struct arena *a, int64_t capacity);
struct type *type_ptr(struct arena *a, struct type *elem, bool user);
/* a tuple of n element types, laid out with type_layout() */
struct type *type_tuple(struct arena *a, struct type **elems, int n);

/* C layout: fills field offsets and size of tuples and records */
void type_layout(struct type *t);
int64_t type_size(const struct type *t);
int64_t type_align(const struct type *t);

bool type_equal(const struct type *x, const struct type *y);
/* "int64", "uint8", "string[64]", "(int8,string[3])", "struct task_struct *" */
char *type_str(struct arena *a, const struct type *t);

bool type_is_int(const struct type *t);       /* int, enum, bool? no: int and enum */
bool type_is_aggregation(const struct type *t);

struct val *type_to_val(struct arena *a, const struct type *t);
/* NULL if v is not a valid type */
struct type *type_from_val(struct arena *a, const struct val *v);

#endif
