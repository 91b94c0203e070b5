/* usdt_lib: links testlibs/libusdt_tp.so and keeps calling its myclock(),
 * which fires the library's USDT probes (tracetestlib:lib_probe_1,
 * tracetestlib2:lib_probe_2).  Used by the usdt case listing probes of
 * linked libraries by pid. */
#include <unistd.h>

#include "usdt_tp.h"

int main(void)
{
  for (;;) {
    myclock();
    usleep(1000);
  }
  return 0;
}
