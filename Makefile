# Makefile - the one entry point. Thin: it reads the lab number, checks the
# tools, and hands the work to mk/stage.mk (builds) and scripts/ (running).
# `make help` lists every target.

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
include $(ROOT)/mk/labs.mk

PY    := python3
TREE  ?= labs
BASE  ?=
TEST  ?=
SEED  ?=
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
export PYTHONDONTWRITEBYTECODE := 1

# "make lab 3": the number is a goal of its own. Take it as N and make the
# goal itself do nothing.
NUMBERED := lab solution build iso debug debug-qemu grade test
GOAL := $(firstword $(MAKECMDGOALS))
ifneq ($(filter $(GOAL),$(NUMBERED)),)
  ARG := $(word 2,$(MAKECMDGOALS))
  ifneq ($(ARG),)
    N := $(ARG)
    $(eval $(ARG):;@:)
  endif
endif

# Validate N for the goals that need one (grade may go without). The lab
# list is mk/labs.mk's; whether the lab's folder exists, run-kernel says.
ifneq ($(filter $(GOAL),lab solution build iso debug debug-qemu),)
  ifeq ($(N),)
    $(error no lab given: use make $(GOAL) N, labs are $(LAB_SPAN))
  endif
  ifeq ($(filter $(N),0 $(LAB_NUMBERS)),)
    $(error no lab $(N): labs are $(LAB_SPAN))
  endif
endif
ifneq ($(filter $(GOAL),grade test),)
  ifneq ($(N),)
    ifeq ($(filter $(N),$(LAB_NUMBERS)),)
      $(error no lab $(N): labs are $(LAB_SPAN))
    endif
  endif
endif

ifeq ($(GOAL),solution)
  TREE := solutions
endif

# What a person types: its characters are checked here, so that a mistake
# is one line (the scripts check the ranges). $(value ...) keeps make from
# expanding what was typed.
LETTERS := a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F G H I J K L M N O P Q R S T U V W X Y Z
DIGITS := 0 1 2 3 4 5 6 7 8 9
drop_chars = $(if $(2),$(call drop_chars,$(subst $(firstword $(2)),,$(1)),$(wordlist 2,$(words $(2)),$(2))),$(1))
# $(call made_of,TEXT,CHARS): non-empty if TEXT is one word of CHARS only.
made_of = $(if $(and $(filter 1,$(words $(1))),$(if $(call drop_chars,$(1),$(2)),,ok)),ok)
ifneq ($(and $(value TEST),$(if $(call made_of,$(value TEST),$(LETTERS) $(DIGITS) _),,bad)),)
  $(error TEST must be a scenario name (letters, digits, _) or list; make lab N TEST=list shows them)
endif
ifneq ($(and $(value SEED),$(if $(call made_of,$(value SEED),$(DIGITS)),,bad)),)
  $(error SEED is a number from 0 to 18446744073709551615)
endif
ifneq ($(and $(value LAB_TIMEOUT),$(if $(call made_of,$(value LAB_TIMEOUT),$(DIGITS) .),,bad)),)
  $(error LAB_TIMEOUT must be a number of seconds (0: no limit))
endif
ifneq ($(and $(value DEBUG_TIMEOUT),$(if $(call made_of,$(value DEBUG_TIMEOUT),$(DIGITS) .),,bad)),)
  $(error DEBUG_TIMEOUT must be a number of seconds)
endif

# Values a person typed reach the scripts through the environment, never
# through the shell's parser: quotes or spaces in them stay data.
export TREE BASE TEST SEED LAB_TIMEOUT BATCH DEBUG_TIMEOUT V
RUN_KERNEL = $(PY) $(ROOT)/scripts/run-kernel --stage $(N) --tree "$$TREE" --base "$$BASE" --jobs $(JOBS)

.PHONY: help lab solution build iso debug debug-qemu grade test check deps skeletons \
	docs handout autograder course-files clean maintainer-tree mutants-update

# The maintainer's commands are listed only where they work: in the tree
# that has solutions/ (a student handout does not).
MAINTAINER := $(wildcard $(ROOT)/solutions)
COMMA := ,

