/* uprobe_nofp: main -> funcA -> funcB -> funcC -> funcD in a loop, built
 * WITHOUT frame pointers (-O1 -fomit-frame-pointer, see build.mk), so only
 * DWARF (.eh_frame) unwinding can produce the whole stack.  Used by the
 * dwunwind dw_ustack cases. */
#include <unistd.h>

volatile int sink;

/* the reads of sink after each call keep the calls from becoming tail
 * calls, so every frame stays on the stack */
__attribute__((noinline)) void funcD(void)
{
  sink = 42;
}

__attribute__((noinline)) void funcC(void)
{
  funcD();
  (void)sink;
}

__attribute__((noinline)) void funcB(void)
{
  funcC();
  (void)sink;
}

__attribute__((noinline)) void funcA(void)
{
  funcB();
  (void)sink;
}

int main(int argc __attribute__((unused)), char **argv __attribute__((unused)))
{
  for (;;) {
    funcA();
    usleep(500);
  }
  return 0;
}
