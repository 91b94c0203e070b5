/*
 * kbtf.c - kernel types from vmlinux BTF (/sys/kernel/btf/vmlinux, or
 * $BPFTRACE_BTF) in bt's type model, through libbpf's btf__ API.  BTF is
 * loaded on first use only: bt-check asks when a script touches a kernel
 * struct or enum, the fentry/fexit provider for function arguments.
 *
 * A struct is converted one level deep: its members get their types, but
 * a member that is itself a named struct (or a pointer to one) keeps only
 * its name and size; kbtf_complete() fills it in when the script reaches
 * into it.  Anonymous structs and unions are converted in place because
 * they cannot be looked up by name.  char arrays become strings, as
 * upstream does.
 */
#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include <stdlib.h>
#include <string.h>

#include "provider.h"

static struct btf *vmlinux_btf;
static bool btf_tried;

struct btf *kbtf_load(void)
{
	const char *path = getenv("BPFTRACE_BTF");

	if (btf_tried)
		return vmlinux_btf;
	btf_tried = true;
	vmlinux_btf = path && *path ? btf__parse(path, NULL)
				    : btf__load_vmlinux_btf();
	if (libbpf_get_error(vmlinux_btf))
		vmlinux_btf = NULL;
	return vmlinux_btf;
}


static const char *kbtf_name(struct arena *a, const struct btf *btf,
				  const struct btf_type *t)
{
	const char *n = btf__name_by_offset(btf, t->name_off);

	return arena_printf(a, "%s %s", btf_is_union(t) ? "union" : "struct",
			    n && *n ? n : "(anonymous)");
}

/* the members of struct/union id into st */
static void kbtf_fields(struct arena *a, const struct btf *btf, __u32 id,
			     struct type *st, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	int i, n = btf_vlen(t);

	st->fields = arena_alloc(a, sizeof(*st->fields) * (n + 1));
	st->nfields = n;
	for (i = 0; i < n; i++, m++) {
		struct type_field *f = &st->fields[i];
		__u32 bitoff = btf_member_bit_offset(t, i);
		__u32 bits = btf_member_bitfield_size(t, i);
		const char *name = btf__name_by_offset(btf, m->name_off);

		f->name = arena_strdup(a, name ? name : "");
		f->type = kbtf_type(a, btf, m->type, depth + 1);
		if (bits) {
			/*
			 * read the storage unit of the field's type that holds
			 * it (a read never runs past the struct), else the
			 * byte holding its first bit
			 */
			int64_t us = f->type ? type_size(f->type) : 0;
			int64_t unit = us > 0 && us <= 8 ? bitoff / (us * 8) * us : -1;

			if (unit < 0 || unit + us > t->size ||
			    bitoff + bits > (unit + us) * 8)
				unit = bitoff / 8;
			f->offset = unit;
			f->bitfield_bits = (int)bits;
			f->bitfield_offset = (int)(bitoff - unit * 8);
		} else {
			f->offset = bitoff / 8;
		}
	}
}

struct type *kbtf_type(struct arena *a, const struct btf *btf,
				      __u32 id, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	struct type *r;

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
		     btf_is_restrict(t) || btf_is_type_tag(t) || btf_is_decl_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (!t || btf_is_void(t) || depth > 16)
		return type_new(a, TY_VOID);
	if (btf_is_int(t)) {
		__u8 enc = btf_int_encoding(t);

		const char *n = btf__name_by_offset(btf, t->name_off);

		if (enc & BTF_INT_BOOL)
			return type_new(a, TY_BOOL);
		/* plain char is int8, so char arrays become strings */
		if (n && !strcmp(n, "char"))
			return type_int(a, 1, true);
		return type_int(a, t->size == 1 || t->size == 2 || t->size == 4 ||
				   t->size == 8 ? (int)t->size : 8,
				(enc & BTF_INT_SIGNED) || (enc & BTF_INT_CHAR));
	}
	if (btf_is_ptr(t)) {
		const struct btf_type *to = btf__type_by_id(btf, t->type);
		bool user = false;

		/* __user is a type tag on the pointee */
		while (to && btf_is_type_tag(to)) {
			const char *tag = btf__name_by_offset(btf, to->name_off);

			if (tag && !strcmp(tag, "user"))
				user = true;
			to = btf__type_by_id(btf, to->type);
		}
		while (to && (btf_is_typedef(to) || btf_is_const(to) ||
			      btf_is_volatile(to)))
			to = btf__type_by_id(btf, to->type);
		/* a function pointer: an untyped pointer, as upstream */
		if (to && btf_is_func_proto(to))
			return type_ptr(a, type_new(a, TY_VOID), false);
		return type_ptr(a, kbtf_type(a, btf, t->type, depth + 1), user);
	}
	if (btf_is_array(t)) {
		const struct btf_array *arr = btf_array(t);
		struct type *el = kbtf_type(a, btf, arr->type, depth + 1);

		if (el->kind == TY_INT && el->size == 1 && el->is_signed)
			return type_string(a, arr->nelems);
		r = type_new(a, TY_ARRAY);
		r->elem = el;
		r->count = arr->nelems;
		return r;
	}
	if (btf_is_enum(t) || btf_is_enum64(t)) {
		const char *n = btf__name_by_offset(btf, t->name_off);

		r = type_new(a, TY_ENUM);
		r->name = arena_printf(a, "enum %s", n && *n ? n : "(anonymous)");
		r->size = t->size;
		return r;
	}
	if (btf_is_composite(t)) {
		const char *n = btf__name_by_offset(btf, t->name_off);

		r = type_new(a, TY_STRUCT);
		r->name = kbtf_name(a, btf, t);
		r->size = t->size;
		if (!n || !*n || depth == 0)
			kbtf_fields(a, btf, id, r, depth);
		return r;
	}
	return type_int(a, 8, false);
}


bool kbtf_complete(struct arena *a, struct type *st)
{
	struct btf *btf = kbtf_load();
	const char *name = st->name;
	int kind = BTF_KIND_STRUCT;
	struct type *full;
	__s32 id;

	if (!btf || !name)
		return false;
	if (!strncmp(name, "struct ", 7)) {
		name += 7;
	} else if (!strncmp(name, "union ", 6)) {
		name += 6;
		kind = BTF_KIND_UNION;
	}
	id = btf__find_by_name_kind(btf, name, kind);
	if (id < 0)
		return false;
	full = kbtf_type(a, btf, id, 0);
	st->fields = full->fields;
	st->nfields = full->nfields;
	st->size = full->size;
	return st->nfields > 0;
}

static void kbtf_vprintf(void *ctx, const char *fmt, va_list args)
{
	vfprintf(ctx, fmt, args);
}

/* "struct X" / "union X" / "enum X" of a BTF type, NULL when anonymous */
static const char *kbtf_full_name(struct arena *a, const struct btf *btf,
				  const struct btf_type *t)
{
	const char *n = btf__name_by_offset(btf, t->name_off);

	if (!n || !*n)
		return NULL;
	if (btf_is_struct(t))
		return arena_printf(a, "struct %s", n);
	if (btf_is_union(t))
		return arena_printf(a, "union %s", n);
	if (btf_is_enum(t) || btf_is_enum64(t))
		return arena_printf(a, "enum %s", n);
	return NULL;
}

int kbtf_list_types(struct arena *a, const char *pattern, bool verbose,
		    FILE *out)
{
	struct btf *btf = kbtf_load();
	struct btf_dump *dump;
	__u32 id, n;
	int printed = 0;

	if (!btf)
		return -ENOENT;
	dump = btf_dump__new(btf, kbtf_vprintf, out, NULL);
	if (libbpf_get_error(dump))
		return -ENOMEM;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = kbtf_full_name(a, btf, t);
		DECLARE_LIBBPF_OPTS(btf_dump_emit_type_decl_opts, o,
				    .indent_level = 1);

		if (!name || fnmatch(pattern, name, 0))
			continue;
		printed++;
		if (!verbose) {
			fprintf(out, "%s\n", name);
			continue;
		}
		/* upstream's layout: the module, then the C definition */
		fprintf(out, "vmlinux: %s {\n", name);
		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t);
			int i;

			for (i = 0; i < btf_vlen(t); i++, e++)
				fprintf(out, "\t%s = %d,\n",
					btf__name_by_offset(btf, e->name_off),
					(int)e->val);
		} else if (btf_is_struct(t) || btf_is_union(t)) {
			const struct btf_member *m = btf_members(t);
			int i;

			for (i = 0; i < btf_vlen(t); i++, m++) {
				const char *mn = btf__name_by_offset(btf, m->name_off);
				int bits = btf_member_bitfield_size(t, i);

				o.field_name = mn ? mn : "";
				fputc('\t', out);
				btf_dump__emit_type_decl(dump, m->type, &o);
				if (bits)
					fprintf(out, ": %d", bits);
				fputs(";\n", out);
			}
		}
		fputs("};\n", out);
	}
	btf_dump__free(dump);
	return printed;
}
