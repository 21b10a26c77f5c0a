/**
 * @file qemu.h
 * @brief Leaving QEMU with a status the host can read.
 *
 * QEMU's isa-debug-exit device (port 0xf4) ends the emulator with exit status
 * (value << 1) | 1. The two codes below are the only ones the kernel uses.
 */
#ifndef QEMU_H
#define QEMU_H

#include <stdint.h>

#define QEMU_EXIT_PORT    0xF4 /**< isa-debug-exit I/O port */
#define KERNEL_EXIT_SUCCESS 0x10 /**< QEMU exits with status 33 */
#define KERNEL_EXIT_FAILURE 0x11 /**< QEMU exits with status 35 */

/**
 * @brief Ends the QEMU run with @p code; on real hardware, halts instead.
 * @param code KERNEL_EXIT_SUCCESS or KERNEL_EXIT_FAILURE.
 */
void qemu_exit(uint8_t code) __attribute__((noreturn));

#endif /* QEMU_H */
