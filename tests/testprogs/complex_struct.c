/* complex_struct: calls func(struct Foo *) once with fixed bytes, for the
 * macaddr and complex_types cases.  Bytes 8..13 of the struct (b then the
 * start of c) read as a MAC give 05:04:03:02:01:02. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct Foo {
  char *a;
  char b[4];
  uint8_t c[4];
  int d[4];
  uint16_t e[4];
  uint64_t f[4];
};

void func(struct Foo *foo)
{
  (void)foo;
}

int main(void)
{
  struct Foo foo;
  int i;

  foo.a = malloc(4);
  if (!foo.a)
    return 1;
  memcpy(foo.a, "\x09\x08\x07\x06", 4);
  for (i = 0; i < 4; i++) {
    foo.b[i] = (char)(5 - i);
    foo.c[i] = (uint8_t)(1 + i);
    foo.d[i] = 5 + i;
    foo.e[i] = (uint16_t)(9 + i);
    foo.f[i] = 13 + (uint64_t)i;
  }
  func(&foo);
  free(foo.a);
  return 0;
}
