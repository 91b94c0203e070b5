/* uprobe_separate_debug: tiny program whose debug info is moved out: the
 * build makes uprobe_separate_debug-stripped plus
 * .debug/uprobe_separate_debug-stripped.debug (found through the
 * gnu-debuglink / build id).  fn(123, "Hello world!") is called once. */
__attribute__((noinline)) int fn(int n, const char *str __attribute__((unused)))
{
  return n * n;
}

int main(void)
{
  return fn(123, "Hello world!") == 123 * 123 ? 0 : 1;
}
