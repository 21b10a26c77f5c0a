# stage.mk - builds one stage: common/ + labs 1..STAGE + their scenarios.
#
#   make -f mk/stage.mk STAGE=N TREE=DIR [BASE=DIR] OUT=DIR [elf|iso]
#
# TREE and BASE are directories holding NN-name/ lab folders (already
# resolved by the grader's kgrade.build). Labs below STAGE come from BASE
# when it is set. EXTRA_SRCS adds sources (tests' hostile kernels).
#
# The core's objects depend on nothing of a tree: common/ includes only its
# own headers, and no lab folder is on its include path. So every stage of
# every tree can share one build of them: COMMON_OUT names it, made
# beforehand with `make -f mk/stage.mk OUT=DIR common` (kgrade.build does,
# outside any sandbox: it is the kit's own code). Without COMMON_OUT, a
# stage builds its own copy.

ROOT := $(patsubst %/mk/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
include $(ROOT)/mk/labs.mk
include $(ROOT)/mk/toolchain.mk

STAGE ?= 0
OUT ?= $(error OUT is required)
TREE ?= $(ROOT)/labs
BASE ?=
EXTRA_SRCS ?=
STAGE_DESC ?= core only

STAGE_LABS := $(wordlist 1,$(STAGE),$(LAB_NUMBERS))
lab_dir = $(if $(and $(BASE),$(filter-out $(STAGE),$(1))),$(BASE),$(TREE))/$(LAB_$(1))
scen_dir = $(ROOT)/grader/scenarios/$(LAB_$(1))

COMMON_C   := $(filter-out %.offsets.c,$(wildcard $(ROOT)/common/*.c))
COMMON_ASM := $(wildcard $(ROOT)/common/boot/*.asm)
CORE_SCEN  := $(wildcard $(ROOT)/grader/scenarios/00-core/*.c $(ROOT)/grader/scenarios/00-core/*.asm)

# CCACHE: a compiler launcher (the project's tests set it to ccache, with its
# cache in build/tests: their many builds of patched trees then compile only
# what a patch changed). Never set when grading students.
CCACHE ?=
COMMON_OUT ?= $(OUT)
COMMON_INCLUDES := -I$(ROOT)/common/include
COMMON_OBJS := $(foreach s,$(COMMON_C) $(COMMON_ASM),$(COMMON_OUT)/obj/common/$(basename $(notdir $(s))).o)

INCLUDES := -I$(ROOT)/common/include -I$(ROOT)/grader/scenarios/include \
	$(foreach n,$(STAGE_LABS),-I$(call lab_dir,$(n))) -I$(OUT)/gen

# obj_of(src, group) -> $(OUT)/obj/group/name.o
obj_of = $(OUT)/obj/$(2)/$(basename $(notdir $(1))).o

OBJS :=
define add_sources # $(1) = group, $(2) = sources, $(3) = LAB_ID
OBJS += $(foreach s,$(filter %.c %.asm,$(2)),$(call obj_of,$(s),$(1)))
$(foreach s,$(filter %.c,$(2)),$(eval $(call c_rule,$(s),$(1),$(3))))
$(foreach s,$(filter %.asm,$(2)),$(eval $(call asm_rule,$(s),$(1),$(3))))
endef
# LAB_ORDER: the lab's number zero-padded, so that the linker's text sort of
# the .lab_init.NN sections puts lab 10 after lab 9.
pad2 = $(if $(filter 0 1 2 3 4 5 6 7 8 9,$(1)),0$(1),$(1))
define c_rule
$(call obj_of,$(1),$(2)): $(1) | $(OUT)/obj/$(2)/
	$$(Q)$(CCACHE) $(CC) $(KERNEL_CFLAGS) -DLAB_ID=$(3) -DLAB_ORDER=$(call pad2,$(3)) $(INCLUDES) -c $$< -o $$@
endef
# NASM 2.16's -MD leaves %include files out of the .d file, so the .inc
# files an object can include are listed here: a change to one rebuilds it.
define asm_rule
$(call obj_of,$(1),$(2)): $(1) $(GEN_INCS) $(wildcard $(dir $(1))*.inc $(ROOT)/common/boot/*.inc) | $(OUT)/obj/$(2)/
	$$(Q)$(NASM) $(KERNEL_NASMFLAGS) -I$(dir $(1)) -I$(ROOT)/common/boot/ -I$(OUT)/gen/ \
		$(foreach n,$(STAGE_LABS),-I$(call lab_dir,$(n))/) -MD $$(@:.o=.d) $$< -o $$@
endef

# NAME.offsets.c in common/ or a lab folder -> $(OUT)/gen/NAME.inc: constants
# and structure offsets for NASM computed by the C compiler (the Linux
# asm-offsets technique), so a fact or a layout is written once, in C. They
# come out as %define, so NASM's %if can test them too.
OFFSET_SRCS := $(wildcard $(ROOT)/common/*.offsets.c) \
	$(foreach n,$(STAGE_LABS),$(wildcard $(call lab_dir,$(n))/*.offsets.c))
GEN_INCS := $(patsubst %.offsets.c,$(OUT)/gen/%.inc,$(notdir $(OFFSET_SRCS)))

define common_c_rule
$(COMMON_OUT)/obj/common/$(basename $(notdir $(1))).o: $(1) | $(COMMON_OUT)/obj/common/
	$$(Q)$(CCACHE) $(CC) $(KERNEL_CFLAGS) -DLAB_ID=0 -DLAB_ORDER=00 $(COMMON_INCLUDES) -c $$< -o $$@
endef
define common_asm_rule
$(COMMON_OUT)/obj/common/$(basename $(notdir $(1))).o: $(1) $(wildcard $(ROOT)/common/boot/*.inc) | $(COMMON_OUT)/obj/common/
	$$(Q)$(NASM) $(KERNEL_NASMFLAGS) -I$(dir $(1)) -I$(ROOT)/common/boot/ -MD $$(@:.o=.d) $$< -o $$@
endef
ifeq ($(COMMON_OUT),$(OUT))
$(foreach s,$(COMMON_C),$(eval $(call common_c_rule,$(s))))
$(foreach s,$(COMMON_ASM),$(eval $(call common_asm_rule,$(s))))
-include $(COMMON_OBJS:.o=.d)
endif
OBJS += $(COMMON_OBJS)

.PHONY: common
common: $(COMMON_OBJS)
$(eval $(call add_sources,scen0,$(CORE_SCEN),0))
$(foreach n,$(STAGE_LABS),$(eval $(call add_sources,lab$(n),$(filter-out %.offsets.c,$(wildcard $(call lab_dir,$(n))/*.c)) $(wildcard $(call lab_dir,$(n))/*.asm),$(n))))
$(foreach n,$(STAGE_LABS),$(eval $(call add_sources,scen$(n),$(wildcard $(call scen_dir,$(n))/*.c) $(wildcard $(call scen_dir,$(n))/*.asm),$(n))))
$(eval $(call add_sources,extra,$(EXTRA_SRCS),0))

# A lab below STAGE taken from BASE may come as objects, with its headers
# and no sources (the Gradescope autograder ships the reference labs so):
# they are linked as they are.
BASE_OBJS := $(if $(BASE),$(foreach n,$(filter-out $(STAGE),$(STAGE_LABS)),$(wildcard $(BASE)/$(LAB_$(n))/*.o)))
OBJS += $(BASE_OBJS)

define offsets_rule
$(OUT)/gen/$(basename $(basename $(notdir $(1)))).inc: $(1) | $(OUT)/gen/
	$$(Q)$(CCACHE) $(CC) $(KERNEL_CFLAGS) $(INCLUDES) -S $$< -o $$@.s
	$$(Q)sed -n 's/.*@@asm-offset \([A-Za-z0-9_]*\) \$$$$\{0,1\}\([0-9-]*\).*/%define \1 \2/p' $$@.s > $$@.tmp
	$$(Q)mv $$@.tmp $$@
endef
$(foreach s,$(OFFSET_SRCS),$(eval $(call offsets_rule,$(s))))

Q := $(if $(V),,@)
ELF := $(OUT)/kernel.elf
ISO := $(OUT)/kernel.iso
COMPDB := $(OUT)/compile_commands.json

.PHONY: elf iso
elf: $(ELF) $(COMPDB)
iso: $(ISO) $(COMPDB)

# compile_commands.json, for clangd (an editor's C language server): one
# entry per C file of the tree, with the command the last stage compiles it
# with (every lab of TREE on the include path), so that an editor knows each
# lab file after any first build. NASM files are left out: clangd reads C
# only. kgrade.compdb merges these into build/compile_commands.json, where
# clangd looks from the repository root.
DB_LABS := $(LAB_NUMBERS)
DB_INCLUDES := -I$(ROOT)/common/include -I$(ROOT)/grader/scenarios/include \
	$(foreach n,$(DB_LABS),-I$(TREE)/$(LAB_$(n))) -I$(OUT)/gen
# DB_FILES: source|LAB_ID words (make cannot handle spaces in file names anyway).
DB_FILES := $(foreach s,$(COMMON_C),$(s)|common) $(foreach s,$(filter %.c,$(CORE_SCEN) $(EXTRA_SRCS)),$(s)|0) \
	$(foreach n,$(DB_LABS),$(foreach s,$(wildcard $(TREE)/$(LAB_$(n))/*.c $(call scen_dir,$(n))/*.c),$(s)|$(n)))
json_str = $(subst ",\",$(subst \,\\,$(1)))
db_src = $(word 1,$(subst |, ,$(1)))
db_lab = $(word 2,$(subst |, ,$(1)))
# The core's files compile as the common rule does (its own headers only).
db_flags = $(if $(filter common,$(1)),-DLAB_ID=0 -DLAB_ORDER=00 $(COMMON_INCLUDES),-DLAB_ID=$(1) \
	-DLAB_ORDER=$(call pad2,$(1)) $(DB_INCLUDES))
db_entry = {"directory": "$(ROOT)", "file": "$(call json_str,$(call db_src,$(1)))", \
	"command": "$(call json_str,$(CC) $(KERNEL_CFLAGS) $(call db_flags,$(call db_lab,$(1))) -c $(call db_src,$(1)))"}
define newline


endef
DB_TEXT := [$(call db_entry,$(firstword $(DB_FILES)))$(foreach f,$(wordlist 2,$(words $(DB_FILES)),$(DB_FILES)),,$(newline)$(call db_entry,$(f)))]
# Rewritten only when its text changes, like stage_info.c below.
$(COMPDB): FORCE | $(OUT)/
	$(file >$@.tmp,$(DB_TEXT))
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# Stage facts for kmain's banner; rewritten only when they change.
$(OUT)/gen/stage_info.c: FORCE | $(OUT)/gen/
	$(Q)printf 'const int kernel_stage = %d;\nconst char kernel_stage_desc[] = "%s";\n' \
		'$(STAGE)' '$(STAGE_DESC)' > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(OUT)/obj/stage_info.o: $(OUT)/gen/stage_info.c | $(OUT)/obj/
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@
OBJS += $(OUT)/obj/stage_info.o

# Two links: the second embeds the first's function symbols in .ksyms,
# which the linker script places last so no other address moves.
LINK = $(LD) $(KERNEL_LDFLAGS) -T $(ROOT)/common/linker.ld -o $(1) $(OBJS) $(2)
GEN_KSYMS := $(ROOT)/scripts/gen-ksyms $(ROOT)/grader/lib/kgrade/symbols.py
$(OUT)/ksyms0.o: $(GEN_KSYMS) | $(OUT)/
	$(Q)python3 $(ROOT)/scripts/gen-ksyms > $(OUT)/ksyms0.asm
	$(Q)$(NASM) -f elf64 $(OUT)/ksyms0.asm -o $@
$(ELF): $(OBJS) $(OUT)/ksyms0.o $(ROOT)/common/linker.ld $(GEN_KSYMS)
	$(Q)$(call LINK,$(OUT)/kernel.pass1.elf,$(OUT)/ksyms0.o)
	$(Q)python3 $(ROOT)/scripts/gen-ksyms $(OUT)/kernel.pass1.elf > $(OUT)/ksyms.asm
	$(Q)$(NASM) -f elf64 $(OUT)/ksyms.asm -o $(OUT)/ksyms.o
	$(Q)$(call LINK,$@.tmp,$(OUT)/ksyms.o)
	$(Q)mv $@.tmp $@

$(ISO): $(ELF) $(ROOT)/scripts/grub.cfg
	$(Q)rm -rf $(OUT)/isodir
	$(Q)mkdir -p $(OUT)/isodir/boot/grub
	$(Q)cp $(ELF) $(OUT)/isodir/boot/kernel.elf
	$(Q)cp $(ROOT)/scripts/grub.cfg $(OUT)/isodir/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@.tmp $(OUT)/isodir >$(OUT)/grub-mkrescue.log 2>&1 \
		|| { cat $(OUT)/grub-mkrescue.log >&2; exit 1; }
	$(Q)mv $@.tmp $@

%/:
	$(Q)mkdir -p $@

.PHONY: FORCE
FORCE:

-include $(filter-out $(COMMON_OBJS:.o=.d),$(OBJS:.o=.d))
