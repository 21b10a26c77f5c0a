#!/bin/sh
# make-handout.sh - the student distribution (make handout):
#   build/handout/         the tree a student works in
#   build/handout.tar.gz   the same, as one file (top folder: handout/)
#
# It holds what a student needs to build, boot, debug and grade the labs
# and to read the docs, with the editor and CI files (.vscode/ and
# the GitHub Classroom workflow in .github/). Not solutions/ (labs/ carries
# the TODO skeletons instead), and of tests/ only the unit tests of the lab
# functions (make test N): the rest of the suite, with its mutants
# (solutions with one bug each), is for maintainers. PACKAGE_OUT overrides
# the output folder (build/).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${PACKAGE_OUT:-$ROOT/build}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac

SHIPPED="Makefile mk common labs grader docs scripts tools README.md .gitignore .github .vscode"
# tests/unit/test_labNN_*.c: what make test N runs on the student's labs/.
LAB_TESTS="tests/unit/test_lab[0-9]*_*.c"

if [ ! -d "$ROOT/solutions" ]; then
	echo "make-handout: no solutions/ here: this tree already is a student handout" >&2
	exit 2
fi
# labs/ must be exactly what make-skeletons makes from solutions/.
if ! python3 "$ROOT/scripts/make-skeletons" check >/dev/null; then
	echo "make-handout: labs/ is out of date with solutions/: run make skeletons first" >&2
	exit 1
fi

dest=$OUT/handout
rm -rf "$dest" "$OUT/handout.tar.gz"
mkdir -p "$dest"
paths=""
for p in $SHIPPED; do
	[ -e "$ROOT/$p" ] && paths="$paths $p"
done
for p in $(cd "$ROOT" && echo $LAB_TESTS); do
	[ -e "$ROOT/$p" ] && paths="$paths $p"
done
# shellcheck disable=SC2086
tar -C "$ROOT" --exclude=__pycache__ --exclude='*.pyc' --exclude=.git -cf - $paths | tar -C "$dest" -xf -
# The README's maintainer part speaks of solutions/ and tests/, which students do not get.
sed -i '/^<!-- maintainers: /,$d' "$dest/README.md"
# Nor do they get the instructor's pages and the maintainer's scripts.
rm -f "$dest/docs/instructor-guide.md" "$dest/docs/design.md" "$dest/scripts/make-handout.sh" \
	"$dest/scripts/make-autograder.sh" "$dest/scripts/make-skeletons" "$dest/scripts/make-course-files"
sed -i '/^<!-- instructors: /,/^<!-- \/instructors -->/d' "$dest/docs/mainpage.md"
# Which grader this is, for the reports of a batch graded from the handout.
git -C "$ROOT" describe --always --dirty --tags > "$dest/grader/VERSION" 2>/dev/null \
	|| echo unknown > "$dest/grader/VERSION"

# Reproducible: sorted names, one owner, the last commit's time (or now).
stamp=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)
tar -C "$OUT" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" \
	-cf - handout | gzip -n -9 > "$OUT/handout.tar.gz.tmp"
mv "$OUT/handout.tar.gz.tmp" "$OUT/handout.tar.gz"
echo "$dest"
echo "$OUT/handout.tar.gz ($(du -k "$OUT/handout.tar.gz" | cut -f1) KiB)"
