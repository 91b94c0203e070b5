/* usdt_multiple_locations: three USDT probes with different numbers of
 * sites: tracetest:testprobe twice, tracetest:testprobe2 once and
 * tracetest:testprobe3 three times (arg0 = seconds, arg1 = a string).
 * A wildcard over testprobe* must attach 3 probes. */
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

static long fire_all(void)
{
  struct timeval now;

  gettimeofday(&now, NULL);
  STAP_PROBE2(tracetest, testprobe, now.tv_sec, "Hello world");
  STAP_PROBE2(tracetest, testprobe, now.tv_sec, "Hello world2");
  STAP_PROBE2(tracetest, testprobe2, now.tv_sec, "Hello world3");
  STAP_PROBE2(tracetest, testprobe3, now.tv_sec, "Hello world4");
  STAP_PROBE2(tracetest, testprobe3, now.tv_sec, "Hello world5");
  STAP_PROBE2(tracetest, testprobe3, now.tv_sec, "Hello world6");
  return now.tv_sec;
}

int main(void)
{
  for (;;) {
    fire_all();
    usleep(1000);
  }
  return 0;
}
