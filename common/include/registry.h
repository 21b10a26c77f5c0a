/**
 * @file registry.h
 * @brief How labs and scenarios plug into the kernel without editing it.
 *
 * Each macro drops a small descriptor into a dedicated linker section; the
 * linker script gathers them into arrays that kmain walks (the pattern of
 * Linux's initcalls and KUnit suites). Adding a lab therefore needs no edit
 * in common/. LAB_ID comes from the build: 1 for labs/01-idt and
 * grader/scenarios/01-idt, 0 for common/.
 */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stdbool.h>

#ifndef LAB_ID
#define LAB_ID 0 /**< the lab this file belongs to: -DLAB_ID=N from the build, 0 for the core */
#endif
#ifndef LAB_ORDER
#define LAB_ORDER 00 /**< LAB_ID zero-padded (-DLAB_ORDER=05): the linker sorts init sections by it as text */
#endif

#define REGISTRY_STR_(x) #x
#define REGISTRY_STR(x) REGISTRY_STR_(x)

/** @brief A lab's start-up function, run by kmain in lab order. */
struct lab_init {
	void (*fn)(void); /**< the function */
	const char *name; /**< its name, for messages */
	int lab;          /**< the lab it belongs to */
};

/** @brief A test body the grader (or a student) selects with test=NAME. */
struct scenario {
	const char *name;    /**< the name on the command line */
	const char *summary; /**< one line for test=list */
	void (*fn)(void);    /**< the body; returning means success */
	int lab;             /**< the lab it belongs to (0: the core) */
	bool demo;           /**< run when no test= is given (the highest lab's wins) */
};

/**
 * @brief Registers @p fn to run once at start-up, after the core and after
 *        every earlier lab's init functions.
 */
#define LAB_INIT(fn) \
	static const struct lab_init lab_init_##fn \
	__attribute__((used, section(".lab_init." REGISTRY_STR(LAB_ORDER)), aligned(8))) = { fn, #fn, LAB_ID }

#define SCENARIO_DEFINE_(name_, summary_, demo_) \
	static void scenario_##name_(void) __attribute__((noinline, noclone)); \
	static const struct scenario scenario_desc_##name_ \
	__attribute__((used, section(".scenarios"), aligned(8))) = \
		{ #name_, summary_, scenario_##name_, LAB_ID, demo_ }; \
	static void scenario_##name_(void)

/**
 * @brief Defines a scenario: `SCENARIO(name, "summary") { body }`.
 *        The body's function is `scenario_<name>`, so reports show it by name.
 */
#define SCENARIO(name_, summary_) SCENARIO_DEFINE_(name_, summary_, false)

/** @brief Like SCENARIO, and also the stage's demo (what `make lab N` runs). */
#define SCENARIO_DEMO(name_, summary_) SCENARIO_DEFINE_(name_, summary_, true)

/** @brief The seed of this run (seed= on the command line, 0 if absent). */
extern unsigned long long scenario_seed;

/**
 * @brief Declares that the running scenario ends by design in exception
 *        @p vector: exception_stop() then prints "[ok]" and exits successfully.
 * @param vector the exception vector expected to stop the kernel.
 */
void scenario_expect_stop(unsigned vector);

/**
 * @brief Ends the kernel after an exception report. Exits with success and
 *        "[ok]" when the scenario expected this vector, else with failure.
 * @param vector the exception that stops the kernel.
 */
void exception_stop(unsigned vector) __attribute__((noreturn));

/** @brief Runs the scenario named by test= (or the demo); never returns. */
void scenario_run(void) __attribute__((noreturn));

#endif /* REGISTRY_H */
