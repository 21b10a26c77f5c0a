# labs.mk - the lab list: number -> folder name (NN-name, zero-padded), the
# one place it is written. make includes it; the grader, the packaging
# scripts and the tests read it through grader/lib/kgrade/labs.py, which
# also checks that LAB_NUMBERS lists exactly the LAB_n lines.
LAB_1 := 01-idt
LAB_2 := 02-frames
LAB_3 := 03-pagefault
LAB_4 := 04-double-fault
LAB_NUMBERS := 1 2 3 4
LAB_SPAN := $(firstword $(LAB_NUMBERS))-$(lastword $(LAB_NUMBERS))
