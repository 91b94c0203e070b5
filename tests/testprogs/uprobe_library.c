/* uprobe_library: reads one int from /dev/zero with libc's fread(), so
 * uprobe:libc:fread fires (arg1 = size = 4). */
#include <stdio.h>

int main(void)
{
  FILE *f = fopen("/dev/zero", "r");
  int value;

  if (!f)
    return 1;
  if (fread(&value, sizeof(value), 1, f) != 1)
    value = -1;
  fclose(f);
  return value == 0 ? 0 : 1;
}
