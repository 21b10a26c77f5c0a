/**
 * @file console.h
 * @brief The console: every byte goes to COM1 and to the VGA text screen.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>

/** @brief Sets up COM1 (115200 8N1) and clears the VGA screen. */
void console_init(void);

/** @brief Writes one character to serial and VGA. @param c the character; '\\n' also emits '\\r' on serial. */
void console_putc(char c);

/** @brief Writes @p len bytes. @param s the bytes. @param len how many. */
void console_write(const char *s, size_t len);

/**
 * @brief Runs @p fn once, just before the next character is written.
 *        For grader scenarios that need something to happen inside whatever
 *        prints next (lab 03's makes a page fault inside the #PF handler).
 * @param fn the function; NULL cancels a pending one.
 */
void console_hook_once(void (*fn)(void));

/** @brief Initialises COM1 at 115200 baud, 8N1, FIFO on, no interrupts. */
void serial_init(void);

/** @brief Sends one byte on COM1, waiting for the transmitter. @param c the byte. */
void serial_putc(char c);

/** @brief Clears the 80x25 VGA text screen and homes the cursor. */
void vga_init(void);

/** @brief Draws one character on the VGA text screen, scrolling as needed. @param c the character. */
void vga_putc(char c);

#endif /* CONSOLE_H */
