/* folded.c — folded-stack parser (see include/folded.h for the format). */
#include "folded.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parallel.h"

/* One frame as it stands in the input (escapes not yet undone). */
/* One frame as it stands in the input (escapes not yet undone). */
typedef struct raw_frame {
    const char *raw;
    uint32_t len : 31;
    uint32_t escaped : 1; /* has a '\\': unescape before naming */
    uint32_t name;        /* its interned name (wtree name id), for a line's new frames */
} raw_frame;

/* Longest frame: its length must fit raw_frame.len. */
#define FRAME_MAX ((size_t)INT32_MAX)

/* Parsing is two halves, so that large inputs can run them on two threads
 * (a pipeline; the tree is still built in input order, so the result is the
 * same either way):
 *   split: find the line's count and frames, and how many leading frames it
 *          shares with the previous line (sorted folded files repeat long
 *          prefixes line after line); intern the names of the others;
 *   apply: find or add the tree nodes of the frames that differ, add the count.
 * While parsing, the splitter owns the tree's name table (names, name_hash)
 * and the builder its nodes (nodes, nchildren, child_hash): wtree_child_id
 * reads no names, so the halves share no memory they write. */
typedef struct splitter {
    const char *what;
    const folded_opts *o;
    wtree *t;            /* only its names */
    VEC(char) unesc;
    VEC(raw_frame) prev;
    VEC(raw_frame) cur;  /* frames of the line being split */
    uint64_t total;
} splitter;

typedef struct builder {
    wtree *t;            /* only its nodes */
    bool totals;         /* keep total_bytes/count summed as lines arrive (a tree that
                            started empty): no wtree_finish pass over every node after */
    VEC(uint32_t) path;  /* tree nodes of the previous line's frames */
} builder;

