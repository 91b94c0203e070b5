/*
 * btf.c - bt-check's use of kernel types: struct types named in a script
 * are completed from the script's own C definitions first (cdefs.c), then
 * from the DWARF of the probed binary in a uprobe (bt-probes/dwarfinfo.c),
 * then from vmlinux BTF (bt-probes/kbtf.c); enumerators of kernel enums
 * are usable as constants.
 */
#include <bpf/btf.h>
#include <string.h>

#include "bt-probes/dwarfinfo.h"
#include "check.h"

/* a struct/union of the binary a uprobe probes, from its DWARF */
static struct type *check_dwarf_struct(struct check *ck, struct type *st)
{
	const char *prov = ck->ap ? val_get_str(ck->ap, "provider") : NULL;
	const char *path = ck->ap ? val_get_str(ck->ap, "target") : NULL;
	struct dwarfinfo *d;
	struct type *t;

	if (!prov || !path || (strcmp(prov, "uprobe") && strcmp(prov, "uretprobe")))
		return NULL;
	if (dwarfinfo_open(path, &d))
		return NULL;
	t = dwarfinfo_named_type(ck->a, d, st->name);
	return t && t->kind == TY_STRUCT && t->nfields ? t : NULL;
}

struct type *check_struct_full(struct check *ck, struct type *st)
{
	static struct { const char *name; struct type *t; } cache[256];
	static int ncache;
	struct type *full;
	int i;

	if (!st || st->kind != TY_STRUCT)
		return NULL;
	if (st->nfields)
		return st;
	if (!st->name || !strcmp(st->name, "args"))
		return NULL;
	for (i = 0; i < ncache; i++)
		if (!strcmp(cache[i].name, st->name))
			return cache[i].t;
	full = check_cdef_struct(st->name);
	if ((!full || !full->nfields) && (full = check_dwarf_struct(ck, st)))
		return full;   /* per binary: not cached by name */
	if (!full || !full->nfields) {
		/* a copy: the shallow type may be referenced from inside */
		full = type_new(ck->a, TY_STRUCT);
		full->name = st->name;
		if (!kbtf_complete(ck->a, full))
			return NULL;
	}
	if (ncache < 256) {
		cache[ncache].name = st->name;
		cache[ncache++].t = full;
	}
	return full;
}

bool check_btf_available(void)
{
	return kbtf_load() != NULL;
}

bool check_btf_enum_const(struct check *ck, const char *name, int64_t *v,
			  struct type **t)
{
	struct btf *btf = kbtf_load();
	__u32 id, n;

	if (!btf)
		return false;
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *bt = btf__type_by_id(btf, id);
		int i, vlen;

		if (!btf_is_enum(bt) && !btf_is_enum64(bt))
			continue;
		vlen = btf_vlen(bt);
		for (i = 0; i < vlen; i++) {
			const char *en;
			int64_t val;

			if (btf_is_enum(bt)) {
				const struct btf_enum *e = btf_enum(bt) + i;

				en = btf__name_by_offset(btf, e->name_off);
				val = e->val;
			} else {
				const struct btf_enum64 *e = btf_enum64(bt) + i;

				en = btf__name_by_offset(btf, e->name_off);
				val = (int64_t)btf_enum64_value(e);
			}
			if (!en || strcmp(en, name))
				continue;
			*v = val;
			*t = kbtf_type(ck->a, btf, id, 0);
			/* enumerator values are 64-bit, as upstream's are */
			(*t)->size = 8;
			return true;
		}
	}
	return false;
}

struct type *check_btf_typedef(struct check *ck, const char *name)
{
	struct btf *btf = kbtf_load();
	__s32 id;

	if (!btf || !name)
		return NULL;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return NULL;
	return kbtf_type(ck->a, btf, (__u32)id, 1);
}

struct type *check_btf_var(struct check *ck, const char *name)
{
	struct btf *btf = kbtf_load();
	const struct btf_type *v;
	__s32 id;

	if (!btf || !name)
		return NULL;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_VAR);
	if (id < 0)
		return NULL;
	v = btf__type_by_id(btf, (__u32)id);
	return v ? kbtf_type(ck->a, btf, v->type, 1) : NULL;
}

bool check_btf_func_exists(const char *name)
{
	struct btf *btf = kbtf_load();

	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}
