/*
 * elffile.h - open an ELF file with libelf for the user-space providers
 * (uprobe.c, usdt.c): one place for the open / elf_begin / kind check.
 */
#ifndef BT_ELFFILE_H
#define BT_ELFFILE_H

#include <gelf.h>
#include <libelf.h>

/* 0 with *fd and *elf set (*fd -1 for "ARCHIVE!/MEMBER", a library in a
 * ZIP archive), -errno, or -ENOEXEC when not an ELF file */
int elffile_open(const char *path, int *fd, Elf **elf);
void elffile_close(int fd, Elf *elf);

#endif
