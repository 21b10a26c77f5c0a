/* scenario_facts.h - what lab 04's scenarios and its spec (grader/labs/lab4.py)
 * share, written once: the spec reads these names from this file
 * (kgrade.facts.scenario), so the two cannot drift. Seed indices name which
 * seed_value() a scenario draws; the grader derives the same value. */
#ifndef LAB04_SCENARIO_FACTS_H
#define LAB04_SCENARIO_FACTS_H

#define SEED_UNMAPPED_PAGE  0    /* missing_handler: the page written, UNMAPPED_PAGE_MIN-MAX */
#define SEED_UNMAPPED_WORD  1    /* ... and the 8-byte word in it, 0-511 */
#define UNMAPPED_PAGE_MIN   (1ULL << 20) /* 4 GiB: nothing is mapped from there to 512 GiB */
#define UNMAPPED_PAGE_MAX   ((1ULL << 27) - 1)
#define SEED_DF_ERROR       10   /* ist_set: the error code of the frame exc_double_fault reports (| 1) */
#define SEGMENT_CASES       8    /* descriptor_encoding: gdt_segment_make calls */
#define SEED_SEGMENT        200  /* ... four values each: base, limit, access, flags */
#define TSS_CASES           6    /* descriptor_encoding: gdt_tss_descriptor_make calls */
#define SEED_TSS            240  /* ... two values each: base, limit */
#define SPARE_LO            32   /* idt_after_switch: vectors no exception uses */
#define PLANTED             4    /* ... gates planted on spare vectors */
#define SEED_PLANTED_VECTOR 300  /* ... their vectors, one value each */
#define SEED_PLANTED_GATE   310  /* ... their fields, four values each: offset, IST, attributes, present */
#define RAISED              3    /* ... int N raised on spare vectors */
#define SEED_RAISED_VECTOR  320  /* ... their vectors, one value each */

#endif
