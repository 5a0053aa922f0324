/* test_u64set.c — a set of non-zero 64-bit keys: each key is fresh once,
 * through the growths that rehash it, and keys that collide in the low
 * bits stay apart. */
#include <criterion/criterion.h>

#include "u64set.h"
#include "vec.h"

TestSuite(u64set, .init = ghf_big_arrays_init);

Test(u64set, each_key_is_fresh_once_across_growth)
{
    u64set s = {0};
    ghf_err err = {0};
    bool fresh;
    const uint64_t n = 100000; /* grows 1024 -> 262144: rehashed 8 times */
    for (uint64_t k = 1; k <= n; k++) {
        cr_assert(u64set_add(&s, k << 32 | (k * 7), &fresh, &err));
        cr_assert(fresh, "key %llu new", (unsigned long long)k);
    }
    cr_assert_eq(s.n, n);
    cr_assert(s.cap >= 2 * n, "at most half full: %zu for %zu", s.cap, s.n);
    for (uint64_t k = 1; k <= n; k++) {
        cr_assert(u64set_add(&s, k << 32 | (k * 7), &fresh, &err));
        cr_assert_not(fresh, "key %llu already there", (unsigned long long)k);
    }
    cr_assert_eq(s.n, n);
    cr_assert_eq(err.code, 0);
    u64set_free(&s);
    cr_assert_null(s.slot);
}

Test(u64set, keys_alike_in_their_low_bits_are_told_apart)
{
    u64set s = {0};
    ghf_err err = {0};
    bool fresh;
    /* same low 32 bits (one code, many slots), then same high bits */
    for (uint64_t slot = 1; slot <= 5000; slot++) {
        cr_assert(u64set_add(&s, slot << 32 | 0x80000001u, &fresh, &err));
        cr_assert(fresh);
    }
    for (uint64_t code = 1; code <= 5000; code++) {
        cr_assert(u64set_add(&s, 1ull << 32 | (0x80000000u + code), &fresh, &err));
        cr_assert_eq(fresh, code != 1, "code %llu", (unsigned long long)code); /* code 1 was added above */
    }
    cr_assert_eq(s.n, 9999);
    u64set_free(&s);
}
