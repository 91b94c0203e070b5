/* syscall: issue one chosen system call, so that kprobe/fentry/tracepoint
 * cases have something to observe (probe, builtin, call, btf, other, ...).
 *
 *   syscall nanosleep [NS]     nanosleep(2) for NS nanoseconds (default 100;
 *                              accepts 1e8 style numbers)
 *   syscall open | openat      open(2)/openat(2) with O_CREAT on
 *                              $TMPDIR/bpftrace_runtime_test_syscall_gen_open_temp
 *   syscall read               read(2) of 0 bytes from a temporary file
 *   syscall execve PATH [ARG]  execve(2) PATH with ARGs and an empty environment
 *   syscall connect HOST PORT  TCP connect(2) to an IPv4 HOST:PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_EXEC_ARGS 128

static void show_usage(FILE *out)
{
  fprintf(out,
          "usage: syscall nanosleep [NS]\n"
          "       syscall open | openat | read\n"
          "       syscall execve PATH [ARGS...]  (at most %d ARGS)\n"
          "       syscall connect HOST PORT\n",
          MAX_EXEC_ARGS);
}

/* $TMPDIR/NAME, or /tmp/NAME; caller frees */
static char *temp_path(const char *name)
{
  const char *dir = getenv("TMPDIR");
  char *path;

  if (!dir || !*dir)
    dir = "/tmp";
  if (asprintf(&path, "%s/%s", dir, name) < 0)
    return NULL;
  return path;
}

static int do_nanosleep(const char *arg)
{
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 };

  if (arg) {
    size_t len = strlen(arg);
    char *end;
    double ns;

    if (len == 0 || arg[0] < '0' || arg[0] > '9' || arg[len - 1] < '0' ||
        arg[len - 1] > '9') {
      fprintf(stderr, "syscall: bad duration '%s' (want a plain number)\n",
              arg);
      return 1;
    }
    ns = strtod(arg, &end);
    if (*end != '\0') {
      fprintf(stderr, "syscall: bad duration '%s'\n", arg);
      return 1;
    }
    if (ns > 0 && ns < 1)
      ns = 1; /* like sleep(1): never round a positive request to zero */
    ts.tv_sec = (time_t)(ns / 1e9);
    ts.tv_nsec = (long)(ns - (double)ts.tv_sec * 1e9);
  }
  if (syscall(SYS_nanosleep, &ts, NULL) != 0) {
    perror("syscall: nanosleep");
    return 1;
  }
  return 0;
}

static int do_open(int use_openat)
{
  char *path = temp_path("bpftrace_runtime_test_syscall_gen_open_temp");
  long fd = -1;

  if (!path)
    return 1;
  if (use_openat) {
    fd = syscall(SYS_openat, AT_FDCWD, path, O_CREAT, 0644);
  } else {
#ifdef SYS_open
    fd = syscall(SYS_open, path, O_CREAT, 0644);
#else
    errno = ENOSYS;
#endif
  }
  if (fd < 0) {
    perror("syscall: open/openat");
    free(path);
    return 1;
  }
  close((int)fd);
  unlink(path);
  free(path);
  return 0;
}

static int do_read(void)
{
  char *path = temp_path("bpftrace_runtime_test_syscall_gen_read_temp");
  char buf[16];
  long n;
  int fd;

  if (!path)
    return 1;
  fd = open(path, O_RDONLY | O_CREAT, 0644);
  if (fd < 0) {
    perror("syscall: creating the file to read");
    free(path);
    return 1;
  }
  n = syscall(SYS_read, fd, buf, 0);
  close(fd);
  unlink(path);
  free(path);
  if (n < 0) {
    perror("syscall: read");
    return 1;
  }
  return 0;
}

static int do_execve(int argc, char **argv)
{
  char *args[MAX_EXEC_ARGS + 2];
  char *env[] = { NULL };
  int n, i;

  if (argc < 1) {
    fprintf(stderr, "syscall: execve needs a program path\n");
    return 1;
  }
  n = argc - 1;
  if (n > MAX_EXEC_ARGS) {
    fprintf(stderr, "syscall: too many arguments (%d > %d)\n", n,
            MAX_EXEC_ARGS);
    return 1;
  }
  args[0] = argv[0];
  for (i = 0; i < n; i++)
    args[i + 1] = argv[i + 1];
  args[n + 1] = NULL;
  syscall(SYS_execve, argv[0], args, env);
  perror("syscall: execve"); /* only reached on failure */
  return 1;
}

static int do_connect(int argc, char **argv)
{
  struct sockaddr_in sa;
  char *end;
  long port;
  int sock;

  if (argc < 2) {
    fprintf(stderr, "syscall: connect needs HOST and PORT\n");
    return 1;
  }
  port = strtol(argv[1], &end, 10);
  if (end == argv[1] || port < 1 || port > 65535) {
    fprintf(stderr, "syscall: port '%s' not in [1, 65535]\n", argv[1]);
    return 1;
  }
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)port);
  if (inet_pton(AF_INET, argv[0], &sa.sin_addr) != 1) {
    fprintf(stderr, "syscall: bad IPv4 address '%s'\n", argv[0]);
    return 1;
  }
  sock = socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) {
    perror("syscall: socket");
    return 1;
  }
  /* the outcome does not matter (usually ECONNREFUSED), only the call */
  connect(sock, (struct sockaddr *)&sa, sizeof(sa));
  close(sock);
  return 0;
}

int main(int argc, char **argv)
{
  const char *what;

  if (argc < 2) {
    show_usage(stderr);
    return 1;
  }
  what = argv[1];
  if (!strcmp(what, "-h") || !strcmp(what, "--help")) {
    show_usage(stdout);
    return 0;
  }
  if (!strcmp(what, "nanosleep"))
    return do_nanosleep(argc > 2 ? argv[2] : NULL);
  if (!strcmp(what, "open"))
    return do_open(0);
  if (!strcmp(what, "openat"))
    return do_open(1);
  if (!strcmp(what, "read"))
    return do_read();
  if (!strcmp(what, "execve"))
    return do_execve(argc - 2, argv + 2);
  if (!strcmp(what, "connect"))
    return do_connect(argc - 2, argv + 2);
  fprintf(stderr, "syscall: '%s' is not supported\n", what);
  show_usage(stderr);
  return 1;
}
