/* struct_with_union: calls func(struct Foo *) once with { .m = 2,
 * .n.i = 5 }, where n is a union { int i; float f; } (json "none type"
 * case). */
union N {
  int i;
  float f;
};

struct Foo {
  int m;
  union N n;
};

int func(struct Foo *foo)
{
  return foo->m;
}

int main(void)
{
  struct Foo foo;

  foo.m = 2;
  foo.n.i = 5;
  func(&foo);
  return 0;
}
