/**
 * @file x86.h
 * @brief Thin wrappers around x86-64 instructions the C code cannot express:
 *        port I/O, control registers, MSRs, descriptor-table registers, TLB.
 *
 * Contents: port I/O, control registers (CR0/2/3/4), MSRs and EFER,
 * segment and descriptor-table registers, TLB flush, halting, CPUID.
 * Every helper is `static inline` so it costs one instruction.
 */
#ifndef X86_H
#define X86_H

#include <stdint.h>

#define X86_CR0_PE (1ULL << 0)  /**< protected mode enable */
#define X86_CR0_MP (1ULL << 1)  /**< monitor coprocessor (needed for SSE) */
#define X86_CR0_EM (1ULL << 2)  /**< x87 emulation; must be clear for SSE */
#define X86_CR0_WP (1ULL << 16) /**< supervisor writes honour read-only pages */
#define X86_CR0_PG (1ULL << 31) /**< paging enable */

#define X86_CR4_PAE        (1ULL << 5)  /**< physical address extension */
#define X86_CR4_OSFXSR     (1ULL << 9)  /**< OS supports FXSAVE/SSE */
#define X86_CR4_OSXMMEXCPT (1ULL << 10) /**< OS handles SIMD exceptions (#XM) */

#define X86_MSR_EFER 0xC0000080 /**< extended feature enable register */
#define X86_EFER_LME (1ULL << 8)  /**< long mode enable */
#define X86_EFER_NXE (1ULL << 11) /**< no-execute bit in page tables */

#define X86_RFLAGS_IF (1ULL << 9) /**< interrupt enable flag */

/** @brief The operand of `lidt`/`lgdt` and the result of `sidt`/`sgdt`. */
struct __attribute__((packed)) x86_table_reg {
	uint16_t limit; /**< size of the table in bytes, minus one */
	uint64_t base;  /**< linear address of the first entry */
};

/** @brief Writes one byte to an I/O port. @param port the port. @param val the byte. */
static inline void outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

/** @brief Reads one byte from an I/O port. @param port the port. @return the byte read. */
static inline uint8_t inb(uint16_t port)
{
	uint8_t val;
	__asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/** @brief Writes a 16-bit word to an I/O port. @param port the port. @param val the word. */
static inline void outw(uint16_t port, uint16_t val)
{
	__asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

/** @brief Writes a 32-bit word to an I/O port. @param port the port. @param val the value. */
static inline void outl(uint16_t port, uint32_t val)
{
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

/** @brief Reads a 32-bit word from an I/O port. @param port the port. @return the value. */
static inline uint32_t inl(uint16_t port)
{
	uint32_t val;
	__asm__ volatile("inl %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

/** @brief Reads CR0. @return CR0. */
static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

/** @brief Writes CR0. @param v the new value. */
static inline void write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

/** @brief Reads CR2, the linear address of the last page fault. @return CR2. */
static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

/** @brief Reads CR3, the physical address of the level-4 page table (plus flags). @return CR3. */
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/** @brief Writes CR3; this also flushes all non-global TLB entries. @param v the new value. */
static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

/** @brief Reads CR4. @return CR4. */
static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

/** @brief Writes CR4. @param v the new value. */
static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/** @brief Reads a model-specific register. @param msr its number. @return its value. */
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

/** @brief Writes a model-specific register. @param msr its number. @param v the value. */
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/** @brief Drops the TLB entry for the page holding @p addr. @param addr any address in the page. */
static inline void invlpg(uint64_t addr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

/** @brief Reads RFLAGS. @return RFLAGS. */
static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/** @brief Reads the frame pointer of the caller's frame. @return RBP. */
static inline uint64_t read_rbp(void)
{
	uint64_t v;
	__asm__ volatile("mov %%rbp, %0" : "=r"(v));
	return v;
}

/** @brief Reads the stack pointer. @return RSP at the point of the call. */
static inline uint64_t read_rsp(void)
{
	uint64_t v;
	__asm__ volatile("mov %%rsp, %0" : "=r"(v));
	return v;
}

/** @brief Reads the code segment selector. @return CS. */
static inline uint16_t read_cs(void)
{
	uint16_t v;
	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

/** @brief Reads the stack segment selector. @return SS. */
static inline uint16_t read_ss(void)
{
	uint16_t v;
	__asm__ volatile("mov %%ss, %0" : "=r"(v));
	return v;
}

/** @brief Reads the data segment selector. @return DS. */
static inline uint16_t read_ds(void)
{
	uint16_t v;
	__asm__ volatile("mov %%ds, %0" : "=r"(v));
	return v;
}

/** @brief Stores IDTR. @return the IDT's base and limit. */
static inline struct x86_table_reg read_idtr(void)
{
	struct x86_table_reg r;
	__asm__ volatile("sidt %0" : "=m"(r));
	return r;
}

/** @brief Stores GDTR. @return the GDT's base and limit. */
static inline struct x86_table_reg read_gdtr(void)
{
	struct x86_table_reg r;
	__asm__ volatile("sgdt %0" : "=m"(r));
	return r;
}

/** @brief Stores the task register. @return the selector of the loaded TSS (0 if none). */
static inline uint16_t read_tr(void)
{
	uint16_t v;
	__asm__ volatile("str %0" : "=r"(v));
	return v;
}

/** @brief Executes CPUID. @param leaf EAX input. @param sub ECX input. @param r receives EAX, EBX, ECX, EDX. */
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/** @brief Stops the CPU for good: interrupts off, then `hlt` forever. */
static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif /* X86_H */
