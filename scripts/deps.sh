#!/bin/sh
# deps.sh check|install GROUP... - makes sure the Debian packages a task
# needs are present. "check" installs what is missing when it can (root, or
# sudo without a password) and otherwise prints the one command that will.
# Groups: build iso run debug docs test all.
set -eu

mode=$1; shift
[ $# -gt 0 ] || set -- all

# tool:package pairs per group
tools_build="gcc:gcc ld:binutils nasm:nasm make:make python3:python3"
tools_iso="grub-mkrescue:grub-common grub-file:grub-common xorriso:xorriso mformat:mtools"
tools_run="qemu-system-x86_64:qemu-system-x86 bwrap:bubblewrap"
tools_debug="gdb:gdb"
tools_docs="doxygen:doxygen dot:graphviz"
tools_test="patch:patch"

missing=""
need() { case " $missing " in *" $1 "*) ;; *) missing="$missing $1" ;; esac; }

for group in "$@"; do
	case $group in
	all) list="$tools_build $tools_iso $tools_run $tools_debug $tools_docs $tools_test" ;;
	build) list=$tools_build ;;
	iso) list=$tools_iso ;;
	run) list=$tools_run ;;
	debug) list=$tools_debug ;;
	docs) list=$tools_docs ;;
	test) list=$tools_test ;;
	*) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
	esac
	for pair in $list; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || need "${pair#*:}"
	done
	# GRUB's BIOS modules are a package of their own, without a command.
	if [ "$group" = iso ] || [ "$group" = all ]; then
		[ -d /usr/lib/grub/i386-pc ] || need grub-pc-bin
	fi
	if [ "$group" = test ] || [ "$group" = all ]; then
		[ -f /usr/include/criterion/criterion.h ] || need libcriterion-dev
	fi
done

if [ "$mode" = install ]; then
	missing="$missing nasm grub-pc-bin grub-common xorriso mtools qemu-system-x86 bubblewrap gdb doxygen graphviz libcriterion-dev patch gcc binutils make python3"
fi
# On a desktop, QEMU's window (the VGA screen) is a package of its own.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ ! -d /usr/lib/x86_64-linux-gnu/qemu ] \
	&& ! dpkg -s qemu-system-gui >/dev/null 2>&1; then
	case " $* " in *" run "*|*" all "*) need qemu-system-gui ;; esac
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
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when they are missing or over a day old.
if [ -z "$(find /var/lib/apt/lists -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	$sudo apt-get update -qq
fi
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