static bool parse_count(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* How many leading bytes a[0..n) and b[0..n) have in common. */
static size_t common_prefix(const char *a, const char *b, size_t n)
{
    size_t i = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (; i + 8 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return i + (size_t)__builtin_ctzll(x ^ y) / 8; /* the lowest byte comes first */
    }
#endif
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Split line s[0..n): on success *blank tells a line to skip; otherwise
 * sp->cur holds its frames (root first), *count its count and *same how
 * many leading frames equal the previous line's. Call split_done after. */
static bool split_line(splitter *sp, const char *s, size_t n, size_t lineno, bool *blank,
                       uint64_t *count, size_t *same, ghf_err *err)
{
    *blank = false;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        *blank = true;
        return true;
    }
    if (memchr(s, '\0', n) != NULL)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: NUL byte in a folded line", sp->what, lineno);
    size_t cp = n;
    while (cp > 0 && s[cp - 1] != ' ' && s[cp - 1] != '\t')
        cp--;
    if (cp == 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: no count after the stack (expected \"a;b;c 123\")",
                        sp->what, lineno);
    if (!parse_count(s + cp, n - cp, count))
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: count '%.*s' is not a non-negative 64-bit integer",
                        sp->what, lineno, (int)(n - cp > 40 ? 40 : n - cp), s + cp);
    size_t stack_len = cp;
    while (stack_len > 0 && (s[stack_len - 1] == ' ' || s[stack_len - 1] == '\t'))
        stack_len--;
    if (stack_len == 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: empty stack before the count", sp->what, lineno);
    if (*count > UINT64_MAX - sp->total)
        return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: counts add up to more than 2^64", sp->what, lineno);
    sp->total += *count;

    /* Frames shared with the previous line are found by comparing bytes:
     * a prefix of equal bytes that ends where both lines end a frame holds
     * the same frames (the escapes before it read alike). Only the rest of
     * the line is split. (Not with --reverse: there the shared frames are
     * the line's last ones.) */
    bool by_bytes = !(sp->o != NULL && sp->o->reverse) && sp->prev.n > 0;
    size_t k = 0, start = 0;
    sp->cur.n = 0;
    if (by_bytes) {
        const raw_frame *pv = sp->prev.v;
        const char *p = pv[0].raw;
        size_t plen = (size_t)(pv[sp->prev.n - 1].raw + pv[sp->prev.n - 1].len - p);
        size_t eq = common_prefix(p, s, plen < stack_len ? plen : stack_len), end = 0;
        while (k < sp->prev.n) {
            size_t e = (size_t)(pv[k].raw - p) + pv[k].len;
            if (!(e < eq || (e == eq && (eq == stack_len || s[eq] == ';'))))
                break;
            end = e;
            k++;
        }
        if (!VEC_RESERVE(&sp->cur, k + 1, err))
            return false;
        for (size_t j = 0; j < k; j++)
            sp->cur.v[j] = pv[j], sp->cur.v[j].raw = s + (pv[j].raw - p);
        sp->cur.n = k;
        start = k > 0 ? end + 1 : 0;
    }
    /* Split (the rest) into raw frames at unescaped ';'. */
    bool escaped = false;
    for (size_t i = start; i <= stack_len; i++) {
        if (i + 1 < stack_len && s[i] == '\\') {
            escaped = true;
            i++; /* the next byte is escaped (or kept literally) */
            continue;
        }
        if (i == stack_len || s[i] == ';') {
            size_t flen = i - start;
            if (flen == 0)
                return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: empty frame in stack (\";;\", or ';' at an end)",
                                sp->what, lineno);
            if (flen > FRAME_MAX)
                return ghf_fail(err, GHF_EXIT_INPUT, "%s:%zu: a frame of more than 2 GiB", sp->what, lineno);
            raw_frame f = {s + start, (uint32_t)flen, escaped, 0};
            if (!VEC_PUSH(&sp->cur, f, err))
                return false;
            start = i + 1;
            escaped = false;
        }
    }
    if (by_bytes) {
        *same = k;
        return true;
    }
    size_t nf = sp->cur.n;
    raw_frame *fr = sp->cur.v;
    if (sp->o != NULL && sp->o->reverse)
        for (size_t i = 0; i < nf / 2; i++) {
            raw_frame tmp = fr[i];
            fr[i] = fr[nf - 1 - i];
            fr[nf - 1 - i] = tmp;
        }
    k = 0;
    while (k < nf && k < sp->prev.n && sp->prev.v[k].len == fr[k].len &&
           memcmp(sp->prev.v[k].raw, fr[k].raw, fr[k].len) == 0)
        k++;
    *same = k;
    return true;
}

/* The split line becomes the previous one. */
static void split_done(splitter *sp)
{
    VEC(raw_frame) tmp = {sp->prev.v, sp->prev.n, sp->prev.cap};
    sp->prev.v = sp->cur.v;
    sp->prev.n = sp->cur.n;
    sp->prev.cap = sp->cur.cap;
    sp->cur.v = tmp.v;
    sp->cur.n = 0;
    sp->cur.cap = tmp.cap;
}

/* Intern the names of the split line's frames from `same` on (those the
 * builder will look up), unescaping where needed. */
static bool name_fresh(splitter *sp, size_t same, ghf_err *err)
{
    for (size_t i = same; i < sp->cur.n; i++) {
        raw_frame *f = &sp->cur.v[i];
        const char *name = f->raw;
        size_t len = f->len;
        if (f->escaped) {
            sp->unesc.n = 0;
            if (!VEC_RESERVE(&sp->unesc, len, err))
                return false;
            for (size_t k = 0; k < len; k++) {
                char c = name[k];
                if (c == '\\' && k + 1 < len && (name[k + 1] == ';' || name[k + 1] == '\\'))
                    c = name[++k];
                sp->unesc.v[sp->unesc.n++] = c;
            }
            name = sp->unesc.v;
            len = sp->unesc.n;
        }
        if (!wtree_name_id(sp->t, name, len, &f->name, err))
            return false;
    }
    return true;
}

/* A tree with nothing in it yet gets its totals summed line by line. */
static bool sums_as_it_goes(const wtree *t)
{
    return t->nodes.n == 1 && t->nodes.v[WTREE_ROOT].total_bytes == 0 && t->nodes.v[WTREE_ROOT].total_count == 0 &&
           t->nodes.v[WTREE_ROOT].self_count == 0;
}

/* Add one line: its first `same` frames are the previous line's, then the
 * `nnew` frames in fresh[]. */
static bool apply_line(builder *b, size_t same, const raw_frame *fresh, size_t nnew, uint64_t count,
                       ghf_err *err)
{
    uint32_t node = same > 0 ? b->path.v[same - 1] : WTREE_ROOT;
    b->path.n = same;
    if (!VEC_RESERVE(&b->path, same + nnew, err))
        return false;
    for (size_t i = 0; i < nnew; i++) {
        if (!wtree_child_id(b->t, node, fresh[i].name, &node, err))
            return false;
        b->path.v[b->path.n++] = node;
    }
    wtree_add(b->t, node, count, 1);
    if (b->totals) { /* the line's nodes are in cache now, unlike in a pass at the end */
        wtree_node *nd = b->t->nodes.v;
        nd[WTREE_ROOT].total_bytes += count;
        nd[WTREE_ROOT].total_count++;
        for (size_t i = 0; i < b->path.n; i++) {
            nd[b->path.v[i]].total_bytes += count;
            nd[b->path.v[i]].total_count++;
        }
    }
    return true;
}

/* Once parsing is this far past them, pages of a private file mapping may
 * be dropped (only the previous line is referenced afterwards), so a large
 * input does not stay resident next to the tree built from it. Keep the
 * last chunk: the previous line may reach back into it. */
typedef struct releaser {
    const char *buf;
    size_t released;
    bool on;
} releaser;

static const size_t RELEASE_CHUNK = (size_t)4 << 20;

static void release_upto(releaser *r, const char *at)
{
    size_t done = (size_t)(at - r->buf);
    while (r->on && done >= r->released + 2 * RELEASE_CHUNK) {
        madvise((char *)r->buf + r->released, RELEASE_CHUNK, MADV_DONTNEED);
        r->released += RELEASE_CHUNK;
    }
}

/* The next line: [*s, *e) without its newline; *s advanced past it. */
static inline void next_line(const char **s, const char *end, const char **line, const char **line_end)
{
    const char *nl = memchr(*s, '\n', (size_t)(end - *s));
    *line = *s;
    *line_end = nl ? nl : end;
    *s = nl ? nl + 1 : end;
}

static bool parse_sequential(wtree *t, const char *buf, size_t len, const char *what,
                             const folded_opts *o, bool release_mapped, ghf_err *err)
{
    splitter sp = {.what = what, .o = o, .t = t};
    builder b = {.t = t, .totals = sums_as_it_goes(t)};
    releaser rel = {.buf = buf, .on = release_mapped};
    bool ok = true;
    size_t lineno = 0;
    const char *s = buf, *end = buf + len;
    while (s < end) {
        release_upto(&rel, s);
        const char *line, *line_end;
        next_line(&s, end, &line, &line_end);
        lineno++;
        bool blank;
        uint64_t count;
        size_t same;
        if (!split_line(&sp, line, (size_t)(line_end - line), lineno, &blank, &count, &same, err) ||
            (!blank && (!name_fresh(&sp, same, err) ||
                        !apply_line(&b, same, sp.cur.v + same, sp.cur.n - same, count, err)))) {
            ok = false;
            break;
        }
        if (!blank)
            split_done(&sp);
    }
    VEC_FREE(&sp.prev);
    VEC_FREE(&sp.cur);
    VEC_FREE(&sp.unesc);
    VEC_FREE(&b.path);
    return ok;
}

/* ---- the two-thread pipeline: a splitter thread feeds batches of split
 * lines to the calling thread, which builds the tree ---- */

enum { PIPE_BATCHES = 4, PIPE_LINES = 8192 };

typedef struct split_rec {
    uint64_t count;
    size_t same, nnew; /* the line's new frames follow the previous record's in `fresh` */
} split_rec;

typedef struct batch {
    VEC(split_rec) lines;
    VEC(raw_frame) fresh;
    const char *start;   /* where the batch's first line starts in the input */
    bool last;           /* no batch after this one */
    bool failed;         /* the splitter failed after this batch's lines: err */
    ghf_err err;
} batch;

typedef struct pipeline {
    const char *buf, *end;
    splitter sp;
    batch b[PIPE_BATCHES];
    size_t produced, consumed; /* batches; guarded by mu */
    bool stop;                 /* the builder failed: the splitter gives up */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pipeline;

static void *split_thread(void *arg)
{
    pipeline *pl = arg;
    const char *s = pl->buf;
    size_t lineno = 0;
    for (bool last = false; !last;) {
        pthread_mutex_lock(&pl->mu);
        while (pl->produced - pl->consumed == PIPE_BATCHES && !pl->stop)
            pthread_cond_wait(&pl->cv, &pl->mu);
        bool stop = pl->stop;
        pthread_mutex_unlock(&pl->mu);
        if (stop)
            return NULL;
        batch *bt = &pl->b[pl->produced % PIPE_BATCHES];
        bt->lines.n = bt->fresh.n = 0;
        bt->start = s;
        bt->failed = false;
        while (bt->lines.n < PIPE_LINES && s < pl->end && !bt->failed) {
            const char *line, *line_end;
            next_line(&s, pl->end, &line, &line_end);
            lineno++;
            bool blank;
            uint64_t count;
            size_t same;
            if (!split_line(&pl->sp, line, (size_t)(line_end - line), lineno, &blank, &count, &same, &bt->err)) {
                bt->failed = true;
                break;
            }
            if (blank)
                continue;
            if (!name_fresh(&pl->sp, same, &bt->err)) {
                bt->failed = true;
                break;
            }
            size_t nnew = pl->sp.cur.n - same;
            split_rec r = {count, same, nnew};
            if (!VEC_RESERVE(&bt->fresh, bt->fresh.n + nnew, &bt->err) || !VEC_PUSH(&bt->lines, r, &bt->err)) {
                bt->failed = true;
                break;
            }
            if (nnew > 0) /* (fresh.v may still be NULL) */
                memcpy(bt->fresh.v + bt->fresh.n, pl->sp.cur.v + same, nnew * sizeof *bt->fresh.v);
            bt->fresh.n += nnew;
            split_done(&pl->sp);
        }
        last = bt->last = bt->failed || s >= pl->end;
        pthread_mutex_lock(&pl->mu);
        pl->produced++;
        pthread_cond_broadcast(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
    }
    return NULL;
}

static bool parse_pipelined(wtree *t, const char *buf, size_t len, const char *what,
                            const folded_opts *o, bool release_mapped, bool *started, ghf_err *err)
{
    pipeline *pl = calloc(1, sizeof *pl);
    *started = false;
    if (pl == NULL)
        return true; /* not started: the caller parses sequentially */
    pl->buf = buf;
    pl->end = buf + len;
    pl->sp = (splitter){.what = what, .o = o, .t = t};
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->cv, NULL);
    pthread_t tid;
    bool ok = true;
    if (pthread_create(&tid, NULL, split_thread, pl) != 0)
        goto out;
    *started = true;
    builder b = {.t = t, .totals = sums_as_it_goes(t)};
    releaser rel = {.buf = buf, .on = release_mapped};
    for (bool last = false; !last && ok;) {
        pthread_mutex_lock(&pl->mu);
        while (pl->consumed == pl->produced)
            pthread_cond_wait(&pl->cv, &pl->mu);
        pthread_mutex_unlock(&pl->mu);
        batch *bt = &pl->b[pl->consumed % PIPE_BATCHES];
        release_upto(&rel, bt->start);
        const raw_frame *fresh = bt->fresh.v;
        for (size_t i = 0; i < bt->lines.n && ok; i++) {
            const split_rec *r = &bt->lines.v[i];
            ok = apply_line(&b, r->same, fresh, r->nnew, r->count, err);
            fresh += r->nnew;
        }
        if (ok && bt->failed) {
            *err = bt->err;
            ok = false;
        }
        last = bt->last;
        pthread_mutex_lock(&pl->mu);
        pl->consumed++;
        if (!ok)
            pl->stop = true;
        pthread_cond_broadcast(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
    }
    pthread_join(tid, NULL);
    VEC_FREE(&b.path);
out:
    for (int i = 0; i < PIPE_BATCHES; i++) {
        VEC_FREE(&pl->b[i].lines);
        VEC_FREE(&pl->b[i].fresh);
    }
    VEC_FREE(&pl->sp.prev);
    VEC_FREE(&pl->sp.cur);
    VEC_FREE(&pl->sp.unesc);
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->cv);
    free(pl);
    return ok;
}

/* Inputs smaller than this are parsed on the calling thread alone. */
#define FOLDED_PIPELINE_MIN ((size_t)4 << 20)

static bool parse_buffer(wtree *t, const char *buf, size_t len, const char *what,
                         const folded_opts *o, bool release_mapped, ghf_err *err)
{
    bool sums = sums_as_it_goes(t);
    bool ok = false, started = false;
    if (len >= FOLDED_PIPELINE_MIN && ghf_threads() > 1)
        ok = parse_pipelined(t, buf, len, what, o, release_mapped, &started, err);
    if (!started)
        ok = parse_sequential(t, buf, len, what, o, release_mapped, err);
    if (ok && sums)
        t->finished = true;
    else if (ok)
        wtree_finish(t);
    return ok;
}

bool folded_parse(wtree *t, const char *buf, size_t len, const char *what,
                  const folded_opts *o, ghf_err *err)
{
    return parse_buffer(t, buf, len, what, o, false, err);
}

static bool load_stdin(wtree *t, const folded_opts *o, ghf_err *err)
{
    VEC(char) buf = {0};
    for (;;) {
        if (!VEC_RESERVE(&buf, buf.n + 65536, err)) {
            VEC_FREE(&buf);
            return false;
        }
        ssize_t r = read(0, buf.v + buf.n, buf.cap - buf.n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            VEC_FREE(&buf);
            return ghf_fail(err, GHF_EXIT_INPUT, "cannot read standard input: %s", strerror(errno));
        }
        if (r == 0)
            break;
        buf.n += (size_t)r;
    }
    bool ok = folded_parse(t, buf.v ? buf.v : "", buf.n, "<stdin>", o, err);
    VEC_FREE(&buf);
    return ok;
}

bool folded_load(wtree *t, const char *path, const folded_opts *o, ghf_err *err)
{
    if (strcmp(path, "-") == 0)
        return load_stdin(t, o, err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ghf_fail(err, GHF_EXIT_INPUT, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return folded_parse(t, "", 0, path, o, err);
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return ghf_fail(err, GHF_EXIT_INPUT, "cannot map %s: %s", path, strerror(errno));
    madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
    bool ok = parse_buffer(t, m, (size_t)st.st_size, path, o, true, err);
    munmap(m, (size_t)st.st_size);
    return ok;
}

bool folded_write_frame(FILE *fp, const char *name)
{
    for (const char *c = name; *c; c++) {
        if ((*c == ';' || *c == '\\') && putc('\\', fp) == EOF)
            return false;
        if (putc(*c, fp) == EOF)
            return false;
    }
    return true;
}
