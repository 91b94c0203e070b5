/* struct_array: calls clear(struct C *) once with an array of 10 nested
 * structs: w[i].a = 100 + i, w[i].t.a = i, w[i].t.b = { 100 - i,
 * 100 - 2 * i }.  clear() zeroes the t.a fields (after the uprobe read).
 * Used with cases/scripts/struct_array.bt and struct_let.bt. */
#include <stdint.h>

struct T {
  uint32_t a;
  uint32_t b[2];
};

struct W {
  uint32_t a;
  struct T t;
};

struct C {
  uint32_t a;
  void *b;
  struct W w[10];
};

void clear(struct C *c)
{
  int i;

  for (i = 0; i < 10; i++)
    c->w[i].t.a = 0;
}

int main(void)
{
  struct C c;
  uint32_t i;

  c.a = 0x55555555;
  c.b = (void *)0x55555555;
  for (i = 0; i < 10; i++) {
    c.w[i].a = 100 + i;
    c.w[i].t.a = i;
    c.w[i].t.b[0] = 100 - i;
    c.w[i].t.b[1] = 100 - 2 * i;
  }
  clear(&c);
  return 0;
}
