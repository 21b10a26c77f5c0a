/**
 * @file boot.h
 * @brief Boot handover: how the kernel was started and what it was told.
 *
 * Contents: boot kinds (the magic the loader left in a register), the boot
 * GDT selectors, and the parsed boot information the rest of the core reads.
 * The assembly twins of these constants live in common/boot/boot.inc.
 */
#ifndef BOOT_H
#define BOOT_H

#include <stdint.h>

#define BOOT_MAGIC_MULTIBOOT2 0x36D76289u /**< EAX from a multiboot2 loader (GRUB) */
#define BOOT_MAGIC_PVH        0x336EC578u /**< hvm_start_info magic (QEMU -kernel) */

#define BOOT_CS32 0x08 /**< boot GDT: 32-bit code, used only before long mode */
#define BOOT_DS   0x20 /**< boot GDT: flat data, loaded into DS/ES/SS/FS/GS (lab 04's is 0x10) */
#define BOOT_CS64 0x18 /**< boot GDT: 64-bit kernel code, CS until lab 04 */

#define BOOT_CMDLINE_MAX 256 /**< longest command line kept, NUL included */

/** @brief What the loader handed over, copied before the boot page tables go. */
struct boot_info {
	const char *loader;              /**< "multiboot2" or "pvh" */
	char cmdline[BOOT_CMDLINE_MAX];  /**< kernel command line, "" if none */
};

/** @brief The boot information, valid once boot_main has started. */
extern struct boot_info boot_info;

/**
 * @brief First C code: reads the boot information, brings up the console and
 *        the final page tables, then calls kmain.
 * @param kind BOOT_MAGIC_MULTIBOOT2 or BOOT_MAGIC_PVH (checked in assembly).
 * @param info physical address of the loader's information structure.
 */
void boot_main(uint32_t kind, uint32_t info) __attribute__((noreturn));

/** @brief The portable part of kernel start-up: banner, lab inits, scenario. */
void kmain(void) __attribute__((noreturn));

#endif /* BOOT_H */
