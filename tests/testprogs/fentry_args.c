/* fentry_args CMD SIZE: calls bpf(CMD, attr, SIZE) repeatedly (for about
 * 20 s).  The bytes past union bpf_attr are non-zero, so the kernel fails
 * with -E2BIG after __sys_bpf() saw cmd and size; the "fexit large args"
 * case checks args.cmd, args.size and retval == -7. */
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  unsigned int size;
  size_t buf_size;
  char *buf;
  int cmd, i;

  if (argc != 3)
    return 1;
  cmd = atoi(argv[1]);
  size = (unsigned int)strtoul(argv[2], NULL, 0);
  buf_size = size > sizeof(union bpf_attr) ? size : sizeof(union bpf_attr);
  buf = malloc(buf_size);
  if (!buf)
    return 1;
  memset(buf, 0, sizeof(union bpf_attr));
  memset(buf + sizeof(union bpf_attr), 0xff,
         buf_size - sizeof(union bpf_attr));

  for (i = 0; i < 20000; i++) {
    syscall(SYS_bpf, cmd, buf, size);
    usleep(1000);
  }
  free(buf);
  return 0;
}
