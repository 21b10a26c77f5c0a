/* kmain.c - the kernel proper: banner, lab init functions, one scenario. */
#include "boot.h"
#include "kprintf.h"
#include "registry.h"

/* Generated per stage by the build (mk/stage.mk). */
extern const int kernel_stage;
extern const char kernel_stage_desc[];

extern const struct lab_init __lab_inits_start[], __lab_inits_end[];

void kmain(void)
{
	kprintf("lab kernel: stage %d (%s)\n", kernel_stage, kernel_stage_desc);
	kprintf("boot: %s, cmdline \"%s\"\n", boot_info.loader, boot_info.cmdline);
	for (const struct lab_init *li = __lab_inits_start; li < __lab_inits_end; li++) {
		kprintf("init: lab %d %s\n", li->lab, li->name);
		li->fn();
	}
	scenario_run();
}
