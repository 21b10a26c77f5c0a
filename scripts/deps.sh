#!/bin/sh
# deps.sh check|install GROUP... - makes sure the Debian packages a task
# needs are present. "check" installs what is missing when it can (root, or
# sudo without a password) and otherwise prints the one command that will;
# "install" installs every package of the groups, missing or not.
# Groups: build iso run debug docs unit editor test; student (all but test:
# what the handout's make deps installs); all.
set -eu

mode=$1; shift
[ $# -gt 0 ] || set -- all

# tool:package pairs per group
tools_build="gcc:gcc ld:binutils nasm:nasm make:make python3:python3"
tools_iso="grub-mkrescue:grub-common grub-file:grub-common xorriso:xorriso mformat:mtools"
tools_run="qemu-system-x86_64:qemu-system-x86 bwrap:bubblewrap"
tools_debug="gdb:gdb"
tools_docs="doxygen:doxygen dot:graphviz"
tools_unit="gcc:gcc"
tools_editor="clangd:clangd"
tools_test="patch:patch chromium:chromium ccache:ccache sim_c:similarity-tester git:git"

missing=""
need() { case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac; }
# present TEST...: true in check mode when the test passes (install: never).
present() { [ "$mode" = check ] && "$@" >/dev/null 2>&1; }
has_yaml() { python3 -c 'import yaml' || /usr/bin/python3 -c 'import yaml'; }

for group in "$@"; do
	case $group in
	all) list="$tools_build $tools_iso $tools_run $tools_debug $tools_docs $tools_unit $tools_editor $tools_test" ;;
	student) list="$tools_build $tools_iso $tools_run $tools_debug $tools_docs $tools_unit $tools_editor" ;;
	build) list=$tools_build ;;
	iso) list=$tools_iso ;;
	run) list=$tools_run ;;
	debug) list=$tools_debug ;;
	docs) list=$tools_docs ;;
	unit) list=$tools_unit ;;
	editor) list=$tools_editor ;;
	test) list=$tools_test ;;
	*) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
	esac
	for pair in $list; do
		present command -v "${pair%%:*}" || need "${pair#*:}"
	done
	# Packages without a command: GRUB's BIOS modules, the Criterion
	# headers, PyYAML (the tests read the Classroom workflow with it).
	case $group in iso | student | all) present test -d /usr/lib/grub/i386-pc || need grub-pc-bin ;; esac
	case $group in unit | student | all)
		present test -f /usr/include/criterion/criterion.h || need libcriterion-dev ;;
	esac
	case $group in test | all) present has_yaml || need python3-yaml ;; esac
done

# On a desktop, QEMU's window (the VGA screen) is a package of its own.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ ! -d /usr/lib/x86_64-linux-gnu/qemu ] \
	&& ! dpkg -s qemu-system-gui >/dev/null 2>&1; then
	case " $* " in *" run "* | *" student "* | *" all "*) need qemu-system-gui ;; esac
fi
[ -n "$missing" ] || exit 0

if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo"
else
	echo "missing packages:$missing - install them with: sudo apt-get install$missing" >&2
	exit 2
fi
[ "$mode" = install ] || echo "installing missing packages:$missing" >&2
# Refresh the package lists only when they are missing or over a day old.
if [ -z "$(find /var/lib/apt/lists -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	$sudo apt-get update -qq
fi
# sudo resets the environment: the variable goes on apt-get's command line.
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
