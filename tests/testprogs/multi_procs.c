/* multi_procs: a three-generation process tree with known names:
 * "parent-proc" forks "son-proc", which forks "grandson-proc"; son and
 * grandson each call stub() once, parents wait for their child.  For
 * comm/pcomm/pid builtin cases. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* something to probe */
__attribute__((noinline)) void stub(void)
{
  __asm__ volatile("" ::: "memory");
}

static void name_self(const char *name)
{
  if (prctl(PR_SET_NAME, name, 0, 0, 0) != 0) {
    perror("prctl(PR_SET_NAME)");
    exit(1);
  }
}

static void spawn_and_wait(void (*child)(void))
{
  pid_t pid = fork();

  if (pid < 0) {
    perror("fork");
    exit(1);
  }
  if (pid == 0) {
    child();
    exit(0);
  }
  waitpid(pid, NULL, 0);
}

static void grandson(void)
{
  name_self("grandson-proc");
  stub();
}

static void son(void)
{
  name_self("son-proc");
  stub();
  spawn_and_wait(grandson);
}

int main(void)
{
  name_self("parent-proc");
  spawn_and_wait(son);
  return 0;
}
