/* false: exits 1.  Its main() is also cut out as raw .text bytes into
 * false.bin (no ELF header) to check that plain code files can be uprobed. */
int main(void)
{
  return 1;
}
