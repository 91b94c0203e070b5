/* watchpoint_threaded [DELAY]: optionally sleeps DELAY seconds, then starts
 * a thread that maps 2 MiB at the fixed address 0x10000000 and writes a
 * counter to its first byte every 250 ms, 100 times.  Checks that a
 * watchpoint set on the process also covers threads created later. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define WATCHED_ADDR ((void *)0x10000000)

static void *writer(void *unused)
{
  volatile uint8_t *mem;
  uint8_t i;

  (void)unused;
  printf("Working...\n");
  fflush(stdout);
  mem = mmap(WATCHED_ADDR, 2 << 20, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (mem == MAP_FAILED) {
    perror("mmap");
    return NULL;
  }
  for (i = 0; i < 100; i++) {
    *mem = i;
    usleep(250 * 1000);
  }
  return NULL;
}

int main(int argc, char **argv)
{
  pthread_t thread;
  int err;

  if (argc > 1)
    sleep((unsigned)atoi(argv[1]));
  err = pthread_create(&thread, NULL, writer, NULL);
  if (err) {
    fprintf(stderr, "pthread_create failed: %d\n", err);
    return 1;
  }
  pthread_join(thread, NULL);
  printf("Exiting...\n");
  return 0;
}
