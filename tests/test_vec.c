/* test_vec.c — big arrays: blocks kept by ghf_big_free are reused whole,
 * handed out cleared by ghf_big_calloc, and returned to the kernel on time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "vec.h"

#define MiB ((size_t)1 << 20)

/* AddressSanitizer brings its own malloc: its realloc copies, its free
 * quarantines, so where pages sit cannot be seen there; the clearing can,
 * and is checked in both builds. */
#if defined(__SANITIZE_ADDRESS__)
#define PAGES_VISIBLE 0
#else
#define PAGES_VISIBLE 1
#endif

/* Anonymous resident memory of this process, from /proc/self/status. */
static size_t rss_anon(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    cr_assert_not_null(fp);
    char line[256];
    size_t kb = 0;
    while (fgets(line, sizeof line, fp))
        if (sscanf(line, "RssAnon: %zu kB", &kb) == 1)
            break;
    fclose(fp);
    return kb * 1024;
}

static void setup(void)
{
    ghf_big_arrays_init();
}

static void teardown(void)
{
    ghf_big_keep(false);
}

TestSuite(vec, .init = setup, .fini = teardown);

Test(vec, kept_block_is_reused_in_place_and_cleared)
{
    ghf_big_keep(true);
    unsigned char *p = ghf_big_malloc(16, MiB);
    cr_assert_not_null(p);
    memset(p, 0xab, 16 * MiB);
    ghf_big_free(p);
    unsigned char *q = ghf_big_calloc(8, MiB); /* smaller: the kept block, shrunk where it is */
    if (PAGES_VISIBLE)
        cr_assert_eq(q, p, "the kept block was not reused");
    for (size_t i = 0; i < 8 * MiB; i++)
        cr_assert_eq(q[i], 0, "byte %zu of a reused calloc block is %#x", i, q[i]);
    ghf_big_free(q);
}

Test(vec, kept_block_grows_for_a_bigger_request)
{
    ghf_big_keep(true);
    unsigned char *p = ghf_big_malloc(8, MiB);
    memset(p, 0xcd, 8 * MiB);
    ghf_big_free(p);
    unsigned char *q = ghf_big_calloc(24, MiB);
    cr_assert_not_null(q);
    for (size_t i = 0; i < 24 * MiB; i += 4093)
        cr_assert_eq(q[i], 0, "byte %zu of a grown calloc block is %#x", i, q[i]);
    q[24 * MiB - 1] = 1; /* the whole request is ours */
    ghf_big_free(q);
}

/* Allocate, touch and free a 64 MiB block; the anonymous RSS before. */
static size_t touch_and_free_64_mib(void)
{
    size_t before = rss_anon();
    unsigned char *p = ghf_big_malloc(64, MiB);
    cr_assert_not_null(p);
    memset(p, 1, 64 * MiB);
    ghf_big_free(p);
    return before;
}

Test(vec, kept_blocks_go_back_after_the_next_stage, .disabled = !PAGES_VISIBLE)
{
    ghf_big_keep(true);
    size_t before = touch_and_free_64_mib();
    cr_assert_geq(rss_anon(), before + 60 * MiB, "a kept block stays resident");
    ghf_big_stage_begins(); /* the stage after the one that freed it: still kept */
    cr_assert_geq(rss_anon(), before + 60 * MiB);
    ghf_big_stage_begins(); /* nothing took it: returned */
    cr_assert_lt(rss_anon(), before + 8 * MiB, "rss %zu MiB, was %zu MiB", rss_anon() / MiB, before / MiB);
}

Test(vec, nothing_is_kept_when_off, .disabled = !PAGES_VISIBLE)
{
    ghf_big_keep(false);
    size_t before = touch_and_free_64_mib();
    cr_assert_lt(rss_anon(), before + 8 * MiB, "rss %zu MiB, was %zu MiB", rss_anon() / MiB, before / MiB);
}
