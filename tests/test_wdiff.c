/* Unit tests for two trees compared frame by frame (include/wdiff.h). */
#include <criterion/criterion.h>
#include <string.h>
#include "folded.h"
#include "wdiff.h"

static void tree(wtree *t, const char *folded)
{
    ghf_err err = {0};
    cr_assert(wtree_init(t, &err));
    cr_assert(folded_parse(t, folded, strlen(folded), "test", NULL, &err), "%s", err.msg);
    t->objects = true;
}

static uint32_t at(const wdiff *d, const char *a, const char *b)
{
    uint32_t n = wtree_find(&d->t, WTREE_ROOT, a, strlen(a));
    if (n != WTREE_NONE && b)
        n = wtree_find(&d->t, n, b, strlen(b));
    cr_assert_neq(n, WTREE_NONE, "no frame %s;%s", a, b ? b : "");
    return n;
}

static const char *OLD = "g.cache;T 100\ng.cache;T;B 1000\ng.queue;J 500\ng.same;S 40\ng.gone;X 70\ng.gone;X;Y 7\n";
static const char *NEW = "g.cache;T 300\ng.cache;T;B 3000\ng.queue;J 100\ng.same;S 40\ng.fresh;F 60\n";

Test(wdiff, matches_by_name_and_keeps_new_ids)
{
    wtree o, n;
    wdiff d;
    ghf_err err = {0};
    tree(&o, OLD);
    tree(&n, NEW);
    cr_assert(wdiff_build(&d, &o, &n, &err), "%s", err.msg);
    /* every NEW frame keeps its id and weights */
    for (uint32_t i = 0; i < n.nodes.n; i++) {
        cr_assert_str_eq(wtree_name(&d.t, i), wtree_name(&n, i));
        cr_assert_eq(d.t.nodes.v[i].total_bytes, n.nodes.v[i].total_bytes);
    }

    uint32_t cache = at(&d, "g.cache", NULL), t = at(&d, "g.cache", "T"), same = at(&d, "g.same", "S");
    cr_assert_eq(wdiff_delta_bytes(&d, cache), 2200);
    cr_assert_eq(wdiff_delta_bytes(&d, t), 2200);
    cr_assert_eq(wdiff_delta_bytes(&d, same), 0);
    cr_assert_eq(wdiff_ratio(&d, same), 0);
    cr_assert_eq(wdiff_delta_bytes(&d, at(&d, "g.queue", NULL)), -400);
    uint32_t gone = at(&d, "g.gone", NULL), fresh = at(&d, "g.fresh", NULL);
    cr_assert(wdiff_vanished_node(&d, gone));
    cr_assert_eq(d.old.v[gone].total_bytes, 77);
    cr_assert_eq(d.t.nodes.v[gone].total_bytes, 0);
    cr_assert_eq(wdiff_ratio(&d, gone), -1);
    cr_assert_eq(wdiff_ratio(&d, fresh), 1);
    cr_assert_eq(d.old.v[WTREE_ROOT].total_bytes, 1717);
    cr_assert_eq(d.t.nodes.v[WTREE_ROOT].total_bytes, 3500);
    wdiff_free(&d);
    wtree_free(&o);
    wtree_free(&n);
}

Test(wdiff, growth_table_vanished_and_paths)
{
    wtree o, n;
    wdiff d;
    ghf_err err = {0};
    tree(&o, OLD);
    tree(&n, NEW);
    cr_assert(wdiff_build(&d, &o, &n, &err), "%s", err.msg);
    wdiff_list l = {0};
    char path[64];
    cr_assert(wdiff_top(&d, 10, WDIFF_GREW, &l, &err));
    /* g.cache's growth is all in T: the row is T (its path names g.cache); B
     * is inside T's row; then g.fresh's F */
    cr_assert_eq(l.n, 2);
    wdiff_path(&d, l.v[0], ";", path, sizeof path);
    cr_assert_str_eq(path, "g.cache;T");
    wdiff_path(&d, l.v[1], ";", path, sizeof path);
    cr_assert_str_eq(path, "g.fresh;F");
    cr_assert(wdiff_top(&d, 1, WDIFF_GREW, &l, &err));
    cr_assert_eq(l.n, 1);
    cr_assert(wdiff_top(&d, 10, WDIFF_SHRANK, &l, &err));
    cr_assert_eq(l.n, 1, "g.queue;J shrank; vanished frames are not shrinkage");
    wdiff_path(&d, l.v[0], " > ", path, sizeof path);
    cr_assert_str_eq(path, "g.queue > J");
    cr_assert(wdiff_vanished(&d, &l, &err));
    cr_assert_eq(l.n, 1, "only the top of the vanished subtree");
    cr_assert_str_eq(wtree_name(&d.t, l.v[0]), "g.gone");
    /* truncation keeps the start and says the full length */
    cr_assert_eq(wdiff_path(&d, at(&d, "g.cache", "T"), ";", path, 5), 9);
    cr_assert_str_eq(path, "g.ca");
    VEC_FREE(&l);
    wdiff_free(&d);
    wtree_free(&o);
    wtree_free(&n);
}

Test(wdiff, everything_vanished)
{
    wtree o, n;
    wdiff d;
    ghf_err err = {0};
    tree(&o, OLD);
    tree(&n, "");
    cr_assert(wdiff_build(&d, &o, &n, &err), "%s", err.msg);
    wdiff_list l = {0};
    cr_assert(wdiff_vanished(&d, &l, &err));
    cr_assert_eq(l.n, 4, "every root frame, though the root ('all') itself weighs 0 now");
    cr_assert_str_eq(wtree_name(&d.t, l.v[0]), "g.cache");
    VEC_FREE(&l);
    wdiff_free(&d);
    wtree_free(&o);
    wtree_free(&n);
}

Test(wdiff, a_tree_against_itself_changes_nothing)
{
    wtree o;
    wdiff d;
    ghf_err err = {0};
    tree(&o, OLD);
    cr_assert(wdiff_build(&d, &o, &o, &err), "%s", err.msg);
    cr_assert_eq(d.t.nodes.n, o.nodes.n);
    for (uint32_t i = 0; i < d.t.nodes.n; i++) {
        cr_assert_eq(wdiff_delta_bytes(&d, i), 0);
        cr_assert_eq(wdiff_delta_count(&d, i), 0);
    }
    wdiff_list l = {0};
    cr_assert(wdiff_top(&d, 10, WDIFF_GREW, &l, &err));
    cr_assert_eq(l.n, 0);
    cr_assert(wdiff_vanished(&d, &l, &err));
    cr_assert_eq(l.n, 0);
    VEC_FREE(&l);
    wdiff_free(&d);
    wtree_free(&o);
}
