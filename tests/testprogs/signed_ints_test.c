/* signed_ints_test: calls test_signed_ints(struct x *) once with
 * { .x = 0 } (an unsigned long), for comparisons that must print 0 or 1. */
#include <stdio.h>

struct x {
  unsigned long x;
};

void test_signed_ints(struct x *ptr)
{
  printf("test %llu\n", (unsigned long long)(unsigned long)ptr);
}

int main(void)
{
  struct x value = { .x = 0 };

  test_signed_ints(&value);
  return 0;
}
