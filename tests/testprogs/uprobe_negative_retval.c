/* uprobe_negative_retval: calls function1(x) for x = -120 .. 100 (which
 * returns x) and then returns -100 from main(), for the cases that cast a
 * uretprobe's retval to a signed type. */
__attribute__((noinline)) int function1(int x)
{
  return x;
}

int main(void)
{
  int x;

  for (x = -120; x <= 100; x++)
    function1(x);
  return -100;
}
