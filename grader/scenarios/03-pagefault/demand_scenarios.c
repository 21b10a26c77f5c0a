/* demand_scenarios.c - lab 03's demand paging, through real faults and
 * through calls of demand_page_in on inputs no fault would give it
 * (grader/labs/lab3.py computes what each must print).
 *
 * After the pages of the plan: the edges of the region and the addresses
 * just outside it, protection faults inside it, a page whose old
 * translation is left in the TLB on purpose (only invlpg, or a CR3 reload,
 * drops it), and last a protection fault the handler must report, not
 * resolve. A console hook makes the report's first character touch a fresh
 * demand page, so a second #PF changes CR2 inside the handler: only a CR2
 * read before anything that could fault still holds the right address.
 * The hook then takes every free frame and calls demand_page_in once more.
 *
 * Seed indices:
 *   [30]       how many pages to touch (4-12)
 *   [31]-[42]  the page chosen in each page's share of the region
 *   [50]-[61]  the offset written in each page (8-byte aligned, not 0)
 *   [70]-[81]  the value written to each page
 *   [90]-[95]  demand_page_in calls: error codes, distances outside
 *   [96]-[98]  the stale-TLB page, its offset and marker
 *   [99]-[102] the last fault: kind, offset; the console hook's page, offset
 */
#include <stdint.h>
#include "console.h"
#include "demand_scenarios.h"
#include "kprintf.h"
#include "page_fault.h"
#include "paging.h"
#include "pf_error.h"
#include "registry.h"
#include "report.h"
#include "seed.h"
#include "x86.h"
#include "scenario_facts.h"

#define DEMAND_PAGES (DEMAND_SIZE / PAGE_SIZE)
#define DEMAND_END (DEMAND_BASE + DEMAND_SIZE)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const uint64_t not_present_codes[] = NOT_PRESENT_CODES;
static const uint64_t protection_codes[] = PROTECTION_CODES;

bool demand_check_page(uint64_t addr, uint64_t value)
{
	uint64_t other = (addr & ~(uint64_t)(PAGE_SIZE - 1)) | ((addr + PAGE_SIZE / 2) & (PAGE_SIZE - 1));
	uint64_t back = *(volatile uint64_t *)(uintptr_t)addr;
	uint64_t zero = *(volatile uint64_t *)(uintptr_t)other;
	kprintf("read 0x%016lx at 0x%016lx, 0x%016lx at 0x%016lx\n", (unsigned long)back,
		(unsigned long)addr, (unsigned long)zero, (unsigned long)other);
	return back == value && zero == 0;
}

void demand_write_word(uint64_t addr, uint64_t value)
{
	kprintf("writing 0x%016lx at 0x%016lx\n", (unsigned long)value, (unsigned long)addr);
	*(volatile uint64_t *)(uintptr_t)addr = value;
}

static uint64_t pte_of(uint64_t addr)
{
	const uint64_t *pte = paging_pte(addr);
	return pte ? *pte : 0;
}

/* One call as a fault would make it, with the page's entry before and after. */
static void call(uint64_t addr, uint64_t error)
{
	uint64_t before = pte_of(addr);
	uint64_t frame = demand_page_in(addr, error);
	kprintf("demand_page_in(0x%016lx, 0x%lx) = 0x%lx: PTE 0x%016lx -> 0x%016lx\n", (unsigned long)addr,
		(unsigned long)error, (unsigned long)frame, (unsigned long)before, (unsigned long)pte_of(addr));
}

/* Maps a page to a frame holding a marker, reads it (the TLB now caches
 * the translation), then clears the entry without invlpg: the next frame
 * demand_page_in maps there is seen only if it drops that TLB entry. */
static void stale_tlb(void)
{
	uint64_t page = DEMAND_BASE + seed_range(SEED_STALE_TLB, 1, DEMAND_PAGES - 2) * PAGE_SIZE;
	uint64_t addr = page + seed_range(SEED_STALE_TLB + 1, 0, PAGE_SIZE / 8 - 1) * 8;
	uint64_t marker = seed_value(SEED_STALE_TLB + 2) | 1, old = frame_alloc();
	if (!old || paging_map_page(page, old, PTE_W | PTE_NX) != 0) {
		kprintf("stale TLB: no frame\n");
		return;
	}
	*(uint64_t *)phys_to_virt(old + (addr - page)) = marker;
	invlpg(page);
	uint64_t seen = *(volatile uint64_t *)(uintptr_t)addr;
	*paging_pte(page) = 0; /* no invlpg here, on purpose */
	uint64_t frame = demand_page_in(addr, X86_PF_WRITE);
	uint64_t now = *(volatile uint64_t *)(uintptr_t)addr;
	kprintf("stale TLB at 0x%016lx: read 0x%016lx, then demand_page_in gave 0x%lx, then read 0x%016lx\n",
		(unsigned long)addr, (unsigned long)seen, (unsigned long)frame, (unsigned long)now);
}

