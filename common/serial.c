/* serial.c - the 16550 UART on COM1, polled, output only. */
#include "console.h"
#include "x86.h"

#define COM1 0x3F8
#define UART_DATA 0        /* transmit holding register (DLAB = 0) */
#define UART_IER  1        /* interrupt enable (DLAB = 0) */
#define UART_DLL  0        /* divisor latch, low byte (DLAB = 1) */
#define UART_DLM  1        /* divisor latch, high byte (DLAB = 1) */
#define UART_FCR  2        /* FIFO control */
#define UART_LCR  3        /* line control */
#define UART_MCR  4        /* modem control */
#define UART_LSR  5        /* line status */
#define UART_LCR_DLAB 0x80 /* divisor latch access */
#define UART_LCR_8N1  0x03 /* 8 data bits, no parity, 1 stop bit */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, 1);          /* 115200 / 1 = 115200 baud */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	outb(COM1 + UART_FCR, 0xC7);       /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03);       /* DTR and RTS */
}

void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the kernel. */
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}
