/* decode_scenarios.c - lab 03's error-code decoders and report on inputs the
 * emulator never produces (grader/labs/lab3.py computes the expected words).
 *
 * QEMU's TCG reports a reserved-bit fault as 0x8 where a CPU says 0x9, and
 * every fault the other scenarios take comes from ring 0: so here the
 * pf_error_* functions get seed-chosen codes (reserved bit with P, W or I/D,
 * user bits, bits without a name), and page_fault_report gets frames whose
 * CS privilege level and error code disagree, as they do for the CPU's own
 * supervisor accesses on behalf of ring 3. Last, a real fault from ring 3
 * (user_scenarios.c), which the handler reports and which ends the run.
 *
 * Seed indices: [400]-[411] random codes, [420]-[431] the high bit some of
 * them get, [440]-[442] truncated pf_error_flags calls, [450]-[459] the
 * synthetic frames (error, CS, CR2, RIP offset); [500]-[502] the ring-3
 * fault (user_scenarios.c).
 */
#include <stdint.h>
#include "kprintf.h"
#include "page_fault.h"
#include "pf_error.h"
#include "registry.h"
#include "seed.h"
#include "user_fault.h"
#include "x86.h"
#include "scenario_facts.h"

/* Codes a decoder gets wrong if it tests bits in the wrong order, or takes
 * one bit for another: the reserved bit with P (as a CPU reports it), user
 * faults, fetches, bits with and without a name. */
static const uint64_t fixed_codes[] = FIXED_CODES;

#define FIXED_COUNT (sizeof(fixed_codes) / sizeof(fixed_codes[0]))

static uint64_t random_code(unsigned i)
{
	uint64_t code = seed_value(SEED_RANDOM_CODE + i) & 0x807F;
	if (i % 3 == 0)
		code |= 1ULL << seed_range(SEED_HIGH_BIT + i, 7, 63);
	return code;
}

static void decode(uint64_t code)
{
	char flags[512];
	size_t len = pf_error_flags(code, flags, sizeof(flags));
	kprintf("code 0x%lx: who=%s access=%s cause=%s flags=[%s] len=%lu\n", (unsigned long)code,
		pf_error_who(code), pf_error_access(code), pf_error_cause(code), flags, (unsigned long)len);
}

/* pf_error_flags into a buffer too small: cut, terminated, nothing beyond. */
static void cut(unsigned i)
{
	char buf[64];
	uint64_t code = random_code(i) | 0x3; /* at least "PROTECTION_VIOLATION CAUSED_BY_WRITE" */
	unsigned size = (unsigned)seed_range(SEED_CUT_SIZE + i, 1, 36);
	for (unsigned k = 0; k < sizeof(buf); k++)
		buf[k] = '#';
	size_t len = pf_error_flags(code, buf, size);
	bool spill = false;
	for (unsigned k = size; k < sizeof(buf); k++)
		spill |= buf[k] != '#';
	buf[sizeof(buf) - 1] = '\0';
	kprintf("cut 0x%lx size=%u: len=%lu text=[%s] beyond=%s\n", (unsigned long)code, size,
		(unsigned long)len, spill ? "(not terminated)" : buf, spill ? "written" : "untouched");
}

/* A frame as the CPU would have pushed it, handed to the student's report. */
static void synthetic_report(unsigned i)
{
	static const uint16_t cs_choice[] = CS_CHOICE;
	uint64_t error = seed_value(SEED_SYNTHETIC + 4 * i) & 0x807F;
	uint16_t cs = cs_choice[seed_range(SEED_SYNTHETIC + 1 + 4 * i, 0, sizeof(cs_choice) / sizeof(cs_choice[0]) - 1)];
	if (i == 0) { /* ring 3, but a supervisor access: mode and who disagree */
		cs = 0x2b;
		error &= ~(uint64_t)X86_PF_USER;
	}
	uint64_t cr2 = seed_value(SEED_SYNTHETIC + 2 + 4 * i) & 0x00007FFFFFFFFFFFULL;
	struct trap_frame tf = {
		.rbp = read_rbp(),
		.vector = 14, .error_code = error,
		.rip = (uint64_t)(uintptr_t)synthetic_report + seed_range(SEED_SYNTHETIC + 3 + 4 * i, 0, 15),
		.cs = cs, .rflags = 0x2, .rsp = read_rsp(), .ss = (cs & 3) ? 0x23 : 0x20,
	};
	tf.link_rip = tf.rip;
	kprintf("synthetic #PF %u: cs=0x%04x error=0x%04lx cr2=0x%016lx\n", i, cs,
		(unsigned long)error, (unsigned long)cr2);
	page_fault_report(&tf, cr2);
	kprintf("synthetic #PF %u: end\n", i);
}

SCENARIO(error_codes, "pf_error_* on seed-chosen codes, reports of frames the emulator never makes, a fault from ring 3")
{
	for (unsigned bit = 0; bit < 64; bit++)
		if (pf_error_bit_name(bit))
			kprintf("bit %u: %s\n", bit, pf_error_bit_name(bit));
	for (unsigned i = 0; i < FIXED_COUNT; i++)
		decode(fixed_codes[i]);
	for (unsigned i = 0; i < RANDOM_CODES; i++)
		decode(random_code(i));
	for (unsigned i = 0; i < CUTS; i++)
		cut(i);
	for (unsigned i = 0; i < FRAMES; i++)
		synthetic_report(i);
	user_fault(); /* last: it ends the run */
}
