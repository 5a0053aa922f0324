/* Tests for the output writers (include/output.h). Each format is read back
 * by an independent parser — a C port of stackcollapse-stap.pl's loop for
 * .bt, python3's json module for JSON, `go tool pprof -raw` for pprof — and
 * compared with the tree's own stacks and totals. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output.h"

#define GO "/usr/lib/go-1.27/bin/go"

/* ---- the sample tree ---- */

static uint32_t child(wtree *t, uint32_t parent, const char *name, uint32_t kind, uint64_t bytes, uint64_t count)
{
    uint32_t id;
    ghf_err err = {0};
    cr_assert(wtree_child(t, parent, name, strlen(name), &id, &err), "%s", err.msg);
    t->nodes.v[id].kind = kind;
    wtree_add(t, id, bytes, count);
    return id;
}

/* Names that break naive writers: separators, escapes, the stap parser's
 * special shapes, JSON specials, non-ASCII and invalid UTF-8, and a chain
 * deep enough that recursion would hurt. with_controls adds names with
 * control characters (pprof keeps those raw; its text output can't be
 * parsed back line by line). */
static void sample_tree(wtree *t, bool with_controls)
{
    ghf_err err = {0};
    cr_assert(wtree_init(t, &err));
    uint32_t a = child(t, WTREE_ROOT, "main.a", WTREE_KIND_ROOT_GLOBAL, 0, 0);
    uint32_t tx = child(t, a, "main.T;x", WTREE_KIND_FRAME, 100, 1);
    child(t, tx, "[]uint8", WTREE_KIND_FRAME, 4096, 2);
    child(t, a, "back\\slash\\;", WTREE_KIND_FRAME, 8, 1);
    uint32_t b = child(t, WTREE_ROOT, "main.b", WTREE_KIND_ROOT_GLOBAL, 0, 0);
    child(t, b, "main.T;x", WTREE_KIND_FRAME, 1, 1);
    uint32_t sh = child(t, WTREE_ROOT, "[shared] main.a + main.b", WTREE_KIND_SHARED, 0, 0);
    child(t, sh, "struct { a int; b string \"json:\\\"b\\\"\" }", WTREE_KIND_FRAME, 48, 3);
    child(t, WTREE_ROOT, "12345", WTREE_KIND_ROOT_STACK, 7, 1);
    child(t, WTREE_ROOT, "", WTREE_KIND_ROOT_OTHER, 3, 1);
    child(t, WTREE_ROOT, " leading blank", WTREE_KIND_ROOT_OTHER, 4, 1);
    child(t, WTREE_ROOT, "x : y : z", WTREE_KIND_FRAME, 9, 1);
    child(t, WTREE_ROOT, "0x1 : f+0x2/0x3 [k]", WTREE_KIND_FRAME, 2, 1);
    child(t, WTREE_ROOT, "уникод ☃", WTREE_KIND_FRAME, 11, 1);
    child(t, WTREE_ROOT, "bad\xff\xc3utf8", WTREE_KIND_FRAME, 13, 1);
    child(t, WTREE_ROOT, "quote\"d 42", WTREE_KIND_FRAME, 17, 1);
    child(t, WTREE_ROOT, "100%s %d", WTREE_KIND_FRAME, 19, 1);
    child(t, WTREE_ROOT, "zero weight leaf", WTREE_KIND_FRAME, 0, 0);
    uint32_t more = child(t, WTREE_ROOT, "(3 more: 12 bytes)", WTREE_KIND_MORE, 12, 3);
    (void)more;
    if (with_controls)
        child(t, WTREE_ROOT, "line\nbreak\ttab\x7f", WTREE_KIND_FRAME, 5, 1);
    uint32_t v = child(t, WTREE_ROOT, "main.list", WTREE_KIND_ROOT_GLOBAL, 0, 0);
    for (int i = 0; i < 3000; i++)
        v = child(t, v, "main.Node", WTREE_KIND_FRAME, i % 7 == 0 ? 32 : 0, i % 7 == 0);
    wtree_finish(t);
}

static char *sanitize(const char *name) /* control characters -> '?', "" -> "-" */
{
    char *s = strdup(name[0] ? name : "-");
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return s;
}

