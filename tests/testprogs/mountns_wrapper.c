/* mountns_wrapper PROG: runs testprogs/PROG from a private mount namespace.
 * It unshares the mount namespace, makes every mount private, bind-mounts
 * the directory holding this binary on /tmp/bpftrace-unshare-mountns-test
 * and execs PROG from there (so the process is named PROG).  That path only
 * exists inside the namespace: the tracer must go through /proc/PID/root.
 * Used by the uprobe/usdt "separate mount namespace" cases. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRIVATE_DIR "/tmp/bpftrace-unshare-mountns-test"

static void die(const char *what)
{
  perror(what);
  exit(1);
}

int main(int argc, char **argv)
{
  char self[PATH_MAX], target[PATH_MAX];
  ssize_t len;

  if (argc != 2) {
    fprintf(stderr, "usage: mountns_wrapper PROG\n");
    return 1;
  }
  len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len < 0)
    die("readlink /proc/self/exe");
  self[len] = '\0';

  if (unshare(CLONE_NEWNS) != 0)
    die("unshare(CLONE_NEWNS)");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    die("making / private");
  if (mkdir(PRIVATE_DIR, 0770) != 0 && errno != EEXIST)
    die("mkdir " PRIVATE_DIR);
  if (mount(dirname(self), PRIVATE_DIR, NULL, MS_BIND, NULL) != 0)
    die("bind mount on " PRIVATE_DIR);

  snprintf(target, sizeof(target), "%s/%s", PRIVATE_DIR, argv[1]);
  execl(target, target, (char *)NULL);
  die(target);
  return 1;
}
