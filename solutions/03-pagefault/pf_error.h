/**
 * @file pf_error.h
 * @brief Lab 03: the page-fault error code, bit by bit.
 *
 * Contents: the bits of the code the CPU pushes with every #PF, and the
 * pure functions of exercise 1 that put them into words (handout:
 * docs/lab03-pagefault.md). Pure: no I/O, so host unit tests run them as is.
 *
 * Each bit answers one question about the access that failed:
 *
 *     bit  name                  when set                       when clear
 *      0   PROTECTION_VIOLATION  the page was present; the      no page there: an entry on
 *                                access broke its rules         the way was not present
 *      1   CAUSED_BY_WRITE       the access was a write         a read (or a fetch)
 *      2   USER_MODE             the CPU was in ring 3          in the kernel (ring 0-2)
 *      3   MALFORMED_TABLE       an entry on the way had a reserved bit set
 *      4   INSTRUCTION_FETCH     the CPU fetched an instruction (possible with EFER.NXE)
 *      5   PROTECTION_KEY        the page's protection key forbade the access
 *      6   SHADOW_STACK          a shadow-stack access (CET)
 *     15   SGX                   an SGX-specific access rule, not the page tables
 *
 * The faulting address is not in the code: the CPU puts it in CR2.
 */
#ifndef LAB03_PF_ERROR_H
#define LAB03_PF_ERROR_H

#include <stddef.h>
#include <stdint.h>

/** @brief The bits of the #PF error code (see the table above). */
enum x86_pf_error_code {
	X86_PF_PROT  = 1 << 0,  /**< present page, forbidden access */
	X86_PF_WRITE = 1 << 1,  /**< a write */
	X86_PF_USER  = 1 << 2,  /**< from user mode */
	X86_PF_RSVD  = 1 << 3,  /**< a reserved bit was set in an entry */
	X86_PF_INSTR = 1 << 4,  /**< an instruction fetch */
	X86_PF_PK    = 1 << 5,  /**< protection key */
	X86_PF_SHSTK = 1 << 6,  /**< shadow stack */
	X86_PF_SGX   = 1 << 15, /**< SGX */
};

/**
 * @brief Exercise 1: the name of one error-code bit, as in the table above.
 * @param bit bit number, 0-63.
 * @return "CAUSED_BY_WRITE" for bit 1, ...; NULL for a bit with no meaning.
 */
const char *pf_error_bit_name(unsigned bit);

/**
 * @brief Exercise 1: who made the access.
 * @param error the error code. @return "user" or "supervisor".
 */
const char *pf_error_who(uint64_t error);

/**
 * @brief Exercise 1: what kind of access it was.
 * @param error the error code.
 * @return "instruction fetch", "write access" or "read access".
 */
const char *pf_error_access(uint64_t error);

/**
 * @brief Exercise 1: why the access faulted.
 * @param error the error code.
 * @return "reserved bit violation" when MALFORMED_TABLE is set, else
 *         "protection violation" or "not-present page" by bit 0.
 *         (The CPU sets bit 0 along with bit 3; QEMU 7.2's TCG leaves it
 *         clear, so bit 3 is looked at first.)
 */
const char *pf_error_cause(uint64_t error);

/**
 * @brief Exercise 1: the names of the set bits, lowest bit first, separated
 *        by one space ("PROTECTION_VIOLATION CAUSED_BY_WRITE"). A set bit
 *        without a name is written "BIT<n>". Nothing set: "".
 * @param error the error code. @param buf where the text goes.
 * @param size size of @p buf; the text is cut to fit and always NUL-terminated.
 * @return the length of the text written.
 */
size_t pf_error_flags(uint64_t error, char *buf, size_t size);

#endif /* LAB03_PF_ERROR_H */
