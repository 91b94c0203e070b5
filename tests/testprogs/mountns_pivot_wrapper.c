/* mountns_pivot_wrapper PROG: like mountns_wrapper, but also pivot_root()s
 * into the private directory (as container runtimes do) before exec'ing
 * /PROG, so /proc/PID/exe and /proc/PID/maps show paths of the new root.
 * The new root is a tmpfs holding only /PROG (bound to testprogs/PROG) and
 * the system library directories (/lib*, /usr/lib*, /nix/store), so
 * dynamically linked programs still run.
 * Used by the uprobe "pivot_root'd mount namespace" case. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NEW_ROOT "/tmp/bpftrace-unshare-mountns-pivot-test"

static void die(const char *what)
{
  perror(what);
  exit(1);
}

/* mkdir -p */
static void make_dirs(const char *path)
{
  char buf[PATH_MAX];
  char *p;

  snprintf(buf, sizeof(buf), "%s", path);
  for (p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(buf, 0770) != 0 && errno != EEXIST)
      die(buf);
    *p = '/';
  }
  if (mkdir(buf, 0770) != 0 && errno != EEXIST)
    die(buf);
}

int main(int argc, char **argv)
{
  char self[PATH_MAX], path[PATH_MAX], prog[PATH_MAX];
  const char *patterns[] = { "/lib*", "/usr/lib*", "/nix/store" };
  glob_t found;
  size_t i;
  ssize_t len;
  int fd;

  if (argc != 2 || strchr(argv[1], '/')) {
    fprintf(stderr, "usage: mountns_pivot_wrapper PROG\n");
    return 1;
  }
  len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len < 0)
    die("readlink /proc/self/exe");
  self[len] = '\0';
  snprintf(prog, sizeof(prog), "%s/%s", dirname(self), argv[1]);

  if (unshare(CLONE_NEWNS) != 0)
    die("unshare(CLONE_NEWNS)");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    die("making / private");

  /* the new root is an empty tmpfs (nothing leaks into the host's
   * directories) holding /PROG, a bind mount of the real program */
  make_dirs(NEW_ROOT);
  if (mount("tmpfs", NEW_ROOT, "tmpfs", 0, "mode=0755") != 0)
    die("mounting tmpfs on " NEW_ROOT);
  snprintf(path, sizeof(path), "%s/%s", NEW_ROOT, argv[1]);
  fd = open(path, O_CREAT | O_WRONLY, 0755);
  if (fd < 0)
    die(path);
  close(fd);
  if (mount(prog, path, NULL, MS_BIND, NULL) != 0)
    die(prog);

  memset(&found, 0, sizeof(found));
  for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
    glob(patterns[i], GLOB_NOSORT | (i ? GLOB_APPEND : 0), NULL, &found);
  for (i = 0; i < found.gl_pathc; i++) {
    snprintf(path, sizeof(path), "%s%s", NEW_ROOT, found.gl_pathv[i]);
    make_dirs(path);
    if (mount(found.gl_pathv[i], path, NULL, MS_BIND | MS_REC, NULL) != 0)
      die(found.gl_pathv[i]);
  }
  globfree(&found);

  snprintf(path, sizeof(path), "%s/old", NEW_ROOT);
  make_dirs(path);
  if (syscall(SYS_pivot_root, NEW_ROOT, path) != 0)
    die("pivot_root");
  if (chdir("/") != 0)
    die("chdir /");
  if (umount2("/old", MNT_DETACH) != 0)
    perror("detaching the old root"); /* harmless, keep going */

  snprintf(path, sizeof(path), "/%s", argv[1]);
  execl(path, path, (char *)NULL);
  die(path);
  return 1;
}
