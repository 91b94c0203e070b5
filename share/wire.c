/*
 * wire.c - msgpack and JSON codecs for the val stream, and the header
 * check every stage does first.
 *
 * msgpack goes through msgpack-c's streaming unpacker and packer.  JSON is
 * written and read here (a small recursive-descent reader with a depth
 * limit); binary blobs, which JSON lacks, travel as {"$bin": "hex"}.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <msgpack.h>

#include "bug.h"
#include "wire.h"

#define WIRE_MAX_DEPTH 512
#define WIRE_FLUSH_AT (64 * 1024)

struct wire_in {
	FILE *f;
	const char *tool;
	int json;               /* -1 unknown yet, 0 msgpack, 1 JSON */
	int fd;                 /* read(2) from it; -1: fread (memory files) */
	unsigned char *buf;     /* bytes read, not yet decoded */
	size_t len, cap, pos;   /* buf[pos..len) is pending */
	size_t base;            /* stream offset of buf[0] */
	bool eof;
	bool quiet_empty;       /* no message for an empty stream */
};

struct wire_out {
	FILE *f;
	bool json;
	msgpack_sbuffer sbuf;
	msgpack_packer pk;
	int err;
};

/* ---------------------------------------------------------------- input */

struct wire_in *wire_in_open(FILE *f, const char *tool)
{
	struct wire_in *in = calloc(1, sizeof(*in));

	if (!in)
		BUG("out of memory");
	in->f = f;
	in->fd = fileno(f);
	in->tool = tool;
	in->json = -1;
	return in;
}

void wire_in_close(struct wire_in *in)
{
	if (!in)
		return;
	free(in->buf);
	free(in);
}

size_t wire_in_offset(const struct wire_in *in)
{
	return in->base + in->pos;
}

bool wire_in_is_json(const struct wire_in *in)
{
	return in->json == 1;
}

size_t wire_in_pending(const struct wire_in *in)
{
	size_t i = in->pos;

	/* JSON: the newline after a document is not a value to come */
	if (in->json == 1)
		while (i < in->len && (in->buf[i] == ' ' || in->buf[i] == '\n' ||
				       in->buf[i] == '\t' || in->buf[i] == '\r'))
			i++;
	return in->len - i;
}

/*
 * Read more input.  read(2), not fread(): on a pipe fread would wait for
 * a whole buffer, and bt-fmt must render events as they come.
 */
static int in_fill(struct wire_in *in)
{
	ssize_t n;

	if (in->eof)
		return 0;
	if (in->pos) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->len -= in->pos;
		in->base += in->pos;
		in->pos = 0;
	}
	if (in->cap - in->len < 16 * 1024) {
		size_t ncap = in->cap ? in->cap * 2 : 64 * 1024;
		unsigned char *nb = realloc(in->buf, ncap);

		if (!nb)
			BUG("out of memory");
		in->buf = nb;
		in->cap = ncap;
	}
	if (in->fd >= 0) {
		do
			n = read(in->fd, in->buf + in->len, in->cap - in->len);
		while (n < 0 && errno == EINTR);
	} else {
		n = (ssize_t)fread(in->buf + in->len, 1, in->cap - in->len,
				   in->f);
	}
	if (n <= 0) {
		in->eof = true;
		return 0;
	}
	in->len += (size_t)n;
	return (int)n;
}

static int in_peek(struct wire_in *in)
{
	if (in->pos == in->len && !in_fill(in))
		return EOF;
	return in->buf[in->pos];
}

static int in_getc(struct wire_in *in)
{
	int c = in_peek(in);

	if (c != EOF)
		in->pos++;
	return c;
}

static int in_error(struct wire_in *in, const char *what)
{
	fprintf(stderr, "%s: malformed input stream at byte %zu: %s\n",
		in->tool, wire_in_offset(in), what);
	return -EBADMSG;
}

/*
 * msgpack decoding is done here rather than with msgpack-c's unpacker so
 * that a corrupt length can never make us allocate more than the bytes
 * that really arrived: a value is first measured (mp_measure), and only a
 * complete one is decoded into the arena (mp_decode).
 */
