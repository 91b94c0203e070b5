/*
 * elffile.c - open and close ELF files for the user-space providers.  A
 * path "ARCHIVE!/MEMBER" is a library stored in a ZIP archive
 * (share/zip.h): its bytes are read and opened with elf_memory(), and
 * the fd is -1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elffile.h"
#include "zip.h"

int elffile_open(const char *path, int *fd, Elf **elf)
{
	void *image;
	uint64_t off;
	size_t len;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	if (zip_is_member(path)) {
		*fd = -1;
		if ((err = zip_read_member(path, &image, &len, &off)))
			return err;
		*elf = elf_memory(image, len);
		if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
			elffile_close(-1, *elf);
			if (!*elf)
				free(image);
			return -ENOEXEC;
		}
		return 0;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	*elf = elf_begin(*fd, ELF_C_READ, NULL);
	if (!*elf || elf_kind(*elf) != ELF_K_ELF) {
		elffile_close(*fd, *elf);
		return -ENOEXEC;
	}
	return 0;
}

void elffile_close(int fd, Elf *elf)
{
	/* a ZIP member's image is the memory elf_memory() was given */
	char *image = fd < 0 && elf ? elf_rawfile(elf, NULL) : NULL;

	if (elf)
		elf_end(elf);
	free(image);
	if (fd >= 0)
		close(fd);
}
