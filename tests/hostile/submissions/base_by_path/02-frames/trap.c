/* Attack (Gradescope, BASE=solutions): the reference lab 01 and 02 sources
 * by absolute path inside the autograder's base/. */
#include "@BASE@/02-frames/trap.c"
