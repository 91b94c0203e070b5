/* uprobe_test: long-running uprobe target for the call/probe/uprobe/dwarf/
 * config/builtin/record cases (args, func, probe, uaddr, ustack, -lv, source
 * line probes, stripped/split-DWARF variants).  Every 100 ms it calls the
 * uprobeFunction* family with fixed values.  Keep the line numbers: cases
 * probe uprobe_test.c:22 (entry of uprobeFunction1) and :34, :36, :39. */
#include <unistd.h>

int GLOBAL_A = 0x55555555;
int GLOBAL_B = (int)0x88888888u;
int GLOBAL_C = 0x33333333;
char GLOBAL_D = 8;

/* layouts are fixed by the cases: fields a, b (string), c, d */
struct Foo { int a; char b[10]; int c[3]; __int128_t d; };

struct Bar { int x; struct Foo *foos[2]; struct Foo nested; };

/* n points at 13, c is 'x'; the opening brace below must stay on
 * line 22 */
int uprobeFunction1(int *n,
                    char c __attribute__((unused)))
{
  return *n;
}

struct Foo *uprobeFunction2(struct Foo *foo1,
                            struct Foo *foo2 __attribute__((unused)))
{
  return foo1;
}
/* called with 13, so lines 34, 36 and 39 all execute */
int uprobeFunctionBranching(int n)
{
  if (n == 1)
    return 1;
  if (n == 2)
    return 2;
  /* neither 1 nor 2 */
  return 3;
}

struct Bar *uprobeFunctionBar(struct Bar *bar)
{
  return bar;
}

__uint128_t uprobeFunctionUint128(__uint128_t x,
                                  __uint128_t y __attribute__((unused)),
                                  __uint128_t z __attribute__((unused)),
                                  __uint128_t w)
{
  return x + w;
}

int main(int argc __attribute__((unused)), char **argv __attribute__((unused)))
{
  for (;;) {
    int value = 13;
    struct Foo first = { .a = 123, .b = "hello", .c = { 1, 2, 3 },
                         .d = (__int128_t)0x123456789ABCDEF0ull };
    struct Foo second = { .a = 456, .b = "world", .c = { 4, 5, 6 },
                          .d = (__int128_t)0xFEDCBA9876543210ull };
    struct Bar bar = { .x = 42, .foos = { &first, &second } };
    __uint128_t p = 0x123456789ABCDEF0ull, q = 0xEFEFEFEFEFEFEFEFull;
    __uint128_t r = 0xCDCDCDCDCDCDCDCDull, s = 0xABABABABABABABABull;

    uprobeFunction1(&value, 'x');
    uprobeFunction2(&first, &second);
    uprobeFunctionBranching(value);
    bar.nested = first;
    uprobeFunctionBar(&bar);
    uprobeFunctionUint128(p, q, r, s);

    usleep(100000); /* 10 rounds a second */
  }
  return 0;
}
