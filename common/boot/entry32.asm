; entry32.asm - from the loader's 32-bit protected mode into long mode.
;
; Two ways in, one way on:
;   _start     GRUB (multiboot2): EAX = MB2_BOOT_MAGIC, EBX = boot information
;   pvh_start  QEMU -kernel (PVH): EBX = hvm_start_info, EAX undefined
; Both keep (kind, info) in (ESI, EDI) and run a row of small named steps.
; A failed check prints "BOOT ERROR: ..." on serial and VGA, then stops.

%include "boot.inc"

global _start, pvh_start
extern __bss_start, __bss_end, kernel_stack_top, long_mode_entry

bits 32
section .boot.text progbits alloc exec nowrite align=16

_start:
	cli
	cld
	mov esi, eax                       ; kind: the multiboot2 magic, checked below
	mov edi, ebx                       ; info: multiboot2 information structure
	jmp boot32

pvh_start:
	cli
	cld
	mov esi, PVH_START_MAGIC           ; kind: PVH, checked against [EBX] below
	mov edi, ebx                       ; info: hvm_start_info
	; fall through

boot32:
	call clear_bss                     ; before the stack: the stack is in .bss
	mov esp, [kernel_stack_top]        ; low 32 bits; the kernel lives below 4 GiB
	call check_boot_magic
	call check_cpuid
	call check_long_mode
	call load_boot_gdt
	call setup_page_tables
	call enable_paging
	jmp BOOT_CS64:long_mode_entry      ; far jump loads a 64-bit CS: long mode proper

; Zeroes .bss. Loaders do it too, but nothing in the specs promises it for
; every path, and the boot page tables below rely on zeroed memory.
clear_bss:
	push edi
	mov edi, __bss_start
	mov ecx, __bss_end
	sub ecx, edi
	shr ecx, 2                         ; .bss is page aligned: whole dwords
	xor eax, eax
	rep stosd
	pop edi
	ret

check_boot_magic:
	cmp esi, MB2_BOOT_MAGIC
	je .ok
	cmp esi, PVH_START_MAGIC
	jne .bad
	cmp dword [edi], PVH_START_MAGIC   ; a PVH entry must come with a start_info
	jne .bad
.ok:	ret
.bad:	mov eax, msg_magic
	jmp boot_fail

; CPUID exists if the ID bit (21) of EFLAGS can be flipped.
check_cpuid:
	pushfd
	pop eax
	mov ecx, eax
	xor eax, 1 << 21
	push eax
	popfd
	pushfd
	pop eax
	push ecx                           ; restore the original flags
	popfd
	cmp eax, ecx
	je .no
	ret
.no:	mov eax, msg_cpuid
	jmp boot_fail

; Long mode, NX (we set EFER.NXE) and SSE2 (we enable SSE) must all exist.
check_long_mode:
	push ebx
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001                ; extended leaf 0x80000001 available?
	jb .no_lm
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29                  ; LM
	jz .no_lm
	test edx, 1 << 20                  ; NX
	jz .no_nx
	mov eax, 1
	cpuid
	test edx, 1 << 26                  ; SSE2
	jz .no_sse
	pop ebx
	ret
.no_lm:	mov eax, msg_long_mode
	jmp boot_fail
.no_nx:	mov eax, msg_nx
	jmp boot_fail
.no_sse: mov eax, msg_sse
	jmp boot_fail

; The loader's GDT is unknown (PVH's lives in its option ROM), so load ours.
load_boot_gdt:
	lgdt [boot_gdtr]
	jmp BOOT_CS32:.reload_cs
.reload_cs:
	mov ax, BOOT_DS
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	ret

; Identity-map the first GiB with 2 MiB pages: enough to reach the kernel
; and the loader's boot information. boot_main replaces these tables with
; the final, 4 KiB-grained ones as soon as it has read what it needs.
setup_page_tables:
	mov eax, boot_pdpt
	or eax, 0x3                        ; present | writable
	mov [boot_pml4], eax
	mov eax, boot_pd
	or eax, 0x3
	mov [boot_pdpt], eax
	xor ecx, ecx
