; synth_frame.asm - enter a stub the way the CPU would, without raising
; anything (synthetic_frames.c). Most vectors never occur in the tests; here
; each one's stub gets the frame its exception would push, error code or not.
;
; int synth_enter(const struct synth_entry *e)
;     pushes SS, RSP, RFLAGS (e->rflags), CS, RIP (synth_resume) on a
;     16-byte aligned stack, then e->error if e->has_error, and jumps to
;     e->stub with RFLAGS = e->rflags. Returns 0 if an iretq came back to
;     synth_resume, 1 if the handler left through synth_escape().
; void synth_escape(void)
;     called by the scenario's handler: drops everything the stub and the
;     dispatcher pushed and returns 1 from synth_enter. A frame the stub
;     built wrong can then be reported without being returned through.
; synth_thunk_table[v]
;     a trap_handler per vector: calls synth_handler(tf, v), so the
;     scenario knows which registration the dispatcher picked.

SE_STUB      equ 0                     ; struct synth_entry (static-asserted in C)
SE_HAS_ERROR equ 8
SE_ERROR     equ 16
SE_RFLAGS    equ 24

global synth_enter, synth_escape, synth_resume, synth_thunk_table, synth_saved_rsp
extern synth_handler

section .bss
synth_saved_rsp: resq 1                ; synth_enter's RSP after its pushes
target:	resq 1                 ; the stub: every register is in use at the jump

section .text
synth_enter:
	push rbp
	mov rbp, rsp
	push rbx                           ; callee-saved: synth_escape comes back
	push r12                           ; from deep inside C code that used them
	push r13
	push r14
	push r15
	mov [rel synth_saved_rsp], rsp
	mov rax, [rdi + SE_STUB]
	mov [rel target], rax
	mov rax, rsp                       ; the "interrupted" RSP
	and rsp, -16                       ; the CPU aligns RSP before it pushes
	mov rcx, ss
	push rcx                           ; SS
	push rax                           ; RSP
	push qword [rdi + SE_RFLAGS]       ; RFLAGS
	mov rcx, cs
	push rcx                           ; CS
	lea rcx, [rel synth_resume]
	push rcx                           ; RIP
	cmp qword [rdi + SE_HAS_ERROR], 0
	je .jump
	push qword [rdi + SE_ERROR]        ; error code, pushed last
.jump:
	push qword [rdi + SE_RFLAGS]
	popfq                              ; the flags the frame says were live
	jmp [rel target]
synth_resume:                          ; iretq lands here, RSP = synth_saved_rsp
	xor eax, eax
	jmp synth_leave
synth_escape:
	mov rsp, [rel synth_saved_rsp]
	mov eax, 1
synth_leave:
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

%assign v 0
%rep 256
synth_thunk_%[v]:
	mov esi, v                         ; synth_handler(tf, v): tf is still in RDI
	jmp synth_handler
%assign v v + 1
%endrep

section .rodata
align 8
synth_thunk_table:
%assign v 0
%rep 256
	dq synth_thunk_%[v]
%assign v v + 1
%endrep
