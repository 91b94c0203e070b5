/* usdt_multi_args: fires usdt_multi_args:probe1 with twelve arguments of
 * mixed sizes (the most sys/sdt.h supports) in a loop:
 *   0xdeadbeef 1 ~0 0xcafebabe 0x8badf00d 0xfeedface 0x0123456789abcdef 0
 *   0x7fffffffffffffff 0x5555555555555555 42 0xaaaaaaaaaaaaaaaa */
#include <stdint.h>
#include <sys/sdt.h>
#include <unistd.h>

int main(void)
{
  uint32_t a0 = 0xdeadbeef, a1 = 1;
  uint64_t a2 = UINT64_MAX;
  uint32_t a3 = 0xcafebabe, a4 = 0x8badf00d, a5 = 0xfeedface;
  uint64_t a6 = 0x0123456789abcdefull, a7 = 0;
  uint64_t a8 = 0x7fffffffffffffffull, a9 = 0x5555555555555555ull;
  uint32_t a10 = 42;
  uint64_t a11 = 0xaaaaaaaaaaaaaaaaull;

  for (;;) {
    STAP_PROBE12(usdt_multi_args, probe1, a0, a1, a2, a3, a4, a5, a6, a7, a8,
                 a9, a10, a11);
    usleep(1000);
  }
  return 0;
}
