/* panic.c - panic() and frame-pointer call traces. */
#include <stdarg.h>
#include "panic.h"
#include "kprintf.h"
#include "ksyms.h"
#include "qemu.h"
#include "stack.h"
#include "x86.h"

#define CALL_TRACE_MAX 32 /* frames; a loop in the chain must not hang us */

/* Prints one trace line: the return address and the caller it lies in. */
static void print_frame(uint64_t ret)
{
	char sym[96];
	uint64_t off;
	/* ret points after the call; look up ret - 1 to name the caller. */
	const char *name = ksym_lookup(ret - 1, &off);
	if (name)
		ksnprintf(sym, sizeof(sym), " <%s+0x%lx>", name, (unsigned long)(off + 1));
	else
		sym[0] = '\0';
	kprintf("  0x%016lx%s\n", (unsigned long)ret, sym);
}

static void print_repeats(unsigned repeats)
{
	if (repeats)
		kprintf("  ... the line above %u more time%s\n", repeats, repeats > 1 ? "s" : "");
}

void print_call_trace(uint64_t rbp)
{
	uint64_t last = 0;
	unsigned repeats = 0;
	int depth;
	kprintf("Call Trace:\n");
	for (depth = 0; depth < CALL_TRACE_MAX; depth++) {
		/* Only follow frames that lie inside a known stack: a corrupt
		 * RBP must not turn the report into a second fault. */
		const struct stack_region *r = stack_find(rbp);
		if (!r || (rbp & 7) || rbp + 16 > r->top)
			break;
		const uint64_t *frame = (const uint64_t *)rbp;
		uint64_t ret = frame[1];
		if (!ret)
			break;
		if (ret == last) { /* recursion: fold identical lines */
			repeats++;
		} else {
			print_repeats(repeats);
			repeats = 0;
			print_frame(ret);
			last = ret;
		}
		/* Within one stack, callers live above; a trap taken on an IST
		 * stack may continue on another stack, at any address. */
		uint64_t next = frame[0];
		if (stack_find(next) == r && next <= rbp)
			break;
		rbp = next;
	}
	print_repeats(repeats);
	if (depth == CALL_TRACE_MAX)
		kprintf("  ... (trace cut after %d frames)\n", CALL_TRACE_MAX);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	__asm__ volatile("cli");
	kprintf("KERNEL PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	print_call_trace(read_rbp());
	qemu_exit(KERNEL_EXIT_FAILURE);
}
