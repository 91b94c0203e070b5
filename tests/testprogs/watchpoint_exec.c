/* watchpoint_exec: maps an executable page at 0x10000000, copies
 * `nop; ret` into it, waits 1 s for the tracer and calls it (execute
 * watchpoint case, x86_64 only). */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
#if defined(__x86_64__) || defined(__i386__)
  static const unsigned char code[] = { 0x90 /* nop */, 0xc3 /* ret */ };
  size_t page = (size_t)getpagesize();
  void (*fn)(void);
  void *mem;

  mem = mmap((void *)0x10000000, page, PROT_READ | PROT_WRITE | PROT_EXEC,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (mem == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  memcpy(mem, code, sizeof(code));
  fn = (void (*)(void))mem;
  sleep(1);
  fn();
  munmap(mem, page);
  return 0;
#else
  fprintf(stderr, "watchpoint_exec: x86 only\n");
  return 1;
#endif
}