static uint64_t hook_addr;

/* Runs inside the last report: a demand fault, which changes CR2; then,
 * with every frame taken, a call that must find none and map nothing. */
static void touch_hook_page(void)
{
	*(volatile uint64_t *)(uintptr_t)hook_addr = 0x484f4f4b;
	while (frame_alloc())
		;
	call((hook_addr & ~(uint64_t)(PAGE_SIZE - 1)) ^ PAGE_SIZE, X86_PF_WRITE); /* same page table */
}

/* The first page of the region, from a seed-chosen one on, that nothing maps. */
static uint64_t unmapped_page(uint64_t index)
{
	uint64_t start = seed_range(index, 0, DEMAND_PAGES - 1);
	for (uint64_t i = 0; i < DEMAND_PAGES; i++) {
		uint64_t page = DEMAND_BASE + (start + i) % DEMAND_PAGES * PAGE_SIZE;
		if (!(pte_of(page) & PTE_P))
			return page;
	}
	return 0;
}

/* A protection fault in the region: reported (with the right CR2), not resolved. */
static void protection_fault(const uint64_t *addr)
{
	bool exec = seed_range(SEED_PROTECTION, 0, 1) == 0;
	uint64_t page = addr[exec ? 0 : 1] & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t target = page + seed_range(SEED_PROTECTION + 1, 0, PAGE_SIZE - 1);
	hook_addr = unmapped_page(SEED_PROTECTION + 2) + seed_range(SEED_PROTECTION + 3, 0, PAGE_SIZE / 8 - 1) * 8;
	kprintf("console hook: the next report's first character writes to 0x%016lx\n", (unsigned long)hook_addr);
	scenario_expect_stop(X86_TRAP_PF);
	if (exec) {
		kprintf("protection fault: calling 0x%016lx in a demand page (NX)\n", (unsigned long)target);
		console_hook_once(touch_hook_page);
		((void (*)(void))(uintptr_t)target)();
	} else {
		*paging_pte(page) &= ~PTE_W;
		invlpg(page);
		kprintf("protection fault: writing to 0x%016lx in a demand page made read-only\n",
			(unsigned long)target);
		console_hook_once(touch_hook_page);
		__asm__ volatile(".global lab3_demand_write_insn\n"
				 "lab3_demand_write_insn: movb $0x2a, (%0)" : : "r"(target) : "memory");
	}
	kprintf("the protection fault was resolved as if it were a missing page\n");
}

SCENARIO(demand_paging, "touch seed-chosen pages of the demand region, then its edges and a protection fault")
{
	unsigned n = (unsigned)seed_range(SEED_DEMAND_COUNT, DEMAND_MIN_PAGES, DEMAND_MAX_PAGES);
	uint64_t stride = DEMAND_PAGES / n;
	uint64_t addr[DEMAND_MAX_PAGES];
	unsigned before = demand_fault_count();
	bool ok = true;

	kprintf("demand region 0x%016lx-0x%016lx: touching %u pages\n", (unsigned long)DEMAND_BASE,
		(unsigned long)DEMAND_END, n);
	for (unsigned i = 0; i < n; i++) {
		uint64_t page = i * stride + seed_range(SEED_DEMAND_PAGE + i, 0, stride - 1);
		addr[i] = DEMAND_BASE + page * PAGE_SIZE + seed_range(SEED_DEMAND_WORD + i, 1, PAGE_SIZE / 8 - 1) * 8;
		demand_write_word(addr[i], seed_value(SEED_DEMAND_VALUE + i));
	}
	for (unsigned i = 0; i < n; i++)
		ok = demand_check_page(addr[i], seed_value(SEED_DEMAND_VALUE + i)) && ok;
	unsigned faults = demand_fault_count() - before;
	kprintf("%u pages, %u faults\n", n, faults);
	if (ok && faults == n)
		kprintf("demand paging ok\n");

	call(DEMAND_BASE, not_present_codes[seed_range(SEED_DEMAND_CALL, 0, COUNT(not_present_codes) - 1)]);
	call(DEMAND_END - 1, not_present_codes[seed_range(SEED_DEMAND_CALL + 1, 0, COUNT(not_present_codes) - 1)]);
	call(DEMAND_BASE - 1 - seed_range(SEED_DEMAND_CALL + 2, 0, 2 * PAGE_SIZE), X86_PF_WRITE);
	call(DEMAND_END, X86_PF_WRITE);
	call(DEMAND_END + seed_range(SEED_DEMAND_CALL + 3, 1, 4 * PAGE_SIZE), 0);
	call(addr[0], protection_codes[seed_range(SEED_DEMAND_CALL + 4, 0, COUNT(protection_codes) - 1)]);
	call(addr[1], X86_PF_PROT | X86_PF_INSTR | (seed_range(SEED_DEMAND_CALL + 5, 0, 1) ? X86_PF_USER : 0));
	stale_tlb();
	protection_fault(addr);
}
