/*
 * val.h - the generic value tree that travels between the stages.
 *
 * Every stream (ast, typed-ast, bundle, events) is a sequence of vals:
 * nil, bool, signed and unsigned integers, strings, binary blobs, arrays
 * and maps with string keys (insertion-ordered).  wire.h encodes them as
 * msgpack or JSON; the stages build and read them with the calls below.
 *
 * Ownership: every val and every string in it lives in the arena it was
 * made in.  Nothing here frees; drop the arena instead.
 */
#ifndef BT_VAL_H
#define BT_VAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum val_kind {
	VAL_NIL,
	VAL_BOOL,
	VAL_INT,    /* int64_t  .i */
	VAL_UINT,   /* uint64_t .u, only for values above INT64_MAX or when
		       the producer wants unsigned; readers use val_as_*() */
	VAL_STR,    /* .s, .n bytes, always NUL-terminated too */
	VAL_BIN,    /* .s, .n bytes */
	VAL_ARR,    /* .items[.n] */
	VAL_MAP,    /* .kv[.n] */
};

struct val_kv;

struct val {
	enum val_kind kind;
	size_t n, cap;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		char *s;
		struct val **items;
		struct val_kv *kv;
	};
};

struct val_kv {
	const char *key;
	struct val *v;
};

struct val *val_nil(struct arena *a);
struct val *val_bool(struct arena *a, bool b);
struct val *val_int(struct arena *a, int64_t i);
struct val *val_uint(struct arena *a, uint64_t u);
struct val *val_str(struct arena *a, const char *s);
struct val *val_strn(struct arena *a, const char *s, size_t n);
struct val *val_bin(struct arena *a, const void *p, size_t n);
struct val *val_arr(struct arena *a);
struct val *val_map(struct arena *a);

/* arrays: append; maps: set (replaces an existing key) */
void val_push(struct arena *a, struct val *arr, struct val *v);
void val_set(struct arena *a, struct val *map, const char *key,
	     struct val *v);
/* shorthands for val_set(a, m, key, val_int(a, i)) and friends */
void val_set_int(struct arena *a, struct val *map, const char *key,
		 int64_t i);
void val_set_str(struct arena *a, struct val *map, const char *key,
		 const char *s);
void val_set_bool(struct arena *a, struct val *map, const char *key,
		  bool b);

/* maps: look-ups; NULL map or missing key gives NULL / the default */
struct val *val_get(const struct val *map, const char *key);
const char *val_get_str(const struct val *map, const char *key);
int64_t val_get_int(const struct val *map, const char *key, int64_t def);
bool val_get_bool(const struct val *map, const char *key, bool def);
/* arrays: element i or NULL */
struct val *val_at(const struct val *arr, size_t i);

bool val_is_int(const struct val *v);    /* VAL_INT or VAL_UINT */
int64_t val_as_int(const struct val *v); /* ints and bools, else 0 */
uint64_t val_as_uint(const struct val *v);
/* "k" field of a node map, or "" */
const char *val_kind_of(const struct val *node);

/* deep copy into another arena */
struct val *val_copy(struct arena *a, const struct val *v);
bool val_equal(const struct val *x, const struct val *y);

#endif
