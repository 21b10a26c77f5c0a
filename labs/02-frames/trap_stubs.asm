; trap_stubs.asm - lab 02, exercises 1 and 2: the way into C for every vector.
;
; Exercise 1: ISR_STUB makes isr_stub_N, and the %rep loops make all 256
;             stubs and isr_stub_table, the list of their addresses.
; Exercise 2: trap_common saves the registers into a struct trap_frame,
;             calls trap_dispatch(frame), restores them and returns (iretq).

%include "trap_frame.inc"              ; TF_* offsets, computed from trap_frame.h
%include "x86_exceptions.inc"          ; X86_ERROR_CODE_MASK, from x86_exceptions.h

extern trap_dispatch

; True for the vectors where the CPU pushes an error code itself (8, 10-14,
; 17, 21, 29, 30: bit v of the mask, from the kernel's table of exceptions).
%define HAS_ERROR_CODE(v) ((v) < X86_NR_EXCEPTIONS && ((X86_ERROR_CODE_MASK >> (v)) & 1))

section .text

; ISR_STUB v - the entry point for vector v, named isr_stub_v.
%macro ISR_STUB 1
global isr_stub_%1:function (%%end - isr_stub_%1)
isr_stub_%1:
	; TODO(1): Make every frame look the same to trap_common: unless the CPU
	;          pushed an error code for this vector (HAS_ERROR_CODE(%1)), push
	;          a dummy 0 in its place. Then push the vector number (%1) and
	;          jump to trap_common. Use NASM's %if ... %endif.
%%end:
%endmacro

; Stack on entry to trap_common, 8-byte slots, growing down:
;
;   ss, rsp, rflags, cs, rip     pushed by the CPU (after aligning RSP to 16)
;   error code                   by the CPU, or the stub's dummy 0
;   vector                       by the stub            <- RSP
;
; trap_common pushes the rest of struct trap_frame (trap_frame.h) below.
trap_common:
	; TODO(2): Build the rest of the frame, in the order trap_frame.h needs
	;          (the last push lands at offset 0): rax rbx rcx rdx rsi rdi
	;          r8 ... r15, then a copy of the interrupted RIP (it sits at
	;          [rsp + TF_RIP - TF_R15] once r15 is pushed), then rbp.
	;          Point RBP at the frame (mov rbp, rsp) and pass it in RDI.
	;          The frame is 184 bytes, so RSP is now 8 bytes off 16: align it
	;          with `and rsp, -16` before `call trap_dispatch` (clear DF with
	;          cld too: C code assumes it). Afterwards undo it all: RSP from
	;          RBP, then pop rbp, drop link_rip (add rsp, 8: it was only a
	;          copy), pop r15 ... rax, drop vector and error code, iretq.

; All 256 stubs, then their addresses in vector order.
%assign v 0
%rep 256
ISR_STUB %[v]
%assign v v + 1
%endrep

section .rodata
global isr_stub_table
align 8
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_%[v]
%assign v v + 1
%endrep
