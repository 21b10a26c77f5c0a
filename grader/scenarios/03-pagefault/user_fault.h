/* user_fault.h - a page fault from ring 3 (user_scenarios.c). */
#ifndef LAB03_USER_FAULT_H
#define LAB03_USER_FAULT_H

/* Sets up ring 3 (segments, TSS, user pages) and makes one seed-chosen
 * access there that faults; the #PF handler's report ends the run. Returns
 * only when ring 3 could not be set up (after saying so). */
void user_fault(void);

#endif
