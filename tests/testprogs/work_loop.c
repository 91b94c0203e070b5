/* work_loop: busy process for pid filter cases: spin() calls
 * doWork(&n, i) with n = 1 and an increasing i, sleeping 10 us between
 * calls, forever. */
#include <unistd.h>

int doWork(int *n, int o)
{
  *n += o;
  return *n;
}

void spin(void)
{
  int i;

  for (i = 0;; i++) {
    int n = 1;

    doWork(&n, i);
    usleep(10);
  }
}

int main(int argc __attribute__((unused)), char **argv __attribute__((unused)))
{
  spin();
  return 0;
}
