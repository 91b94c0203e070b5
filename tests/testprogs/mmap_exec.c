/* mmap_exec FILE: maps FILE (e.g. false.bin, raw machine code without an
 * ELF header) executable and calls its first byte, so uprobes on plain
 * code files can be tested. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct stat st;
  void *code;
  int fd;

  if (argc < 2) {
    fprintf(stderr, "usage: mmap_exec FILE\n");
    return 1;
  }
  fd = open(argv[1], O_RDONLY);
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
    perror(argv[1]);
    return 1;
  }
  code = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_EXEC, MAP_PRIVATE,
              fd, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  close(fd);
  ((void (*)(void))code)();
  return 0;
}
