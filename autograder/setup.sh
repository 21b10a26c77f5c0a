#!/bin/sh
# setup.sh - Gradescope runs this once, as root, while it builds the
# autograder's image: it installs the Debian/Ubuntu packages the grader
# needs to build and boot the kernel (gcc, binutils, nasm, make, python3,
# qemu-system-x86), through the handout's own scripts/deps.sh.
# AUTOGRADER_ROOT (default /autograder) lets a test run it elsewhere.
set -eu
AG=${AUTOGRADER_ROOT:-/autograder}
sh "$AG/source/handout/scripts/deps.sh" check build run
echo "setup.sh: packages ready"
