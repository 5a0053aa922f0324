/* Unit tests for render/: folded parser, layout, colours, text fitting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "color.h"
#include "folded.h"
#include "layout.h"
#include "render.h"
#include "textwidth.h"

static void parse(wtree *t, const char *text)
{
    ghf_err err = {0};
    cr_assert(wtree_init(t, &err));
    cr_assert(folded_parse(t, text, strlen(text), "test", NULL, &err), "%s", err.msg);
}

static uint32_t child(const wtree *t, uint32_t parent, const char *name)
{
    for (uint32_t c = t->nodes.v[parent].first_child; c != WTREE_NONE; c = t->nodes.v[c].next_sibling)
        if (strcmp(wtree_name(t, c), name) == 0)
            return c;
    return WTREE_NONE;
}

/* ---- folded parser ---- */

Test(folded, stacks_counts_and_escapes)
{
    wtree t;
    parse(&t, "a;b;c 10\na;b 5\r\n\n  \na;b;c 7\na\\;x;y\\\\z;p q 3\n");
    uint32_t a = child(&t, WTREE_ROOT, "a"), b = child(&t, a, "b"), c = child(&t, b, "c");
    cr_assert_neq(c, WTREE_NONE);
    cr_assert_eq(t.nodes.v[c].self_bytes, 17);
    cr_assert_eq(t.nodes.v[c].self_count, 2);
    cr_assert_eq(t.nodes.v[b].self_bytes, 5);
    cr_assert_eq(t.nodes.v[a].total_bytes, 22);
    uint32_t ax = child(&t, WTREE_ROOT, "a;x"), yz = child(&t, ax, "y\\z"), pq = child(&t, yz, "p q");
    cr_assert_neq(pq, WTREE_NONE, "escaped ';' and '\\\\', and a space inside a frame");
    cr_assert_eq(t.nodes.v[WTREE_ROOT].total_bytes, 25);
    wtree_free(&t);
}

/* Lines sharing bytes but not whole frames with the line before, and
 * escapes at the edge of the shared part. */
Test(folded, shared_prefix_ends_inside_a_frame_or_an_escape)
{
    wtree t;
    parse(&t, "a;b;c 1\na;b 2\na;bc 3\nab 8\na\\;b;c 4\na\\ 5\na\\\\;x 6\na\\\\ 7\na\\\\;x;y 9\n");
    uint32_t a = child(&t, WTREE_ROOT, "a"), b = child(&t, a, "b");
    cr_assert_eq(t.nodes.v[child(&t, b, "c")].self_bytes, 1);
    cr_assert_eq(t.nodes.v[b].self_bytes, 2);
    cr_assert_eq(t.nodes.v[child(&t, a, "bc")].self_bytes, 3);
    cr_assert_eq(t.nodes.v[child(&t, WTREE_ROOT, "ab")].self_bytes, 8);
    uint32_t asb = child(&t, WTREE_ROOT, "a;b");
    cr_assert_eq(t.nodes.v[child(&t, asb, "c")].self_bytes, 4);
    uint32_t abs = child(&t, WTREE_ROOT, "a\\");
    cr_assert_neq(abs, WTREE_NONE);
    cr_assert_eq(t.nodes.v[abs].self_bytes, 5 + 7, "'a\\' (kept) and 'a\\\\' (escaped) are one frame");
    uint32_t x = child(&t, abs, "x");
    cr_assert_eq(t.nodes.v[x].self_bytes, 6);
    cr_assert_eq(t.nodes.v[child(&t, x, "y")].self_bytes, 9);
    cr_assert_eq(t.nodes.v[WTREE_ROOT].total_bytes, 45);
    wtree_free(&t);
}

Test(folded, reverse_and_backslash_kept)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    folded_opts o = {.reverse = true};
    const char *s = "root;mid;C:\\dir 4\n";
    cr_assert(folded_parse(&t, s, strlen(s), "x", &o, &err));
    uint32_t leaf = child(&t, WTREE_ROOT, "C:\\dir");
    cr_assert_neq(leaf, WTREE_NONE, "a backslash before another byte is kept");
    cr_assert_neq(child(&t, child(&t, leaf, "mid"), "root"), WTREE_NONE);
    wtree_free(&t);
}

