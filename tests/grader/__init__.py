"""Unit tests of the grader library (grader/lib/kgrade)."""

import os
import sys

_LIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "grader", "lib")
if os.path.abspath(_LIB) not in map(os.path.abspath, sys.path):
    sys.path.insert(0, os.path.abspath(_LIB))
