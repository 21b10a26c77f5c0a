#!/bin/sh
# make-autograder.sh - the Gradescope autograder (make autograder):
#   build/autograder.zip   setup.sh, run_autograder, config.env, handout/
#
# handout/ is build/handout, made afresh (make handout): the grader grades
# from the same tree students have. Upload the zip as a programming assignment's
# autograder on an Ubuntu 22.04 (or Debian) base image.
#
#   LABS=3              grade only these labs (default: all of them)
#   BASE=solutions      ship solutions/ as base/ and take the labs below each
#                       graded lab from it (--base): a student is graded on
#                       lab N alone. The zip then holds solutions: keep it
#                       private (Gradescope never shows it to students).
#   TIMEOUT_SCALE=2     multiply every test's timeout (default: the grader
#                       calibrates on a reference boot)
# PACKAGE_OUT overrides the output folder (build/).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${PACKAGE_OUT:-$ROOT/build}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
LABS=${LABS:-}
BASE=${BASE:-}
TIMEOUT_SCALE=${TIMEOUT_SCALE:-}

known=$(sed -n 's/^LAB_NUMBERS *:= *//p' "$ROOT/mk/labs.mk" | tr -s ' \t' '  ')
for n in $LABS; do
	case " $known " in
	*" $n "*) ;;
	*) echo "make-autograder: no lab $n in LABS: labs are $known" >&2; exit 2 ;;
	esac
done
case $BASE in
"" | solutions) ;;
*) echo "make-autograder: BASE can only be solutions (or empty), not '$BASE'" >&2; exit 2 ;;
esac
if [ -n "$TIMEOUT_SCALE" ] && ! echo "$TIMEOUT_SCALE" | grep -Eq '^([0-9]+\.?[0-9]*|\.[0-9]+)$' \
	|| ! awk -v x="${TIMEOUT_SCALE:-1}" 'BEGIN { exit !(x + 0 > 0) }'; then
	echo "make-autograder: TIMEOUT_SCALE must be a number above 0, not '$TIMEOUT_SCALE'" >&2
	exit 2
fi
# Always from a fresh handout: the zip must hold what students get today.
PACKAGE_OUT=$OUT sh "$ROOT/scripts/make-handout.sh" >/dev/null

stage=$OUT/autograder
rm -rf "$stage" "$OUT/autograder.zip"
mkdir -p "$stage"
cp "$ROOT/autograder/setup.sh" "$ROOT/autograder/run_autograder" "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"
cp -R "$OUT/handout" "$stage/handout"
if [ -n "$BASE" ]; then
	cp -R "$ROOT/solutions" "$stage/base"
	base_dir=base
else
	base_dir=""
fi
cat > "$stage/config.env" <<CONF
# Written by make autograder; read by run_autograder.
LABS="$LABS"
BASE="$base_dir"
TIMEOUT_SCALE="$TIMEOUT_SCALE"
CONF
# Python's zipfile keeps the files' modes, so run_autograder stays executable.
(cd "$stage" && python3 -m zipfile -c "$OUT/autograder.zip.tmp" setup.sh run_autograder config.env handout $base_dir)
mv "$OUT/autograder.zip.tmp" "$OUT/autograder.zip"
rm -rf "$stage"
echo "$OUT/autograder.zip (labs: ${LABS:-all}${BASE:+, labs below from $BASE})"
