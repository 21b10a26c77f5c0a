#include "@ROOT@/solutions/01-idt/exceptions.c"
