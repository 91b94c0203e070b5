/* disable_aslr PROG [ARGS...]: turns address space randomisation off with
 * personality(ADDR_NO_RANDOMIZE) and execs PROG, so the traced program gets
 * the same addresses on every run (user symbol cache cases). */
#include <stdio.h>
#include <sys/personality.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  int cur;

  if (argc < 2) {
    fprintf(stderr, "usage: disable_aslr PROG [ARGS...]\n");
    return 1;
  }
  cur = personality(0xffffffff);
  if (cur == -1 || personality((unsigned long)cur | ADDR_NO_RANDOMIZE) == -1)
    perror("personality");
  execv(argv[1], argv + 1);
  perror(argv[1]);
  return 127;
}
