/* Unit tests for the weighted tree (include/wtree.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "wtree.h"

Test(wtree, find_or_add_and_totals)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    uint32_t a, b, c, a2, b2;
    cr_assert(wtree_child(&t, WTREE_ROOT, "main.a", 6, &a, &err));
    cr_assert(wtree_child(&t, a, "main.T", 6, &b, &err));
    cr_assert(wtree_child(&t, WTREE_ROOT, "main.b", 6, &c, &err));
    cr_assert(wtree_child(&t, WTREE_ROOT, "main.a", 6, &a2, &err));
    cr_assert(wtree_child(&t, a, "main.T", 6, &b2, &err));
    cr_assert_eq(a, a2);
    cr_assert_eq(b, b2);
    cr_assert_neq(a, c);
    cr_assert_str_eq(wtree_name(&t, b), "main.T");
    wtree_add(&t, b, 100, 1);
    wtree_add(&t, b, 28, 1);
    wtree_add(&t, a, 16, 1);
    wtree_add(&t, c, 8, 1);
    wtree_finish(&t);
    cr_assert_eq(t.nodes.v[a].total_bytes, 144);
    cr_assert_eq(t.nodes.v[a].total_count, 3);
    cr_assert_eq(t.nodes.v[WTREE_ROOT].total_bytes, 152);
    cr_assert_eq(wtree_depth(&t, b), 2);
    wtree_free(&t);
}

Test(wtree, many_children_keep_insertion_order)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    char buf[32];
    for (int i = 0; i < 5000; i++) {
        uint32_t id;
        int n = snprintf(buf, sizeof buf, "f%d", i);
        cr_assert(wtree_child(&t, WTREE_ROOT, buf, (size_t)n, &id, &err));
        cr_assert_eq(id, (uint32_t)i + 1);
    }
    int i = 0;
    for (uint32_t k = t.nodes.v[0].first_child; k != WTREE_NONE; k = t.nodes.v[k].next_sibling, i++) {
        snprintf(buf, sizeof buf, "f%d", i);
        cr_assert_str_eq(wtree_name(&t, k), buf);
    }
    cr_assert_eq(i, 5000);
    wtree_free(&t);
}

Test(wtree, rename_keeps_weights)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    uint32_t a;
    cr_assert(wtree_child(&t, WTREE_ROOT, "main.Node", 9, &a, &err));
    wtree_add(&t, a, 48, 3);
    cr_assert(wtree_rename(&t, a, "main.Node \xc3\x97" "3", &err));
    wtree_finish(&t);
    cr_assert_str_eq(wtree_name(&t, a), "main.Node \xc3\x97" "3");
    cr_assert_eq(strlen(wtree_name(&t, a)), 13); /* "×" is two UTF-8 bytes */
    cr_assert_eq(t.nodes.v[WTREE_ROOT].total_bytes, 48);
    wtree_free(&t);
}
