/* scenario.c - choosing and running the scenario named by test=. */
#include <stddef.h>
#include "boot.h"
#include "cmdline.h"
#include <string.h>
#include "kprintf.h"
#include "qemu.h"
#include "registry.h"

extern const struct scenario __scenarios_start[], __scenarios_end[];

unsigned long long scenario_seed;
static int expected_stop = -1;

void scenario_expect_stop(unsigned vector)
{
	expected_stop = (int)vector;
}

void exception_stop(unsigned vector)
{
	if ((int)vector == expected_stop) {
		kprintf("[ok]\n");
		qemu_exit(KERNEL_EXIT_SUCCESS);
	}
	qemu_exit(KERNEL_EXIT_FAILURE);
}

/* Prints the scenarios ordered by lab, then name (link order is arbitrary). */
static void list_scenarios(void)
{
	const struct scenario *last = NULL;
	for (;;) {
		const struct scenario *next = NULL;
		for (const struct scenario *s = __scenarios_start; s < __scenarios_end; s++) {
			bool after_last = !last || s->lab > last->lab ||
				(s->lab == last->lab && strcmp(s->name, last->name) > 0);
			bool before_next = !next || s->lab < next->lab ||
				(s->lab == next->lab && strcmp(s->name, next->name) < 0);
			if (after_last && before_next)
				next = s;
		}
		if (!next)
			return;
		kprintf("  %-24s lab %d%s  %s\n", next->name, next->lab,
			next->demo ? " (demo)" : "       ", next->summary);
		last = next;
	}
}

static const struct scenario *find_demo(void)
{
	const struct scenario *demo = NULL;
	for (const struct scenario *s = __scenarios_start; s < __scenarios_end; s++)
		if (s->demo && (!demo || s->lab >= demo->lab))
			demo = s;
	return demo;
}

void scenario_run(void)
{
	char name[64];
	scenario_seed = cmdline_get_u64(boot_info.cmdline, "seed", 0);
	const struct scenario *chosen = NULL;

	if (!cmdline_get(boot_info.cmdline, "test", name, sizeof(name)) || !name[0]) {
		chosen = find_demo();
		if (!chosen) {
			kprintf("no demo scenario in this stage; scenarios:\n");
			list_scenarios();
			qemu_exit(KERNEL_EXIT_SUCCESS);
		}
	} else if (strcmp(name, "list") == 0) {
		kprintf("scenarios:\n");
		list_scenarios();
		qemu_exit(KERNEL_EXIT_SUCCESS);
	} else {
		for (const struct scenario *s = __scenarios_start; s < __scenarios_end; s++)
			if (strcmp(s->name, name) == 0)
				chosen = s;
		if (!chosen) {
			kprintf("unknown scenario '%s'; known scenarios:\n", name);
			list_scenarios();
			qemu_exit(KERNEL_EXIT_FAILURE);
		}
	}

	kprintf("scenario: %s (lab %d) seed=%llu\n", chosen->name, chosen->lab, scenario_seed);
	chosen->fn();
	kprintf("scenario %s: done\n", chosen->name);
	qemu_exit(KERNEL_EXIT_SUCCESS);
}
