/* Attack: the reference solution, by a relative path that climbs to /. */
#include "@UP@@ROOT@/solutions/01-idt/idt.c"
