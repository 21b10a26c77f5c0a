/* page_fault.c - lab 03, exercises 1 and 3: the #PF handler (page_fault.h). */
#include "kprintf.h"
#include "page_fault.h"
#include "paging.h"
#include "pf_error.h"
#include "registry.h"
#include "report.h"
#include "trap.h"
#include "x86.h"

static unsigned demand_faults;

unsigned demand_fault_count(void)
{
	return demand_faults;
}

void page_fault_report(const struct trap_frame *tf, uint64_t cr2)
{
	report_header(X86_TRAP_PF);
	// TODO(1): Print the three lines between the header and the registers:
	//            #PF: <who> <access> in <mode> mode
	//            #PF: error_code(0x<4 hex digits>) - <cause> [<FLAGS>]
	//            CR2: 0x<16 hex digits>
	//          who/access/cause/FLAGS come from pf_error.h's functions (leave
	//          out " [...]" when no flag is set); <mode> is "kernel" or
	//          "user", from the privilege level in the low 2 bits of tf->cs.
	report_error_code(X86_TRAP_PF, tf->error_code);
	trap_report_frame(tf);
}

uint64_t demand_page_in(uint64_t cr2, uint64_t error)
{
	// TODO(3): Only a not-present fault (PROTECTION_VIOLATION clear) inside
	//          [DEMAND_BASE, DEMAND_BASE + DEMAND_SIZE) is ours: return 0 for
	//          anything else. Take a zeroed frame (frame_alloc; 0 means none
	//          left: return 0), map it at the 4 KiB page holding cr2 with
	//          paging_map_page(page, frame, DEMAND_FLAGS), drop any stale TLB
	//          entry for the page (invlpg), and return the frame.
	return 0;
}

/* The page demand paging mapped last: if that very page is reported not
 * present again, the mapping did not take (wrong page mapped, or none) and
 * resuming would only fault forever. */
static uint64_t last_demand_page = 1; /* no page address is odd */

static void exc_page_fault(struct trap_frame *tf)
{
	// TODO(1): Read the faulting address from CR2 (read_cr2), first thing:
	//          any later page fault, even inside this handler, overwrites it.
	uint64_t cr2 = 0;
	uint64_t page = cr2 & ~(uint64_t)(PAGE_SIZE - 1);
	if (page == last_demand_page && !(tf->error_code & X86_PF_PROT)) {
		kprintf("demand paging: 0x%016lx faulted again right after being mapped\n",
			(unsigned long)cr2);
	} else {
		uint64_t frame = demand_page_in(cr2, tf->error_code);
		if (frame) {
			demand_faults++;
			last_demand_page = page;
			kprintf("demand paging: page 0x%016lx -> frame 0x%016lx\n",
				(unsigned long)page, (unsigned long)frame);
			return; /* iretq re-runs the faulting instruction */
		}
	}
	page_fault_report(tf, cr2);
	exception_stop(X86_TRAP_PF);
}

/* Runs after lab 02's trap_init: the dispatcher is ready for handlers. */
static void page_fault_init(void)
{
	trap_register(X86_TRAP_PF, exc_page_fault);
}
LAB_INIT(page_fault_init);
