/* zip_exec ARCHIVE OFFSET FUNC_OFFSET: maps ARCHIVE from OFFSET (a page
 * aligned member stored in a zip, as Android's loader maps libraries out
 * of APKs) executable and calls the code at FUNC_OFFSET within it, so
 * uprobes on "ARCHIVE!/MEMBER" can be tested firing. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct stat st;
  long off, fn;
  char *base;
  int fd;

  if (argc < 4) {
    fprintf(stderr, "usage: zip_exec ARCHIVE OFFSET FUNC_OFFSET\n");
    return 1;
  }
  off = strtol(argv[2], NULL, 0);
  fn = strtol(argv[3], NULL, 0);
  fd = open(argv[1], O_RDONLY);
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_size <= off) {
    perror(argv[1]);
    return 1;
  }
  base = mmap(NULL, (size_t)(st.st_size - off), PROT_READ | PROT_EXEC,
              MAP_PRIVATE, fd, off);
  if (base == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  close(fd);
  return ((int (*)(void))(base + fn))() == 42 ? 0 : 2;
}
