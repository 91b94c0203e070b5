/* usdt_inlined: USDT probe tracetest:testprobe (arg0 = seconds, arg1 = tag)
 * inside an always-inlined function, so the same probe has two locations:
 * inlined into loop() with tag 999 and, via the inlined mywrapper_inlined(),
 * into mywrapper() with tag 100.  Used by the usdt "duplicated markers" case
 * and by the ustack cases that expect
 *   [inlined] myclock, [inlined] mywrapper_inlined, mywrapper, loop. */
#include <sys/sdt.h>
#include <sys/time.h>
#include <unistd.h>

static inline __attribute__((always_inline)) void myclock(int tag)
{
  /* volatile keeps the tag in memory, so the probe reads it from the stack
   * instead of recording a constant */
  volatile int on_stack = tag;
  struct timeval now;

  gettimeofday(&now, NULL);
  STAP_PROBE2(tracetest, testprobe, now.tv_sec, on_stack);
}

static inline __attribute__((always_inline)) void mywrapper_inlined(void)
{
  myclock(100);
}

static __attribute__((noinline)) void mywrapper(void)
{
  mywrapper_inlined();
}

static __attribute__((noinline)) void loop(void)
{
  for (;;) {
    myclock(999);
    mywrapper();
    sleep(1);
  }
}

int main(void)
{
  loop();
  return 0;
}
