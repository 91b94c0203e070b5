/* intptrcast: calls fn(uint16_t nums[]) once with
 * { 0x123, 0x456, 0x789, 0xabc, 0xdef, 0xcba }; the intptrcast case reads
 * the second element (0x456 = 1110) through a cast pointer. */
#include <stdint.h>

int fn(uint16_t nums[])
{
  return nums[0] + nums[1];
}

int main(void)
{
  uint16_t nums[6] = { 0x123, 0x456, 0x789, 0xabc, 0xdef, 0xcba };

  fn(nums);
  return 0;
}
