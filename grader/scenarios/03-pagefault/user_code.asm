; user_code.asm - the code user_fault() runs in ring 3 (user_scenarios.c).
;
; One page of its own, so that the scenario can map exactly this page a
; second time with the user bit. In: RAX = the address to touch, BL = the
; byte to write. Each entry does one access; if it does not fault, the
; privileged hlt raises #GP in ring 3, so the run still ends at once.

section .text.user progbits alloc exec nowrite align=4096

global lab3_user_page, lab3_user_read, lab3_user_write

lab3_user_page:
lab3_user_read:
	mov bl, [rax]
	hlt
lab3_user_write:
	mov [rax], bl
	hlt
	align 4096, db 0xF4                ; the rest of the page: hlt
