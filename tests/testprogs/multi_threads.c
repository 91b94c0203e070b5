/* multi_threads: forks a child (so the parent comm is known) that names
 * itself "parent-thread" and starts "son-thread", which starts
 * "grandson-thread"; son and grandson call stub() once.  For thread
 * comm/pcomm/tid builtin cases. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* something to probe */
__attribute__((noinline)) void stub(void)
{
  __asm__ volatile("" ::: "memory");
}

static void name_thread(const char *name)
{
  int err = pthread_setname_np(pthread_self(), name);

  if (err) {
    fprintf(stderr, "pthread_setname_np: %d\n", err);
    exit(1);
  }
}

static void run_thread(void *(*fn)(void *))
{
  pthread_t t;

  if (pthread_create(&t, NULL, fn, NULL) != 0 || pthread_join(t, NULL) != 0) {
    fprintf(stderr, "thread start/join failed\n");
    exit(1);
  }
}

static void *grandson_thread(void *unused)
{
  (void)unused;
  name_thread("grandson-thread");
  stub();
  return NULL;
}

static void *son_thread(void *unused)
{
  (void)unused;
  name_thread("son-thread");
  stub();
  run_thread(grandson_thread);
  return NULL;
}

int main(void)
{
  pid_t pid = fork();

  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    name_thread("parent-thread");
    run_thread(son_thread);
    exit(0);
  }
  waitpid(pid, NULL, 0);
  return 0;
}
