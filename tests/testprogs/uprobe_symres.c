/* uprobe_symres: symbol resolution target.  main() calls test2(), which
 * calls test() (returns 42), then sleeps 5 s.  Used by the builtin func /
 * usermode cases probing uprobe_symres:test. */
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
  test2();
  sleep(5);
  return 0;
}
