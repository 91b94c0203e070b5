/* true: does nothing and exits 0.  The execve/str cases run it (often
 * through `syscall execve`) and inspect its filename and argv. */
int main(void)
{
  return 0;
}
