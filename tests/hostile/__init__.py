"""Hostile kernels: stage 0 plus one misbehaving source each, graded by the
grader's own machinery against a real lab's expectations."""

import os
import sys

_LIB = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "grader", "lib"))
if _LIB not in map(os.path.abspath, sys.path):
    sys.path.insert(0, _LIB)
