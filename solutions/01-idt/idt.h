/**
 * @file idt.h
 * @brief Lab 01: the Interrupt Descriptor Table (IDT).
 *
 * Contents: the 16-byte gate format, the frame the CPU pushes, the table,
 * and the functions of exercises 1-4 (handout: docs/lab01-idt.md).
 *
 * A gate, from its lowest byte up (Intel SDM vol. 3, "64-bit IDT gate"):
 *
 *     bytes 0-1   offset bits 0-15 of the handler
 *     bytes 2-3   code segment selector the handler runs with
 *     byte  4     bits 0-2: IST index (0 = stay on the current stack)
 *     byte  5     type (bits 0-3), 0, DPL (bits 5-6), present (bit 7)
 *     bytes 6-7   offset bits 16-31
 *     bytes 8-11  offset bits 32-63
 *     bytes 12-15 reserved, zero
 */
#ifndef LAB01_IDT_H
#define LAB01_IDT_H

#include <stdint.h>

#define IDT_ENTRIES        256 /**< one gate per vector */
#define IDT_TYPE_INTERRUPT 0xE /**< 64-bit interrupt gate: IF is cleared on entry */
#define IDT_TYPE_TRAP      0xF /**< 64-bit trap gate: IF is left as it was */
#define IDT_PRESENT        0x80 /**< type_attr bit 7: the gate is valid */
#define IDT_DPL_SHIFT      5    /**< type_attr bits 5-6: lowest privilege allowed to `int N` here */

/** @brief One 16-byte IDT gate, laid out exactly as the CPU reads it. */
struct idt_gate {
	uint16_t offset_low;  /**< handler address bits 0-15 */
	uint16_t selector;    /**< code segment selector for the handler */
	uint8_t ist;          /**< bits 0-2: interrupt stack table index, 0 = none */
	uint8_t type_attr;    /**< type (bits 0-3), DPL (bits 5-6), present (bit 7) */
	uint16_t offset_mid;  /**< handler address bits 16-31 */
	uint32_t offset_high; /**< handler address bits 32-63 */
	uint32_t reserved;    /**< must be zero */
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) == 16, "a 64-bit IDT gate is 16 bytes");

/**
 * @brief What the CPU pushes before it enters a handler, lowest address first.
 *        A handler with `__attribute__((interrupt))` receives a pointer to it.
 */
struct interrupt_frame {
	uint64_t rip;    /**< where to resume: the faulting instruction, or the next one for traps */
	uint64_t cs;     /**< code segment of the interrupted code */
	uint64_t rflags; /**< flags of the interrupted code */
	uint64_t rsp;    /**< stack pointer of the interrupted code */
	uint64_t ss;     /**< stack segment of the interrupted code */
};

/** @brief The IDT itself. It lives as long as the kernel: the CPU reads it on every exception. */
extern struct idt_gate idt_table[IDT_ENTRIES];

/**
 * @brief Exercise 1: encodes a gate (pure function, no side effects).
 * @param handler address of the handler's first instruction.
 * @param selector code segment selector to load into CS.
 * @param ist interrupt stack table index, 0-7 (0: no stack switch).
 * @param type IDT_TYPE_INTERRUPT or IDT_TYPE_TRAP.
 * @param dpl descriptor privilege level, 0-3.
 * @return the gate, marked present.
 */
struct idt_gate idt_gate_make(uint64_t handler, uint16_t selector, uint8_t ist,
			      uint8_t type, uint8_t dpl);

/**
 * @brief Exercise 1: installs a present gate for @p vector that runs
 *        @p handler with the code segment the CPU is using now.
 * @param vector the vector, 0-255. @param handler handler address.
 * @param ist IST index (0-7). @param type gate type. @param dpl privilege level.
 */
void idt_set_gate(uint8_t vector, uint64_t handler, uint8_t ist, uint8_t type, uint8_t dpl);

/** @brief Exercise 2: loads idt_table into IDTR with `lidt`. */
void idt_load(void);

/** @brief Exercise 3: #BP handler; prints the report and returns to the code after `int3`. @param frame the CPU's frame. */
void exc_breakpoint(struct interrupt_frame *frame);

/** @brief Exercise 4: #DE handler; prints the report and stops the kernel. @param frame the CPU's frame. */
void exc_divide_error(struct interrupt_frame *frame);

/** @brief Exercise 4: #UD handler; prints the report and stops the kernel. @param frame the CPU's frame. */
void exc_invalid_opcode(struct interrupt_frame *frame);

#endif /* LAB01_IDT_H */
