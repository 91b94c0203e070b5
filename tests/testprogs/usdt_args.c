/* usdt_args: fires usdt_args:<kind>_<type> once each, where kind says how
 * the argument is passed and type is u64/64/u32/32/u16/16/u8/8; every value
 * is 0xf7f6f5f4f3f2f1f0 truncated to the type:
 *   const_*  immediate operands          reg_*    register operands (x86_64)
 *   addr_*   base+displacement memory    index_*  base+index*scale memory
 * Built with -O1 (see build.mk) so gcc emits these operand forms.  Used by
 * the usdt "constant/addr arguments" cases. */
#include <stddef.h>
#include <stdint.h>
#include <sys/sdt.h>

#define PATTERN 0xf7f6f5f4f3f2f1f0ull

typedef union {
  uint64_t u64;
  int64_t s64;
  uint32_t u32;
  int32_t s32;
  uint16_t u16;
  int16_t s16;
  uint8_t u8;
  int8_t s8;
} slot_t;

volatile uint64_t multiplier = 1;

#define FIRE(kind, suffix, expr) STAP_PROBE1(usdt_args, kind##_##suffix, expr)

#ifdef __x86_64__
/* pin the value to a named register */
#define FIRE_REG(regname, type, suffix)                                        \
  do {                                                                         \
    register type reg_val_##suffix asm(regname) = (type)PATTERN;               \
    FIRE(reg, suffix, reg_val_##suffix);                                       \
  } while (0)
#else
/* elsewhere, compute the value so that it ends up in some register */
#define FIRE_REG(regname, type, suffix)                                        \
  do {                                                                         \
    type reg_val_##suffix = (type)(PATTERN * multiplier);                      \
    FIRE(reg, suffix, reg_val_##suffix);                                       \
  } while (0)
#endif

#define FIRE_ADDR(field, type, suffix)                                         \
  do {                                                                         \
    slots[1].field = (type)PATTERN;                                            \
    FIRE(addr, suffix, slots[1].field);                                        \
  } while (0)

#define FIRE_INDEX(field, suffix) FIRE(index, suffix, slots[idx].field)

int main(void)
{
  volatile slot_t slots[10];

  for (volatile size_t k = 0; k < sizeof(slots) / sizeof(slots[0]); k++)
    slots[k].u64 = PATTERN;

  FIRE(const, u64, (uint64_t)PATTERN);
  FIRE(const, 64, (int64_t)PATTERN);
  FIRE(const, u32, (uint32_t)PATTERN);
  FIRE(const, 32, (int32_t)PATTERN);
  FIRE(const, u16, (uint16_t)PATTERN);
  FIRE(const, 16, (int16_t)PATTERN);
  FIRE(const, u8, (uint8_t)PATTERN);
  FIRE(const, 8, (int8_t)PATTERN);

  /* widest first, so reading too many bytes would show up */
  FIRE_REG("rax", uint64_t, u64);
  FIRE_REG("rax", int64_t, 64);
  FIRE_REG("eax", uint32_t, u32);
  FIRE_REG("eax", int32_t, 32);
  FIRE_REG("ax", uint16_t, u16);
  FIRE_REG("ax", int16_t, 16);
  FIRE_REG("al", uint8_t, u8);
  FIRE_REG("al", int8_t, 8);

  FIRE_ADDR(u64, uint64_t, u64);
  FIRE_ADDR(s64, int64_t, 64);
  FIRE_ADDR(u32, uint32_t, u32);
  FIRE_ADDR(s32, int32_t, 32);
  FIRE_ADDR(u16, uint16_t, u16);
  FIRE_ADDR(s16, int16_t, 16);
  FIRE_ADDR(u8, uint8_t, u8);
  FIRE_ADDR(s8, int8_t, 8);

  for (volatile int idx = 7; idx <= 7; idx++) {
    FIRE_INDEX(u64, u64);
    FIRE_INDEX(s64, 64);
    FIRE_INDEX(u32, u32);
    FIRE_INDEX(s32, 32);
    FIRE_INDEX(u16, u16);
    FIRE_INDEX(s16, 16);
    FIRE_INDEX(u8, u8);
    FIRE_INDEX(s8, 8);
  }
  return 0;
}
