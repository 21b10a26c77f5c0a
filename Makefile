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
NUMBERED := lab solution build iso debug debug-qemu grade
GOAL := $(firstword $(MAKECMDGOALS))
ifneq ($(filter $(GOAL),$(NUMBERED)),)
  ARG := $(word 2,$(MAKECMDGOALS))
  ifneq ($(ARG),)
    N := $(ARG)
    $(eval $(ARG):;@:)
  endif
endif

# Validate N for the goals that need one (grade may go without).
ifneq ($(filter $(GOAL),lab solution build iso debug debug-qemu),)
  ifeq ($(N),)
    $(error no lab given: use make $(GOAL) N, labs are 1-4)
  endif
  ifeq ($(filter $(N),0 $(LAB_NUMBERS)),)
    $(error no lab $(N): labs are 1-4)
  endif
endif
ifeq ($(GOAL),grade)
  ifneq ($(N),)
    ifeq ($(filter $(N),$(LAB_NUMBERS)),)
      $(error no lab $(N): labs are 1-4)
    endif
  endif
endif

ifeq ($(GOAL),solution)
  TREE := solutions
endif

# TREE/BASE: labs, solutions, or a directory of NN-name/ folders.
tree_dir = $(if $(filter labs solutions,$(1)),$(ROOT)/$(1),$(abspath $(1)))
tree_key = $(if $(filter labs solutions,$(1)),$(1),tree-$(subst /,_,$(patsubst /%,%,$(abspath $(1)))))
TREE_DIR := $(call tree_dir,$(TREE))
BASE_DIR := $(if $(BASE),$(call tree_dir,$(BASE)))
OUT := $(ROOT)/build/$(call tree_key,$(TREE))$(if $(BASE),+base-$(call tree_key,$(BASE)))/stage$(N)
STAGE_DESC := $(if $(filter 0,$(N)),core only,labs 1-$(N) from $(TREE)$(if $(and $(BASE),$(filter-out 1,$(N))), (labs below $(N) from $(BASE))))
STAGE_MAKE = $(MAKE) --no-print-directory -f $(ROOT)/mk/stage.mk STAGE=$(N) \
	TREE=$(TREE_DIR) BASE=$(BASE_DIR) OUT=$(OUT) STAGE_DESC='$(STAGE_DESC)'

.PHONY: help lab solution build iso debug debug-qemu grade check deps skeletons \
	docs handout autograder clean tree-exists

help:
	@echo "Labs: 1 idt, 2 frames, 3 pagefault, 4 double-fault. N below is a lab number."
	@echo
	@echo "  make lab N [TEST=name|list] [SEED=n]  build stage N from labs/ and boot it in QEMU"
	@echo "  make solution N [TEST=...]            the same with solutions/"
	@echo "  make grade [N]                        grade your labs/ (all labs, or lab N)"
	@echo "  make debug N [TEST=name]              QEMU paused + GDB with the kernel helpers"
	@echo "  make debug N BATCH=cmds.gdb           the same, running GDB commands from a file, then quit"
	@echo "  make debug-qemu N [TEST=name]         QEMU paused for your own debugger; prints the port"
	@echo "  make build N / make iso N             only build stage N's ELF / GRUB ISO"
	@echo "  make deps                             install the Debian packages (apt-get)"
	@echo "  make check                            the project's own test suite"
	@echo "  make skeletons                        regenerate labs/ from solutions/"
	@echo "  make docs                             Doxygen HTML and handouts in build/docs/html"
	@echo "  make handout / make autograder        student tarball / Gradescope autograder zip"
	@echo "  make clean                            remove build/"
	@echo
	@echo "Variables: TREE=labs|solutions|DIR (whose labs), BASE=solutions (labs below N"
	@echo "from the solutions), TEST=scenario, SEED=n, V=1 (show commands),"
	@echo "LAB_TIMEOUT=s (make lab stops QEMU after s seconds), DEBUG_TIMEOUT=s (with BATCH, default 60)."

tree-exists:
	@test -d "$(TREE_DIR)" || { echo "no tree $(TREE): TREE is labs, solutions or a directory of lab folders$(if $(filter solutions,$(TREE)), (this copy has no solutions/))" >&2; exit 2; }
	@test -z "$(BASE)" -o -d "$(BASE_DIR)" || { echo "no tree $(BASE) for BASE$(if $(filter solutions,$(BASE)),: this copy has no solutions/ (a student handout does not ship them))" >&2; exit 2; }

build: tree-exists
	@sh $(ROOT)/scripts/deps.sh check build
	@$(STAGE_MAKE) -j$(JOBS) elf
	@echo "$(OUT)/kernel.elf"

iso: tree-exists
	@sh $(ROOT)/scripts/deps.sh check build iso
	@$(STAGE_MAKE) -j$(JOBS) iso
	@echo "$(OUT)/kernel.iso"

lab solution: tree-exists
	@sh $(ROOT)/scripts/deps.sh check build iso run
	@$(STAGE_MAKE) -j$(JOBS) iso
	@$(PY) $(ROOT)/scripts/run-kernel --iso $(OUT)/kernel.iso --elf $(OUT)/kernel.elf \
		--test '$(TEST)' --seed '$(SEED)' --log $(OUT)/qemu.log

debug debug-qemu: tree-exists
	@sh $(ROOT)/scripts/deps.sh check build iso run $(if $(filter debug,$(GOAL)),debug)
	@$(STAGE_MAKE) -j$(JOBS) iso
	@$(PY) $(ROOT)/scripts/debug-kernel $(if $(filter debug-qemu,$(GOAL)),--qemu-only) \
		$(if $(BATCH),--batch '$(BATCH)' --timeout $(or $(DEBUG_TIMEOUT),60)) \
		--iso $(OUT)/kernel.iso --elf $(OUT)/kernel.elf --test '$(TEST)' --seed '$(SEED)'

grade:
	@sh $(ROOT)/scripts/deps.sh check build run
	@$(PY) $(ROOT)/grader/grade $(N) --tree $(TREE) $(if $(BASE),--base $(BASE))

check:
	@test -f $(ROOT)/tests/run-all || { echo "make check runs the project's own test suite, which the student handout leaves out: use make grade" >&2; exit 2; }
	@sh $(ROOT)/scripts/deps.sh check all
	@$(PY) $(ROOT)/tests/run-all

deps:
	@sh $(ROOT)/scripts/deps.sh install all

skeletons:
	@$(PY) $(ROOT)/scripts/make-skeletons write

docs:
	@sh $(ROOT)/scripts/deps.sh check docs
	@sh $(ROOT)/scripts/build-docs.sh

handout:
	@sh $(ROOT)/scripts/make-handout.sh

autograder: handout
	@sh $(ROOT)/scripts/make-autograder.sh

clean:
	rm -rf $(ROOT)/build
