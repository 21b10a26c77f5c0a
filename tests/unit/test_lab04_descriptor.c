// LAB_SOURCES: 04-double-fault/descriptor.c
/* test_lab04_descriptor.c - lab 04's GDT and TSS descriptor encoding, and
 * the TSS layout, checked against the architecture's bit positions. */
#include <criterion/criterion.h>
#include <stddef.h>
#include "gdt.h"

/* An independent decoder, written from the manual's table rather than from
 * the encoder, so a swapped field cannot cancel itself out. */
struct decoded {
	uint32_t base, limit;
	uint8_t access, flags;
};

static struct decoded decode(uint64_t d)
{
	struct decoded r;
	r.limit = (uint32_t)((d & 0xFFFF) | ((d >> 32) & 0xF0000));
	r.base = (uint32_t)(((d >> 16) & 0xFFFFFF) | ((d >> 32) & 0xFF000000));
	r.access = (uint8_t)(d >> 40);
	r.flags = (uint8_t)((d >> 52) & 0xF);
	return r;
}

/* Ring 3's segments, not the kernel's: gdt.c's table is the exercise. */
Test(lab04_descriptor, user_code_segment)
{
	uint64_t d = gdt_segment_make(0, 0xFFFFF, GDT_ACCESS_PRESENT | (3 << GDT_ACCESS_DPL_SHIFT) |
		GDT_ACCESS_CODE_DATA | GDT_ACCESS_EXEC | GDT_ACCESS_RW, GDT_FLAG_4K | GDT_FLAG_LONG);
	/* Linux's 64-bit user code segment, minus the accessed bit. */
	cr_expect_eq(d, 0x00AFFA000000FFFFULL, "64-bit user code: got 0x%016llx", (unsigned long long)d);
}

Test(lab04_descriptor, user_data_segment)
{
	uint64_t d = gdt_segment_make(0, 0xFFFFF, GDT_ACCESS_PRESENT | (3 << GDT_ACCESS_DPL_SHIFT) |
		GDT_ACCESS_CODE_DATA | GDT_ACCESS_RW, GDT_FLAG_4K | GDT_FLAG_SIZE32);
	cr_expect_eq(d, 0x00CFF2000000FFFFULL, "flat user data: got 0x%016llx", (unsigned long long)d);
}

Test(lab04_descriptor, every_field_in_its_place)
{
	/* Distinct nibbles everywhere: a field in the wrong place shows. */
	uint64_t d = gdt_segment_make(0x12345678, 0xABCDE, 0x9A, 0xC);
	cr_expect_eq(d, 0x12CA9A345678BCDEULL, "got 0x%016llx", (unsigned long long)d);
	struct decoded r = decode(d);
	cr_expect_eq(r.base, 0x12345678);
	cr_expect_eq(r.limit, 0xABCDE);
	cr_expect_eq(r.access, 0x9A);
	cr_expect_eq(r.flags, 0xC);
}

Test(lab04_descriptor, limit_and_flags_are_masked)
{
	/* Only 20 bits of limit and 4 of flags exist: extra bits must not
	 * spill into the flags or the base. */
	uint64_t d = gdt_segment_make(0, 0xFFFFFFFF, 0, 0xFF);
	cr_expect_eq(d, 0x00FF00000000FFFFULL, "got 0x%016llx", (unsigned long long)d);
}

Test(lab04_descriptor, tss_descriptor_low_and_high)
{
	struct gdt_system_desc t = gdt_tss_descriptor_make(0xFFFF800012345678ULL, 103);
	cr_expect_eq(t.low, 0x1200893456780067ULL, "low: got 0x%016llx", (unsigned long long)t.low);
	cr_expect_eq(t.high, 0x00000000FFFF8000ULL, "high: got 0x%016llx", (unsigned long long)t.high);
}

Test(lab04_descriptor, tss_descriptor_fields)
{
	uint64_t bases[] = { 0x0, 0x19B840, 0xFFFFFFFFFFFFF000ULL, 0x0000123456789ABCULL };
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		struct gdt_system_desc t = gdt_tss_descriptor_make(bases[i], sizeof(struct tss) - 1);
		struct decoded r = decode(t.low);
		uint64_t base = r.base | ((t.high & 0xFFFFFFFF) << 32);
		cr_expect_eq(base, bases[i], "base %zu: got 0x%llx", i, (unsigned long long)base);
		cr_expect_eq(r.limit, 103, "limit: the TSS size minus one");
		cr_expect_eq(r.access & 0x0F, GDT_TYPE_TSS_AVAILABLE, "type: available 64-bit TSS");
		cr_expect_eq(r.access & GDT_ACCESS_CODE_DATA, 0, "S clear: a system descriptor");
		cr_expect_eq((r.access >> GDT_ACCESS_DPL_SHIFT) & 3, 0, "DPL 0");
		cr_expect_eq(r.access & GDT_ACCESS_PRESENT, GDT_ACCESS_PRESENT, "present");
		cr_expect_eq(r.flags & GDT_FLAG_4K, 0, "G clear: the limit counts bytes");
		cr_expect_eq(t.high >> 32, 0, "bits 96-127 are reserved, zero");
	}
}

Test(lab04_tss, layout_matches_the_manual)
{
	cr_expect_eq(sizeof(struct tss), 104);
	cr_expect_eq(offsetof(struct tss, rsp), 0x04, "RSP0");
	cr_expect_eq(offsetof(struct tss, ist) + 8 * 1, 0x24, "ist[1] is IST1");
	cr_expect_eq(offsetof(struct tss, ist) + 8 * 7, 0x54, "ist[7] is IST7");
	cr_expect_eq(offsetof(struct tss, ist), 0x1C, "ist[0] overlays the reserved field before IST1");
	cr_expect_eq(offsetof(struct tss, iomap_base), 0x66, "I/O map base");
}

Test(lab04_gdt, selectors_name_the_slots)
{
	cr_expect_eq(GDT_SEL_KCODE, 1 * 8);
	cr_expect_eq(GDT_SEL_KDATA, 2 * 8);
	cr_expect_eq(GDT_SEL_TSS, 3 * 8);
	cr_expect_eq(GDT_SLOTS * 8, GDT_SEL_TSS + 16, "the TSS descriptor takes the last two slots");
	cr_expect(IST_DOUBLE_FAULT >= 1 && IST_DOUBLE_FAULT <= 7, "hardware IST numbers are 1-7");
}
