/*
 * zip.c - find a stored member of a ZIP archive (see zip.h).  Only what
 * a loader needs: the end-of-central-directory record, the central
 * directory's entries (name, method, sizes, local header offset) and the
 * local header's own name and extra lengths, which say where the data
 * starts.  ZIP64 archives are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zip.h"

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define EOCD_MIN 22
#define EOCD_MAX (EOCD_MIN + 65535)

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

bool zip_is_member(const char *path)
{
	return strstr(path, "!/") != NULL;
}

int zip_path_split(const char *path, char *archive, size_t n,
		   const char **member)
{
	const char *bang = strstr(path, "!/");

	if (!bang)
		return 0;
	if ((size_t)(bang - path) >= n)
		return -ENAMETOOLONG;
	memcpy(archive, path, (size_t)(bang - path));
	archive[bang - path] = '\0';
	*member = bang + 2;
	return 1;
}

static int read_at(int fd, void *buf, size_t n, uint64_t off)
{
	ssize_t r = pread(fd, buf, n, (off_t)off);

	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -EINVAL;
}

int zip_member_find(int fd, const char *member, uint64_t *off,
		    uint64_t *size)
{
	unsigned char *tail, *cd = NULL, *p, local[30];
	size_t want = strlen(member), tn;
	uint32_t cd_size, cd_off, entries, i;
	struct stat st;
	int err = -EINVAL;
	ssize_t k;

	if (fstat(fd, &st))
		return -errno;
	if (st.st_size < EOCD_MIN)
		return -EINVAL;
	tn = st.st_size < EOCD_MAX ? (size_t)st.st_size : EOCD_MAX;
	tail = malloc(tn);
	if (!tail)
		return -ENOMEM;
	if ((err = read_at(fd, tail, tn, (uint64_t)st.st_size - tn)))
		goto out;
	err = -EINVAL;
	for (k = (ssize_t)tn - EOCD_MIN; k >= 0; k--)
		if (le32(tail + k) == EOCD_SIG)
			break;
	if (k < 0)
		goto out;
	entries = le16(tail + k + 10);
	cd_size = le32(tail + k + 12);
	cd_off = le32(tail + k + 16);
	if (cd_off == 0xffffffffu || entries == 0xffffu ||
	    (uint64_t)cd_off + cd_size > (uint64_t)st.st_size)
		goto out;
	cd = malloc(cd_size ? cd_size : 1);
	if (!cd) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = read_at(fd, cd, cd_size, cd_off)))
		goto out;
	err = -ENOENT;
	for (i = 0, p = cd; i < entries; i++) {
		uint32_t nl, el, cl;

		if (p + 46 > cd + cd_size || le32(p) != CDIR_SIG) {
			err = -EINVAL;
			break;
		}
		nl = le16(p + 28);
		el = le16(p + 30);
		cl = le16(p + 32);
		if (p + 46 + nl > cd + cd_size) {
			err = -EINVAL;
			break;
		}
		if (nl == want && !memcmp(p + 46, member, want)) {
			uint64_t lh = le32(p + 42);

			if (le16(p + 10) != 0) {
				err = -ENOTSUP;   /* deflated: not a plain slice */
				break;
			}
			*size = le32(p + 24);
			if ((err = read_at(fd, local, sizeof(local), lh)))
				break;
			if (le32(local) != LOCAL_SIG) {
				err = -EINVAL;
				break;
			}
			*off = lh + 30 + le16(local + 26) + le16(local + 28);
			err = *off + *size <= (uint64_t)st.st_size ? 0 : -EINVAL;
			break;
		}
		p += 46 + nl + el + cl;
	}
out:
	free(cd);
	free(tail);
	return err;
}

int zip_read_member(const char *path, void **image, size_t *len,
		    uint64_t *off)
{
	char archive[4096];
	const char *member;
	uint64_t size;
	int fd, err;

	err = zip_path_split(path, archive, sizeof(archive), &member);
	if (err <= 0)
		return err ? err : -EINVAL;
	fd = open(archive, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = zip_member_find(fd, member, off, &size);
	if (!err) {
		*image = malloc(size ? size : 1);
		*len = size;
		if (!*image)
			err = -ENOMEM;
		else if ((err = read_at(fd, *image, size, *off)))
			free(*image);
	}
	close(fd);
	return err;
}
