/* vga.c - the 80x25 VGA text screen: light grey on black, scrolls up. */
#include <stdint.h>
#include "console.h"
#include "paging.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700 /* light grey on black, in the high byte */

static volatile uint16_t *const vga = (volatile uint16_t *)VGA_TEXT_BUFFER;
static unsigned row, col;

static void vga_scroll(void)
{
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		vga[i] = vga[i + VGA_COLS];
	for (unsigned i = 0; i < VGA_COLS; i++)
		vga[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
}

void vga_init(void)
{
	for (unsigned i = 0; i < VGA_ROWS * VGA_COLS; i++)
		vga[i] = VGA_ATTR | ' ';
	row = col = 0;
}

void vga_putc(char c)
{
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\t') {
		col = (col + 8) & ~7u;
	} else {
		vga[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
		col++;
	}
	if (col >= VGA_COLS) {
		col = 0;
		row++;
	}
	if (row >= VGA_ROWS) {
		vga_scroll();
		row = VGA_ROWS - 1;
	}
}
