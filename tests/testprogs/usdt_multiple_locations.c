/* usdt_multiple_locations: three USDT probes with different numbers of
 * sites: tracetest:testprobe twice, tracetest:testprobe2 once and
 * tracetest:testprobe3 three times (arg0 = seconds, arg1 = a string).
 * A wildcard over testprobe* must attach 3 probes. */
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

static const char *const messages[6] = {
  "Hello world", "Hello world2", "Hello world3",
  "Hello world4", "Hello world5", "Hello world6",
};

static long fire_all(void)
{
  struct timeval now;
  volatile char sink;
  int i;

  /* read the strings so their pages are mapped when a tracer reads them */
  for (i = 0; i < 6; i++)
    sink = messages[i][0];
  (void)sink;
  gettimeofday(&now, NULL);
  STAP_PROBE2(tracetest, testprobe, now.tv_sec, messages[0]);
  STAP_PROBE2(tracetest, testprobe, now.tv_sec, messages[1]);
  STAP_PROBE2(tracetest, testprobe2, now.tv_sec, messages[2]);
  STAP_PROBE2(tracetest, testprobe3, now.tv_sec, messages[3]);
  STAP_PROBE2(tracetest, testprobe3, now.tv_sec, messages[4]);
  STAP_PROBE2(tracetest, testprobe3, now.tv_sec, messages[5]);
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
