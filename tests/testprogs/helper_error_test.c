/* helper_error_test: calls test_helper_error(struct foo *) with NULL, so a
 * probe that dereferences the argument makes a BPF helper fail (helper error
 * reporting case). */
#include <stddef.h>
#include <stdio.h>

struct foo {
  int a;
};

void test_helper_error(struct foo *ptr)
{
  printf("test %llu\n", (unsigned long long)(unsigned long)ptr);
}

int main(void)
{
  test_helper_error(NULL);
  return 0;
}
