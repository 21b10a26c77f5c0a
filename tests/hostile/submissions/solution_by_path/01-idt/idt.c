/* Attack: the reference solution, by absolute path. */
#include "@ROOT@/solutions/01-idt/idt.c"
