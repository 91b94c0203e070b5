/*
 * zip.h - shared libraries stored in ZIP archives (Android maps them
 * straight out of APKs): "ARCHIVE!/MEMBER" names a member that is stored,
 * not compressed, so its bytes are a plain slice of the archive that a
 * uprobe can sit in.  bt-probes lists its symbols, bt-load attaches at
 * the member's offset in the archive.
 */
#ifndef BT_ZIP_H
#define BT_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* does path name a member of an archive ("ARCHIVE!/MEMBER")? */
bool zip_is_member(const char *path);
/*
 * 1 when path is "ARCHIVE!/MEMBER": archive (a buffer of n bytes) gets
 * ARCHIVE and *member points at MEMBER inside path; 0 for a plain path;
 * -ENAMETOOLONG when ARCHIVE does not fit.
 */
int zip_path_split(const char *path, char *archive, size_t n,
		   const char **member);
/*
 * Where MEMBER's bytes start in the archive open at fd (*off) and how many
 * there are (*size).  0, or -EINVAL (not a ZIP archive, or ZIP64),
 * -ENOENT (no such member), -ENOTSUP (the member is compressed), -errno.
 */
int zip_member_find(int fd, const char *member, uint64_t *off,
		    uint64_t *size);
/*
 * The bytes of "ARCHIVE!/MEMBER" in a malloc'd *image of *len bytes (the
 * caller frees it), and their offset in the archive; the errors of
 * zip_member_find, or -ENOMEM.
 */
int zip_read_member(const char *path, void **image, size_t *len,
		    uint64_t *off);

#endif
