; entry64.asm - the first 64-bit instructions: segments, stack, then C.

%include "boot.inc"

global long_mode_entry
extern kernel_stack_top, boot_main

bits 64
section .boot.text

; In: ESI = boot kind (magic), EDI = boot information (physical address).
long_mode_entry:
	mov ax, BOOT_DS
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rsp, [rel kernel_stack_top]
	xor ebp, ebp                       ; end of the frame-pointer chain
	mov eax, esi
	mov esi, edi                       ; boot_main(kind, info)
	mov edi, eax
	call boot_main                     ; never returns
.halt:	cli
	hlt
	jmp .halt
