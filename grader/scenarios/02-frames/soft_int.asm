; soft_int.asm - `int N` for a vector chosen at run time: `int` takes an
; immediate, so lab2_soft_int(N) calls entry N of a table of "int N; ret".

global lab2_soft_int

section .text
lab2_soft_int:                         ; void lab2_soft_int(unsigned vector)
	movzx eax, dil
	lea rax, [rax + rax * 2]           ; 3 bytes an entry: CD nn C3
	lea rdx, [rel soft_int_table]
	add rax, rdx
	jmp rax

soft_int_table:
%assign v 0
%rep 256
	int v
	ret
%assign v v + 1
%endrep
