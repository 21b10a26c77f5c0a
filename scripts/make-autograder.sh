#!/bin/sh
# make-autograder.sh - the Gradescope autograder (make autograder):
#   build/autograder-<labs>.zip   setup.sh, run_autograder, config.env, handout/
#                                 (and base/ with BASE=solutions)
#
# handout/ is build/handout, made afresh (make handout): the grader grades
# from the same tree students have. Upload the zip as a programming
# assignment's autograder on an Ubuntu 22.04 (or Debian) base image.
#
#   LABS=3  LABS="3 4"  LABS=3,4
#                       grade only these labs (default: all of them); the
#                       zip is named after them (autograder-lab3.zip)
#   BASE=solutions      take the labs below each graded lab from the
#                       reference labs (--base): a student is graded on lab N
#                       alone. base/ then holds only the labs below the
#                       highest graded one, as compiled objects and headers:
#                       never their sources.
#   TIMEOUT_SCALE=2     multiply every test's timeout (default: the grader
#                       calibrates on a reference boot)
# PACKAGE_OUT overrides the output folder (build/). Every setting is checked
# before anything is built.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${PACKAGE_OUT:-$ROOT/build}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
LABS=$(printf '%s' "${LABS:-}" | tr ',' ' ')
BASE=${BASE:-}
TIMEOUT_SCALE=${TIMEOUT_SCALE:-}

# The lab list (mk/labs.mk, through the grader's reader): "N folder" lines.
lab_list() {
	python3 - "$ROOT" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(sys.argv[1], "grader", "lib"))
from kgrade import labs
for n, d in sorted(labs.lab_dirs(sys.argv[1]).items()):
    print(n, d)
PY
}
known=$(lab_list | cut -d' ' -f1 | tr '\n' ' ')
for n in $LABS; do
	case " $known" in
	*" $n "*) ;;
	*) echo "make-autograder: no lab $n in LABS: labs are ${known% }" >&2; exit 2 ;;
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
if [ -n "$BASE" ] && [ ! -d "$ROOT/solutions" ]; then
	echo "make-autograder: BASE=solutions needs solutions/, which this copy does not have" >&2
	exit 2
fi
graded=${LABS:-$known}
top=$(echo $graded | tr ' ' '\n' | sort -n | tail -n 1)
if [ -n "$LABS" ]; then
	name=autograder-lab$(echo $graded | tr ' ' '\n' | sort -n | tr '\n' '-' | sed 's/-$//')
else
	name=autograder-all-labs
fi
zip=$OUT/$name.zip

# Always from a fresh handout: the zip must hold what students get today.
PACKAGE_OUT=$OUT sh "$ROOT/scripts/make-handout.sh" >/dev/null

stage=$OUT/autograder
rm -rf "$stage" "$zip"
mkdir -p "$stage"
cp "$ROOT/autograder/setup.sh" "$ROOT/autograder/run_autograder" "$stage/"
chmod 755 "$stage/setup.sh" "$stage/run_autograder"
cp -R "$OUT/handout" "$stage/handout"
base_dir=""
if [ -n "$BASE" ] && [ "$top" -gt 1 ]; then
	# The reference labs below the highest graded one, compiled: stage
	# top-1 of the solutions gives their objects; headers come from the
	# handout (the same as the solutions': no solution lines in them).
	below=$((top - 1))
	python3 "$ROOT/scripts/run-kernel" --stage "$below" --tree solutions --build-only elf >/dev/null
	objs=$ROOT/build/solutions/stage$below/obj
	lab_list | while read -r n folder; do
		[ "$n" -le "$below" ] || continue
		mkdir -p "$stage/base/$folder"
		cp "$OUT/handout/labs/$folder/"*.h "$stage/base/$folder/"
		for f in "$OUT/handout/labs/$folder/"*.offsets.c; do
			[ -e "$f" ] && cp "$f" "$stage/base/$folder/"
		done
		cp "$objs/lab$n/"*.o "$stage/base/$folder/"
	done
	base_dir=base
fi
cat > "$stage/config.env" <<CONF
# Written by make autograder; read by run_autograder.
LABS="$LABS"
BASE="$base_dir"
TIMEOUT_SCALE="$TIMEOUT_SCALE"
CONF
# Python's zipfile keeps the files' modes, so run_autograder stays executable.
(cd "$stage" && python3 -m zipfile -c "$zip.tmp" setup.sh run_autograder config.env handout $base_dir)
mv "$zip.tmp" "$zip"
rm -rf "$stage"
echo "$zip (labs: ${LABS:-all}${base_dir:+, labs below from the reference objects in base/})"
