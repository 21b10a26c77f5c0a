; regs.asm - load all registers, trap, store them back (regs_roundtrip.h).

global regs_int3_insn, regs_ud2_insn

FLAGS_MASK equ 0x8D5                   ; CF PF AF ZF SF OF

section .text

; Generates one round trip. %1: name, %2: label of the trapping instruction,
; %3: the instruction bytes.
%macro ROUNDTRIP 3
global %1:function (%%end - %1)  ; sized, so reports say "%1+0x.."
%1:
	push rbp
	mov rbp, rsp
	push rbx                           ; callee-saved registers we overwrite
	push r12
	push r13
	push r14
	push r15
	push rsi                           ; keep the out pointer: [rsp] after the trap
	mov rax, [rdi + 15*8]
	and rax, FLAGS_MASK
	or rax, 2                          ; bit 1 of RFLAGS is always set
	push rax
	popfq                              ; from here on, no flag-changing instruction
	mov rax, [rdi + 0*8]
	mov rbx, [rdi + 1*8]
	mov rcx, [rdi + 2*8]
	mov rdx, [rdi + 3*8]
	mov rsi, [rdi + 4*8]
	mov rbp, [rdi + 6*8]
	mov r8,  [rdi + 7*8]
	mov r9,  [rdi + 8*8]
	mov r10, [rdi + 9*8]
	mov r11, [rdi + 10*8]
	mov r12, [rdi + 11*8]
	mov r13, [rdi + 12*8]
	mov r14, [rdi + 13*8]
	mov r15, [rdi + 14*8]
	mov rdi, [rdi + 5*8]               ; last: RDI held the input pointer
%2:
	%3
	pushfq                             ; first, before anything touches flags
	push rdi
	mov rdi, [rsp + 16]                ; the out pointer saved above
	mov [rdi + 0*8], rax
	mov [rdi + 1*8], rbx
	mov [rdi + 2*8], rcx
	mov [rdi + 3*8], rdx
	mov [rdi + 4*8], rsi
	mov [rdi + 6*8], rbp
	mov [rdi + 7*8], r8
	mov [rdi + 8*8], r9
	mov [rdi + 9*8], r10
	mov [rdi + 10*8], r11
	mov [rdi + 11*8], r12
	mov [rdi + 12*8], r13
	mov [rdi + 13*8], r14
	mov [rdi + 14*8], r15
	pop rax
	mov [rdi + 5*8], rax               ; RDI's value after the trap
	pop rax
	mov [rdi + 15*8], rax              ; RFLAGS after the trap
	add rsp, 8                         ; the saved out pointer
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
%%end:
%endmacro

ROUNDTRIP regs_roundtrip_int3, regs_int3_insn, int3
ROUNDTRIP regs_roundtrip_ud2, regs_ud2_insn, ud2
