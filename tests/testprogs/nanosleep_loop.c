/* nanosleep_loop: calls nanosleep(2) for 100 ms, 10000 times, so pid
 * filter cases always have a do_nanosleep caller to (not) see. */
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
  int i;

  for (i = 0; i < 10000; i++) {
    if (syscall(SYS_nanosleep, &ts, NULL) != 0) {
      perror("nanosleep");
      return 1;
    }
  }
  return 0;
}
