/* wait4_ru: forks a child that exits at once and reaps it with wait4()
 * passing a struct rusage pointer, so sys_enter_wait4 sees args.ru != 0. */
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
  struct rusage usage;
  pid_t child = fork();

  if (child < 0)
    return 1;
  if (child == 0)
    _exit(0);
  wait4(child, NULL, 0, &usage);
  return 0;
}