/* "name\x1fname\x1f...\t<weight>" per node with nonzero weight: the stacks
 * a writer must produce, independent of the writer's escaping. */
typedef struct strs { char **v; size_t n, cap; } strs;

static void strs_push(strs *s, char *x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = x;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strs_sort(strs *s)
{
    qsort(s->v, s->n, sizeof *s->v, cmp_str);
}

static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static void assert_same(strs *got, strs *want, const char *what)
{
    strs_sort(got);
    strs_sort(want);
    cr_assert_eq(got->n, want->n, "%s: %zu stacks, want %zu", what, got->n, want->n);
    for (size_t i = 0; i < got->n; i++)
        cr_assert_str_eq(got->v[i], want->v[i], "%s: stack %zu: got [%.200s] want [%.200s]", what, i, got->v[i], want->v[i]);
}

static strs expected_stacks(const wtree *t, bool counts, bool sanitized)
{
    strs out = {0};
    for (uint32_t n = 1; n < t->nodes.n; n++) {
        uint64_t w = counts ? t->nodes.v[n].self_count : t->nodes.v[n].self_bytes;
        if (w == 0)
            continue;
        size_t cap = 64;
        char *buf = malloc(cap);
        buf[0] = '\0';
        /* collect root-first by walking up then reversing the order */
        uint32_t path[4096];
        int depth = 0;
        for (uint32_t v = n; v != WTREE_ROOT; v = t->nodes.v[v].parent)
            path[depth++] = v;
        size_t len = 0;
        for (int i = depth - 1; i >= 0; i--) {
            const char *raw = wtree_name(t, path[i]);
            char *nm = sanitized ? sanitize(raw) : strdup(raw[0] ? raw : "-");
            size_t need = len + strlen(nm) + 32;
            if (need > cap) {
                cap = 2 * need;
                buf = realloc(buf, cap);
            }
            len += (size_t)sprintf(buf + len, "%s%s", i == depth - 1 ? "" : "\x1f", nm);
            free(nm);
        }
        sprintf(buf + len, "\t%llu", (unsigned long long)w);
        strs_push(&out, buf);
    }
    return out;
}

/* Split an escaped frame list at unescaped ';' and unescape each frame. */
static char *unescape_stack(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            out[k++] = s[++i];
        else if (s[i] == ';')
            out[k++] = '\x1f';
        else
            out[k++] = s[i];
    }
    out[k] = '\0';
    return out;
}

static char *write_mem(bool (*fn)(const wtree *, FILE *, const output_opts *, ghf_err *),
                       const wtree *t, const output_opts *o, size_t *len)
{
    char *buf = NULL;
    FILE *fp = open_memstream(&buf, len);
    ghf_err err = {0};
    cr_assert(fn(t, fp, o, &err), "%s", err.msg);
    fclose(fp);
    return buf;
}

/* folded lines "escaped-stack N" -> "name\x1f...\tN" */
static strs parse_folded(const char *text, uint64_t *sum)
{
    strs out = {0};
    *sum = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl, "folded output ends with a newline");
        const char *sp = nl;
        while (sp > p && sp[-1] != ' ')
            sp--;
        cr_assert(sp > p, "line has a count");
        unsigned long long w = strtoull(sp, NULL, 10);
        *sum += w;
        char *stack = unescape_stack(p, (size_t)(sp - 1 - p));
        char *rec = malloc(strlen(stack) + 32);
        sprintf(rec, "%s\t%llu", stack, w);
        free(stack);
        strs_push(&out, rec);
        p = nl + 1;
    }
    return out;
}

Test(output, folded_round_trips_frames_and_totals)
{
    wtree t;
    sample_tree(&t, true);
    for (int counts = 0; counts <= 1; counts++) {
        output_opts o = {.weight = counts ? OUTPUT_WEIGHT_COUNT : OUTPUT_WEIGHT_BYTES};
        size_t len;
        char *text = write_mem(output_folded, &t, &o, &len);
        uint64_t sum;
        strs got = parse_folded(text, &sum);
        strs want = expected_stacks(&t, counts, true);
        cr_assert_eq(sum, counts ? t.nodes.v[0].total_count : t.nodes.v[0].total_bytes);
        assert_same(&got, &want, "folded");
        /* ';' inside a frame never appears unescaped */
        cr_assert(strstr(text, "main.T\\;x") != NULL);
        cr_assert(strstr(text, "back\\\\slash\\\\\\;") != NULL);
        strs_free(&got);
        strs_free(&want);
        free(text);
    }
    wtree_free(&t);
}

