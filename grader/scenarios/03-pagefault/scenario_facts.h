/* scenario_facts.h - what lab 03's scenarios and its spec (grader/labs/lab3.py)
 * share, written once: the spec reads these names from this file
 * (kgrade.facts.scenario), so the two cannot drift. A seed index names
 * which seed_value() a scenario draws; the grader derives the same value.
 * A group's later values follow its first (SEED_WALK_SPAN + 2, ...). */
#ifndef LAB03_SCENARIO_FACTS_H
#define LAB03_SCENARIO_FACTS_H

/* fault_scenarios.c */
#define SEED_WRITE_UNMAPPED 0    /* write_unmapped: the address */
#define SEED_READ_UNMAPPED  1    /* read_unmapped: the address */
#define SEED_TEXT_READ      2    /* read_code_page: the offset into .text */
#define SEED_TEXT_WRITE     3    /* write_code_page: the offset into .text */
#define SEED_NX_OFFSET      4    /* exec_nx_page: the offset into lab3_nx_page */
#define SEED_SCRATCH_PAGE   5    /* reserved_bit: the page of the scratch region */
#define SEED_SCRATCH_OFFSET 6    /* ... and the offset in it */
#define UNMAPPED_LO  (1ULL << 30)          /* 1 GiB */
#define UNMAPPED_HI  ((1ULL << 39) - 1)    /* 512 GiB - 1: still level-4 slot 0 */
#define SCRATCH_BASE 0x0000500000000000ULL /* level-4 slot 160: used by reserved_bit only */

/* table_scenarios.c */
#define SEED_WALK_SPAN      10   /* walk: 10-14, addresses in VGA, .text, .rodata, .data/.bss, the direct map */
#define SEED_EMPTY_SLOT     15   /* walk: 15-20, an empty level-4, PDPT and PD slot (slot, offset each) */
#define SEED_WALK_GUARD     21   /* walk: the address in the stack's guard page */
#define SEED_VGA_ALIAS      22   /* walk: 22-24, the alias of the VGA buffer (PD slot, PT slot, offset) */
#define SEED_CR3_FLAGS      25   /* cr3: the flag and ignored bits put in CR3 */

/* demand_scenarios.c */
#define SEED_DEMAND_COUNT   30   /* demand_paging: how many pages, DEMAND_MIN_PAGES-DEMAND_MAX_PAGES */
#define SEED_DEMAND_PAGE    31   /* ... + i: which page of the i-th stride */
#define SEED_DEMAND_WORD    50   /* ... + i: which word of that page */
#define SEED_DEMAND_VALUE   70   /* ... + i: the value written there */
#define SEED_DEMAND_CALL    90   /* 90-95: the direct demand_page_in calls (codes, offsets) */
#define SEED_STALE_TLB      96   /* 96-98: the stale TLB entry (page, word, marker) */
#define SEED_PROTECTION     99   /* 99-102: the protection fault at the end (kind, offset, hook page, word) */
#define DEMAND_MIN_PAGES    4
#define DEMAND_MAX_PAGES    12
#define NOT_PRESENT_CODES   { 0x0, 0x2, 0x4, 0x6, 0x10, 0x14 }
#define PROTECTION_CODES    { 0x1, 0x3, 0x5, 0x7 }

/* decode_scenarios.c */
#define SEED_RANDOM_CODE    400  /* error_codes: + i, the i-th random error code */
#define SEED_HIGH_BIT       420  /* ... + i: a bit above 6 added to every third one */
#define SEED_CUT_SIZE       440  /* ... + i: the buffer size of the i-th cut */
#define SEED_SYNTHETIC      450  /* ... four per synthetic frame: error code, CS, CR2, RIP */
#define RANDOM_CODES        12
#define CUTS                3
#define FRAMES              3
#define FIXED_CODES { 0x8, 0x9, 0xb, 0x19, 0xd, 0xf, 0x4, 0x5, 0x6, 0x7, 0x14, 0x15, 0x12, 0x20, 0x40, 0x80, 0x8000, 0x100000000ULL, 0x8000000000000001ULL }
#define CS_CHOICE           { 0x18, 0x08, 0x2b, 0x33, 0x23 }

/* user_scenarios.c */
#define SEED_USER           500  /* 500-502: the kind of ring-3 fault, the offset, RBX */
#define USER_BASE  0x0000600000000000ULL /* level-4 slot 192: nothing else there */
#define USER_CODE  (USER_BASE + 0x0000)  /* alias of lab3_user_page: P U */
#define USER_STACK (USER_BASE + 0x1000)  /* P W U NX */
#define USER_RO    (USER_BASE + 0x3000)  /* P U: writing faults */
#define USER_RSVD  (USER_BASE + 0x4000)  /* P W U NX and bit 51: reserved */
#define USER_NONE  (USER_BASE + 0x5000)  /* not mapped */
/* The kinds of ring-3 fault: access (0 read, 1 write) * 16 + target (0 not
 * mapped, 1 kernel .data, 2 read-only, 3 reserved bit). No fetches: their
 * CR2 equals RIP, so a report that printed RIP as CR2 would pass. */
#define USER_KINDS          { 0x00, 0x10, 0x01, 0x11, 0x12, 0x03 }

/* walk_built.c */
#define SEED_BUILT_SLOT     600  /* 600-610: the slots of the built tables */
#define SEED_BUILT_ENTRY    620  /* 620-634: their entries' bits */
#define SEED_BUILT_LOW      640  /* 640-647: the low bits of the addresses walked */
#define SEED_BUILT_INDEX    650  /* 650-653: pt_index inputs */
#define SEED_BUILT_LEAF     660  /* 660-677: pt_leaf_phys inputs, three each */
#define UPPER_BITS  0x7FF0000000000F7EULL /* W U PWT PCD A, 6, 8-11 (ignored), 52-62 */
#define LEAF4K_BITS 0xFFF0000000000FFEULL /* flags 1-8 (7 is PAT), 9-11, 52-63 */
#define LEAF2M_BITS 0xFFF00000001FFF7EULL /* flags, 8-11, PAT (12), 13-20, 52-63 */
#define LEAF1G_BITS 0xFFF000003FFFFF7EULL /* flags, 8-11, PAT (12), 13-29, 52-63 */
#define FRAME2M     0x000FFFFFFFE00000ULL
#define FRAME1G     0x000FFFFFC0000000ULL
#define WALKS       8
#define INDEX_CASES 4
#define LEAF_CASES  6

#endif