help:
	@echo "Labs (N: folder):$(foreach n,$(LAB_NUMBERS), $(n): $(LAB_$(n)))"
	@echo
	@echo "  make lab N [TEST=name|list] [SEED=n]  build stage N from labs/ and boot it in QEMU"
	@echo "  make test [N]                         unit tests of your lab functions (no QEMU)"
	@echo "  make grade [N]                        grade your labs/ (all labs, or lab N)"
	@echo "  make debug N [TEST=name]              QEMU paused + GDB with the kernel helpers"
	@echo "  make debug N BATCH=cmds.gdb           the same, running GDB commands from a file, then quit"
	@echo "  make debug-qemu N [TEST=name]         QEMU paused for your own debugger; prints the port"
	@echo "  make build N / make iso N             only build stage N's ELF / GRUB ISO"
	@echo "  make deps                             install the Debian packages (apt-get)"
	@echo "  make docs                             Doxygen HTML and handouts in build/docs/html"
	@echo "  make clean                            remove build/"
ifneq ($(MAINTAINER),)
	@echo
	@echo "Maintainers (this tree has solutions/):"
	@echo "  make solution N [TEST=...]            make lab with solutions/"
	@echo "  make check                            the project's own test suite"
	@echo "  make skeletons                        regenerate labs/ from solutions/"
	@echo "  make course-files                     regenerate .github/ and .vscode/ from the specs"
	@echo "  make handout / make autograder        student tarball / Gradescope autograder zip"
	@echo "  make mutants-update                   rewrite the mutants' Loses: lists from a fresh run"
endif
	@echo
	@echo "Variables: TREE=labs|DIR (whose labs),$(if $(MAINTAINER), BASE=solutions (labs below N from the solutions)$(COMMA)) TEST=scenario,"
	@echo "SEED=n, V=1 (show commands), LAB_TIMEOUT=s (make lab stops QEMU after s seconds),"
	@echo "DEBUG_TIMEOUT=s (with BATCH, default 60)."
	@echo "Editors: clangd reads build/compile_commands.json (any build writes it); VS Code"
	@echo "has tasks and a debug launch in .vscode/ (docs/gdb.md)."

build:
	@sh $(ROOT)/scripts/deps.sh check build
	@$(RUN_KERNEL) --build-only elf

iso:
	@sh $(ROOT)/scripts/deps.sh check build iso
	@$(RUN_KERNEL) --build-only iso

lab solution:
	@sh $(ROOT)/scripts/deps.sh check build iso run
	@$(RUN_KERNEL) --test "$$TEST" --seed "$$SEED"

debug debug-qemu:
	@sh $(ROOT)/scripts/deps.sh check build iso run $(if $(filter debug,$(GOAL)),debug)
	@$(PY) $(ROOT)/scripts/debug-kernel --stage $(N) --tree "$$TREE" --base "$$BASE" \
		$(if $(filter debug-qemu,$(GOAL)),--qemu-only --session $(ROOT)/build/debug-qemu) \
		$(if $(BATCH),--batch "$$BATCH" --timeout "$${DEBUG_TIMEOUT:-60}") \
		--test "$$TEST" --seed "$$SEED"

grade:
	@sh $(ROOT)/scripts/deps.sh check build run
	@$(PY) $(ROOT)/grader/grade $(N) --tree "$$TREE" $(if $(BASE),--base "$$BASE")

test:
	@sh $(ROOT)/scripts/deps.sh check build unit
	@$(PY) $(ROOT)/scripts/unit-tests $(N) --tree "$$TREE"

check:
	@test -f $(ROOT)/tests/run-all || { echo "make check runs the project's own test suite, which the student handout leaves out: use make grade" >&2; exit 2; }
	@sh $(ROOT)/scripts/deps.sh check all
	@$(PY) $(ROOT)/tests/run-all

deps:
	@sh $(ROOT)/scripts/deps.sh install $(if $(MAINTAINER),all,student)

# The maintainer's targets, in a student handout: one line that says so.
skeletons handout autograder course-files mutants-update: maintainer-tree
maintainer-tree:
	@test -n "$(MAINTAINER)" || { echo "make $(GOAL) is for the maintainer's tree (with solutions/); this is a student handout" >&2; exit 2; }

skeletons:
	@$(PY) $(ROOT)/scripts/make-skeletons write

docs:
	@sh $(ROOT)/scripts/deps.sh check docs
	@sh $(ROOT)/scripts/build-docs.sh

handout:
	@sh $(ROOT)/scripts/make-handout.sh

mutants-update:
	@$(PY) $(ROOT)/tests/mutants/update

autograder:
	@sh $(ROOT)/scripts/make-autograder.sh

course-files:
	@$(PY) $(ROOT)/scripts/make-course-files write

clean:
	rm -rf $(ROOT)/build
