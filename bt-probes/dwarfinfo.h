/*
 * dwarfinfo.h - what the uprobe provider and bt-check read from a user
 * binary's DWARF debug info (libdw): a function's parameters, a named
 * struct/union/enum, and the address of a source line.
 *
 * The debug info is found as upstream finds it: in the binary itself, in
 * a separate file named by .gnu_debuglink or by build id (in the
 * directories of dwarfinfo_path, then next to the binary, .debug/ and
 * /usr/lib/debug), split DWARF in .dwo files next to the binary, or in
 * BINARY.dwp.  (Not called dwarf.h: that is libdw's own header.)
 *
 * Ownership: an opened file stays open for the life of the process (a
 * tool looks at few binaries); types and strings are made in the arena
 * the caller passes.
 */
#ifndef BT_DWARFINFO_H
#define BT_DWARFINFO_H

#include <stdint.h>

#include "type.h"

struct dwarfinfo;

/*
 * --debuginfo: where separate debug files are searched first, a
 * colon-separated list of directories (relative ones are taken from the
 * binary's directory, as elfutils does); NULL for the default search only
 */
extern const char *dwarfinfo_path;

/*
 * The debug info of the ELF file at path: 0 with *out set, -ENODATA when
 * the file has none (and none is found elsewhere), -errno otherwise
 */
int dwarfinfo_open(const char *path, struct dwarfinfo **out);

struct dwarfinfo_param {
	const char *name;   /* "argN" for an unnamed parameter */
	const char *decl;   /* its C type as upstream lists it: "struct Foo*" */
	struct type *type;
};

/*
 * The parameters of the function defined as func: their count (0 for
 * none) with *out set, or -ENOENT when no definition of func is found
 */
int dwarfinfo_params(struct arena *a, struct dwarfinfo *d, const char *func,
		     struct dwarfinfo_param **out);

/*
 * A named type, "struct Foo", "union U" or "enum E", with its members:
 * NULL when the debug info does not define it
 */
struct type *dwarfinfo_named_type(struct arena *a, struct dwarfinfo *d,
				  const char *name);

/*
 * The lowest address the line table gives for line of the source file
 * file (matched by its trailing path components, "uprobe_test.c" or
 * "src/x.c"): 0 with *addr set, -ENOENT when no code is on that line
 */
int dwarfinfo_line_addr(struct dwarfinfo *d, const char *file, int line,
			uint64_t *addr);

/* libdw's version, for `bpftrace --info` */
const char *dwarfinfo_version(void);

#endif
