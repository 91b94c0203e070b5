/* usdt_sized_args: fires test:probe1 (uint32 0xdeadbeef), test:probe2
 * (uint32 1) and test:probe3 (uint64 all ones) in a loop, to check that
 * 4- and 8-byte USDT arguments are read with the right size. */
#include <stdint.h>
#include <sys/sdt.h>
#include <unistd.h>

int main(void)
{
  uint32_t four_bytes = 0xdeadbeef;
  uint32_t one = 1;
  uint64_t eight_bytes = UINT64_MAX;

  for (;;) {
    STAP_PROBE1(test, probe1, four_bytes);
    STAP_PROBE1(test, probe2, one);
    STAP_PROBE1(test, probe3, eight_bytes);
    usleep(1000);
  }
  return 0;
}
