/* uprobe_fork_loop: forks once, then parent and child both call
 * uprobeFunction1(&13, 'x') every 0.5 ms, so a uprobe limited to one pid
 * (-p) must only ever see that pid (scripts/uprobe_pid_check.bt). */
#include <stdio.h>
#include <unistd.h>

int uprobeFunction1(int *n, char c __attribute__((unused)))
{
  return *n;
}

void spin(void)
{
  for (;;) {
    int n = 13;

    uprobeFunction1(&n, 'x');
    usleep(500);
  }
}

int main(int argc __attribute__((unused)), char **argv __attribute__((unused)))
{
  if (fork() < 0) {
    perror("fork");
    return 1;
  }
  spin();
  return 0;
}
