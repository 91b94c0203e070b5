/* watchpoint: maps 2 MiB at 0x10000000, writes the address to
 * /tmp/watchpoint_mem and then writes a counter to the first byte every
 * 250 ms, 10 times (absolute address watchpoint case). */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
  volatile uint8_t *mem;
  mode_t old_mask;
  FILE *f;
  uint8_t i;

  mem = mmap((void *)0x10000000, 2 << 20, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (mem == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  old_mask = umask(S_IWGRP | S_IROTH | S_IWOTH);
  f = fopen("/tmp/watchpoint_mem", "w");
  if (f) {
    fprintf(f, "%p", (void *)mem);
    fclose(f);
  } else {
    perror("/tmp/watchpoint_mem");
  }
  umask(old_mask);
  for (i = 0; i < 10; i++) {
    *mem = i;
    usleep(250 * 1000);
  }
  return 0;
}