/* The loop of stackcollapse-stap.pl (FlameGraph), step by step:
 *   a line /^\s*(\d+)+$/ ends a stack with that count;
 *   a blank line is skipped;
 *   otherwise: strip leading blanks, s/\+[^+]*$//, s/.* : //, "" -> "-",
 *   and put the frame in front (the input is leaf first).
 * The result is collapsed "f1;f2;... N" lines with equal stacks summed. */
static bool perl_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

static strs stackcollapse_stap(const char *text)
{
    strs collapsed = {0};
    strs stack = {0}; /* frames leaf first */
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        p += n + (nl != NULL);
        size_t i = 0;
        while (perl_space(line[i]))
            i++;
        size_t j = i;
        while (line[j] >= '0' && line[j] <= '9')
            j++;
        if (j > i && line[j] == '\0') { /* a count */
            size_t len = 1;
            for (size_t k = 0; k < stack.n; k++)
                len += strlen(stack.v[k]) + 1;
            char *rec = malloc(len + 32);
            rec[0] = '\0';
            for (size_t k = stack.n; k-- > 0;) {
                strcat(rec, stack.v[k]);
                if (k > 0)
                    strcat(rec, ";");
            }
            sprintf(rec + strlen(rec), " %s", line + i);
            /* the script prints with printf "$stack $count\n": "%%" -> "%" */
            size_t k = 0;
            for (size_t m = 0; rec[m] != '\0'; m++) {
                if (rec[m] == '%') {
                    cr_assert_eq(rec[m + 1], '%', "a lone %% reaches printf: %s", rec);
                    m++;
                }
                rec[k++] = rec[m];
            }
            rec[k] = '\0';
            strs_push(&collapsed, rec);
            strs_free(&stack);
            free(line);
            continue;
        }
        if (line[i] == '\0') { /* blank */
            free(line);
            continue;
        }
        char *frame = strdup(line + i);
        char *plus = strrchr(frame, '+');
        if (plus != NULL)
            *plus = '\0';
        char *colon = NULL;
        for (char *q = frame; (q = strstr(q, " : ")) != NULL; q++)
            colon = q;
        if (colon != NULL)
            memmove(frame, colon + 3, strlen(colon + 3) + 1);
        if (frame[0] == '\0') {
            free(frame);
            frame = strdup("-");
        }
        strs_push(&stack, frame);
        free(line);
    }
    cr_assert_eq(stack.n, 0, "no frames after the last count");
    strs_free(&stack);
    return collapsed;
}

Test(output, stap_is_read_back_by_stackcollapse_stap_logic)
{
    wtree t;
    sample_tree(&t, true);
    size_t len;
    char *bt = write_mem(output_stap, &t, NULL, &len);
    char *folded = write_mem(output_folded, &t, NULL, &len);
    /* stackcollapse-stap.pl's output decodes to our folded output's stacks
     * (the .bt escapes more: " : " and leading blanks the script would eat) */
    strs got = stackcollapse_stap(bt);
    char *collapsed = NULL;
    size_t clen = 0;
    FILE *cfp = open_memstream(&collapsed, &clen);
    for (size_t i = 0; i < got.n; i++)
        fprintf(cfp, "%s\n", got.v[i]);
    fclose(cfp);
    uint64_t s1, s2;
    strs got_dec = parse_folded(collapsed, &s1);
    strs want_dec = parse_folded(folded, &s2);
    cr_assert_eq(s1, s2);
    assert_same(&got_dec, &want_dec, "stackcollapse-stap");
    strs_free(&got_dec);
    strs_free(&want_dec);
    free(collapsed);
    /* and the frames decode to the tree's names and weights */
    char *joined = NULL;
    size_t jlen = 0;
    FILE *fp = open_memstream(&joined, &jlen);
    for (size_t i = 0; i < got.n; i++)
        fprintf(fp, "%s\n", got.v[i]);
    fclose(fp);
    uint64_t sum;
    strs frames = parse_folded(joined, &sum);
    strs tree = expected_stacks(&t, false, true);
    cr_assert_eq(sum, t.nodes.v[0].total_bytes);
    assert_same(&frames, &tree, "stap frames");
    /* the shape: leaf first, space-indented frames, tab-indented count, blank line */
    cr_assert(strstr(bt, " []uint8\n main.T\\;x\n main.a\n\t4096\n\n") != NULL, "%.300s", bt);
    cr_assert(strstr(bt, " [shared] main.a + main.b+0x0\n") != NULL);
    cr_assert(strstr(bt, " 12345+0x0\n\t7\n") != NULL);
    cr_assert(strstr(bt, " x \\: y \\: z\n") != NULL);
    strs_free(&got);
    strs_free(&frames);
    strs_free(&tree);
    free(joined);
    free(bt);
    free(folded);
    wtree_free(&t);
}

