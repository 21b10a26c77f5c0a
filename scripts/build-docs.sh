#!/bin/sh
# build-docs.sh - the documentation site (make docs) and its figures.
#
#   build-docs.sh               render the figures, run Doxygen (docs/Doxyfile):
#                               build/docs/html/index.html. Warnings are errors.
#   build-docs.sh figures [NAME...]
#                               re-render the committed docs/figures/NAME.svg
#                               from docs/figures/NAME.dot, all or the NAMEs
#                               given (commit both: a git host shows the SVGs;
#                               the site renders its own from the .dot files)
#
# Doxygen reads every input through scripts/doxygen-filter.awk (why: there).
# The documented API is the lab headers of solutions/ (the instructor's
# tree) or, in the student handout, of labs/: the same headers. DOCS_OUT
# overrides the output folder (build/docs).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIGURES=$ROOT/docs/figures

# render_figures DEST [NAME...]: docs/figures/NAME.dot (all of them if no
# NAME) to DEST/NAME.svg. Graphviz warnings (a bad attribute, a font it
# cannot find) count as errors.
render_figures() {
	dest=$1
	shift
	if [ $# -eq 0 ]; then
		set -- "$FIGURES"/*.dot
		[ -e "$1" ] || return 0
	fi
	for src in "$@"; do
		name=$(basename "$src" .dot)
		src=$FIGURES/$name.dot
		[ -e "$src" ] || { echo "build-docs: no docs/figures/$name.dot" >&2; exit 2; }
		if ! dot -Tsvg "$src" -o "$dest/$name.svg.tmp" 2>"$dest/$name.err" || [ -s "$dest/$name.err" ]; then
			echo "build-docs: docs/figures/$name.dot:" >&2
			cat "$dest/$name.err" >&2
			rm -f "$dest/$name.err" "$dest/$name.svg.tmp"
			exit 1
		fi
		rm -f "$dest/$name.err"
		mv "$dest/$name.svg.tmp" "$dest/$name.svg"
	done
}

case ${1:-} in
figures)
	command -v dot >/dev/null || { echo "build-docs: dot is missing: apt-get install graphviz" >&2; exit 2; }
	shift
	render_figures "$FIGURES" "$@"
	echo "rendered docs/figures/${1:-*}.svg${2:+ ...}: commit them with their .dot sources"
	exit 0
	;;
"") ;;
*)
	echo "build-docs: unknown argument '$1' (use: build-docs.sh [figures])" >&2
	exit 2
	;;
esac

OUT=${DOCS_OUT:-$ROOT/build/docs}
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
if [ -d "$ROOT/solutions" ]; then tree=solutions; else tree=labs; fi
cd "$ROOT"
DOCS_LABS=""
for lab in "$tree"/[0-9][0-9]-*; do
	[ -d "$lab" ] && DOCS_LABS="$DOCS_LABS $lab"
done
# Pages in reading order (the site's navigation follows INPUT): the main
# page, the labs, the references, then any other page.
DOCS_PAGES=""
for page in docs/mainpage.md docs/lab[0-9]*.md docs/report-format.md docs/gdb.md \
	docs/instructor-guide.md docs/design.md docs/*.md; do
	case " $DOCS_PAGES " in *" $page "*) continue ;; esac
	[ -f "$page" ] && DOCS_PAGES="$DOCS_PAGES $page"
done
DOCS_OUT=$OUT
DOCS_FIGURES=$OUT/figures
export DOCS_LABS DOCS_PAGES DOCS_OUT DOCS_FIGURES

rm -rf "$OUT/html" "$DOCS_FIGURES"
mkdir -p "$DOCS_FIGURES"
render_figures "$DOCS_FIGURES"
# Doxygen prints every warning, then fails (WARN_AS_ERROR=FAIL_ON_WARNINGS).
if ! doxygen docs/Doxyfile; then
	echo "build-docs: Doxygen reported the warnings above: they count as errors" >&2
	exit 1
fi
echo "$OUT/html/index.html"
