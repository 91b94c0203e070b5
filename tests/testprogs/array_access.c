/* array_access: calls test_struct, test_array, test_ptr_array, test_arrays
 * and test_variable_array once each with fixed array contents, for the
 * array/pointers/tuples/intcast cases:
 *   A.x = {1,2,3,4}, A.y = {0xaa,0xbb,0xcc,0xdd}, B.y = {{5,6},{7,8}},
 *   C.z[i] = &A.x[i], second A.x = {4,3,2,1}, D.y[0] aliases D.z = 1. */
#include <stdint.h>

struct A {
  int x[4];
  uint8_t y[4];
};

struct B {
  int y[2][2];
};

struct C {
  int *z[4];
};

struct D {
  int x;
  int y[0];
  int z;
};

void test_array(int *a __attribute__((unused)))
{
}

void test_arrays(struct A *a __attribute__((unused)),
                 struct A *d __attribute__((unused)))
{
}

void test_struct(struct A *a __attribute__((unused)),
                 struct B *b __attribute__((unused)))
{
}

void test_ptr_array(struct C *c __attribute__((unused)))
{
}

void test_variable_array(struct D *d __attribute__((unused)))
{
}

int main(void)
{
  struct A first, reversed;
  struct B grid;
  struct C ptrs;
  struct D var;
  int i, j;

  for (i = 0; i < 4; i++) {
    first.x[i] = i + 1;
    first.y[i] = (uint8_t)(0xaa + 0x11 * i);
    reversed.x[i] = 4 - i;
    reversed.y[i] = 0;
    ptrs.z[i] = &first.x[i];
  }
  for (i = 0; i < 2; i++)
    for (j = 0; j < 2; j++)
      grid.y[i][j] = 5 + 2 * i + j;

  test_struct(&first, &grid);
  test_array(first.x);
  test_ptr_array(&ptrs);
  test_arrays(&first, &reversed);

  var.x = 0;
  var.z = 1;
  test_variable_array(&var);
  return 0;
}