static char tmpdir[] = "/tmp/ghf_output_test.XXXXXX";

static char *write_file(bool (*fn)(const wtree *, FILE *, const output_opts *, ghf_err *),
                        const wtree *t, const output_opts *o, const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    ghf_err err = {0};
    cr_assert(fn(t, fp, o, &err), "%s", err.msg);
    cr_assert_eq(fclose(fp), 0);
    return path;
}

static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        fwrite(buf, 1, n, m);
    fclose(m);
    *status = pclose(p);
    return out;
}

static void setup_tmp(void)
{
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown_tmp(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* Name as JSON carries it: invalid UTF-8 bytes become U+FFFD; hex-encoded. */
static void utf8_hex(const char *name, char *out)
{
    const unsigned char *p = (const unsigned char *)name;
    while (*p) {
        size_t n = 1;
        bool ok = true;
        if (*p >= 0x80) {
            n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
            ok = n > 0;
            for (size_t i = 1; ok && i < n; i++)
                ok = (p[i] & 0xc0) == 0x80;
        }
        if (!ok) {
            out += sprintf(out, "efbfbd");
            p++;
            continue;
        }
        for (size_t i = 0; i < n; i++)
            out += sprintf(out, "%02x", p[i]);
        p += n;
    }
    *out = '\0';
}

Test(output, json_is_valid_and_complete, .init = setup_tmp, .fini = teardown_tmp)
{
    wtree t;
    sample_tree(&t, true);
    output_opts o = {.title = "Retention \"dominator\" tree"};
    char *path = write_file(output_json, &t, &o, "tree.json");
    /* python walks it without recursion and prints one line per node:
     * depth, utf-8 hex of the name, kind, self, total bytes, counts */
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "python3 -c '\n"
             "import json,sys\n"
             "sys.setrecursionlimit(100000)\n"
             "d=json.load(open(sys.argv[1]))\n"
             "assert d[\"title\"]==\"Retention \\\"dominator\\\" tree\" and d[\"unit\"]==\"bytes\"\n"
             "st=[(d[\"tree\"],0)]\n"
             "while st:\n"
             "  n,dep=st.pop()\n"
             "  cb=sum(c[\"total_bytes\"] for c in n[\"children\"]); cc=sum(c[\"total_count\"] for c in n[\"children\"])\n"
             "  assert n[\"total_bytes\"]==n[\"self_bytes\"]+cb and n[\"total_count\"]==n[\"self_count\"]+cc\n"
             "  print(dep,n[\"name\"].encode().hex(),n[\"kind\"],n[\"self_bytes\"],n[\"total_bytes\"],n[\"self_count\"],n[\"total_count\"])\n"
             "  st.extend((c,dep+1) for c in reversed(n[\"children\"]))\n"
             "' %s",
             path);
    int status;
    char *out = run(cmd, &status);
    cr_assert_eq(status, 0, "python3 rejected the JSON:\n%s", out);
    /* expected: preorder over the tree */
    static const char *kinds[] = {"frame", "root_global", "root_stack", "root_other", "shared", "more"};
    char *want = NULL;
    size_t wlen = 0;
    FILE *w = open_memstream(&want, &wlen);
    uint32_t stack[8192], depth[8192];
    int sp = 0;
    stack[sp] = WTREE_ROOT;
    depth[sp++] = 0;
    while (sp > 0) {
        sp--;
        uint32_t v = stack[sp], dep = depth[sp];
        const wtree_node *nd = &t.nodes.v[v];
        char hex[1024];
        utf8_hex(v == WTREE_ROOT ? "all" : wtree_name(&t, v), hex);
        fprintf(w, "%u %s %s %llu %llu %llu %llu\n", dep, hex, v == WTREE_ROOT ? "all" : kinds[nd->kind],
                (unsigned long long)nd->self_bytes, (unsigned long long)nd->total_bytes,
                (unsigned long long)nd->self_count, (unsigned long long)nd->total_count);
        uint32_t kids[64], nk = 0;
        for (uint32_t c = nd->first_child; c != WTREE_NONE; c = t.nodes.v[c].next_sibling)
            kids[nk++] = c;
        while (nk > 0) {
            stack[sp] = kids[--nk];
            depth[sp++] = dep + 1;
        }
    }
    fclose(w);
    cr_assert_str_eq(out, want);
    free(out);
    free(want);
    wtree_free(&t);
}

Test(output, pprof_is_read_by_go_tool_pprof, .init = setup_tmp, .fini = teardown_tmp, .timeout = 280)
{
    wtree t;
    sample_tree(&t, false);
    output_opts o = {.title = "goheapflame test"};
    char *path = strdup(write_file(output_pprof, &t, &o, "heap.pb.gz"));
    /* `go tool pprof` builds pprof on first use; meson passes a cache in
     * the build directory so that happens once, not on every run. */
    const char *cache = getenv("GHF_TEST_GOCACHE");
    char env[1200];
    snprintf(env, sizeof env, "HOME=%s GOCACHE=%s%s GOTOOLCHAIN=local GOFLAGS= ", tmpdir,
             cache ? cache : tmpdir, cache ? "" : "/gocache");
    char cmd[2048];
    int status;

    /* -top: succeeds and states the tree's total in bytes */
    snprintf(cmd, sizeof cmd, "%s %s tool pprof -top -sample_index=retained_space -unit=B %s 2>&1", env, GO, path);
    char *top = run(cmd, &status);
    cr_assert_eq(status, 0, "%s", top);
    char want_total[128];
    snprintf(want_total, sizeof want_total, "of %lluB total", (unsigned long long)t.nodes.v[0].total_bytes);
    cr_assert(strstr(top, want_total) != NULL, "want '%s' in:\n%s", want_total, top);
    cr_assert(strstr(top, "Type: retained_space") != NULL);
    free(top);

    /* -raw: every sample's stack and values, and the location names */
    snprintf(cmd, sizeof cmd, "%s %s tool pprof -raw %s 2>/dev/null", env, GO, path);
    char *raw = run(cmd, &status);
    cr_assert_eq(status, 0, "%s", raw);
    cr_assert(strstr(raw, "objects/count retained_space/bytes[dflt]") != NULL, "%s", raw);
    cr_assert(strstr(raw, "Comment: goheapflame test") != NULL);
    char *names[256] = {0};
    char *loc = strstr(raw, "\nLocations\n");
    cr_assert_not_null(loc);
    for (char *line = strtok(loc + 11, "\n"); line != NULL && strncmp(line, "Mappings", 8) != 0;
         line = strtok(NULL, "\n")) {
        unsigned id;
        int off = 0;
        cr_assert_eq(sscanf(line, " %u: 0x0 M=%*u%n", &id, &off), 1, "%s", line);
        off++; /* the one blank before the name (names may start with blanks) */
        cr_assert_lt(id, 256);
        char *end = strstr(line, " :0:0 s=0");
        cr_assert_not_null(end, "%s", line);
        names[id] = strndup(line + off, (size_t)(end - line - off));
    }
    strs got = {0};
    uint64_t sum_bytes = 0, sum_count = 0;
    char *samples = strstr(raw, "[dflt]\n");
    for (char *p = samples + 7; p < loc;) {
        char *nl = strchr(p, '\n');
        unsigned long long cnt, bytes;
        int off;
        cr_assert_eq(sscanf(p, " %llu %llu:%n", &cnt, &bytes, &off), 2, "%.80s", p);
        sum_bytes += bytes;
        sum_count += cnt;
        /* ids are leaf first; rebuild root-first "name\x1f...\tbytes" */
        unsigned ids[4096];
        int nids = 0, used;
        char *ln = strndup(p, (size_t)(nl - p)); /* sscanf must not run into the next line */
        for (char *q = ln + off; nids < 4096 && sscanf(q, " %u%n", &ids[nids], &used) == 1; q += used)
            nids++;
        free(ln);
        char *rec = malloc(65536);
        size_t len = 0;
        for (int i = nids - 1; i >= 0; i--) {
            cr_assert_not_null(names[ids[i]]);
            len += (size_t)sprintf(rec + len, "%s%s", i == nids - 1 ? "" : "\x1f", names[ids[i]]);
        }
        sprintf(rec + len, "\t%llu", bytes);
        strs_push(&got, rec);
        p = nl + 1;
    }
    cr_assert_eq(sum_bytes, t.nodes.v[0].total_bytes);
    cr_assert_eq(sum_count, t.nodes.v[0].total_count);
    strs want = expected_stacks(&t, false, false);
    assert_same(&got, &want, "pprof -raw");
    /* frames are deduplicated: "main.T;x" under two roots is one location */
    int tx = 0;
    for (int i = 0; i < 256; i++)
        tx += names[i] != NULL && strcmp(names[i], "main.T;x") == 0;
    cr_assert_eq(tx, 1);
    for (int i = 0; i < 256; i++)
        free(names[i]);
    strs_free(&got);
    strs_free(&want);
    free(raw);

    /* -traces lists the deepest stack leaf first */
    snprintf(cmd, sizeof cmd, "%s %s tool pprof -traces %s 2>/dev/null", env, GO, path);
    char *traces = run(cmd, &status);
    cr_assert_eq(status, 0);
    cr_assert(strstr(traces, "[]uint8\n             main.T;x\n             main.a\n") != NULL, "%s", traces);
    free(traces);
    free(path);
    wtree_free(&t);
}

/* A full device makes every writer fail with the output exit code. */
Test(output, write_errors_are_reported)
{
    wtree t;
    sample_tree(&t, false);
    bool (*fns[])(const wtree *, FILE *, const output_opts *, ghf_err *) = {
        output_folded, output_stap, output_json, output_pprof};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        FILE *fp = fopen("/dev/full", "w");
        cr_assert_not_null(fp);
        ghf_err err = {0};
        cr_assert_not(fns[i](&t, fp, NULL, &err), "writer %zu", i);
        cr_assert_eq(err.code, GHF_EXIT_OUTPUT, "writer %zu: %d %s", i, err.code, err.msg);
        fclose(fp);
    }
    wtree_free(&t);
}

/* A tree with nothing in it: no stacks, a JSON root with no children. */
Test(output, empty_tree)
{
    wtree t;
    ghf_err err = {0};
    cr_assert(wtree_init(&t, &err));
    wtree_finish(&t);
    size_t len;
    char *text = write_mem(output_folded, &t, NULL, &len);
    cr_assert_eq(len, 0);
    free(text);
    text = write_mem(output_stap, &t, NULL, &len);
    cr_assert_eq(len, 0);
    free(text);
    text = write_mem(output_json, &t, NULL, &len);
    cr_assert_str_eq(text, "{\"title\":null,\"unit\":\"bytes\",\"tree\":\n{\"name\":\"all\",\"kind\":\"all\","
                           "\"self_bytes\":0,\"total_bytes\":0,\"self_count\":0,\"total_count\":0,\"children\":[]}}\n");
    free(text);
    text = write_mem(output_pprof, &t, NULL, &len);
    cr_assert_gt(len, 18, "a gzip stream"); /* header + trailer at least */
    cr_assert_eq((unsigned char)text[0], 0x1f);
    cr_assert_eq((unsigned char)text[1], 0x8b);
    free(text);
    wtree_free(&t);
}
