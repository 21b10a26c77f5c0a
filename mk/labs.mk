# labs.mk - the lab list: number -> directory name. The only place it lives
# for make; grader/lib/labs.py reads this file too.
LAB_1 := 01-idt
LAB_2 := 02-frames
LAB_3 := 03-pagefault
LAB_4 := 04-double-fault
LAB_NUMBERS := 1 2 3 4