enum { MP_OK = 0, MP_MORE = 1, MP_BAD = -1 };

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* the header of the value at p: its kind byte class, count or length */
struct mp_head {
	int hlen;        /* bytes of the header */
	char kind;       /* 'i' int, 'u' uint, 'n' nil, 'b' bool, 's' str,
			    'B' bin, 'a' array, 'm' map */
	uint64_t n;      /* length, count, or the integer's bits */
};

static int mp_head(const unsigned char *p, size_t avail, struct mp_head *h)
{
	unsigned c = p[0];
	int w = 0;

	h->hlen = 1;
	if (c <= 0x7f) { h->kind = 'i'; h->n = c; return MP_OK; }
	if (c >= 0xe0) { h->kind = 'i'; h->n = (uint64_t)(int64_t)(int8_t)c; return MP_OK; }
	if (c >= 0x80 && c <= 0x8f) { h->kind = 'm'; h->n = c & 0xf; return MP_OK; }
	if (c >= 0x90 && c <= 0x9f) { h->kind = 'a'; h->n = c & 0xf; return MP_OK; }
	if (c >= 0xa0 && c <= 0xbf) { h->kind = 's'; h->n = c & 0x1f; return MP_OK; }
	switch (c) {
	case 0xc0: h->kind = 'n'; return MP_OK;
	case 0xc2: case 0xc3: h->kind = 'b'; h->n = c & 1; return MP_OK;
	case 0xc4: h->kind = 'B'; w = 1; break;
	case 0xc5: h->kind = 'B'; w = 2; break;
	case 0xc6: h->kind = 'B'; w = 4; break;
	case 0xcc: h->kind = 'u'; w = 1; break;
	case 0xcd: h->kind = 'u'; w = 2; break;
	case 0xce: h->kind = 'u'; w = 4; break;
	case 0xcf: h->kind = 'u'; w = 8; break;
	case 0xd0: h->kind = 'i'; w = 1; break;
	case 0xd1: h->kind = 'i'; w = 2; break;
	case 0xd2: h->kind = 'i'; w = 4; break;
	case 0xd3: h->kind = 'i'; w = 8; break;
	case 0xd9: h->kind = 's'; w = 1; break;
	case 0xda: h->kind = 's'; w = 2; break;
	case 0xdb: h->kind = 's'; w = 4; break;
	case 0xdc: h->kind = 'a'; w = 2; break;
	case 0xdd: h->kind = 'a'; w = 4; break;
	case 0xde: h->kind = 'm'; w = 2; break;
	case 0xdf: h->kind = 'm'; w = 4; break;
	default:
		return MP_BAD; /* 0xc1, floats, extensions */
	}
	if (avail < (size_t)1 + w)
		return MP_MORE;
	h->hlen = 1 + w;
	h->n = be(p + 1, w);
	if (h->kind == 'i' && w < 8) /* sign-extend */
		h->n = (uint64_t)((int64_t)(h->n << (64 - 8 * w)) >> (64 - 8 * w));
	return MP_OK;
}

/* how many bytes the value at p takes, if all of it is in avail */
static int mp_measure(const unsigned char *p, size_t avail, int depth,
		      size_t *size)
{
	struct mp_head h;
	size_t used, sub;
	uint64_t i, items;
	int r;

	if (!avail)
		return MP_MORE;
	if (depth > WIRE_MAX_DEPTH)
		return MP_BAD;
	if ((r = mp_head(p, avail, &h)))
		return r;
	used = (size_t)h.hlen;
	switch (h.kind) {
	case 's': case 'B':
		if (h.n > avail - used)
			return MP_MORE;
		*size = used + h.n;
		return MP_OK;
	case 'a': case 'm':
		items = h.kind == 'm' ? 2 * h.n : h.n;
		if (items > avail - used)   /* each item takes a byte at least */
			return MP_MORE;
		for (i = 0; i < items; i++) {
			if (h.kind == 'm' && !(i & 1) &&
			    used < avail && !((p[used] >= 0xa0 && p[used] <= 0xbf) ||
					      (p[used] >= 0xd9 && p[used] <= 0xdb)))
				return MP_BAD; /* map keys are strings */
			if ((r = mp_measure(p + used, avail - used, depth + 1, &sub)))
				return r;
			used += sub;
		}
		*size = used;
		return MP_OK;
	default:
		*size = used;
		return MP_OK;
	}
}

