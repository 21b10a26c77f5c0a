# toolchain.mk - Debian's own gcc, binutils and nasm build the kernel; no
# cross-compiler. The flags keep the host's defaults (PIE, stack protector,
# CET, unwind tables) out of a freestanding kernel.
CC      := gcc
LD      := ld
NASM    := nasm
NM      := nm

KERNEL_CFLAGS := -std=gnu11 -ffreestanding -nostdlib -fno-pie -fno-pic \
	-fno-stack-protector -fno-stack-clash-protection -fcf-protection=none \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-Og -g -Wall -Wextra -Wno-unused-parameter -MMD -MP
KERNEL_NASMFLAGS := -f elf64 -g -F dwarf
KERNEL_LDFLAGS := -n -static -nostdlib --no-dynamic-linker --build-id=none \
	-z max-page-size=0x1000 -z noexecstack
