/* garbage.c - hostile: binary garbage on the serial line (every byte value,
 * broken UTF-8, stray escape sequences), then the success code. */
#include <stdint.h>
#include "qemu.h"
#include "registry.h"
#include "x86.h"

#define COM1 0x3F8

static void put_bytes(const uint8_t *p, unsigned n)
{
	while (n--)
		outb(COM1, *p++);
}

SCENARIO(hostile_garbage, "every byte value, invalid UTF-8 and escape codes")
{
	static const uint8_t broken[] = { 0xC3, 0x28, 0xE2, 0x82, 0xF0, 0x9F, 0x92, 0xFF, 0xFE,
					  0x1B, ']', '0', ';', 'x', 0x07, 0x1B, '[', 0x00, '\n' };
	for (unsigned round = 0; round < 8; round++) {
		for (unsigned b = 0; b < 256; b++) {
			uint8_t c = (uint8_t)(b * 7 + round);
			put_bytes(&c, 1);
		}
		put_bytes(broken, sizeof(broken));
	}
	qemu_exit(KERNEL_EXIT_SUCCESS);
}