/* decode a value already measured complete */
static struct val *mp_decode(struct arena *a, const unsigned char *p,
			     size_t *size)
{
	struct mp_head h;
	struct val *v;
	size_t used, sub;
	uint64_t i;

	mp_head(p, SIZE_MAX, &h);
	used = (size_t)h.hlen;
	switch (h.kind) {
	case 'n':
		v = val_nil(a);
		break;
	case 'b':
		v = val_bool(a, h.n);
		break;
	case 'i':
		v = val_int(a, (int64_t)h.n);
		break;
	case 'u':
		v = h.n > INT64_MAX ? val_uint(a, h.n) : val_int(a, (int64_t)h.n);
		break;
	case 's':
		v = val_strn(a, (const char *)p + used, h.n);
		used += h.n;
		break;
	case 'B':
		v = val_bin(a, p + used, h.n);
		used += h.n;
		break;
	case 'a':
		v = val_arr(a);
		for (i = 0; i < h.n; i++) {
			val_push(a, v, mp_decode(a, p + used, &sub));
			used += sub;
		}
		break;
	default: /* 'm' */
		v = val_map(a);
		for (i = 0; i < h.n; i++) {
			struct val *k = mp_decode(a, p + used, &sub);

			used += sub;
			val_set(a, v, k->s, mp_decode(a, p + used, &sub));
			used += sub;
		}
		break;
	}
	*size = used;
	return v;
}

static int msgpack_next(struct wire_in *in, struct arena *a, struct val **out)
{
	size_t size;

	for (;;) {
		int r = mp_measure(in->buf + in->pos, in->len - in->pos, 0,
				   &size);

		if (r == MP_OK) {
			*out = mp_decode(a, in->buf + in->pos, &size);
			in->pos += size;
			return 0;
		}
		if (r == MP_BAD)
			return in_error(in, "not valid bt msgpack (bad byte, "
					"float, extension or non-string key)");
		if (!in_fill(in)) {
			if (in->pos == in->len)
				return -ENODATA;
			return in_error(in, "truncated (stream ends inside a value)");
		}
	}
}

