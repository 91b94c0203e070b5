/* multi_loop [N]: every millisecond calls multiFunctionA and
 * multiFunctionB (multiFunctionB twice) and fires the USDT probes
 * multi:probeA and multi:probeB, each only while its own semaphore is
 * raised; N times, or until killed.  For the
 * multi-link cases (tests/runtime/multi.bats): a wildcard over either
 * pair is one uprobe_multi link; per-function counts tell the cookies
 * apart, the semaphores show the link's ref_ctr_offsets. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdlib.h>
#include <sys/sdt.h>
#include <unistd.h>

volatile unsigned short multi_probeA_semaphore
    __attribute__((section(".probes"))) = 0;
volatile unsigned short multi_probeB_semaphore
    __attribute__((section(".probes"))) = 0;

__attribute__((noinline)) int multiFunctionA(int n)
{
  return n + 1;
}

__attribute__((noinline)) int multiFunctionB(int n)
{
  return n + 2;
}

int main(int argc, char **argv)
{
  long i, times = argc > 1 ? atol(argv[1]) : -1;
  int n = 0;

  for (i = 0; times < 0 || i < times; i++) {
    n = multiFunctionA(n);
    n = multiFunctionB(n);
    n = multiFunctionB(n);
    if (multi_probeA_semaphore)
      STAP_PROBE1(multi, probeA, n);
    if (multi_probeB_semaphore)
      STAP_PROBE1(multi, probeB, n);
    usleep(1000);
  }
  return 0;
}
