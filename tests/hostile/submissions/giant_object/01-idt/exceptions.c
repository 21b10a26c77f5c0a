/* Attack: a 512 MB object file. */
__asm__(".section .rodata\n"
	".fill 0x20000000, 1, 0x5a\n"
	".previous");
