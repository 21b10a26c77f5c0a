/* boot_main.c - from the loader's handover to kmain. */
#include <stddef.h>
#include "boot.h"
#include "console.h"
#include "paging.h"
#include "x86.h"

struct boot_info boot_info;

#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1

/* The fixed head of PVH's hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h). */
struct pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
};

static void copy_cmdline(const char *src)
{
	size_t i = 0;
	if (src)
		for (; src[i] && i + 1 < BOOT_CMDLINE_MAX; i++)
			boot_info.cmdline[i] = src[i];
	boot_info.cmdline[i] = '\0';
}

/* The boot page tables identity-map the first GiB, where loaders put
 * their information, so physical addresses can be used directly here. */
static void read_multiboot2(uint32_t info)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)info;
	uint32_t total = *(const uint32_t *)p;
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = *(const uint32_t *)(p + off);
		uint32_t size = *(const uint32_t *)(p + off + 4);
		if (type == MB2_TAG_END || size < 8)
			break;
		if (type == MB2_TAG_CMDLINE)
			copy_cmdline((const char *)(p + off + 8));
		off += (size + 7) & ~7u; /* tags are 8-byte aligned */
	}
}

static void read_pvh(uint32_t info)
{
	const struct pvh_start_info *si = (const void *)(uintptr_t)info;
	if (si->cmdline_paddr && si->cmdline_paddr < (1ULL << 30))
		copy_cmdline((const char *)(uintptr_t)si->cmdline_paddr);
}

static void sse_enable(void)
{
	write_cr0((read_cr0() & ~X86_CR0_EM) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

void boot_main(uint32_t kind, uint32_t info)
{
	if (kind == BOOT_MAGIC_MULTIBOOT2) {
		boot_info.loader = "multiboot2";
		read_multiboot2(info);
	} else {
		boot_info.loader = "pvh";
		read_pvh(info);
	}
	/* Mask both 8259 PICs: no lab enables interrupts, and a stray IRQ
	 * must not arrive as a CPU exception vector. */
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	console_init();
	sse_enable();
	paging_init();
	kmain();
}