static void expect_error(const char *text, const char *want)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    cr_assert_not(folded_parse(&t, text, strlen(text), "in.folded", NULL, &err), "accepted: %s", text);
    cr_assert_eq(err.code, GHF_EXIT_INPUT);
    cr_assert(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
    wtree_free(&t);
}

Test(folded, errors_name_the_line)
{
    expect_error("a;b 1\na;b\n", "in.folded:2: no count");
    expect_error("a 1\nb 2\n\nc 1x\n", "in.folded:4: count '1x'");
    expect_error("a;;b 1\n", "in.folded:1: empty frame");
    expect_error("a;b; 1\n", "in.folded:1: empty frame");
    expect_error("ok 1\n;a 1\n", "in.folded:2: empty frame");
    expect_error("a 99999999999999999999\n", "in.folded:1: count");
    expect_error("a 18446744073709551615\nb 1\n", "in.folded:2: counts add up");
}

/* A folded text of at least 4 MiB (the two-thread pipeline's threshold):
 * deep stacks sharing prefixes, escapes, blank lines, CRLF. */
static char *big_folded(size_t *len)
{
    size_t cap = (size_t)8 << 20, n = 0;
    char *s = malloc(cap);
    cr_assert(s);
    uint64_t x = 12345;
    int depth = 0;
    int stack[48];
    while (n < ((size_t)6 << 20)) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int keep = depth - (int)(x >> 60) % 5;
        depth = keep < 1 ? 1 : keep;
        while (depth < 20 + (int)((x >> 40) % 20)) {
            stack[depth] = (int)((x >> (depth % 32)) % 97);
            depth++;
        }
        for (int i = 0; i < depth; i++)
            n += (size_t)sprintf(s + n, "%smain.T%d%s", i ? ";" : "", stack[i], stack[i] == 13 ? "\\;x" : "");
        n += (size_t)sprintf(s + n, " %u%s\n", (unsigned)(x >> 50), (x >> 20) % 50 == 0 ? "\r\n" : "");
    }
    *len = n;
    return s;
}

static void parse_with_threads(wtree *t, const char *s, size_t n, const char *threads, bool want_ok, ghf_err *err)
{
    ghf_err e0 = {0};
    cr_assert(wtree_init(t, &e0));
    cr_assert_eq(setenv("GHF_THREADS", threads, 1), 0);
    bool ok = folded_parse(t, s, n, "big.folded", NULL, err);
    unsetenv("GHF_THREADS");
    cr_assert_eq(ok, want_ok, "GHF_THREADS=%s: %s", threads, err->msg);
}

Test(folded, pipeline_gives_the_single_thread_tree)
{
    size_t n;
    char *s = big_folded(&n);
    wtree one, two;
    ghf_err err = {0};
    parse_with_threads(&one, s, n, "1", true, &err);
    parse_with_threads(&two, s, n, "2", true, &err);
    cr_assert_gt(one.nodes.n, 1000);
    cr_assert_eq(one.nodes.n, two.nodes.n);
    cr_assert_eq(memcmp(one.nodes.v, two.nodes.v, one.nodes.n * sizeof *one.nodes.v), 0, "nodes differ");
    cr_assert_eq(one.names.n, two.names.n);
    cr_assert_eq(memcmp(one.names.v, two.names.v, one.names.n), 0, "names differ");
    wtree_free(&one);
    wtree_free(&two);
    /* an error near the end: the same message both ways */
    char *at = memrchr(s, '\n', n - 200);
    cr_assert(at != NULL);
    memcpy(at + 1, ";;", 2); /* a line starting with an empty frame */
    ghf_err e1 = {0}, e2 = {0};
    parse_with_threads(&one, s, n, "1", false, &e1);
    parse_with_threads(&two, s, n, "2", false, &e2);
    cr_assert(strstr(e1.msg, "empty frame") != NULL, "%s", e1.msg);
    cr_assert_str_eq(e1.msg, e2.msg);
    wtree_free(&one);
    wtree_free(&two);
    free(s);
}

