/* usdt_test: fires three USDT probes every 100 ms, each with
 * (arg0 = current time in seconds, arg1 = pointer to a string):
 *   tracetest:testprobe   "Hello World1"
 *   tracetest:testprobe2  "Hello World2"
 *   tracetest2:testprobe2 "Hello World3"
 * Used by the usdt, probe and pid_namespace cases (also via mountns_wrapper). */
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

static volatile char greeting1[] = "Hello World1";
static volatile char greeting2[] = "Hello World2";
static volatile char greeting3[] = "Hello World3";

static long fire_probes(void)
{
  struct timeval now;
  volatile char *s1 = greeting1, *s2 = greeting2, *s3 = greeting3;

  /* read each string once, so its page is mapped when a tracer reads it */
  (void)(s1[0] + s2[0] + s3[0]);
  gettimeofday(&now, NULL);
  STAP_PROBE2(tracetest, testprobe, now.tv_sec, s1);
  STAP_PROBE2(tracetest, testprobe2, now.tv_sec, s2);
  STAP_PROBE2(tracetest2, testprobe2, now.tv_sec, s3);
  return now.tv_sec;
}

int main(void)
{
  for (;;) {
    fire_probes();
    usleep(100000); /* a slow rate keeps the cases stable */
  }
  return 0;
}
