/* ghf_error.h — the one error convention used by every module.
 *
 * A function that can fail returns bool (true = success) and takes a
 * `ghf_err *` as its last argument. On failure it fills the error once with
 * ghf_fail() and returns false; callers pass the same error up unchanged.
 * main() prints the message as one line "goheapflame: <msg>" and exits with
 * err->code. Nothing in the program aborts on bad input.
 */
#ifndef GHF_ERROR_H
#define GHF_ERROR_H

#include <stdbool.h>
#include <stddef.h>

/* Exit codes, documented in --help. */
enum ghf_exit {
    GHF_EXIT_OK = 0,
    GHF_EXIT_USAGE = 2,       /* bad command line */
    GHF_EXIT_INPUT = 3,       /* unreadable, corrupt or mismatched input */
    GHF_EXIT_UNSUPPORTED = 4, /* valid input we do not handle (Go version, arch, stripped) */
    GHF_EXIT_OUTPUT = 5,      /* cannot write the output */
    GHF_EXIT_INTERNAL = 6,    /* a bug or resource exhaustion */
};

typedef struct ghf_err {
    int code;       /* one of enum ghf_exit; 0 while no error */
    char msg[512];
} ghf_err;

/* Record an error (the first one wins) and return false. */
bool ghf_fail(ghf_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation helpers that turn exhaustion into GHF_EXIT_INTERNAL. */
void *ghf_xcalloc(size_t n, size_t size, ghf_err *err);
void *ghf_xrealloc(void *p, size_t n, size_t size, ghf_err *err);

#endif
