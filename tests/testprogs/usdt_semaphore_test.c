/* usdt_semaphore_test: USDT probe tracetest:testprobe guarded by the
 * semaphore tracetest_testprobe_semaphore; the probe (arg0 = seconds,
 * arg1 = a message holding the semaphore count) only fires while a tracer
 * has raised the semaphore.  Used by the usdt --usdt-file-activation cases. */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

/* sys/sdt.h looks for PROVIDER_NAME_semaphore in section .probes */
volatile unsigned short tracetest_testprobe_semaphore
    __attribute__((section(".probes"))) = 0;

static long check_and_fire(void)
{
  struct timeval now;
  char msg[64];

  gettimeofday(&now, NULL);
  if (tracetest_testprobe_semaphore) {
    snprintf(msg, sizeof(msg), "USDT semaphore: %d\n",
             (int)tracetest_testprobe_semaphore);
    STAP_PROBE2(tracetest, testprobe, now.tv_sec, msg);
  }
  return now.tv_sec;
}

int main(void)
{
  for (;;) {
    check_and_fire();
    usleep(1000);
  }
  return 0;
}
