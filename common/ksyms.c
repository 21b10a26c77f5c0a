/* ksyms.c - lookups in the symbol table the second link embeds (.ksyms). */
#include "ksyms.h"
#include <string.h>
#include "kprintf.h"

/* One function; the table is sorted by address (scripts/gen-ksyms). */
struct ksym {
	uint64_t addr;
	uint64_t size; /* 0 if unknown: then it extends to the next symbol */
	uint64_t name; /* offset into ksym_strings */
};

extern const uint64_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_strings[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	/* Binary search for the last symbol at or below addr. */
	uint64_t lo = 0, hi = ksym_count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksym_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *s = &ksym_table[lo - 1];
	uint64_t end = s->size ? s->addr + s->size
		     : lo < ksym_count ? ksym_table[lo].addr : s->addr;
	if (addr >= end)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return ksym_strings + s->name;
}

const char *ksym_format(uint64_t addr, char *buf, size_t size)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);
	if (name)
		ksnprintf(buf, size, " <%s+0x%lx>", name, (unsigned long)off);
	else if (size)
		buf[0] = '\0';
	return buf;
}

uint64_t ksym_address(const char *name)
{
	for (uint64_t i = 0; i < ksym_count; i++)
		if (strcmp(ksym_strings + ksym_table[i].name, name) == 0)
			return ksym_table[i].addr;
	return 0;
}
