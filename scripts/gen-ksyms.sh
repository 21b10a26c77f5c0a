#!/bin/sh
# gen-ksyms.sh ELF > ksyms.asm - the function symbols of ELF as a sorted
# table for common/ksyms.c. With no ELF, an empty table (the first link).
set -eu
echo 'section .ksyms progbits alloc noexec nowrite align=8'
echo 'global ksym_count, ksym_table, ksym_strings'
if [ $# -eq 0 ]; then
	printf 'ksym_count: dq 0\nksym_table:\nksym_strings: db 0\n'
	exit 0
fi
# nm -S prints "addr size type name", or "addr type name" without a size.
# Keep code symbols (t/T) except NASM local labels (names with a dot) and
# size-less labels inside a sized function (an instruction label a scenario
# placed in its C body): reports name the function, as in "<func+0x1d>".
nm -n -S --defined-only "$1" | awk '
	NF == 4 { addr = $1; size = $2; type = $3; name = $4 }
	NF == 3 { addr = $1; size = "0"; type = $2; name = $3 }
	(type == "t" || type == "T") && name !~ /\./ {
		v = hex(addr)
		if (size == "0" && v < end) next
		if (size != "0" && v + hex(size) > end) end = v + hex(size)
		n++; a[n] = addr; s[n] = size; nm[n] = name
	}
	function hex(h,   i, r) {
		r = 0
		for (i = 1; i <= length(h); i++)
			r = r * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return r
	}
	END {
		printf "ksym_count: dq %d\nksym_table:\n", n
		off = 0
		for (i = 1; i <= n; i++) {
			printf "\tdq 0x%s, 0x%s, %d\n", a[i], s[i], off
			off += length(nm[i]) + 1
		}
		printf "ksym_strings:\n"
		for (i = 1; i <= n; i++)
			printf "\tdb \"%s\", 0\n", nm[i]
	}'
