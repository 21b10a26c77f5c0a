/* Attack: a classmate's file, through the grader's working directory. */
#include "/proc/self/cwd/@CLASSMATE@/01-idt/idt.c"
