/* struct_walk: calls clear(struct C *c, size_t n) once with n = 10 and
 * c[i] = { .a = i, .b = 100 }, so walking the array gives a = 45 and
 * b = 1000 (pointers cases, cases/scripts/struct_walk.bt). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct C {
  uint32_t a;
  uint64_t b;
};

void clear(struct C *c, size_t size)
{
  size_t i;

  for (i = 0; i < size; i++) {
    c[i].a = 0;
    c[i].b = 0;
  }
}

/* unused by main(); a second function taking the same arguments */
void print(struct C *c, size_t size)
{
  uint32_t total = 0;
  size_t i;

  for (i = 0; i < size; i++)
    total += c[i].a;
  printf("Sum: %u\n", total);
}

int main(void)
{
  size_t n = 10, i;
  struct C *c = calloc(n, sizeof(*c));

  if (!c)
    return 1;
  for (i = 0; i < n; i++) {
    c[i].a = (uint32_t)i;
    c[i].b = 100;
  }
  clear(c, n);
  free(c);
  return 0;
}
