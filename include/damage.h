/* damage.h — reading runtime metadata that may be damaged: bounded list
 * walks, counts checked against the core, and the log of what was wrong.
 *
 * A core's runtime structures come from a process that crashed, or from a
 * file that was cut or corrupted; every value read from them is hostile
 * until checked. This module is the one place that decides how far a walk
 * may go and how large a count may be:
 *  - list_walk follows a linked list of records (span specials, finalizer
 *    and cleanup blocks, the module list, ...) for at most as many steps as
 *    records of that size fit in the bytes the core and executable really
 *    hold, and detects cycles (Brent), so a record linked to itself ends
 *    the walk at once;
 *  - damage_array_fits checks that n elements at addr lie in mapped memory
 *    and fit in the file-backed bytes (zero-filled reservations, or a
 *    program header claiming 2^63 bytes, hold no array of real records);
 *  - damage_add/damage_mul are overflow-checked arithmetic for values read
 *    from the core.
 * Damage that can be worked around (a list cut short, a count clamped, a
 * record skipped) is noted with damage_note(): the run goes on, and
 * session_partial() then reports the result partial, naming the first note.
 * Notes are made from one thread (the stages that walk runtime lists).
 */
#ifndef GHF_DAMAGE_H
#define GHF_DAMAGE_H

#include <stdbool.h>
#include <stdint.h>
#include "core.h"

typedef struct damage_log {
    const ghf_core *core;     /* borrowed */
    uint64_t backed_bytes;    /* bytes of the address space backed by the core or executable file */
    uint64_t count;           /* damaged things noted */
    char first[200];          /* the first, as a phrase for the warning line */
} damage_log;

void damage_init(damage_log *d, const ghf_core *core);
/* Note one damaged thing (the first note is kept as the reason). */
void damage_note(damage_log *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Can n elements of elem bytes at addr be real records of this core? The
 * size must not overflow, both ends must be mapped and the array must fit
 * in the file-backed bytes. n == 0 fits anywhere. */
bool damage_array_fits(const damage_log *d, uint64_t addr, uint64_t n, uint64_t elem);
/* The most records of record_size bytes the core can hold (at least 1). */
uint64_t damage_max_records(const damage_log *d, uint64_t record_size);

/* Overflow-checked arithmetic: false (and *out unchanged) on overflow. */
static inline bool damage_add(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
static inline bool damage_mul(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* A bounded, cycle-checked walk of a linked list:
 *     list_walk lw;
 *     for (uint64_t r = list_walk_start(&lw, log, first, sizeof_record, "what");
 *          r != 0; r = list_walk_next(&lw, next_of_r)) ...
 * list_walk_next returns 0 at the end of the list, and also (noting the
 * damage, naming `what`) when the list comes back to a record already seen
 * or runs longer than the core could hold. */
typedef struct list_walk {
    damage_log *log;
    const char *what;
    uint64_t addr, steps, limit;
    uint64_t tortoise, power, lam;   /* Brent's cycle detection */
    bool broken;                     /* ended by a cycle or the bound */
} list_walk;

uint64_t list_walk_start(list_walk *w, damage_log *log, uint64_t first, uint64_t record_size, const char *what);
uint64_t list_walk_next(list_walk *w, uint64_t next);

#endif
