"""kgrade: the lab kernel's grader library (Python standard library only).

Modules: labs (the lab list), seed (twin of common/seed.c), qemu (command
lines and bounded runs), qemulog (QEMU's -d int log), symbols (nm), build
(stage builds), spec (test declarations), check (evaluating one run),
runner (scheduling), report (text, JSON, Gradescope, JUnit), submissions.
"""
