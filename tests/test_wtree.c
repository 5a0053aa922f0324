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

/* Identity and attributes (issue 17 item 1, issue 12 point 3): names carry
 * no counts, the label is derived from the attributes, and a frame that
 * stands for objects of several types says so instead of "×N". */
Test(wtree, labels_come_from_attributes)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    t.objects = true;
    uint32_t root, one, many, mixed;
    cr_assert(wtree_child(&t, WTREE_ROOT, "main.cache", 10, &root, &err));
    t.nodes.v[root].kind = WTREE_KIND_ROOT_GLOBAL;
    cr_assert(wtree_child(&t, root, "main.Entry", 10, &one, &err));
    cr_assert(wtree_child(&t, one, "main.Node", 9, &many, &err));
    cr_assert(wtree_child(&t, many, "map[int]*main.T", 15, &mixed, &err));
    wtree_add(&t, one, 64, 1);
    t.nodes.v[one].ntypes = 1;
    wtree_add(&t, many, 32 * 12345, 12345);
    t.nodes.v[many].ntypes = 1;
    wtree_add(&t, mixed, 9000, 2006);
    t.nodes.v[mixed].ntypes = 5;
    wtree_add(&t, root, 48, 3); /* pruning folded objects into the root frame */
    t.nodes.v[root].ntypes = 2;
    wtree_finish(&t);
    char buf[256];
    wtree_label(&t, one, buf, sizeof buf);
    cr_assert_str_eq(buf, "main.Entry");
    wtree_label(&t, many, buf, sizeof buf);
    cr_assert_str_eq(buf, "main.Node \xc3\x97" "12,345");
    wtree_label(&t, mixed, buf, sizeof buf);
    cr_assert_str_eq(buf, "map[int]*main.T [pruned: 2,006 objects of 5 types]");
    wtree_label(&t, root, buf, sizeof buf);
    cr_assert_str_eq(buf, "main.cache [pruned: 3 objects of 2 types]");
    cr_assert_str_eq(wtree_name(&t, mixed), "map[int]*main.T", "the name stays the identity");
    /* identity lookup, as a diff matches two trees */
    cr_assert_eq(wtree_find(&t, root, "main.Entry", 10), one);
    cr_assert_eq(wtree_find(&t, one, "main.Node", 9), many);
    cr_assert_eq(wtree_find(&t, root, "main.Node", 9), WTREE_NONE);
    cr_assert_eq(wtree_find(&t, WTREE_ROOT, "nope", 4), WTREE_NONE);
    /* counts of folded-file trees are stacks, not objects: no decoration */
    t.objects = false;
    wtree_label(&t, many, buf, sizeof buf);
    cr_assert_str_eq(buf, "main.Node");
    wtree_group_digits(10000000, buf, sizeof buf);
    cr_assert_str_eq(buf, "10,000,000");
    wtree_group_digits(999, buf, sizeof buf);
    cr_assert_str_eq(buf, "999");
    wtree_free(&t);
}

/* Find-or-add against a brute-force model, on fan-outs either side of the
 * switch from child lists to the hash (WTREE_LIST_MAX): every (parent,
 * name) pair gets one node, found again by wtree_child and wtree_find,
 * whichever index holds it when it is asked for. */
Test(wtree, lookup_matches_a_brute_force_model)
{
    enum { OPS = 60000, NAMES = 40 };
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    static uint32_t model_parent[OPS + 1], model_name[OPS + 1];
    size_t nmodel = 1; /* node 0: the root */
    uint32_t names[NAMES];
    char buf[16];
    for (int i = 0; i < NAMES; i++) {
        int n = snprintf(buf, sizeof buf, "n%d", i);
        cr_assert(wtree_name_id(&t, buf, (size_t)n, &names[i], &err));
    }
    uint64_t x = 88172645463325252ull;
    for (int op = 0; op < OPS; op++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* parents skew towards the first nodes, so some grow past the list limit */
        uint32_t parent = (uint32_t)((x >> 8) % (x & 1 ? 20 : nmodel));
        if (parent >= nmodel)
            parent = 0;
        uint32_t nm = names[(x >> 40) % (parent < 5 ? NAMES : 1 + WTREE_LIST_MAX / 2)];
        uint32_t want = WTREE_NONE;
        for (size_t v = 1; v < nmodel && want == WTREE_NONE; v++)
            if (model_parent[v] == parent && model_name[v] == nm)
                want = (uint32_t)v;
        cr_assert_eq(wtree_find(&t, parent, t.names.v + nm, strlen(t.names.v + nm)), want);
        uint32_t got;
        cr_assert(wtree_child_id(&t, parent, nm, &got, &err));
        if (want == WTREE_NONE) {
            cr_assert_eq(got, nmodel, "a new node gets the next id");
            model_parent[nmodel] = parent, model_name[nmodel++] = nm;
        } else {
            cr_assert_eq(got, want, "op %d: (%u, %u) found as %u, not %u", op, parent, nm, got, want);
        }
    }
    cr_assert_eq(t.nodes.n, nmodel);
    size_t wide = 0;
    for (size_t v = 0; v < nmodel; v++) { /* children in insertion order, each once */
        size_t k = 0;
        uint32_t c = t.nodes.v[v].first_child;
        for (size_t u = 1; u < nmodel; u++)
            if (model_parent[u] == v) {
                cr_assert_eq(c, u);
                c = t.nodes.v[c].next_sibling;
                k++;
            }
        cr_assert_eq(c, WTREE_NONE);
        wide += k > WTREE_LIST_MAX;
    }
    cr_assert_geq(wide, 5, "the test must grow several parents past the list limit");
    cr_assert_lt(wide, nmodel / 2, "and keep most on lists");
    wtree_free(&t);
}
