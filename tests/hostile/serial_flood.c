/* serial_flood.c - hostile: 100 MB on COM1, far past the grader's cap. */
#include <stdint.h>
#include "qemu.h"
#include "registry.h"
#include "x86.h"

#define COM1 0x3F8
#define FLOOD_BYTES (100u * 1024 * 1024)

SCENARIO(hostile_flood, "write 100 MB to the serial port")
{
	static const char line[] = "flood flood flood flood flood flood flood flood flood flood\n";
	for (uint32_t sent = 0; sent < FLOOD_BYTES; sent += sizeof(line) - 1)
		for (const char *p = line; *p; p++)
			outb(COM1, (uint8_t)*p); /* QEMU's UART takes every byte at once */
	qemu_exit(KERNEL_EXIT_SUCCESS);
}
