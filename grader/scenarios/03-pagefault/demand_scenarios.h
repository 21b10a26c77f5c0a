/* demand_scenarios.h - touching demand pages, shared by lab 03's scenarios. */
#ifndef LAB03_DEMAND_SCENARIOS_H
#define LAB03_DEMAND_SCENARIOS_H

#include <stdbool.h>
#include <stdint.h>

/* Prints "writing V at A", then writes: the first write to a demand page
 * faults, the handler maps it and the write runs again. */
void demand_write_word(uint64_t addr, uint64_t value);

/* Reads back @value at @addr and a word half a page away that nothing
 * wrote (a fresh page holds zeros there); prints both; true if right. */
bool demand_check_page(uint64_t addr, uint64_t value);

#endif
