/* scenario_facts.h - what lab 02's scenarios and its spec (grader/labs/lab2.py)
 * share, written once: the spec reads these names from this file
 * (kgrade.facts.scenario), so the two cannot drift. Seed indices name which
 * seed_value() a scenario draws; the grader derives the same value. */
#ifndef LAB02_SCENARIO_FACTS_H
#define LAB02_SCENARIO_FACTS_H

#define SEED_GP_SELECTOR 0    /* error_code_gp: the bad selector's index, SEL_MIN-SEL_MAX (times 8) */
#define SEL_MIN          16
#define SEL_MAX          1000
#define SEED_SOFT        10   /* software_vectors: SOFT_COUNT vectors, one seed value each */
#define SOFT_COUNT       4
#define SOFT_MIN         32   /* ... drawn from SOFT_MIN-255 */
#define SEED_REWRITE     120  /* registers_preserved: values the handler writes, 120-135 */
#define SEED_ERROR       800  /* synthetic_frames: vector v's error code is seed value SEED_ERROR + v */

#endif