Test(folded, nul_byte)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    cr_assert_not(folded_parse(&t, "x 1\na\0b 1\n", 10, "f", NULL, &err));
    cr_assert(strstr(err.msg, "f:2: NUL") != NULL, "%s", err.msg);
    wtree_free(&t);
}

Test(folded, write_frame_round_trips)
{
    char *buf;
    size_t len;
    FILE *fp = open_memstream(&buf, &len);
    const char *names[] = {"a;b", "c\\d", "plain", "x\\;y"};
    for (int i = 0; i < 4; i++) {
        if (i)
            fputc(';', fp);
        cr_assert(folded_write_frame(fp, names[i]));
    }
    fputs(" 9\n", fp);
    fclose(fp);
    wtree t;
    parse(&t, buf);
    uint32_t n = WTREE_ROOT;
    for (int i = 0; i < 4; i++) {
        n = child(&t, n, names[i]);
        cr_assert_neq(n, WTREE_NONE, "frame %d (%s) lost in '%s'", i, names[i], buf);
    }
    free(buf);
    wtree_free(&t);
}

/* ---- layout ---- */

static void check_widths_add_up(const layout *l)
{
    /* For every shown rectangle: its shown children (rects with parent ==
     * it) sit side by side from its left edge and add up to width - self. */
    for (size_t i = 0; i < l->nshown; i++) {
        uint64_t sum = 0, x = l->rects.v[i].x;
        bool any = false;
        for (size_t j = 0; j < l->nshown; j++) {
            if (l->rects.v[j].parent != i)
                continue;
            any = true;
            cr_assert_eq(l->rects.v[j].x, x, "child %zu of %zu not adjacent", j, i);
            cr_assert_eq(l->rects.v[j].depth, l->rects.v[i].depth + 1);
            x += l->rects.v[j].width;
            sum += l->rects.v[j].width;
        }
        if (any)
            cr_assert_eq(sum, l->rects.v[i].width - l->rects.v[i].self,
                         "children of %s add up to %llu, want %llu", layout_label(l, &l->rects.v[i]),
                         (unsigned long long)sum,
                         (unsigned long long)(l->rects.v[i].width - l->rects.v[i].self));
    }
}

static const char *TREE = "r;b 30\nr;a 10\nr;c 20\nr;c;x 5\nr 1\n";

Test(layout, sort_by_name_and_size)
{
    wtree t;
    parse(&t, TREE);
    layout_opts o;
    layout_opts_default(&o);
    layout l;
    ghf_err err = {0};
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_eq(l.rects.n, 6); /* all, r, a, b, c, x */
    cr_assert_str_eq(layout_label(&l, &l.rects.v[0]), "all");
    cr_assert_str_eq(layout_label(&l, &l.rects.v[2]), "a");
    cr_assert_str_eq(layout_label(&l, &l.rects.v[3]), "b");
    cr_assert_str_eq(layout_label(&l, &l.rects.v[4]), "c");
    cr_assert_eq(l.rects.v[3].x, 10);
    cr_assert_eq(l.rects.v[4].x, 40);
    cr_assert_eq(l.rects.v[4].width, 25);
    check_widths_add_up(&l);
    layout_free(&l);
    o.sort = LAYOUT_SORT_SIZE;
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_str_eq(layout_label(&l, &l.rects.v[2]), "b");
    cr_assert_str_eq(layout_label(&l, &l.rects.v[3]), "c");
    cr_assert_str_eq(layout_label(&l, &l.rects.v[4]), "a");
    check_widths_add_up(&l);
    layout_free(&l);
    wtree_free(&t);
}

