/* uprobe_loop: calls uprobeFunction1(&13, 'x') every 0.5 ms from spin(),
 * which main() calls, so ustack cases see uprobeFunction1 <- spin <- main. */
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
  spin();
  return 0;
}
