"""Boot tests: stage 0 (the core alone) and the ELF of every stage."""

import os
import sys

_LIB = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "grader", "lib"))
if _LIB not in map(os.path.abspath, sys.path):
    sys.path.insert(0, _LIB)
