/* simple_struct: calls func(struct Foo *) with { .m = 2, .n = 3 } and then
 * n_func(&foo.n), once.  Used by the struct, tuples, json-output and
 * other cases that cast arg0 to their own struct Foo. */
struct Foo {
  int m;
  int n;
};

int func(struct Foo *foo)
{
  return foo->m;
}

int n_func(int *n)
{
  return *n;
}

int main(void)
{
  struct Foo foo = { .m = 2, .n = 3 };

  func(&foo);
  n_func(&foo.n);
  return 0;
}