Test(layout, flame_and_icicle_rows)
{
    wtree t;
    parse(&t, TREE);
    layout_opts o;
    layout_opts_default(&o);
    layout l;
    ghf_err err = {0};
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_eq(l.max_depth, 3);
    cr_assert_eq(layout_row(&l, &l.rects.v[0]), 3, "flame: root on the bottom row");
    cr_assert_eq(layout_row(&l, &l.rects.v[5]), 0, "flame: deepest frame on top");
    layout_free(&l);
    o.orient = LAYOUT_ICICLE;
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_eq(layout_row(&l, &l.rects.v[0]), 0, "icicle: root on top");
    cr_assert_eq(layout_row(&l, &l.rects.v[5]), 3);
    layout_free(&l);
    wtree_free(&t);
}

Test(layout, pruning_merges_per_parent)
{
    /* 1000 units over 100 px: 1 unit = 0.1 px; min width 2 px = 20 units. */
    wtree t;
    parse(&t, "p;big 900\np;s1 10\np;s2 15\np;s3 5\nq;t1 19\nq;t2 51\n");
    layout_opts o;
    layout_opts_default(&o);
    o.width_px = 100;
    o.min_width_px = 2;
    layout l;
    ghf_err err = {0};
    cr_assert(layout_build(&t, &o, &l, &err));
    check_widths_add_up(&l);
    int more = 0;
    for (size_t i = 0; i < l.rects.n; i++) {
        const layout_rect *r = &l.rects.v[i];
        if (r->kind != WTREE_KIND_MORE)
            continue;
        more++;
        const char *parent = layout_label(&l, &l.rects.v[r->parent]);
        if (strcmp(parent, "p") == 0) {
            cr_assert_eq(r->merged, 3);
            cr_assert_eq(r->width, 30);
            cr_assert_str_eq(layout_label(&l, r), "(3 more: 30 bytes)");
        } else {
            cr_assert_str_eq(parent, "q");
            cr_assert_eq(r->merged, 1);
            cr_assert_eq(r->width, 19);
        }
    }
    cr_assert_eq(more, 2);
    layout_free(&l);
    wtree_free(&t);
}

/* Issue 17 item 4: what a merged frame hides stays in the layout,
 * collapsed: its members side by side over its range at its depth, their
 * children laid out at the scale of a view zoomed on it. */
Test(layout, merged_frames_keep_their_members)
{
    wtree t;
    parse(&t, "p;big 900\np;s1 10\np;s2 15\np;s3 5\np;s2;deep 4\nq;t1 19\nq;t2 51\n");
    layout_opts o;
    layout_opts_default(&o);
    o.width_px = 100;
    o.min_width_px = 2;
    layout l;
    ghf_err err = {0};
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_lt(l.nshown, l.rects.n);
    for (size_t i = 0; i < l.nshown; i++)
        cr_assert_eq(l.rects.v[i].reveal, LAYOUT_SHOWN);
    int expanded = 0;
    for (size_t m = 0; m < l.nshown; m++) {
        const layout_rect *M = &l.rects.v[m];
        if (M->kind != WTREE_KIND_MORE)
            continue;
        cr_assert(M->expanded, "merged frame %s not expanded", layout_label(&l, M));
        expanded++;
        uint64_t x = M->x, count = 0;
        const char *want_p[] = {"s1", "s2", "s3"}, *want_q[] = {"t1"};
        const char **want = strcmp(layout_label(&l, &l.rects.v[M->parent]), "p") == 0 ? want_p : want_q;
        for (size_t j = l.nshown; j < l.rects.n; j++) {
            const layout_rect *r = &l.rects.v[j];
            if (r->reveal != m || r->depth != M->depth)
                continue;
            cr_assert_eq(r->parent, M->parent, "a member is a child of the merged frame's parent");
            cr_assert_eq(r->x, x, "members sit side by side over the merged frame");
            cr_assert_str_eq(layout_label(&l, r), want[count], "member %llu", (unsigned long long)count);
            x += r->width;
            count++;
        }
        cr_assert_eq(count, M->merged);
        cr_assert_eq(x, M->x + M->width, "members fill the merged frame exactly");
    }
    cr_assert_eq(expanded, 2);
    /* s2's child, 4 of the merged 30 units at 100 px: 13 px, kept. */
    bool deep = false;
    for (size_t j = l.nshown; j < l.rects.n; j++)
        if (strcmp(layout_label(&l, &l.rects.v[j]), "deep") == 0) {
            deep = true;
            const layout_rect *s2 = &l.rects.v[l.rects.v[j].parent];
            cr_assert_str_eq(layout_label(&l, s2), "s2");
            cr_assert_eq(l.rects.v[j].reveal, s2->reveal, "descendants are revealed with their member");
            cr_assert_eq(l.rects.v[j].x, s2->x);
        }
    cr_assert(deep);
    cr_assert_not(l.hidden_capped);
    layout_free(&l);

    /* Budget: 2 collapsed rectangles keep q's one member, not p's three. */
    o.max_hidden = 2;
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert(l.hidden_capped);
    cr_assert_leq(l.rects.n - l.nshown, 2);
    for (size_t m = 0; m < l.nshown; m++)
        if (l.rects.v[m].kind == WTREE_KIND_MORE)
            cr_assert_eq(l.rects.v[m].expanded, l.rects.v[m].merged == 1);
    layout_free(&l);
    o.max_hidden = 0;
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_eq(l.nshown, l.rects.n);
    layout_free(&l);
    wtree_free(&t);
}

