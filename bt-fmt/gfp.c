/*
 * gfp.c - printf's %gr: a GFP allocation-flags value as the kernel's
 * trace output names it (include/trace/events/mmflags.h), e.g.
 * "GFP_KERNEL|__GFP_ZERO".
 *
 * Bits are those of include/linux/gfp_types.h.  Names are tried in the
 * kernel's order, compound masks first; each match removes its bits, and
 * any bits left over are shown as one 0x-hex number at the end.
 */
#include "fmt.h"

enum {
	GFP_B_DMA, GFP_B_HIGHMEM, GFP_B_DMA32, GFP_B_MOVABLE,
	GFP_B_RECLAIMABLE, GFP_B_HIGH, GFP_B_IO, GFP_B_FS, GFP_B_ZERO,
	GFP_B_UNUSED, GFP_B_DIRECT_RECLAIM, GFP_B_KSWAPD_RECLAIM, GFP_B_WRITE,
	GFP_B_NOWARN, GFP_B_RETRY_MAYFAIL, GFP_B_NOFAIL, GFP_B_NORETRY,
	GFP_B_MEMALLOC, GFP_B_COMP, GFP_B_NOMEMALLOC, GFP_B_HARDWALL,
	GFP_B_THISNODE, GFP_B_ACCOUNT, GFP_B_ZEROTAGS, GFP_B_SKIP_ZERO,
	GFP_B_SKIP_KASAN, GFP_B_NO_OBJ_EXT,
};

#define B(x) (1ULL << GFP_B_##x)
#define RECLAIM (B(DIRECT_RECLAIM) | B(KSWAPD_RECLAIM))
#define KERNEL (RECLAIM | B(IO) | B(FS))
#define USER (RECLAIM | B(IO) | B(FS) | B(HARDWALL))
#define HIGHUSER (USER | B(HIGHMEM))
#define HIGHUSER_MOVABLE (HIGHUSER | B(MOVABLE) | B(SKIP_KASAN))
#define TRANSHUGE_LIGHT ((HIGHUSER_MOVABLE | B(COMP) | B(NOMEMALLOC) | \
			  B(NOWARN)) & ~RECLAIM)

static const struct {
	uint64_t mask;
	const char *name;
} gfp_names[] = {
	{ TRANSHUGE_LIGHT | B(DIRECT_RECLAIM), "GFP_TRANSHUGE" },
	{ TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT" },
	{ HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ HIGHUSER, "GFP_HIGHUSER" },
	{ USER, "GFP_USER" },
	{ KERNEL | B(ACCOUNT), "GFP_KERNEL_ACCOUNT" },
	{ KERNEL, "GFP_KERNEL" },
	{ RECLAIM | B(IO), "GFP_NOFS" },
	{ B(HIGH) | B(KSWAPD_RECLAIM), "GFP_ATOMIC" },
	{ RECLAIM, "GFP_NOIO" },
	{ B(KSWAPD_RECLAIM) | B(NOWARN), "GFP_NOWAIT" },
	{ B(DMA), "GFP_DMA" },
	{ B(HIGHMEM), "__GFP_HIGHMEM" },
	{ B(DMA32), "GFP_DMA32" },
	{ B(HIGH), "__GFP_HIGH" },
	{ B(IO), "__GFP_IO" },
	{ B(FS), "__GFP_FS" },
	{ B(ZERO), "__GFP_ZERO" },
	{ B(DIRECT_RECLAIM), "__GFP_DIRECT_RECLAIM" },
	{ B(KSWAPD_RECLAIM), "__GFP_KSWAPD_RECLAIM" },
	{ B(WRITE), "__GFP_WRITE" },
	{ B(NOWARN), "__GFP_NOWARN" },
	{ B(RETRY_MAYFAIL), "__GFP_RETRY_MAYFAIL" },
	{ B(NOFAIL), "__GFP_NOFAIL" },
	{ B(NORETRY), "__GFP_NORETRY" },
	{ B(MEMALLOC), "__GFP_MEMALLOC" },
	{ B(COMP), "__GFP_COMP" },
	{ B(NOMEMALLOC), "__GFP_NOMEMALLOC" },
	{ B(HARDWALL), "__GFP_HARDWALL" },
	{ B(THISNODE), "__GFP_THISNODE" },
	{ B(ACCOUNT), "__GFP_ACCOUNT" },
	{ B(ZEROTAGS), "__GFP_ZEROTAGS" },
	{ B(SKIP_ZERO), "__GFP_SKIP_ZERO" },
	{ B(SKIP_KASAN), "__GFP_SKIP_KASAN" },
	{ B(NO_OBJ_EXT), "__GFP_NO_OBJ_EXT" },
};

void gfp_format(struct strbuf *sb, uint64_t flags)
{
	uint64_t left = flags;
	bool first = true;
	size_t i;

	if (!flags) {
		strbuf_addc(sb, '0');
		return;
	}
	for (i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
		if ((left & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		if (!first)
			strbuf_addc(sb, '|');
		strbuf_adds(sb, gfp_names[i].name);
		left &= ~gfp_names[i].mask;
		first = false;
	}
	if (left) {
		if (!first)
			strbuf_addc(sb, '|');
		strbuf_adds(sb, "0x");
		strbuf_addx(sb, left);
	}
}