static void json_skip_ws(struct wire_in *in)
{
	int c;

	while ((c = in_peek(in)) == ' ' || c == '\n' || c == '\t' || c == '\r')
		in_getc(in);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(char **buf, size_t *n, size_t *cap, struct arena *a,
		     uint32_t cp);

static void buf_put(struct arena *a, char **buf, size_t *n, size_t *cap, char c)
{
	if (*n + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		char *p = arena_alloc(a, ncap);

		if (*n)
			memcpy(p, *buf, *n);
		*buf = p;
		*cap = ncap;
	}
	(*buf)[(*n)++] = c;
}

static void put_utf8(char **buf, size_t *n, size_t *cap, struct arena *a,
		     uint32_t cp)
{
	if (cp < 0x80) {
		buf_put(a, buf, n, cap, (char)cp);
	} else if (cp < 0x800) {
		buf_put(a, buf, n, cap, (char)(0xc0 | (cp >> 6)));
		buf_put(a, buf, n, cap, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_put(a, buf, n, cap, (char)(0xe0 | (cp >> 12)));
		buf_put(a, buf, n, cap, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_put(a, buf, n, cap, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_put(a, buf, n, cap, (char)(0xf0 | (cp >> 18)));
		buf_put(a, buf, n, cap, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_put(a, buf, n, cap, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_put(a, buf, n, cap, (char)(0x80 | (cp & 0x3f)));
	}
}

static int json_string(struct wire_in *in, struct arena *a, char **out,
		       size_t *outn)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int c, i, h;
	uint32_t cp;

	in_getc(in); /* opening quote */
	for (;;) {
		c = in_getc(in);
		if (c == EOF)
			return in_error(in, "truncated JSON string");
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20)
			return in_error(in, "control character in JSON string");
		if (c != '\\') {
			buf_put(a, &buf, &n, &cap, (char)c);
			continue;
		}
		c = in_getc(in);
		switch (c) {
		case '"': case '\\': case '/':
			buf_put(a, &buf, &n, &cap, (char)c);
			break;
		case 'b': buf_put(a, &buf, &n, &cap, '\b'); break;
		case 'f': buf_put(a, &buf, &n, &cap, '\f'); break;
		case 'n': buf_put(a, &buf, &n, &cap, '\n'); break;
		case 'r': buf_put(a, &buf, &n, &cap, '\r'); break;
		case 't': buf_put(a, &buf, &n, &cap, '\t'); break;
		case 'u':
			cp = 0;
			for (i = 0; i < 4; i++) {
				h = hexval(in_getc(in));
				if (h < 0)
					return in_error(in, "bad \\u escape");
				cp = cp << 4 | (uint32_t)h;
			}
			put_utf8(&buf, &n, &cap, a, cp);
			break;
		default:
			return in_error(in, "bad escape in JSON string");
		}
	}
	buf_put(a, &buf, &n, &cap, '\0');
	*out = buf;
	*outn = n - 1;
	return 0;
}

static int json_value(struct wire_in *in, struct arena *a, struct val **out,
		      int depth);

static int json_number(struct wire_in *in, struct arena *a, struct val **out)
{
	char tmp[32];
	size_t n = 0;
	int c;

	while ((c = in_peek(in)) == '-' || (c >= '0' && c <= '9')) {
		if (n + 1 >= sizeof(tmp))
			return in_error(in, "number too long");
		tmp[n++] = (char)in_getc(in);
	}
	tmp[n] = '\0';
	if (c == '.' || c == 'e' || c == 'E')
		return in_error(in, "floating-point numbers are not part of bt");
	if (n == 0 || !strcmp(tmp, "-"))
		return in_error(in, "bad number");
	errno = 0;
	if (tmp[0] == '-') {
		long long v = strtoll(tmp, NULL, 10);

		if (errno)
			return in_error(in, "number out of range");
		*out = val_int(a, v);
	} else {
		unsigned long long v = strtoull(tmp, NULL, 10);

		if (errno)
			return in_error(in, "number out of range");
		*out = v > INT64_MAX ? val_uint(a, v) : val_int(a, (int64_t)v);
	}
	return 0;
}

static int json_literal(struct wire_in *in, const char *word)
{
	for (; *word; word++)
		if (in_getc(in) != *word)
			return in_error(in, "unexpected character");
	return 0;
}

static int json_bin(struct wire_in *in, struct arena *a, struct val *map,
		    struct val **out)
{
	struct val *hex = val_get(map, "$bin");
	unsigned char *p;
	size_t i;

	if (map->n != 1 || !hex || hex->kind != VAL_STR || hex->n % 2)
		return in_error(in, "bad {\"$bin\": ...} object");
	p = arena_alloc(a, hex->n / 2 + 1);
	for (i = 0; i < hex->n / 2; i++) {
		int hi = hexval(hex->s[2 * i]), lo = hexval(hex->s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return in_error(in, "bad hex in {\"$bin\": ...}");
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = val_bin(a, p, hex->n / 2);
	return 0;
}

static int json_value(struct wire_in *in, struct arena *a, struct val **out,
		      int depth)
{
	struct val *v, *item;
	char *s;
	size_t n;
	int c, err;

	if (depth > WIRE_MAX_DEPTH)
		return in_error(in, "nested too deeply");
	json_skip_ws(in);
	c = in_peek(in);
	switch (c) {
	case EOF:
		return in_error(in, "truncated JSON value");
	case '{':
		in_getc(in);
		v = val_map(a);
		json_skip_ws(in);
		if (in_peek(in) == '}') {
			in_getc(in);
			*out = v;
			return 0;
		}
		for (;;) {
			json_skip_ws(in);
			if (in_peek(in) != '"')
				return in_error(in, "expected a string key");
			if ((err = json_string(in, a, &s, &n)))
				return err;
			json_skip_ws(in);
			if (in_getc(in) != ':')
				return in_error(in, "expected ':'");
			if ((err = json_value(in, a, &item, depth + 1)))
				return err;
			val_set(a, v, s, item);
			json_skip_ws(in);
			c = in_getc(in);
			if (c == '}')
				break;
			if (c != ',')
				return in_error(in, "expected ',' or '}'");
		}
		if (v->n == 1 && !strcmp(v->kv[0].key, "$bin"))
			return json_bin(in, a, v, out);
		*out = v;
		return 0;
	case '[':
		in_getc(in);
		v = val_arr(a);
		json_skip_ws(in);
		if (in_peek(in) == ']') {
			in_getc(in);
			*out = v;
			return 0;
		}
		for (;;) {
			if ((err = json_value(in, a, &item, depth + 1)))
				return err;
			val_push(a, v, item);
			json_skip_ws(in);
			c = in_getc(in);
			if (c == ']')
				break;
			if (c != ',')
				return in_error(in, "expected ',' or ']'");
		}
		*out = v;
		return 0;
	case '"':
		if ((err = json_string(in, a, &s, &n)))
			return err;
		v = val_nil(a);
		v->kind = VAL_STR;
		v->s = s;
		v->n = n;
		*out = v;
		return 0;
	case 't':
		*out = val_bool(a, true);
		return json_literal(in, "true");
	case 'f':
		*out = val_bool(a, false);
		return json_literal(in, "false");
	case 'n':
		*out = val_nil(a);
		return json_literal(in, "null");
	default:
		if (c == '-' || (c >= '0' && c <= '9'))
			return json_number(in, a, out);
		return in_error(in, "unexpected character");
	}
}

int wire_in_next(struct wire_in *in, struct arena *a, struct val **out)
{
	if (in->json < 0) {
		int c = in_peek(in);

		if (c == EOF)
			return -ENODATA;
		in->json = !((c >= 0x80 && c <= 0x8f) || c == 0xde || c == 0xdf);
	}
	if (!in->json)
		return msgpack_next(in, a, out);
	json_skip_ws(in);
	if (in_peek(in) == EOF)
		return -ENODATA;
	return json_value(in, a, out, 0);
}

static const char *const kinds[] = { "ast", "typed-ast", "bundle", "events" };
static const char *const makers[] = { "bt-parse", "bt-check", "bt-gen",
				      "bt-load" };

static int kind_index(const char *k)
{
	size_t i;

	for (i = 0; k && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i], k))
			return (int)i;
	return -1;
}

void wire_in_quiet_empty(struct wire_in *in)
{
	in->quiet_empty = true;
}

int wire_read_header(struct wire_in *in, struct arena *a, const char *want,
		     struct val **hdr)
{
	int wi = kind_index(want), gi, err, i;
	const char *got;
	int64_t v;

	err = wire_in_next(in, a, hdr);
	if (err == -ENODATA) {
		if (!in->quiet_empty)
			fprintf(stderr, "%s: empty input; expected %s from %s\n",
				in->tool, want, wi >= 0 ? makers[wi] : "bt");
		return -EPROTO;
	}
	if (err)
		return -EPROTO;
	got = val_get_str(*hdr, "bt");
	if (!got) {
		fprintf(stderr, "%s: input is not a bt stream (no header); "
			"expected %s from %s\n", in->tool, want,
			wi >= 0 ? makers[wi] : "bt");
		return -EPROTO;
	}
	gi = kind_index(got);
	if (strcmp(got, want)) {
		fprintf(stderr, "%s: expected %s, got %s", in->tool, want, got);
		if (gi >= 0 && gi < wi) {
			fprintf(stderr, " (pipe through ");
			for (i = gi + 1; i <= wi; i++)
				fprintf(stderr, "%s%s", i > gi + 1 ? " | " : "",
					makers[i]);
			fprintf(stderr, ")");
		} else if (gi > wi && wi >= 0) {
			fprintf(stderr, " (that is %s's output; give %s the "
				"output of %s)", makers[gi], in->tool,
				wi >= 0 ? makers[wi] : "bt");
		}
		fputc('\n', stderr);
		return -EPROTO;
	}
	v = val_get_int(*hdr, "v", -1);
	if (v != WIRE_VERSION) {
		fprintf(stderr, "%s: unsupported %s version %" PRId64
			" (this %s reads version %d)\n", in->tool, want, v,
			in->tool, WIRE_VERSION);
		return -EPROTO;
	}
	return 0;
}

struct val *wire_header(struct arena *a, const char *kind,
			const struct val *from)
{
	struct val *h = val_map(a);
	size_t i;

	val_set_str(a, h, "bt", kind);
	val_set_int(a, h, "v", WIRE_VERSION);
	for (i = 0; from && from->kind == VAL_MAP && i < from->n; i++) {
		const char *k = from->kv[i].key;

		if (strcmp(k, "bt") && strcmp(k, "v"))
			val_set(a, h, k, from->kv[i].v);
	}
	return h;
}

/* --------------------------------------------------------------- output */

struct wire_out *wire_out_open(FILE *f, bool json)
{
	struct wire_out *o = calloc(1, sizeof(*o));

	if (!o)
		BUG("out of memory");
	o->f = f;
	o->json = json;
	msgpack_sbuffer_init(&o->sbuf);
	msgpack_packer_init(&o->pk, &o->sbuf, msgpack_sbuffer_write);
	return o;
}

static void pack(msgpack_packer *pk, const struct val *v)
{
	size_t i;

	switch (v->kind) {
	case VAL_NIL:
		msgpack_pack_nil(pk);
		break;
	case VAL_BOOL:
		if (v->b)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case VAL_INT:
		msgpack_pack_int64(pk, v->i);
		break;
	case VAL_UINT:
		msgpack_pack_uint64(pk, v->u);
		break;
	case VAL_STR:
		msgpack_pack_str(pk, v->n);
		msgpack_pack_str_body(pk, v->s, v->n);
		break;
	case VAL_BIN:
		msgpack_pack_bin(pk, v->n);
		msgpack_pack_bin_body(pk, v->s, v->n);
		break;
	case VAL_ARR:
		msgpack_pack_array(pk, v->n);
		for (i = 0; i < v->n; i++)
			pack(pk, v->items[i]);
		break;
	case VAL_MAP:
		msgpack_pack_map(pk, v->n);
		for (i = 0; i < v->n; i++) {
			size_t kn = strlen(v->kv[i].key);

			msgpack_pack_str(pk, kn);
			msgpack_pack_str_body(pk, v->kv[i].key, kn);
			pack(pk, v->kv[i].v);
		}
		break;
	}
}

static void json_str(FILE *f, const char *s, size_t n)
{
	size_t i;

	putc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				putc(c, f);
		}
	}
	putc('"', f);
}

void wire_print_json(FILE *f, const struct val *v)
{
	size_t i;

	switch (v->kind) {
	case VAL_NIL:
		fputs("null", f);
		break;
	case VAL_BOOL:
		fputs(v->b ? "true" : "false", f);
		break;
	case VAL_INT:
		fprintf(f, "%" PRId64, v->i);
		break;
	case VAL_UINT:
		fprintf(f, "%" PRIu64, v->u);
		break;
	case VAL_STR:
		json_str(f, v->s, v->n);
		break;
	case VAL_BIN:
		fputs("{\"$bin\":\"", f);
		for (i = 0; i < v->n; i++)
			fprintf(f, "%02x", (unsigned char)v->s[i]);
		fputs("\"}", f);
		break;
	case VAL_ARR:
		putc('[', f);
		for (i = 0; i < v->n; i++) {
			if (i)
				putc(',', f);
			wire_print_json(f, v->items[i]);
		}
		putc(']', f);
		break;
	case VAL_MAP:
		putc('{', f);
		for (i = 0; i < v->n; i++) {
			if (i)
				putc(',', f);
			json_str(f, v->kv[i].key, strlen(v->kv[i].key));
			putc(':', f);
			wire_print_json(f, v->kv[i].v);
		}
		putc('}', f);
		break;
	}
}

int wire_out_write(struct wire_out *o, const struct val *v)
{
	if (o->json) {
		wire_print_json(o->f, v);
		putc('\n', o->f);
		if (ferror(o->f) && !o->err)
			o->err = -EIO;
		return o->err;
	}
	pack(&o->pk, v);
	if (o->sbuf.size >= WIRE_FLUSH_AT)
		return wire_out_flush(o);
	return o->err;
}

int wire_out_flush(struct wire_out *o)
{
	if (!o->json && o->sbuf.size) {
		if (fwrite(o->sbuf.data, 1, o->sbuf.size, o->f) != o->sbuf.size &&
		    !o->err)
			o->err = -EIO;
		msgpack_sbuffer_clear(&o->sbuf);
	}
	if (fflush(o->f) && !o->err)
		o->err = -errno;
	return o->err;
}

int wire_out_close(struct wire_out *o)
{
	int err;

	if (!o)
		return 0;
	err = wire_out_flush(o);
	msgpack_sbuffer_destroy(&o->sbuf);
	free(o);
	return err;
}