Test(layout, cap_drops_whole_child_groups)
{
    wtree t;
    parse(&t, "a;x 1\na;y 1\na;z 1\nb;x 1\nb;y 1\n");
    layout_opts o;
    layout_opts_default(&o);
    o.max_rects = 5; /* all, a, b: then a's 3 children fit (6 > 5? no: 3+3 = 6) */
    layout l;
    ghf_err err = {0};
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert(l.capped);
    cr_assert_leq(l.rects.n, 5);
    /* a's children (3) do not fit after 3 rects; b's two do. */
    cr_assert_eq(l.rects.n, 5);
    cr_assert_str_eq(layout_label(&l, &l.rects.v[l.rects.v[3].parent]), "b");
    cr_assert_str_eq(layout_label(&l, &l.rects.v[l.rects.v[4].parent]), "b");
    layout_free(&l);
    wtree_free(&t);
}

Test(layout, deep_chain_is_iterative)
{
    /* 100000 frames deep: a recursive walk would blow the stack under ASan. */
    size_t depth = 100000;
    char *s = malloc(depth * 2 + 8);
    size_t k = 0;
    for (size_t i = 0; i < depth; i++) {
        s[k++] = 'f';
        s[k++] = i + 1 < depth ? ';' : ' ';
    }
    strcpy(s + k, "7\n");
    wtree t;
    parse(&t, s);
    layout_opts o;
    layout_opts_default(&o);
    layout l;
    ghf_err err = {0};
    cr_assert(layout_build(&t, &o, &l, &err));
    cr_assert_eq(l.max_depth, depth);
    cr_assert_eq(l.rects.n, depth + 1);
    layout_free(&l);
    wtree_free(&t);
    free(s);
}

/* ---- colours ---- */

Test(color, categories)
{
    cr_assert_eq(color_category("main.Entry", 0, 0, 0), CAT_USER);
    cr_assert_eq(color_category("*github.com/x/y.T", 0, 0, 0), CAT_USER);
    cr_assert_eq(color_category("net/http.Request", 0, 0, 0), CAT_STD);
    cr_assert_eq(color_category("sync.Mutex", 0, 0, 0), CAT_STD);
    cr_assert_eq(color_category("runtime.g", 0, 0, 0), CAT_RUNTIME);
    cr_assert_eq(color_category("internal/abi.Type", 0, 0, 0), CAT_RUNTIME);
    cr_assert_eq(color_category("[]uint8", 0, 0, 0), CAT_BYTES);
    cr_assert_eq(color_category("string", 0, 0, 0), CAT_BYTES);
    cr_assert_eq(color_category("[64]uint8", 0, 0, 0), CAT_BYTES);
    cr_assert_eq(color_category("map[string]int", 0, 0, 0), CAT_MAP);
    cr_assert_eq(color_category("map.group[string]int", 0, 0, 0), CAT_MAP);
    cr_assert_eq(color_category("hash<string,int>", 0, 0, 0), CAT_MAP);
    cr_assert_eq(color_category("[]*main.T", 0, 0, 0), CAT_SLICE);
    cr_assert_eq(color_category("[4]main.T", 0, 0, 0), CAT_SLICE);
    cr_assert_eq(color_category("unknown.48", 0, 0, 0), CAT_UNKNOWN);
    cr_assert_eq(color_category("x", WTREE_KIND_ROOT_GLOBAL, 0, 0), CAT_ROOT_GLOBAL);
    cr_assert_eq(color_category("x", WTREE_KIND_ROOT_STACK, 0, 0), CAT_ROOT_STACK);
    cr_assert_eq(color_category("x", WTREE_KIND_MORE, 0, 0), CAT_MORE);
    cr_assert_eq(color_category("", 0, 0, 1), CAT_ALL);
}

