/* uprobe_symres_exited_process: sleeps 3 s, calls test2() -> test() once
 * and exits right away, so the tracer has to resolve `func` for a process
 * that is already gone (symbol caching cases, also run via disable_aslr). */
#include <unistd.h>

__attribute__((noinline)) int test(void)
{
  return 42;
}

__attribute__((noinline)) int test2(void)
{
  return test();
}

int main(void)
{
  sleep(3);
  test2();
  return 0;
}
