/*
 * elffile.c - open and close ELF files for the user-space providers.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "elffile.h"

int elffile_open(const char *path, int *fd, Elf **elf)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
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
	if (elf)
		elf_end(elf);
	close(fd);
}