/* Issue 17 item 1: the kind carried with the frame decides, whatever the
 * name looks like; the name only picks user / std / runtime. */
Test(color, type_kind_decides)
{
    cr_assert_eq(color_category("[]uint8", 0, WTYPE_BYTES, 0), CAT_BYTES);
    cr_assert_eq(color_category("string", 0, WTYPE_BYTES, 0), CAT_BYTES);
    cr_assert_eq(color_category("[]string", 0, WTYPE_SLICE, 0), CAT_SLICE);
    cr_assert_eq(color_category("map[string]*main.Session (groups)", 0, WTYPE_MAP, 0), CAT_MAP);
    cr_assert_eq(color_category("main.worker.func1 (closure)", 0, WTYPE_CLOSURE, 0), CAT_CLOSURE);
    cr_assert_eq(color_category("chan bool", 0, WTYPE_CHAN, 0), CAT_CHAN);
    cr_assert_eq(color_category("main.Session", 0, WTYPE_STRUCT, 0), CAT_USER);
    cr_assert_eq(color_category("*sync.Mutex", 0, WTYPE_POINTER, 0), CAT_STD);
    cr_assert_eq(color_category("unknown.48", 0, WTYPE_UNKNOWN, 0), CAT_UNKNOWN);
}

Test(color, deterministic_and_distinct)
{
    /* Pinned values: a change here changes every user's learned colours. */
    char hex[8];
    color_hex(color_frame("main.Entry", 0, 0, 0, COLOR_TYPE, THEME_LIGHT), hex);
    cr_assert_str_eq(hex, "#ed8c5e");
    rgb a = color_frame("main.Entry", 0, 0, 0, COLOR_TYPE, THEME_LIGHT);
    rgb b = color_frame("main.Entry", 0, 0, 0, COLOR_TYPE, THEME_LIGHT);
    rgb c = color_frame("main.Other", 0, 0, 0, COLOR_TYPE, THEME_LIGHT);
    rgb d = color_frame("main.Entry", 0, 0, 0, COLOR_TYPE, THEME_DARK);
    cr_assert(a.r == b.r && a.g == b.g && a.b == b.b);
    cr_assert(a.r != c.r || a.g != c.g || a.b != c.b, "two types share a shade");
    cr_assert(d.r + d.g + d.b < a.r + a.g + a.b, "dark theme is darker");
    /* Package colouring: same package, same colour. */
    rgb p1 = color_frame("net/http.Request", 0, 0, 0, COLOR_PACKAGE, THEME_LIGHT);
    rgb p2 = color_frame("net/http.Header", 0, 0, 0, COLOR_PACKAGE, THEME_LIGHT);
    cr_assert(p1.r == p2.r && p1.g == p2.g && p1.b == p2.b);
    rgb m = color_frame("main.Entry", 0, 0, 0, COLOR_MONO, THEME_LIGHT);
    cr_assert(m.r == m.g && m.g == m.b, "mono is grey");
}

/* ---- text ---- */

