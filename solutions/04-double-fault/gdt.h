/**
 * @file gdt.h
 * @brief Lab 04: our own GDT, a Task State Segment, and a double-fault
 *        handler that runs on its own stack (IST 1).
 *
 * Contents: the GDT layout and its selectors, the bits of a segment
 * descriptor, the 64-bit TSS, the encoders (pure functions, unit-tested on
 * the host), and the functions of exercises 1-4 (handout:
 * docs/lab04-double-fault.md).
 *
 * Our GDT, one 8-byte slot per line:
 *
 *     0x00  null            the CPU never uses slot 0
 *     0x08  kernel code     64-bit (L=1), DPL 0
 *     0x10  kernel data     DS/ES/SS/FS/GS
 *     0x18  TSS, low half   a system descriptor: 16 bytes, two slots
 *     0x20  TSS, high half  base bits 32-63
 *
 * The boot GDT had its 64-bit code at 0x18. If CS is not reloaded it keeps
 * that stale value, which in this table names the TSS: the next iretq fails.
 */
#ifndef LAB04_GDT_H
#define LAB04_GDT_H

#include <stddef.h>
#include <stdint.h>
#include "stack.h"

struct trap_frame; /* trap_frame.h (lab 02); a pointer is all this header needs */

#define GDT_SEL_NULL  0x00 /**< slot 0: never loaded */
#define GDT_SEL_KCODE 0x08 /**< kernel code: CS from lab 04 on */
#define GDT_SEL_KDATA 0x10 /**< kernel data: DS, ES, SS, FS, GS */
#define GDT_SEL_TSS   0x18 /**< the TSS descriptor, for `ltr` */
#define GDT_SLOTS     5    /**< 8-byte slots: null, code, data, TSS (two) */

/* Access byte (descriptor bits 40-47). */
#define GDT_ACCESS_ACCESSED   0x01 /**< set by the CPU on first use (code/data) */
#define GDT_ACCESS_RW         0x02 /**< code: readable; data: writable */
#define GDT_ACCESS_EXEC       0x08 /**< code segment (else data) */
#define GDT_ACCESS_CODE_DATA  0x10 /**< S bit: code/data; clear for system descriptors */
#define GDT_ACCESS_DPL_SHIFT  5    /**< bits 5-6: privilege level */
#define GDT_ACCESS_PRESENT    0x80 /**< the descriptor is valid */

/* System descriptor types (access bits 0-3 when S = 0), 64-bit mode. */
#define GDT_TYPE_TSS_AVAILABLE 0x9 /**< a TSS `ltr` may load */
#define GDT_TYPE_TSS_BUSY      0xB /**< what `ltr` turns it into */

/* Flags nibble (descriptor bits 52-55). */
#define GDT_FLAG_LONG   0x2 /**< L: 64-bit code segment */
#define GDT_FLAG_SIZE32 0x4 /**< D/B: 32-bit segment; must be 0 when L = 1 */
#define GDT_FLAG_4K     0x8 /**< G: the limit counts 4 KiB pages */

#define IST_DOUBLE_FAULT 1 /**< the IST entry (1-7) the #DF gate names */
#define DOUBLE_FAULT_STACK_SIZE (4 * PAGE_SIZE) /**< usable bytes of the #DF stack */

/**
 * @brief The 64-bit Task State Segment (Intel SDM vol. 3, "64-bit TSS").
 *
 * In long mode the CPU reads only stack pointers from it: rsp[] when an
 * interrupt raises the privilege level, ist[] when a gate names an IST
 * entry. `ist` starts one slot early, on a reserved field, so that ist[n]
 * is hardware IST n (1-7) and ist[0] stays zero, as the CPU requires.
 */
struct tss {
	uint32_t reserved0;   /**< 0x00 */
	uint64_t rsp[3];      /**< 0x04 stack for CPL 0-2 (unused: no user mode yet) */
	uint64_t ist[8];      /**< 0x1c ist[1..7]: IST 1-7; ist[0] is reserved, keep 0 */
	uint64_t reserved1;   /**< 0x5c */
	uint16_t reserved2;   /**< 0x64 */
	uint16_t iomap_base;  /**< 0x66 offset of the I/O permission bitmap */
} __attribute__((packed));

_Static_assert(offsetof(struct tss, rsp) == 0x04, "RSP0 is at offset 4");
_Static_assert(offsetof(struct tss, ist) + 8 * IST_DOUBLE_FAULT == 0x24, "IST1 is at offset 0x24");
_Static_assert(offsetof(struct tss, iomap_base) == 0x66, "the I/O map base is at offset 0x66");
_Static_assert(sizeof(struct tss) == 104, "a 64-bit TSS is 104 bytes");

/** @brief A 16-byte system descriptor (TSS) as two 8-byte GDT slots. */
struct gdt_system_desc {
	uint64_t low;  /**< laid out like a code/data descriptor, with S = 0 */
	uint64_t high; /**< bits 0-31: base bits 32-63; the rest reserved, zero */
};

/** @brief The GDT. Writable memory: `ltr` writes the busy bit into it. */
extern uint64_t gdt_table[GDT_SLOTS];

/** @brief The kernel's one TSS. Writable too; the CPU reads it on every IST switch. */
extern struct tss kernel_tss;

/**
 * @brief Exercise 3: encodes an 8-byte segment descriptor (pure function).
 * @param base segment base, 32 bits (ignored by the CPU for 64-bit code/data).
 * @param limit segment limit, 20 bits (in 4 KiB units if GDT_FLAG_4K is set).
 * @param access the access byte: GDT_ACCESS_* bits, or a system type with S = 0.
 * @param flags the flags nibble: GDT_FLAG_* bits.
 * @return the descriptor as the CPU reads it.
 */
uint64_t gdt_segment_make(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);

/**
 * @brief Exercise 3: encodes the 16-byte descriptor of an available 64-bit
 *        TSS, present, DPL 0, byte-granular limit (pure function).
 * @param base linear address of the TSS. @param limit its size in bytes minus one.
 * @return the two slots, low first.
 */
struct gdt_system_desc gdt_tss_descriptor_make(uint64_t base, uint32_t limit);

/**
 * @brief Exercise 2: fills kernel_tss: IST 1 = the top of double_fault_stack,
 *        and no I/O bitmap.
 */
void tss_init(void);

/** @brief Loads gdt_table into GDTR with `lgdt`. Segment registers keep their old values. */
void gdt_load(void);

/**
 * @brief Exercise 3: reloads CS with GDT_SEL_KCODE (a far return) and DS,
 *        ES, SS, FS, GS with GDT_SEL_KDATA, after gdt_load().
 */
void gdt_reload_segments(void);

/**
 * @brief Exercise 3: fills gdt_table, loads it (`lgdt`), reloads CS with a
 *        far return and the data segment registers, then loads TR (`ltr`).
 */
void gdt_init(void);

/**
 * @brief Exercise 4: points every IDT gate at the new code selector and the
 *        #DF gate at IST_DOUBLE_FAULT.
 */
void idt_use_new_gdt(void);

/**
 * @brief Exercise 1: the #DF handler. Prints the report (header, Linux's
 *        "PANIC: double fault" line, its own stack, the frame) and stops the
 *        kernel with exception_stop(X86_TRAP_DF). A double fault is an abort:
 *        it never returns.
 * @param tf the trap frame, built on the IST stack.
 */
void exc_double_fault(struct trap_frame *tf);

#endif /* LAB04_GDT_H */