.next:	mov eax, ecx
	shl eax, 21                        ; entry i maps physical i * 2 MiB
	or eax, 0x83                       ; present | writable | page size (2 MiB)
	mov [boot_pd + ecx * 8], eax
	inc ecx
	cmp ecx, 512
	jne .next
	ret

enable_paging:
	mov eax, boot_pml4
	mov cr3, eax
	mov eax, cr4
	or eax, 1 << 5                     ; CR4.PAE: 64-bit page table entries
	mov cr4, eax
	mov ecx, 0xC0000080                ; EFER
	rdmsr
	or eax, (1 << 8) | (1 << 11)       ; LME: long mode; NXE: honour the NX bit
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16)      ; PG, and WP so supervisor writes obey R/O pages
	mov cr0, eax                       ; paging on: we are in compatibility mode
	ret

; boot_fail: EAX = message. Prints "BOOT ERROR: <message>" on COM1 and the
; VGA screen, asks QEMU to exit with the failure code, then halts.
boot_fail:
	mov ebx, eax
	call serial_init32
	mov esi, msg_prefix
	mov edi, 0xB8000
	call print32
	mov esi, ebx
	call print32
	mov esi, msg_newline
	call print32
	mov al, QEMU_EXIT_FAIL
	out QEMU_EXIT_PORT, al             ; no effect on real hardware
.halt:	hlt
	jmp .halt

; 115200 8N1, FIFO on. Same settings as the C driver.
serial_init32:
	mov dx, COM1 + 1
	xor al, al
	out dx, al                         ; no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al                         ; DLAB on
	mov dx, COM1 + 0
	mov al, 1
	out dx, al                         ; divisor 1: 115200 baud
	mov dx, COM1 + 1
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al                         ; 8N1, DLAB off
	ret

; print32: ESI = NUL-terminated string, EDI = VGA cursor (advanced).
print32:
	lodsb
	test al, al
	jz .done
	mov ah, al
	mov dx, COM1 + 5
.wait:	in al, dx
	test al, 0x20                      ; transmitter holding register empty?
	jz .wait
	mov al, ah
	mov dx, COM1
	out dx, al
	cmp al, 10
	je print32                         ; newline: nothing to draw
	mov [edi], al
	mov byte [edi + 1], 0x4F           ; white on red
	add edi, 2
	jmp print32
.done:	ret

section .rodata
msg_prefix:	db "BOOT ERROR: ", 0
msg_newline:	db 10, 0
msg_magic:	db "not started by a multiboot2 loader or PVH (bad boot magic)", 0
msg_cpuid:	db "this CPU has no CPUID instruction", 0
msg_long_mode:	db "this CPU does not support 64-bit long mode", 0
msg_nx:		db "this CPU does not support the NX (no-execute) bit", 0
msg_sse:	db "this CPU does not support SSE2", 0

section .data
; Accessed bits (bit 40) are preset: the CPU would otherwise write them on
; the first segment load, and a later lab may map this page read-only.
; The kernel's selectors here (CS 0x18, data 0x20) mean something else in
; lab 04's GDT, the TSS and its upper half: a kernel that forgets to reload
; CS, or DS/ES/SS, after its own lgdt faults instead of working by accident.
align 8
boot_gdt:
	dq 0                               ; 0x00 null
	dq 0x00CF9B000000FFFF              ; 0x08 32-bit code, base 0, 4 GiB
	dq 0                               ; 0x10 unused: lab 04's data selector
	dq 0x00209B0000000000              ; 0x18 64-bit code (L=1)
	dq 0x00CF93000000FFFF              ; 0x20 data, base 0, 4 GiB
boot_gdt_end:
global boot_gdtr
boot_gdtr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

section .bss nobits alloc noexec write align=4096
; The boot page tables: one of each level, enough for the first GiB.
global boot_pml4
boot_pml4:	resb 4096
boot_pdpt:	resb 4096
boot_pd:	resb 4096
