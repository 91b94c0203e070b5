/* usdt_quoted_probe: a USDT probe whose recorded name contains double
 * quotes (provider test, name "probe1" including the quotes), fired in a
 * loop with arg0 = 1. */
#include <sys/sdt.h>
#include <unistd.h>

int main(void)
{
  volatile int one = 1;

  for (;;) {
    int v = one;

    STAP_PROBE1(test, "probe1", v);
    usleep(1000);
  }
  return 0;
}
