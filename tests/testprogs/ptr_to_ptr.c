/* ptr_to_ptr: calls function(struct Foo **) once; the pointed-to pointer
 * leads to { .a = 123, .b = "hello" } (pointer to pointer case). */
struct Foo {
  int a;
  char b[10];
};

int function(struct Foo **f)
{
  return (*f)->a;
}

int main(void)
{
  struct Foo foo = { .a = 123, .b = "hello" };
  struct Foo *p = &foo;

  function(&p);
  return 0;
}
