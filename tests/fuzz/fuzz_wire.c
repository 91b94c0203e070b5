/*
 * fuzz_wire.c - libFuzzer target for the stream decoder every stage runs
 * on its input (share/wire.c: msgpack and JSON).  `make fuzz` builds it
 * with clang's -fsanitize=fuzzer,address and runs it for a while; any
 * crash, leak or sanitizer report is a bug in the decoder.
 */
#include <stdint.h>
#include <stdio.h>

#include "type.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	struct wire_in *in;
	struct val *v;
	FILE *f;
	int n = 0;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	a = arena_new();
	in = wire_in_open(f, "fuzz");
	/* every value, as a header, then as a type: all must stay safe */
	while (n++ < 64 && wire_in_next(in, a, &v) == 0) {
		(void)val_get_str(v, "bt");
		(void)type_from_val(a, v);
	}
	wire_in_close(in);
	fclose(f);
	arena_free(a);
	return 0;
}
