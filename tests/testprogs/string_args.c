/* string_args: calls print(char *a, char *b) once with the stack buffers
 * "hello" and "world" (strncmp / short string cases). */
void print(char *a, char *b)
{
  (void)a;
  (void)b;
}

int main(void)
{
  char first[] = "hello";
  char second[] = "world";

  print(first, second);
  return 0;
}
