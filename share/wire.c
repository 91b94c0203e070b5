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

#include <msgpack.h>

#include "bug.h"
#include "wire.h"

#define WIRE_MAX_DEPTH 512
#define WIRE_FLUSH_AT (64 * 1024)

struct wire_in {
	FILE *f;
	const char *tool;
	int json;               /* -1 unknown yet, 0 msgpack, 1 JSON */
	msgpack_unpacker mp;
	msgpack_unpacked result;
	size_t offset;          /* JSON: bytes consumed */
	int peeked;             /* JSON: one byte of look-ahead or EOF */
	bool has_peek;
	bool eof;
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
	in->tool = tool;
	in->json = -1;
	return in;
}

void wire_in_close(struct wire_in *in)
{
	if (!in)
		return;
	if (in->json == 0) {
		msgpack_unpacked_destroy(&in->result);
		msgpack_unpacker_destroy(&in->mp);
	}
	free(in);
}

size_t wire_in_offset(const struct wire_in *in)
{
	if (in->json == 0)
		return msgpack_unpacker_parsed_size((msgpack_unpacker *)&in->mp);
	return in->offset;
}

bool wire_in_is_json(const struct wire_in *in)
{
	return in->json == 1;
}

static int in_getc(struct wire_in *in)
{
	int c;

	if (in->has_peek) {
		in->has_peek = false;
		c = in->peeked;
	} else {
		c = getc(in->f);
	}
	if (c != EOF)
		in->offset++;
	return c;
}

static int in_peek(struct wire_in *in)
{
	if (!in->has_peek) {
		in->peeked = getc(in->f);
		in->has_peek = true;
	}
	return in->peeked;
}

static int in_error(struct wire_in *in, const char *what)
{
	fprintf(stderr, "%s: malformed input stream at byte %zu: %s\n",
		in->tool, wire_in_offset(in), what);
	return -EBADMSG;
}

static struct val *from_msgpack(struct arena *a, const msgpack_object *o)
{
	struct val *v;
	uint32_t i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return val_nil(a);
	case MSGPACK_OBJECT_BOOLEAN:
		return val_bool(a, o->via.boolean);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX)
			return val_uint(a, o->via.u64);
		return val_int(a, (int64_t)o->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return val_int(a, o->via.i64);
	case MSGPACK_OBJECT_STR:
		return val_strn(a, o->via.str.ptr, o->via.str.size);
	case MSGPACK_OBJECT_BIN:
		return val_bin(a, o->via.bin.ptr, o->via.bin.size);
	case MSGPACK_OBJECT_ARRAY:
		v = val_arr(a);
		for (i = 0; i < o->via.array.size; i++)
			val_push(a, v, from_msgpack(a, &o->via.array.ptr[i]));
		return v;
	case MSGPACK_OBJECT_MAP:
		v = val_map(a);
		for (i = 0; i < o->via.map.size; i++) {
			const msgpack_object *k = &o->via.map.ptr[i].key;
			char *key;

			if (k->type != MSGPACK_OBJECT_STR)
				return NULL;
			key = arena_strndup(a, k->via.str.ptr, k->via.str.size);
			val_set(a, v, key, from_msgpack(a, &o->via.map.ptr[i].val));
		}
		return v;
	default:
		return NULL; /* floats and extensions are not part of bt */
	}
}

static bool has_null_child(const struct val *v)
{
	size_t i;

	if (!v)
		return true;
	if (v->kind == VAL_ARR) {
		for (i = 0; i < v->n; i++)
			if (has_null_child(v->items[i]))
				return true;
	} else if (v->kind == VAL_MAP) {
		for (i = 0; i < v->n; i++)
			if (has_null_child(v->kv[i].v))
				return true;
	}
	return false;
}

static int msgpack_next(struct wire_in *in, struct arena *a, struct val **out)
{
	for (;;) {
		msgpack_unpack_return r;
		size_t n;

		r = msgpack_unpacker_next(&in->mp, &in->result);
		if (r == MSGPACK_UNPACK_SUCCESS) {
			*out = from_msgpack(a, &in->result.data);
			if (has_null_child(*out))
				return in_error(in, "float, extension or "
						"non-string map key");
			return 0;
		}
		if (r == MSGPACK_UNPACK_PARSE_ERROR)
			return in_error(in, "not valid msgpack");
		if (r == MSGPACK_UNPACK_NOMEM_ERROR)
			return in_error(in, "value too large");
		/* MSGPACK_UNPACK_CONTINUE: need more bytes */
		if (in->eof) {
			if (msgpack_unpacker_message_size(&in->mp) == 0)
				return -ENODATA;
			return in_error(in, "truncated (stream ends inside a value)");
		}
		if (!msgpack_unpacker_reserve_buffer(&in->mp, 64 * 1024))
			return in_error(in, "out of memory");
		n = fread(msgpack_unpacker_buffer(&in->mp), 1,
			  msgpack_unpacker_buffer_capacity(&in->mp), in->f);
		if (n == 0) {
			in->eof = true;
			continue;
		}
		msgpack_unpacker_buffer_consumed(&in->mp, n);
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
		if (!in->json) {
			/* hand the peeked byte back to stdio for the unpacker */
			in->has_peek = false;
			if (ungetc(c, in->f) == EOF)
				BUG("ungetc failed");
			if (!msgpack_unpacker_init(&in->mp, 64 * 1024))
				BUG("out of memory");
			msgpack_unpacked_init(&in->result);
		}
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

int wire_read_header(struct wire_in *in, struct arena *a, const char *want,
		     struct val **hdr)
{
	int wi = kind_index(want), gi, err, i;
	const char *got;
	int64_t v;

	err = wire_in_next(in, a, hdr);
	if (err == -ENODATA) {
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
