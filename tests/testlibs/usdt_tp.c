/* usdt_tp.c -> libusdt_tp.so: shared library with USDT probes, used by
 * testprogs/usdt_lib and the usdt cases that probe libraries.
 * myclock() fires tracetestlib:lib_probe_1 at two sites and
 * tracetestlib2:lib_probe_2 at one (arg0 = seconds, arg1 = a string). */
#include <stddef.h>
#include <sys/sdt.h>
#include <sys/time.h>

#include "usdt_tp.h"

long myclock(void)
{
  struct timeval now;

  gettimeofday(&now, NULL);
  STAP_PROBE2(tracetestlib, lib_probe_1, now.tv_sec, "Hello world");
  STAP_PROBE2(tracetestlib, lib_probe_1, now.tv_sec, "Hello world2");
  STAP_PROBE2(tracetestlib2, lib_probe_2, now.tv_sec, "Hello world3");
  return now.tv_sec;
}