Test(text, fit_keeps_the_tail)
{
    const char *s = "net/http.Request";
    bool dots;
    size_t all = strlen(s);
    cr_assert_eq(text_fit_tail(s, all, 12, 1000, &dots), all);
    cr_assert_not(dots);
    double w = text_width("..ttp.Request", 13, 12);
    size_t k = text_fit_tail(s, all, 12, w + 0.01, &dots);
    cr_assert(dots);
    cr_assert_str_eq(s + all - k, "ttp.Request");
    cr_assert_eq(text_fit_tail(s, all, 12, 5, &dots), 0);
    /* Multi-byte characters are never split. */
    const char *u = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    k = text_fit_tail(u, 12, 12, text_width("..", 2, 12) + 3 * 0.62 * 12 + 0.01, &dots);
    cr_assert_eq(k, 6);
    cr_assert(dots);
    /* Fewer than three characters after ".." is not worth drawing. */
    cr_assert_eq(text_fit_tail(u, 12, 12, text_width("..", 2, 12) + 2 * 0.62 * 12 + 0.01, &dots), 0);
}

Test(text, sanitize)
{
    text_buf b = {0};
    ghf_err err = {0};
    cr_assert(text_sanitize("a\x01" "b\xff" "c\xc3\xa9\xed\xa0\x80", 10, &b, &err));
    const char *want = "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd";
    cr_assert_eq(b.n, strlen(want));
    cr_assert(memcmp(b.v, want, b.n) == 0);
    VEC_FREE(&b);
}

Test(render, human_bytes)
{
    char buf[32];
    render_human_bytes(1023, buf, sizeof buf);
    cr_assert_str_eq(buf, "1023 B");
    render_human_bytes(1536, buf, sizeof buf);
    cr_assert_str_eq(buf, "1.5 KiB");
    render_human_bytes(3ull << 30, buf, sizeof buf);
    cr_assert_str_eq(buf, "3.0 GiB");
}

/* Totals summed line by line (a parse into an empty tree) are the ones
 * wtree_finish computes from the own weights; a second parse into the same
 * tree adds to them like one parse of both texts. */
Test(folded, running_totals_match_wtree_finish)
{
    size_t n;
    char *s = big_folded(&n);
    wtree t, both;
    ghf_err err = {0};
    parse_with_threads(&t, s, n, "2", true, &err);
    cr_assert(t.finished);
    size_t nn = t.nodes.n;
    uint64_t *tb = malloc(nn * sizeof *tb), *tc = malloc(nn * sizeof *tc);
    cr_assert(tb != NULL && tc != NULL);
    for (size_t i = 0; i < nn; i++)
        tb[i] = t.nodes.v[i].total_bytes, tc[i] = t.nodes.v[i].total_count;
    cr_assert_gt(tb[WTREE_ROOT], 0);
    wtree_finish(&t);
    for (size_t i = 0; i < nn; i++) {
        cr_assert_eq(t.nodes.v[i].total_bytes, tb[i], "node %zu", i);
        cr_assert_eq(t.nodes.v[i].total_count, tc[i], "node %zu", i);
    }
    /* again into the same tree, next to one parse of the text twice */
    cr_assert(folded_parse(&t, s, n, "again", NULL, &err), "%s", err.msg);
    char *twice = malloc(2 * n);
    cr_assert(twice != NULL);
    memcpy(twice, s, n);
    memcpy(twice + n, s, n);
    parse_with_threads(&both, twice, 2 * n, "1", true, &err);
    cr_assert_eq(t.nodes.n, both.nodes.n);
    for (size_t i = 0; i < both.nodes.n; i++) {
        cr_assert_eq(t.nodes.v[i].total_bytes, both.nodes.v[i].total_bytes, "node %zu", i);
        cr_assert_eq(t.nodes.v[i].total_count, both.nodes.v[i].total_count, "node %zu", i);
        cr_assert_eq(t.nodes.v[i].total_bytes, 2 * tb[i], "node %zu", i);
    }
    wtree_free(&t);
    wtree_free(&both);
    free(twice);
    free(tb);
    free(tc);
    free(s);
}
