/* usdt_tp.c -> libusdt_tp.so: shared library with USDT probes, used by
 * testprogs/usdt_lib and the usdt cases that probe libraries.
 * myclock() fires tracetestlib:lib_probe_1 at two sites and
 * tracetestlib2:lib_probe_2 at one (arg0 = seconds, arg1 = a string). */
#include <stddef.h>
#include <sys/sdt.h>
#include <sys/time.h>

#include "usdt_tp.h"

static const char msg1[] = "Hello world";
static const char msg2[] = "Hello world2";
static const char msg3[] = "Hello world3";

/* read a string once so its page is mapped in: a tracer cannot fault in
 * pages when it reads the probe argument */
static void touch(const char *s)
{
  volatile char first = s[0];

  (void)first;
}

long myclock(void)
{
  struct timeval now;

  touch(msg1);
  touch(msg2);
  touch(msg3);
  gettimeofday(&now, NULL);
  STAP_PROBE2(tracetestlib, lib_probe_1, now.tv_sec, msg1);
  STAP_PROBE2(tracetestlib, lib_probe_1, now.tv_sec, msg2);
  STAP_PROBE2(tracetestlib2, lib_probe_2, now.tv_sec, msg3);
  return now.tv_sec;
}
