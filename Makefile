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

# Values a person typed reach the scripts through the environment, never
# through the shell's parser: quotes or spaces in them stay data.
export TREE BASE TEST SEED LAB_TIMEOUT BATCH DEBUG_TIMEOUT V
RUN_KERNEL = $(PY) $(ROOT)/scripts/run-kernel --stage $(N) --tree "$$TREE" --base "$$BASE" --jobs $(JOBS)

# The maintainer's tree has solutions/ and tests/run-all; a student's
# handout has neither, and make help lists only what works there.
MAINTAINER := $(wildcard $(ROOT)/tests/run-all)

.PHONY: help lab solution build iso debug debug-qemu grade test check deps skeletons \
	docs handout autograder course-files clean

help:
	@echo "Labs (N: folder):$(foreach n,$(LAB_NUMBERS), $(n): $(LAB_$(n)))"
	@echo
	@echo "  make lab N [TEST=name|list] [SEED=n]  build stage N from labs/ and boot it in QEMU"
	$(if $(MAINTAINER),@echo "  make solution N [TEST=...]            the same with solutions/")
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
	@echo "  make check                            the project's own test suite"
	@echo "  make skeletons                        regenerate labs/ from solutions/"
	@echo "  make course-files                     regenerate .github/ and .vscode/ from the specs"
	@echo "  make handout / make autograder        student tarball / Gradescope autograder zip"
	@echo
	@echo "Variables: TREE=labs|solutions|DIR (whose labs), BASE=solutions (labs below N"
	@echo "from the solutions), TEST=scenario, SEED=n, V=1 (show commands),"
else
	@echo
	@echo "Variables: TEST=scenario, SEED=n (repeat a run exactly), V=1 (show commands),"
endif
	@echo "LAB_TIMEOUT=s (make lab stops QEMU after s seconds), DEBUG_TIMEOUT=s (with BATCH, default 60)."
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

skeletons:
	@$(PY) $(ROOT)/scripts/make-skeletons write

docs:
	@sh $(ROOT)/scripts/deps.sh check docs
	@sh $(ROOT)/scripts/build-docs.sh

handout:
	@sh $(ROOT)/scripts/make-handout.sh

autograder: handout
	@sh $(ROOT)/scripts/make-autograder.sh

course-files:
	@$(PY) $(ROOT)/scripts/make-course-files write

clean:
	rm -rf $(ROOT)/build
