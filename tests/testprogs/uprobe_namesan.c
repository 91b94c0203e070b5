/* uprobe_namesan: has a function named `fn$`, a character that must be
 * sanitised out of generated program/section names (probe name case). */
__attribute__((noinline)) int fn$(void)
{
  return 0;
}

int main(void)
{
  return fn$();
}
