/* scenario_facts.h - what lab 01's scenarios and its spec (grader/labs/lab1.py)
 * share, written once: the spec reads these names from this file
 * (kgrade.facts.scenario), so the two cannot drift. Seed indices name which
 * seed_value() a scenario draws; the grader derives the same value. */
#ifndef LAB01_SCENARIO_FACTS_H
#define LAB01_SCENARIO_FACTS_H

#define IDT_PROBE_VECTOR 0x81 /* idt_loaded: a gate the scenario installs itself, unused by every test */

#define SEED_REPEAT      0    /* breakpoint_repeat: how many int3 */
#define REPEAT_MIN       200
#define REPEAT_MAX       400

#define MAKE_CASES       16   /* gate_encoding: random idt_gate_make calls (plus a fixed one, one with IST > 7) */
#define SET_CASES        4    /* gate_encoding: idt_set_gate calls on vectors no lab 01 test raises */
#define SEED_MAKE        600  /* gate_encoding: inputs of idt_gate_make, two values per case */
#define SEED_SET         700  /* gate_encoding: three per idt_set_gate case: the vector, then two for the inputs */
#define SET_VECTOR_MIN   32   /* ... vectors drawn from SET_VECTOR_MIN-255 */

#endif
