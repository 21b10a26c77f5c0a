; multiboot2.asm - the header GRUB looks for. It must sit 8-byte aligned in
; the first 32 KiB of the file; the linker script puts .multiboot2 first.

%include "boot.inc"

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_HEADER_MAGIC
	dd 0                               ; architecture 0: 32-bit protected mode i386
	dd mb2_header_end - mb2_header     ; header length
	dd 0x100000000 - (MB2_HEADER_MAGIC + 0 + (mb2_header_end - mb2_header))
	; No tags but the end tag: GRUB loads us by the ELF program headers and
	; always passes the command-line tag.
	align 8
	dw 0                               ; end tag: type 0
	dw 0                               ;          flags
	dd 8                               ;          size
mb2_header_end:
