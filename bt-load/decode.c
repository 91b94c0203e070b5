/*
 * decode.c - BPF bytes of a known type -> the event VALUE (WIRE.md,
 * "VALUE encoding, by type").  The bytes come from the kernel (ring-buffer
 * records, map keys and values), laid out as share/type.h says.  Decoding
 * never reads past n: what is cut off decodes as nil.
 */
#include <arpa/inet.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "load.h"

static uint64_t load_uint(const unsigned char *p, int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

static int64_t sign_extend(uint64_t u, int size)
{
	int bits = size * 8;

	if (bits >= 64)
		return (int64_t)u;
	if (u & (1ull << (bits - 1)))
		return (int64_t)(u | ~((1ull << bits) - 1));
	return (int64_t)u;
}

static struct val *decode_int(struct arena *a, uint64_t u, int size,
			      bool is_signed)
{
	if (is_signed)
		return val_int(a, sign_extend(u, size));
	if (u > INT64_MAX)
		return val_uint(a, u);
	return val_int(a, (int64_t)u);
}

/*
 * A timestamp (strftime) holds ns of the clock its "mode" names; events
 * carry wall-clock (CLOCK_REALTIME) ns.  The offsets between the clocks
 * are measured once, as upstream measures boot time once.
 */
int64_t decode_clock_offset(const char *mode)
{
	static int64_t off[3];
	static bool have;
	struct timespec rt, c;
	static const clockid_t ids[3] = { CLOCK_BOOTTIME, CLOCK_MONOTONIC,
					  CLOCK_TAI };
	int i;

	if (!have) {
		for (i = 0; i < 3; i++) {
			clock_gettime(CLOCK_REALTIME, &rt);
			clock_gettime(ids[i], &c);
			off[i] = ((int64_t)rt.tv_sec - c.tv_sec) * 1000000000ll +
				 (rt.tv_nsec - c.tv_nsec);
		}
		have = true;
	}
	if (!mode || !strcmp(mode, "boot"))
		return off[0];
	if (!strcmp(mode, "monotonic"))
		return off[1];
	if (!strcmp(mode, "tai") || !strcmp(mode, "sw_tai"))
		return off[2];
	return 0;
}

static uint64_t timestamp_wall(const struct type *t, uint64_t ns)
{
	return ns + (uint64_t)decode_clock_offset(t->mode);
}

static int int_size(int64_t size)
{
	return size == 1 || size == 2 || size == 4 ? (int)size : 8;
}

static struct val *decode_inet(struct arena *a, const unsigned char *p)
{
	char buf[INET6_ADDRSTRLEN];
	uint32_t af;

	memcpy(&af, p, 4);
	if (af == AF_INET && inet_ntop(AF_INET, p + 4, buf, sizeof(buf)))
		return val_str(a, buf);
	if (af == AF_INET6 && inet_ntop(AF_INET6, p + 4, buf, sizeof(buf)))
		return val_str(a, buf);
	return val_str(a, "");
}

static struct val *decode_username(struct arena *a, uint64_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		return val_str(a, res->pw_name);
	return val_str(a, arena_printf(a, "%llu", (unsigned long long)uid));
}

static struct val *decode_fields(struct arena *a, const struct type *t,
				 const unsigned char *p, size_t n)
{
	struct val *arr = val_arr(a);
	int i;

	for (i = 0; i < t->nfields; i++) {
		const struct type_field *f = &t->fields[i];
		struct val *v;

		if (f->offset < 0 || (size_t)f->offset > n) {
			val_push(a, arr, val_nil(a));
			continue;
		}
		if (f->bitfield_bits > 0 && f->bitfield_bits < 64 &&
		    f->bitfield_offset >= 0 &&
		    f->bitfield_offset + f->bitfield_bits <= 64) {
			uint64_t u = 0;
			size_t avail = n - f->offset;

			memcpy(&u, p + f->offset, avail < 8 ? avail : 8);
			u >>= f->bitfield_offset;
			u &= (1ull << f->bitfield_bits) - 1;
			v = val_int(a, (int64_t)u);
		} else {
			v = decode_value(a, f->type, p + f->offset,
					 n - f->offset);
		}
		val_push(a, arr, v);
	}
	return arr;
}

struct val *decode_value(struct arena *a, const struct type *t,
			 const void *data, size_t n)
{
	const unsigned char *p = data;
	struct val *arr;
	uint32_t len;
	int64_t i, sz;

	if (!t)
		return val_nil(a);
	sz = type_size(t);
	if (sz < 0 || (size_t)sz > n)
		return val_nil(a);
	switch (t->kind) {
	case TY_INT:
	case TY_ENUM:
		return decode_int(a, load_uint(p, int_size(t->size)),
				  int_size(t->size), t->is_signed);
	case TY_BOOL:
		return val_bool(a, p[0] != 0);
	case TY_PTR:
		return decode_int(a, load_uint(p, 8), 8, false);
	case TY_TIMESTAMP:
		return decode_int(a, timestamp_wall(t, load_uint(p, 8)), 8, false);
	case TY_COUNT:
	case TY_SUM:
		return decode_int(a, load_uint(p, 8), 8,
				  t->kind == TY_SUM && t->is_signed);
	case TY_STRING:
		return val_strn(a, (const char *)p, strnlen((const char *)p, sz));
	case TY_BUFFER:
		memcpy(&len, p, 4);
		if (len > t->size)
			len = t->size;
		return val_bin(a, p + 4, len);
	case TY_TUPLE:
	case TY_RECORD:
		return decode_fields(a, t, p, n);
	case TY_STRUCT:
		if (!t->nfields)
			return val_bin(a, p, sz);
		return decode_fields(a, t, p, n);
	case TY_ARRAY:
		arr = val_arr(a);
		if (!t->elem || type_size(t->elem) <= 0 ||
		    t->count > (int64_t)(n / type_size(t->elem)))
			return arr;
		for (i = 0; i < t->count; i++)
			val_push(a, arr, decode_value(a, t->elem,
						      p + i * type_size(t->elem),
						      n - i * type_size(t->elem)));
		return arr;
	case TY_KSYM:
		return symbolize_ksym(a, load_uint(p, 8));
	case TY_USYM:
		return symbolize_usym(a, load_uint(p, 8),
				      (uint32_t)load_uint(p + 8, 4),
				      (uint32_t)load_uint(p + 12, 4));
	case TY_INET:
		return decode_inet(a, p);
	case TY_MACADDR:
		return val_str(a, arena_printf(a, "%02X:%02X:%02X:%02X:%02X:%02X",
					       p[0], p[1], p[2], p[3], p[4], p[5]));
	case TY_USERNAME:
		return decode_username(a, load_uint(p, 8));
	case TY_CGROUP_PATH:
		return symbolize_cgroup(a, load_uint(p, 8));
	case TY_MIN:
	case TY_MAX:
		if (!load_uint(p + 8, 8))
			return val_nil(a);
		return decode_int(a, load_uint(p, 8), 8, t->is_signed);
	case TY_AVG:
	case TY_STATS:
		arr = val_arr(a);
		val_push(a, arr, decode_int(a, load_uint(p + 8, 8), 8, false));
		val_push(a, arr, decode_int(a, load_uint(p, 8), 8, t->is_signed));
		return arr;
	case TY_KSTACK:
	case TY_USTACK:
		return symbolize_stack(a, t, p);
	case TY_HIST:
	case TY_LHIST:
		return decode_int(a, load_uint(p, 8), 8, false);
	default:
		return val_nil(a);
	}
}
